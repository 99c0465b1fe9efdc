"""Every write of the accounts app: invitations, membership, roles, profiles, tokens.

Each service checks its policy, runs in one transaction, records an audit entry and an
activity event, and leaves nothing half-written when it refuses.
"""

import datetime
import secrets
from typing import Any

import structlog
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cairn.accounts import policies
from cairn.accounts.authentication import TOKEN_PREFIX
from cairn.accounts.choices import InvitationStatus, TokenScope
from cairn.accounts.models import ApiToken, Invitation, User, hash_secret
from cairn.core.audit import record_audit, snapshot
from cairn.core.events import record_event
from cairn.core.models import AuditAction
from cairn.core.roles import VENDOR_ROLES, Role

logger = structlog.get_logger(__name__)

MAX_ACTIVE_API_TOKENS = 50
MAX_API_TOKEN_DAYS = 730
EXPIRE_BATCH_SIZE = 1000
_USER_MEMBERSHIP_FIELDS = ("organization", "role", "is_active")


class InvitationClosedError(ValidationError):
    """The invitation can no longer be accepted: accepted, revoked or expired."""

    def __init__(self, status: str) -> None:
        messages: dict[str, str] = {
            InvitationStatus.ACCEPTED: "This invitation has already been used.",
            InvitationStatus.REVOKED: "This invitation was withdrawn.",
            InvitationStatus.EXPIRED: "This invitation has expired.",
        }
        super().__init__(
            messages.get(status, "This invitation is closed."), code=status
        )
        self.status = status


def _max_length(model: type[models.Model], field_name: str) -> int:
    field = model._meta.get_field(field_name)
    return int(getattr(field, "max_length", 0) or 0)


def _normalize_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError({"email": "Enter a valid email address."}) from error
    return email


def _new_invitation_key() -> str:
    return secrets.token_urlsafe(32)


def _invitation_expiry(now: datetime.datetime) -> datetime.datetime:
    return now + datetime.timedelta(days=settings.INVITATION_VALID_DAYS)


def invitation_url(raw_key: str) -> str:
    """Return the absolute address of the page that accepts an invitation."""
    path = reverse("accounts:invitation_accept", kwargs={"key": raw_key})
    return settings.SITE_URL.rstrip("/") + path


def _send_invitation_email(invitation_id: int, raw_key: str) -> None:
    # Sent in-process after commit rather than from a task: a task's arguments are
    # stored in the queue, and the raw key must never be stored anywhere.
    invitation = (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        return
    context = {
        "invitation": invitation,
        "organization_name": (
            invitation.organization.name
            if invitation.organization
            else settings.VENDOR_NAME
        ),
        "role_label": Role(invitation.role).label,
        "inviter_name": (
            invitation.invited_by.display_name if invitation.invited_by else ""
        ),
        "accept_url": invitation_url(raw_key),
        "vendor_name": settings.VENDOR_NAME,
        "valid_days": settings.INVITATION_VALID_DAYS,
    }
    subject = " ".join(
        render_to_string("accounts/email/invitation_subject.txt", context).split()
    )
    body = render_to_string("accounts/email/invitation_message.txt", context)
    try:
        send_mail(
            getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "") + subject,
            body,
            None,
            [invitation.email],
        )
    except OSError:
        # The invitation exists and can be resent; a mail outage must not turn the
        # committed action into an error page.
        logger.exception("invitation_email_failed", invitation_id=invitation_id)


def _close_past_expiry(invitations: Any, *, now: datetime.datetime) -> int:
    """Mark open invitations past their expiry as expired; return how many."""
    closed = 0
    for invitation in invitations.select_for_update().order_by("pk")[
        :EXPIRE_BATCH_SIZE
    ]:
        invitation.expired_at = now
        invitation.save(update_fields=["expired_at"])
        record_audit(
            AuditAction.UPDATE,
            invitation,
            actor=None,
            organization_id=invitation.organization_id,
            before={"expired_at": None},
            after={"expired_at": now.isoformat()},
            reason="The invitation passed its expiry without being accepted.",
        )
        record_event(
            "invitation.expired",
            actor=None,
            organization_id=invitation.organization_id,
            target=invitation,
            data={"role": invitation.role},
        )
        closed += 1
    return closed


