"""Reads of users, invitations and API tokens, always scoped to the actor."""

from typing import Any

from django.db.models import Q, QuerySet

from cairn.accounts import policies
from cairn.accounts.models import ApiToken, Invitation, User, hash_secret
from cairn.core.access import NotFound, access_object
from cairn.core.roles import Role


def access_user(actor: Any, pk: Any, *, action: str = "view") -> User:
    """Return the user with this key if the actor may see them and do `action`."""
    queryset = User.objects.select_related("organization")
    return access_object(  # type: ignore[no-any-return]
        queryset, actor, pk, action=action, policies=policies.USER_POLICIES
    )


def list_users_for(
    actor: Any,
    *,
    organization_id: int | None = None,
    vendor_staff: bool = False,
    role: str = "",
    is_active: bool | None = None,
    search: str = "",
) -> QuerySet[User]:
    """Return the users the actor may see, narrowed by the given filters."""
    users = User.objects.visible_to(actor).select_related("organization")
    if vendor_staff:
        users = users.filter(
            organization__isnull=True,
            role__in=policies.roles_for_organization(None),
        )
    if organization_id is not None:
        users = users.filter(organization_id=organization_id)
    if role:
        users = users.filter(role=role)
    if is_active is not None:
        users = users.filter(is_active=is_active)
    search = search.strip()
    if search:
        users = users.filter(
            Q(email__icontains=search) | Q(full_name__icontains=search)
        )
    return users.order_by("full_name", "email")  # type: ignore[no-any-return]


def has_active_admin(organization_id: int) -> bool:
    """Say whether a partner organization has an active partner admin."""
    return bool(
        User.objects.filter(
            organization_id=organization_id, role=Role.PARTNER_ADMIN, is_active=True
        ).exists()
    )


def access_invitation(actor: Any, pk: Any, *, action: str = "view") -> Invitation:
    """Return the invitation with this key if the actor may see it and do `action`."""
    queryset = Invitation.objects.select_related("organization", "invited_by")
    return access_object(  # type: ignore[no-any-return]
        queryset, actor, pk, action=action, policies=policies.INVITATION_POLICIES
    )


def list_invitations_for(
    actor: Any,
    *,
    organization_id: int | None = None,
    vendor_staff: bool = False,
    pending_only: bool = False,
    outstanding_only: bool = False,
) -> QuerySet[Invitation]:
    """Return the invitations the actor may see, newest first.

    Outstanding invitations are neither accepted nor revoked: pending or expired,
    which can be sent again.
    """
    invitations = Invitation.objects.visible_to(actor).select_related(
        "organization", "invited_by"
    )
    if vendor_staff:
        invitations = invitations.filter(organization__isnull=True)
    if organization_id is not None:
        invitations = invitations.filter(organization_id=organization_id)
    if pending_only:
        invitations = invitations.pending()
    if outstanding_only:
        invitations = invitations.filter(
            accepted_at__isnull=True, revoked_at__isnull=True
        )
    return invitations.order_by("-created_at", "-id")


def find_invitation_by_key(raw_key: str) -> Invitation:
    """Return the invitation a secret link names, whatever its status.

    The key is the capability: whoever holds the link may see the invitation.
    """
    if not raw_key or len(raw_key) > 200:
        raise NotFound
    invitation = (
        Invitation.objects.select_related("organization")
        .filter(key_hash=hash_secret(raw_key))
        .first()
    )
    if invitation is None:
        raise NotFound
    return invitation  # type: ignore[no-any-return]


def email_has_account(email: str) -> bool:
    """Say whether someone already signs in with this email address."""
    return bool(User.objects.filter(email__iexact=email.strip()).exists())


def access_api_token(actor: Any, pk: Any, *, action: str = "view") -> ApiToken:
    """Return one of the actor's API tokens."""
    return access_object(  # type: ignore[no-any-return]
        ApiToken.objects.all(),
        actor,
        pk,
        action=action,
        policies=policies.API_TOKEN_POLICIES,
    )


def list_api_tokens_for(actor: Any) -> QuerySet[ApiToken]:
    """Return the actor's own API tokens, newest first."""
    return ApiToken.objects.visible_to(actor).order_by("-created_at", "-id")
