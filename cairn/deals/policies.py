"""Who may register, see, review and decide deal registrations and their conflicts."""

from typing import Any

from cairn.core import roles
from cairn.deals.choices import (
    PENDING_STATUSES,
    ConflictStatus,
    RegistrationStatus,
)

ROLE_LABELS: dict[str, str] = {
    roles.Role.VENDOR_ADMIN: "Vendor admin",
    roles.Role.CHANNEL_MANAGER: "Channel manager",
    roles.Role.PARTNER_ADMIN: "Partner admin",
    roles.Role.PARTNER_REP: "Partner rep",
}
SYSTEM_LABEL = "Automatic rule"


def role_label(actor: Any) -> str:
    """Name the actor's role as partners see it in a status history."""
    role = roles.role_of(actor)
    return ROLE_LABELS.get(role, SYSTEM_LABEL) if role else SYSTEM_LABEL


def _active_member(actor: Any, program: Any) -> bool:
    from cairn.partners.choices import MembershipStatus
    from cairn.partners.models import ProgramMembership

    return bool(
        ProgramMembership.objects.filter(
            organization_id=roles.organization_id_of(actor),
            program=program,
            status=MembershipStatus.ACTIVE,
        ).exists()
    )


def can_register_deal(actor: Any, program: Any) -> bool:
    """Let partner users register deals in a program their organization is active in."""
    return roles.is_partner_user(actor) and _active_member(actor, program)


def _owns(actor: Any, registration: Any) -> bool:
    """Say whether a partner user may act for the registration's partner.

    Partner admins act for every registration of their organization; reps for the
    ones they registered.
    """
    if roles.organization_id_of(actor) != registration.organization_id:
        return False
    if roles.is_partner_admin(actor):
        return True
    return roles.is_partner_user(actor) and registration.registered_by_id == actor.pk


def acts_for_partner(actor: Any, registration: Any) -> bool:
    """Say whether the actor is the registration's partner: its registering rep or
    a partner admin of its organization.
    """
    return _owns(actor, registration)


def _manages(actor: Any, registration: Any) -> bool:
    """Say whether a channel manager manages the registration's partner or program."""
    if not roles.is_channel_manager(actor):
        return False
    from cairn.partners.models import ProgramMembership

    if registration.program.managers.filter(pk=actor.pk).exists():
        return True
    return bool(
        ProgramMembership.objects.filter(
            organization_id=registration.organization_id,
            program_id=registration.program_id,
            channel_manager=actor,
        ).exists()
    )


def can_view_registration(actor: Any, registration: Any) -> bool:
    """Say whether the registration is in the actor's scope: vendor admins see all,
    channel managers their partners', partner admins their organization's, and reps
    the ones they registered.
    """
    from cairn.deals.models import DealRegistration

    return bool(
        DealRegistration.objects.visible_to(actor).filter(pk=registration.pk).exists()
    )


def can_update_registration(actor: Any, registration: Any) -> bool:
    """Let the registering partner edit a draft or answer a request for information."""
    return _owns(actor, registration) and registration.status in {
        RegistrationStatus.DRAFT,
        RegistrationStatus.MORE_INFO_REQUESTED,
    }


def can_submit_registration(actor: Any, registration: Any) -> bool:
    """Let the registering partner submit a draft or a completed answer."""
    return can_update_registration(actor, registration)


def can_review_registration(actor: Any, registration: Any) -> bool:
    """Let vendor admins, the channel managers of the partner or program, and the
    program's second approver decide a pending registration.
    """
    if registration.status not in PENDING_STATUSES:
        return False
    return _is_reviewer(actor, registration)


def _is_reviewer(actor: Any, registration: Any) -> bool:
    if roles.is_vendor_admin(actor) or _manages(actor, registration):
        return True
    settings = getattr(registration.program, "deal_settings", None)
    return bool(
        roles.is_vendor_staff(actor)
        and settings is not None
        and settings.second_approver_id == actor.pk
    )


def can_update_sales_stage(actor: Any, registration: Any) -> bool:
    """Let the registering partner and the reviewers move an approved deal's stage."""
    if registration.status != RegistrationStatus.APPROVED:
        return False
    return _owns(actor, registration) or _is_reviewer(actor, registration)