def invite_user(
    email: str, *, organization: Any, role: str, actor: Any
) -> tuple[Invitation, str]:
    """Invite `email` to join `organization` (None: the vendor's staff) in `role`.

    Return the invitation and its secret key, which is mailed and never stored.
    """
    if not policies.can_invite_user(actor, organization):
        raise PermissionDenied
    email = _normalize_email(email)
    organization_id = organization.pk if organization is not None else None
    if role not in policies.roles_for_organization(organization_id):
        raise ValidationError(
            {"role": "Choose a role that fits this organization."}, code="invalid"
        )
    now = timezone.now()
    with transaction.atomic():
        existing = User.objects.filter(email__iexact=email).first()
        if existing is not None:
            if organization_id is not None and existing.organization_id == (
                organization_id
            ):
                raise ValidationError(
                    {"email": "This person is already a member of the team."},
                    code="member",
                )
            if existing.organization_id is not None or existing.role:
                raise ValidationError(
                    {"email": "This person already belongs to another organization."},
                    code="other_organization",
                )
        _close_past_expiry(
            Invitation.objects.past_expiry().filter(
                organization_id=organization_id, email__iexact=email
            ),
            now=now,
        )
        if (
            Invitation.objects.open()
            .filter(organization_id=organization_id, email__iexact=email)
            .exists()
        ):
            raise ValidationError(
                {"email": "An invitation to this address is pending; resend it."},
                code="pending",
            )
        raw_key = _new_invitation_key()
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(
                    email=email,
                    organization=organization,
                    role=role,
                    invited_by=actor,
                    key_hash=hash_secret(raw_key),
                    created_at=now,
                    expires_at=_invitation_expiry(now),
                )
        except IntegrityError as error:
            # Another request invited the same address a moment ago.
            raise ValidationError(
                {"email": "An invitation to this address is pending; resend it."},
                code="pending",
            ) from error
        record_audit(
            AuditAction.CREATE,
            invitation,
            actor=actor,
            organization_id=organization_id,
            after=snapshot(invitation),
        )
        record_event(
            "invitation.sent",
            actor=actor,
            organization_id=organization_id,
            target=invitation,
            data={"email": email, "role": role},
        )
        invitation_id = invitation.pk
        transaction.on_commit(lambda: _send_invitation_email(invitation_id, raw_key))
    return invitation, raw_key


def _locked_invitation(invitation: Invitation) -> Invitation:
    return Invitation.objects.select_for_update().get(  # type: ignore[no-any-return]
        pk=invitation.pk
    )


def revoke_invitation(invitation: Invitation, *, actor: Any) -> Invitation:
    """Withdraw an invitation so that its link no longer works."""
    if not policies.can_manage_invitation(actor, invitation):
        raise PermissionDenied
    with transaction.atomic():
        invitation = _locked_invitation(invitation)
        if invitation.accepted_at is not None:
            raise ValidationError(
                "This invitation has already been accepted.", code="accepted"
            )
        if invitation.revoked_at is not None:
            return invitation
        before = snapshot(invitation, ["revoked_at"])
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        record_audit(
            AuditAction.UPDATE,
            invitation,
            actor=actor,
            organization_id=invitation.organization_id,
            before=before,
            after=snapshot(invitation, ["revoked_at"]),
        )
        record_event(
            "invitation.revoked",
            actor=actor,
            organization_id=invitation.organization_id,
            target=invitation,
            data={"email": invitation.email},
        )
    return invitation


def resend_invitation(invitation: Invitation, *, actor: Any) -> tuple[Invitation, str]:
    """Send an open or expired invitation again, with a new key and a new expiry."""
    if not policies.can_manage_invitation(actor, invitation):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        invitation = _locked_invitation(invitation)
        if invitation.accepted_at is not None or invitation.revoked_at is not None:
            raise InvitationClosedError(invitation.status)
        before = snapshot(invitation, ["expires_at", "expired_at"])
        raw_key = _new_invitation_key()
        invitation.key_hash = hash_secret(raw_key)
        invitation.expires_at = _invitation_expiry(now)
        invitation.expired_at = None
        try:
            with transaction.atomic():
                invitation.save(update_fields=["key_hash", "expires_at", "expired_at"])
        except IntegrityError as error:
            raise ValidationError(
                "A newer invitation to this address is pending.", code="pending"
            ) from error
        record_audit(
            AuditAction.UPDATE,
            invitation,
            actor=actor,
            organization_id=invitation.organization_id,
            before=before,
            after=snapshot(invitation, ["expires_at", "expired_at"]),
            reason="Invitation sent again with a new key.",
        )
        record_event(
            "invitation.sent",
            actor=actor,
            organization_id=invitation.organization_id,
            target=invitation,
            data={"email": invitation.email, "role": invitation.role, "resent": True},
        )
        invitation_id = invitation.pk
        transaction.on_commit(lambda: _send_invitation_email(invitation_id, raw_key))
    return invitation, raw_key


