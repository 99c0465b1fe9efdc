"""Enrollments in learning paths: by hand and by rules, for everyone who matches
now and for each person who joins later.
"""

from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from cairn.accounts.models import User
from cairn.core.audit import record_write, snapshot
from cairn.core.events import record_event
from cairn.core.models import AuditAction
from cairn.core.roles import PARTNER_ROLES
from cairn.learning import policies
from cairn.learning.choices import EnrollmentSource
from cairn.learning.models import Enrollment, EnrollmentRule, LearningPath
from cairn.learning.statements import PATH_TYPE, learning_event_data, path_iri
from cairn.partners.choices import MembershipStatus
from cairn.partners.models import ProgramMembership

# Rows written per insert when a rule enrolls many people at once.
ENROLLMENT_BATCH = 5000


def enroll_in_path(
    user: User,
    path: LearningPath,
    *,
    actor: Any,
    source: str = EnrollmentSource.ASSIGNED,
    due_at: Any = None,
) -> Enrollment:
    """Enroll one person in a path (once: enrolling again returns the enrollment)."""
    if actor is not None and actor != user and not policies.can_author_courses(actor):
        raise PermissionDenied
    with transaction.atomic():
        enrollment, created = Enrollment.objects.get_or_create(
            user=user, path=path, defaults={"source": source, "due_at": due_at}
        )
        if created:
            record_event(
                "learning.registered",
                actor=actor,
                organization_id=user.organization_id,
                target=enrollment,
                data=learning_event_data(
                    learner=user,
                    activity_id=path_iri(path),
                    activity_name=path.title,
                    activity_type=PATH_TYPE,
                ),
            )
    return enrollment


def create_enrollment_rule(
    path: LearningPath,
    *,
    actor: Any,
    job_functions: list[str] | None = None,
    roles: list[str] | None = None,
    program: Any = None,
    tier_ids: list[int] | None = None,
    partner_types: list[str] | None = None,
    regions: list[str] | None = None,
    due_in_days: int | None = None,
) -> EnrollmentRule:
    """Create a rule; `apply_enrollment_rule` enrolls the people it matches."""
    if actor is not None and not policies.can_author_courses(actor):
        raise PermissionDenied
    rule = EnrollmentRule(
        path=path,
        job_functions=job_functions or [],
        roles=roles or [],
        program=program,
        tier_ids=tier_ids or [],
        partner_types=partner_types or [],
        regions=regions or [],
        due_in_days=due_in_days,
    )
    rule.full_clean()
    with transaction.atomic():
        rule.save()
        record_write(
            AuditAction.CREATE,
            rule,
            actor=actor,
            after=snapshot(rule),
            verb="enrollment_rule.created",
            data={"path": path.slug},
        )
    return rule


def users_matching(rule: EnrollmentRule) -> QuerySet[User]:
    """Return the active partner people a rule matches."""
    users: QuerySet[User] = User.objects.filter(
        is_active=True, role__in=PARTNER_ROLES, organization__isnull=False
    )
    if rule.job_functions:
        users = users.filter(job_function__in=rule.job_functions)
    if rule.roles:
        users = users.filter(role__in=rule.roles)
    if rule.regions:
        users = users.filter(organization__region__in=rule.regions)
    if rule.program_id or rule.tier_ids or rule.partner_types:
        memberships = ProgramMembership.objects.filter(
            organization_id=OuterRef("organization_id"),
            status=MembershipStatus.ACTIVE,
        )
        if rule.program_id:
            memberships = memberships.filter(program_id=rule.program_id)
        if rule.tier_ids:
            memberships = memberships.filter(tier_id__in=rule.tier_ids)
        if rule.partner_types:
            memberships = memberships.filter(partner_type__in=rule.partner_types)
        users = users.filter(Exists(memberships))
    return users


def apply_enrollment_rule(rule: EnrollmentRule, *, now: Any = None) -> int:
    """Enroll everyone the rule matches who is not enrolled yet; return how many.

    Written in batches of plain inserts, without one event per person: the rule's
    application is one event with the count.
    """
    if not rule.is_active or not rule.path.is_published:
        return 0
    now = now or timezone.now()
    due_at = now + timedelta(days=rule.due_in_days) if rule.due_in_days else None
    already = Enrollment.objects.filter(path_id=rule.path_id, user_id=OuterRef("pk"))
    user_ids = list(
        users_matching(rule).exclude(Exists(already)).values_list("pk", flat=True)
    )
    for start in range(0, len(user_ids), ENROLLMENT_BATCH):
        Enrollment.objects.bulk_create(
            [
                Enrollment(
                    user_id=user_id,
                    path_id=rule.path_id,
                    source=EnrollmentSource.RULE,
                    rule=rule,
                    enrolled_at=now,
                    due_at=due_at,
                )
                for user_id in user_ids[start : start + ENROLLMENT_BATCH]
            ],
            ignore_conflicts=True,
        )
    if user_ids:
        record_event(
            "enrollment_rule.applied",
            actor=None,
            target=rule,
            data={"path": rule.path.slug, "enrolled": len(user_ids)},
        )
    return len(user_ids)


def apply_enrollment_rules() -> int:
    """Apply every active rule (people whose tier or membership changed)."""
    return sum(
        apply_enrollment_rule(rule)
        for rule in EnrollmentRule.objects.filter(is_active=True).select_related("path")
    )


def apply_enrollment_rules_for_user(user: User) -> list[Enrollment]:
    """Enroll one person in the paths of every active rule that matches them."""
    enrolled = []
    rules = EnrollmentRule.objects.filter(is_active=True, path__is_published=True)
    for rule in rules.select_related("path"):
        if users_matching(rule).filter(pk=user.pk).exists():
            due_at = (
                timezone.now() + timedelta(days=rule.due_in_days)
                if rule.due_in_days
                else None
            )
            enrollment = enroll_in_path(
                user, rule.path, actor=None, source=EnrollmentSource.RULE, due_at=due_at
            )
            enrolled.append(enrollment)
    return enrolled