def can_resolve_conflict(actor: Any, conflict: Any) -> bool:
    """Let vendor admins and the channel managers of the later registration decide an
    open conflict.
    """
    if conflict.status != ConflictStatus.OPEN:
        return False
    return roles.is_vendor_admin(actor) or _manages(actor, conflict.registration)


def can_appeal_conflict(actor: Any, conflict: Any) -> bool:
    """Let the later registration's partner (its admin or the registering rep) appeal
    a decided conflict, once.
    """
    return (
        conflict.status == ConflictStatus.RESOLVED
        and conflict.appealed_at is None
        and _owns(actor, conflict.registration)
    )


def can_view_conflict_details(actor: Any) -> bool:
    """Let only the vendor's staff see both sides of a conflict."""
    return roles.is_vendor_staff(actor)


def can_manage_direct_pipeline(actor: Any) -> bool:
    """Let vendor admins import and change the direct pipeline."""
    return roles.is_vendor_admin(actor)


def can_configure_deal_rules(actor: Any, program: Any) -> bool:
    """Let vendor admins set a program's protection and review service level."""
    return roles.is_vendor_admin(actor)


def can_view_deal_settings(actor: Any, program: Any) -> bool:
    """Let vendor admins and the program's channel managers read its deal rules and
    form; only vendor admins change them.
    """
    if roles.is_vendor_admin(actor):
        return True
    return bool(
        roles.is_channel_manager(actor)
        and program.managers.filter(pk=actor.pk).exists()
    )


# Statuses in which the registering partner may add files: until a decision closes
# the registration (rejected or expired ones take no more).
ATTACHABLE_STATUSES = frozenset(
    {
        RegistrationStatus.DRAFT,
        RegistrationStatus.SUBMITTED,
        RegistrationStatus.UNDER_REVIEW,
        RegistrationStatus.MORE_INFO_REQUESTED,
        RegistrationStatus.APPROVED,
    }
)


def can_add_attachment(actor: Any, registration: Any) -> bool:
    """Let the registering partner attach files to an open registration."""
    return registration.status in ATTACHABLE_STATUSES and _owns(actor, registration)


def can_delete_attachment(actor: Any, attachment: Any) -> bool:
    """Let the uploader remove a file while its registration is a draft."""
    registration = attachment.registration
    return (
        registration.status == RegistrationStatus.DRAFT
        and attachment.uploaded_by_id == actor.pk
        and _owns(actor, registration)
    )


def can_request_extension(actor: Any, registration: Any) -> bool:
    """Let the registering partner ask once at a time for more protection time
    while the registration is protected and the program's limit allows.
    """
    from cairn.deals.choices import ExtensionStatus, SalesStage

    if not registration.is_protected or not _owns(actor, registration):
        return False
    if registration.sales_stage in {SalesStage.WON, SalesStage.LOST}:
        return False
    requests = registration.extension_requests.all()
    if requests.filter(status=ExtensionStatus.PENDING).exists():
        return False
    settings = getattr(registration.program, "deal_settings", None)
    limit = settings.max_extensions if settings is not None else 1
    return bool(requests.filter(status=ExtensionStatus.APPROVED).count() < limit)


def can_decide_extension(actor: Any, extension: Any) -> bool:
    """Let the registration's reviewers decide a pending extension request."""
    from cairn.deals.choices import ExtensionStatus

    return extension.status == ExtensionStatus.PENDING and _is_reviewer(
        actor, extension.registration
    )


def can_view_service_levels(actor: Any) -> bool:
    """Let the vendor's staff see review service levels, per approver, and deal
    velocity; partners see only the median time to decision of their programs.
    """
    return roles.is_vendor_staff(actor)


def can_move_stage_on_board(actor: Any, registration: Any) -> bool:
    """Let the registering partner move an approved deal's stage from the pipeline
    board; reviewers move it from the review page.

    For a partner user this reads no row, so a board of many cards stays cheap.
    """
    return roles.is_partner_user(actor) and can_update_sales_stage(actor, registration)