def _invitation_for_key(raw_key: str) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update()
        .filter(key_hash=hash_secret(raw_key or ""))
        .first()
    )
    if invitation is None:
        raise ValidationError("No invitation matches this link.", code="unknown")
    return invitation  # type: ignore[no-any-return]


def _ensure_active_admin_remains(user: User, *, losing_admin: bool) -> None:
    """Refuse a change that leaves the user's organization (or the vendor) without an
    active administrator.
    """
    if not losing_admin:
        return
    if user.organization_id is not None:
        admins = User.objects.filter(
            organization_id=user.organization_id, role=Role.PARTNER_ADMIN
        )
    else:
        admins = User.objects.filter(organization__isnull=True, role=Role.VENDOR_ADMIN)
    # Locking every admin row serializes concurrent demotions, so two admins cannot
    # demote each other at the same moment and leave nobody in charge.
    remaining = [
        admin.pk
        for admin in admins.select_for_update().order_by("pk")
        if admin.pk != user.pk and admin.is_active
    ]
    if not remaining:
        raise ValidationError(
            "Keep at least one active administrator: make someone else an "
            "administrator first.",
            code="last_admin",
        )


def _is_active_admin(user: User) -> bool:
    return user.is_active and user.role in {Role.PARTNER_ADMIN, Role.VENDOR_ADMIN}


def _mark_email_verified(user: User, email: str) -> None:
    """Record that the person controls `email` (an invitation link proves it)."""
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if address is None:
        has_primary = EmailAddress.objects.filter(user=user, primary=True).exists()
        EmailAddress.objects.create(
            user=user, email=email, verified=True, primary=not has_primary
        )
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])


