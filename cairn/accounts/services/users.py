"""Writes of users: joining by email domain, roles, activation, profiles."""

from typing import Any

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cairn.accounts import policies
from cairn.accounts.choices import JobFunction
from cairn.accounts.models import User
from cairn.accounts.services._common import (
    USER_MEMBERSHIP_FIELDS,
    ensure_active_admin_remains,
    is_active_admin,
    max_length,
)
from cairn.core.audit import record_write, snapshot
from cairn.core.events import record_event
from cairn.core.models import AuditAction
from cairn.core.roles import Role
from cairn.partners import selectors as partner_selectors


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
    organization = partner_selectors.organization_joinable_by_email_domain(
        user.email.rsplit("@", 1)[-1]
    )
    if organization is None:
        return None
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.organization_id is not None or locked.role:
            return None
        before = snapshot(locked, USER_MEMBERSHIP_FIELDS)
        locked.organization = organization
        locked.role = Role.PARTNER_REP
        locked.save(update_fields=["organization", "role"])
        record_write(
            AuditAction.UPDATE,
            locked,
            actor=locked,
            organization_id=organization.pk,
            before=before,
            after=snapshot(locked, USER_MEMBERSHIP_FIELDS),
            reason="Joined by verified email domain.",
            verb="user.joined_by_domain",
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
            ensure_active_admin_remains(
                user,
                losing_admin=is_active_admin(user)
                and role not in {Role.PARTNER_ADMIN, Role.VENDOR_ADMIN},
            )
        except ValidationError as error:
            raise ValidationError({"role": error.messages}) from error
        before = snapshot(user, ["role"])
        user.role = role
        user.save(update_fields=["role"])
        record_write(
            AuditAction.UPDATE,
            user,
            actor=actor,
            organization_id=user.organization_id,
            before=before,
            after=snapshot(user, ["role"]),
            verb="user.role_changed",
            data={"from": before["role"], "to": role},
        )
    return user


def deactivate_user(user: User, *, actor: Any) -> User:
    """Stop a colleague from signing in or using their API tokens."""
    return _set_active(user, is_active=False, actor=actor, verb="user.deactivated")


def reactivate_user(user: User, *, actor: Any) -> User:
    """Let a deactivated colleague sign in again."""
    return _set_active(user, is_active=True, actor=actor, verb="user.reactivated")


def _set_active(user: User, *, is_active: bool, actor: Any, verb: str) -> User:
    if not policies.can_deactivate_user(actor, user):
        raise PermissionDenied
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_active == is_active:
            return user
        if not is_active:
            try:
                ensure_active_admin_remains(user, losing_admin=is_active_admin(user))
            except ValidationError as error:
                raise ValidationError({"is_active": error.messages}) from error
        user.is_active = is_active
        user.save(update_fields=["is_active"])
        record_write(
            AuditAction.UPDATE,
            user,
            actor=actor,
            organization_id=user.organization_id,
            before={"is_active": not is_active},
            after={"is_active": is_active},
            verb=verb,
            data={},
        )
    return user


def update_profile(
    user: User,
    *,
    full_name: str,
    job_title: str,
    actor: Any,
    job_function: str | None = None,
) -> User:
    """Change one's own name, job title and (if given) job function.

    A changed job function is also the event `user.job_function_changed`, on which
    the learning rules of the new function apply.
    """
    if not policies.can_edit_profile(actor, user):
        raise PermissionDenied
    full_name = (full_name or "").strip()
    job_title = (job_title or "").strip()
    errors: dict[str, str] = {}
    for field, value in (("full_name", full_name), ("job_title", job_title)):
        if len(value) > max_length(User, field):
            errors[field] = "This is too long."
    if job_function is not None and job_function not in {"", *JobFunction.values}:
        errors["job_function"] = "Choose one of the job functions."
    if errors:
        raise ValidationError(errors)
    fields = ["full_name", "job_title", "job_function"]
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = snapshot(user, fields)
        user.full_name = full_name
        user.job_title = job_title
        if job_function is not None:
            user.job_function = job_function
        user.save(update_fields=fields)
        after = snapshot(user, fields)
        if before != after:
            record_write(
                AuditAction.UPDATE,
                user,
                actor=actor,
                organization_id=user.organization_id,
                before=before,
                after=after,
                verb="user.profile_updated",
                data={},
            )
        if before["job_function"] != after["job_function"]:
            record_event(
                "user.job_function_changed",
                actor=actor,
                organization_id=user.organization_id,
                target=user,
                data={"user_id": user.pk, "job_function": user.job_function},
            )
    return user
