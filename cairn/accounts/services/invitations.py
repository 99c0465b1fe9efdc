"""Writes of invitations: invite, resend, revoke, accept, sign up, expire."""

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
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cairn.accounts import policies
from cairn.accounts.choices import InvitationStatus
from cairn.accounts.models import Invitation, User, hash_secret
from cairn.accounts.services._common import (
    USER_MEMBERSHIP_FIELDS,
    ensure_active_admin_remains,
    is_active_admin,
    max_length,
)
from cairn.core.audit import record_audit, record_write, snapshot
from cairn.core.models import AuditAction
from cairn.core.roles import VENDOR_ROLES, Role

logger = structlog.get_logger(__name__)

EXPIRE_BATCH_SIZE = 1000


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
        record_write(
            AuditAction.UPDATE,
            invitation,
            actor=None,
            organization_id=invitation.organization_id,
            before={"expired_at": None},
            after={"expired_at": now.isoformat()},
            reason="The invitation passed its expiry without being accepted.",
            verb="invitation.expired",
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
        record_write(
            AuditAction.CREATE,
            invitation,
            actor=actor,
            organization_id=organization_id,
            after=snapshot(invitation),
            verb="invitation.sent",
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
        record_write(
            AuditAction.UPDATE,
            invitation,
            actor=actor,
            organization_id=invitation.organization_id,
            before=before,
            after=snapshot(invitation, ["revoked_at"]),
            verb="invitation.revoked",
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
        record_write(
            AuditAction.UPDATE,
            invitation,
            actor=actor,
            organization_id=invitation.organization_id,
            before=before,
            after=snapshot(invitation, ["expires_at", "expired_at"]),
            reason="Invitation sent again with a new key.",
            verb="invitation.sent",
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
    before = snapshot(user, USER_MEMBERSHIP_FIELDS)
    if user.role != invitation.role:
        ensure_active_admin_remains(
            user,
            losing_admin=is_active_admin(user)
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
        after=snapshot(user, USER_MEMBERSHIP_FIELDS),
        reason="Accepted an invitation.",
    )
    invitation_before = snapshot(invitation, ["accepted_at", "accepted_by"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record_write(
        AuditAction.UPDATE,
        invitation,
        actor=actor,
        organization_id=invitation.organization_id,
        before=invitation_before,
        after=snapshot(invitation, ["accepted_at", "accepted_by"]),
        verb="invitation.accepted",
        data={"user_id": user.pk, "email": user.email, "role": invitation.role},
    )
    _mark_email_verified(user, invitation.email)


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
    if len(full_name) > max_length(User, "full_name"):
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


def expire_invitations(*, now: datetime.datetime | None = None) -> int:
    """Close open invitations that passed their expiry; return how many were closed."""
    now = now or timezone.now()
    with transaction.atomic():
        return _close_past_expiry(
            Invitation.objects.open().filter(expires_at__lte=now), now=now
        )