def _join(user: User, invitation: Invitation, *, actor: Any) -> None:
    """Give the user the invitation's organization and role, and close it."""
    before = snapshot(user, _USER_MEMBERSHIP_FIELDS)
    if user.role != invitation.role:
        _ensure_active_admin_remains(
            user,
            losing_admin=_is_active_admin(user)
            and invitation.role not in {Role.PARTNER_ADMIN, Role.VENDOR_ADMIN},
        )
    user.organization_id = invitation.organization_id
    user.role = invitation.role
    user.save(update_fields=["organization", "role"])
    record_audit(
        AuditAction.UPDATE,
        user,
        actor=actor,
        organization_id=user.organization_id,
        before=before,
        after=snapshot(user, _USER_MEMBERSHIP_FIELDS),
        reason="Accepted an invitation.",
    )
    invitation_before = snapshot(invitation, ["accepted_at", "accepted_by"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record_audit(
        AuditAction.UPDATE,
        invitation,
        actor=actor,
        organization_id=invitation.organization_id,
        before=invitation_before,
        after=snapshot(invitation, ["accepted_at", "accepted_by"]),
    )
    _mark_email_verified(user, invitation.email)
    record_event(
        "invitation.accepted",
        actor=actor,
        organization_id=invitation.organization_id,
        target=invitation,
        data={"user_id": user.pk, "email": user.email, "role": invitation.role},
    )


def accept_invitation(raw_key: str, *, user: Any) -> Invitation:
    """Make the signed-in `user` join the organization and role of an invitation.

    Accepting twice counts once: a second acceptance by the same person changes
    nothing.
    """
    with transaction.atomic():
        invitation = _invitation_for_key(raw_key)
        if invitation.accepted_at is not None:
            if invitation.accepted_by_id == user.pk:
                return invitation
            raise InvitationClosedError(InvitationStatus.ACCEPTED)
        if invitation.status != InvitationStatus.PENDING:
            raise InvitationClosedError(invitation.status)
        if not policies.can_accept_invitation(user, invitation):
            raise PermissionDenied("This invitation is for another email address.")
        user = User.objects.select_for_update().get(pk=user.pk)
        if invitation.organization_id is None:
            if user.organization_id is not None:
                raise ValidationError(
                    "Partner users cannot join the vendor's staff.",
                    code="other_organization",
                )
        elif user.role in VENDOR_ROLES or (
            user.organization_id not in (None, invitation.organization_id)
        ):
            raise ValidationError(
                "You already belong to another organization.",
                code="other_organization",
            )
        _join(user, invitation, actor=user)
    return invitation


def sign_up_by_invitation(raw_key: str, *, full_name: str, password: str) -> User:
    """Create the invited person's account, verified by the link, and accept."""
    full_name = (full_name or "").strip()
    if not full_name:
        raise ValidationError({"full_name": "Enter your name."}, code="required")
    if len(full_name) > _max_length(User, "full_name"):
        raise ValidationError({"full_name": "This name is too long."}, code="long")
    with transaction.atomic():
        invitation = _invitation_for_key(raw_key)
        if invitation.status != InvitationStatus.PENDING:
            raise InvitationClosedError(invitation.status)
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(
                {"email": "An account with this address exists: sign in to accept."},
                code="exists",
            )
        candidate = User(email=invitation.email, full_name=full_name)
        try:
            validate_password(password, candidate)
        except ValidationError as error:
            raise ValidationError({"password": error.messages}) from error
        user = User.objects.create_user(invitation.email, password, full_name=full_name)
        record_audit(
            AuditAction.CREATE,
            user,
            actor=user,
            organization_id=invitation.organization_id,
            after=snapshot(user),
            reason="Signed up through an invitation.",
        )
        _join(user, invitation, actor=user)
    return user  # type: ignore[no-any-return]


def _organization_for_email_domain(email: str) -> Any:
    from cairn.partners.models import PartnerOrganization

    domain = email.rsplit("@", 1)[-1].strip().lower()
    if not domain:
        return None
    return (
        PartnerOrganization.objects.filter(
            allows_domain_join=True, email_domains__domain__iexact=domain
        )
        .order_by("pk")
        .first()
    )


def join_organization_by_domain(user: Any) -> Any:
    """Make a person without an organization a partner rep of the organization that
    owns the domain of their verified email address, if it allows joining by domain.

    Return the organization joined, or None.
    """
    if user.organization_id is not None or user.role or not user.is_active:
        return None
    if not EmailAddress.objects.filter(
        user=user, email__iexact=user.email, verified=True
    ).exists():
        return None
    organization = _organization_for_email_domain(user.email)
    if organization is None:
        return None
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.organization_id is not None or locked.role:
            return None
        before = snapshot(locked, _USER_MEMBERSHIP_FIELDS)
        locked.organization = organization
        locked.role = Role.PARTNER_REP
        locked.save(update_fields=["organization", "role"])
        record_audit(
            AuditAction.UPDATE,
            locked,
            actor=locked,
            organization_id=organization.pk,
            before=before,
            after=snapshot(locked, _USER_MEMBERSHIP_FIELDS),
            reason="Joined by verified email domain.",
        )
        record_event(
            "user.joined_by_domain",
            actor=locked,
            organization_id=organization.pk,
            target=locked,
            data={"domain": user.email.rsplit("@", 1)[-1].lower()},
        )
    user.organization = organization
    user.role = Role.PARTNER_REP
    return organization


def change_user_role(user: User, *, role: str, actor: Any) -> User:
    """Give a colleague another role within their organization (or the vendor)."""
    if not policies.can_change_user_role(actor, user):
        raise PermissionDenied
    if role not in policies.roles_for_organization(user.organization_id):
        raise ValidationError({"role": "Choose a role that fits this organization."})
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.role == role:
            return user
        try:
            _ensure_active_admin_remains(
                user,
                losing_admin=_is_active_admin(user)
                and role not in {Role.PARTNER_ADMIN, Role.VENDOR_ADMIN},
            )
        except ValidationError as error:
            raise ValidationError({"role": error.messages}) from error
        before = snapshot(user, ["role"])
        user.role = role
        user.save(update_fields=["role"])
        record_audit(
            AuditAction.UPDATE,
            user,
            actor=actor,
            organization_id=user.organization_id,
            before=before,
            after=snapshot(user, ["role"]),
        )
        record_event(
            "user.role_changed",
            actor=actor,
            organization_id=user.organization_id,
            target=user,
            data={"from": before["role"], "to": role},
        )
    return user


def deactivate_user(user: User, *, actor: Any) -> User:
    """Stop a colleague from signing in or using their API tokens."""
    if not policies.can_deactivate_user(actor, user):
        raise PermissionDenied
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.is_active:
            return user
        try:
            _ensure_active_admin_remains(user, losing_admin=_is_active_admin(user))
        except ValidationError as error:
            raise ValidationError({"is_active": error.messages}) from error
        user.is_active = False
        user.save(update_fields=["is_active"])
        record_audit(
            AuditAction.UPDATE,
            user,
            actor=actor,
            organization_id=user.organization_id,
            before={"is_active": True},
            after={"is_active": False},
        )
        record_event(
            "user.deactivated",
            actor=actor,
            organization_id=user.organization_id,
            target=user,
        )
    return user


def reactivate_user(user: User, *, actor: Any) -> User:
    """Let a deactivated colleague sign in again."""
    if not policies.can_deactivate_user(actor, user):
        raise PermissionDenied
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_active:
            return user
        user.is_active = True
        user.save(update_fields=["is_active"])
        record_audit(
            AuditAction.UPDATE,
            user,
            actor=actor,
            organization_id=user.organization_id,
            before={"is_active": False},
            after={"is_active": True},
        )
        record_event(
            "user.reactivated",
            actor=actor,
            organization_id=user.organization_id,
            target=user,
        )
    return user


def update_profile(user: User, *, full_name: str, job_title: str, actor: Any) -> User:
    """Change one's own name and job title."""
    if not policies.can_edit_profile(actor, user):
        raise PermissionDenied
    full_name = (full_name or "").strip()
    job_title = (job_title or "").strip()
    errors: dict[str, str] = {}
    for field, value in (("full_name", full_name), ("job_title", job_title)):
        if len(value) > _max_length(User, field):
            errors[field] = "This is too long."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = snapshot(user, ["full_name", "job_title"])
        user.full_name = full_name
        user.job_title = job_title
        user.save(update_fields=["full_name", "job_title"])
        after = snapshot(user, ["full_name", "job_title"])
        if before != after:
            record_audit(
                AuditAction.UPDATE,
                user,
                actor=actor,
                organization_id=user.organization_id,
                before=before,
                after=after,
            )
            record_event(
                "user.profile_updated",
                actor=actor,
                organization_id=user.organization_id,
                target=user,
            )
    return user


def _clean_scopes(scopes: Any) -> list[str]:
    if isinstance(scopes, str) or not scopes:
        raise ValidationError({"scopes": "Choose at least one scope."})
    chosen = {str(scope) for scope in scopes}
    unknown = chosen - set(TokenScope.values)
    if unknown:
        raise ValidationError(
            {"scopes": f"Unknown scopes: {', '.join(sorted(unknown))}."}
        )
    return sorted(chosen)


def create_api_token(
    user: User,
    *,
    name: str,
    scopes: Any,
    expires_in_days: int | None,
    actor: Any,
) -> tuple[ApiToken, str]:
    """Create a personal API token; return it and its secret, shown only once."""
    if not policies.can_create_api_token(actor, user):
        raise PermissionDenied
    errors: dict[str, Any] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = "Name the token after what uses it."
    elif len(name) > _max_length(ApiToken, "name"):
        errors["name"] = "This name is too long."
    try:
        clean_scopes = _clean_scopes(scopes)
    except ValidationError as error:
        errors.update(error.message_dict)
    if expires_in_days is not None and not (
        isinstance(expires_in_days, int) and 1 <= expires_in_days <= MAX_API_TOKEN_DAYS
    ):
        errors["expires_in_days"] = (
            f"Give a number of days between 1 and {MAX_API_TOKEN_DAYS}, or none."
        )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        if ApiToken.objects.filter(user=user).usable().count() >= MAX_ACTIVE_API_TOKENS:
            raise ValidationError(
                f"You have {MAX_ACTIVE_API_TOKENS} active tokens: revoke one first.",
                code="too_many",
            )
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=raw[:12],
            key_hash=hash_secret(raw),
            scopes=clean_scopes,
            created_at=now,
            expires_at=(
                now + datetime.timedelta(days=expires_in_days)
                if expires_in_days
                else None
            ),
        )
        record_audit(
            AuditAction.CREATE,
            token,
            actor=actor,
            organization_id=user.organization_id,
            after=snapshot(token),
        )
        record_event(
            "api_token.created",
            actor=actor,
            organization_id=user.organization_id,
            target=token,
            data={"name": name, "scopes": clean_scopes},
        )
    return token, raw


def revoke_api_token(token: ApiToken, *, actor: Any) -> ApiToken:
    """Revoke an API token at once; revoking twice changes nothing."""
    if not policies.can_revoke_api_token(actor, token):
        raise PermissionDenied
    with transaction.atomic():
        token = (
            ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
        )
        if token.revoked_at is not None:
            return token
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_audit(
            AuditAction.UPDATE,
            token,
            actor=actor,
            organization_id=token.user.organization_id,
            before={"revoked_at": None},
            after={"revoked_at": token.revoked_at.isoformat()},
        )
        record_event(
            "api_token.revoked",
            actor=actor,
            organization_id=token.user.organization_id,
            target=token,
            data={"name": token.name},
        )
    return token


def expire_invitations(*, now: datetime.datetime | None = None) -> int:
    """Close open invitations that passed their expiry; return how many were closed."""
    now = now or timezone.now()
    with transaction.atomic():
        return _close_past_expiry(
            Invitation.objects.open().filter(expires_at__lte=now), now=now
        )
