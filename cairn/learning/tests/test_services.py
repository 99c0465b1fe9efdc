"""The catalog's versions, enrollment rules and a learner's progress."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cairn.accounts.choices import JobFunction
from cairn.accounts.tests.factories import UserFactory
from cairn.core.models import ActivityEvent
from cairn.core.roles import Role
from cairn.learning.choices import EnrollmentSource, VersionStatus
from cairn.learning.consumers import enroll_joining_user
from cairn.learning.models import (
    CourseProgress,
    Enrollment,
    Lesson,
    LessonCompletion,
)
from cairn.learning.services import catalog
from cairn.learning.services.enrollment import (
    apply_enrollment_rule,
    create_enrollment_rule,
    enroll_in_path,
)
from cairn.learning.services.progress import complete_lesson, open_course
from cairn.learning.tests.support import published_course
from cairn.lrs.consumers import store_learning_statement
from cairn.lrs.models import Statement
from conftest import Ecosystem

# Catalog -------------------------------------------------------------------------


def test_a_published_version_is_frozen_and_a_new_draft_copies_it(
    ecosystem: Ecosystem,
) -> None:
    course, [first, _] = published_course()
    published = course.versions.get()
    Lesson.objects.filter(pk=first.pk).update(competencies=["pricing"])

    with pytest.raises(ValidationError):
        catalog.add_module(published, title="Late addition", actor=None)
    draft = catalog.start_draft(course, actor=ecosystem.vendor_admin)

    assert draft.number == 2
    copied = list(draft.modules.get().lessons.all())
    assert [lesson.title for lesson in copied] == ["Lesson 1", "Lesson 2"]
    # recommendations by competency keep working on the new version
    assert [lesson.competencies for lesson in copied] == [["pricing"], []]
    assert first.module.version == published


def test_publishing_a_second_version_needs_a_changelog_and_retires_the_first(
    ecosystem: Ecosystem,
) -> None:
    course, _ = published_course()
    draft = catalog.start_draft(course, actor=ecosystem.vendor_admin)

    with pytest.raises(ValidationError):
        catalog.publish_version(draft, changelog=" ", actor=ecosystem.vendor_admin)
    catalog.publish_version(
        draft, changelog="New routing lesson.", actor=ecosystem.vendor_admin
    )

    statuses = dict(course.versions.values_list("number", "status"))
    assert statuses == {1: VersionStatus.RETIRED, 2: VersionStatus.PUBLISHED}


def test_a_course_without_lessons_cannot_be_published(ecosystem: Ecosystem) -> None:
    course = catalog.create_course(slug="empty", title="Empty", actor=None)

    with pytest.raises(ValidationError):
        catalog.publish_version(catalog.draft_of(course), changelog="", actor=None)


def test_a_lesson_needs_the_content_of_its_kind(ecosystem: Ecosystem) -> None:
    course = catalog.create_course(slug="c", title="C", actor=None)
    module = catalog.add_module(catalog.draft_of(course), title="M", actor=None)

    with pytest.raises(ValidationError) as error:
        catalog.add_lesson(module, title="Video", kind="video", actor=None)

    assert "video_url" in error.value.message_dict


@pytest.mark.parametrize("persona", ["channel_manager", "partner_a_admin"])
def test_only_vendor_admins_author(ecosystem: Ecosystem, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        catalog.create_course(slug="x", title="X", actor=getattr(ecosystem, persona))


# Enrollment ----------------------------------------------------------------------


def _path(courses: list[tuple[Any, bool]], **extra: Any) -> Any:
    return catalog.create_path(
        slug="sales-track", title="Sales track", courses=courses, actor=None, **extra
    )


def test_a_rule_enrolls_everyone_it_matches_once(ecosystem: Ecosystem) -> None:
    course, _ = published_course()
    path = _path([(course, True)])
    ecosystem.partner_a_rep.job_function = JobFunction.SALES
    ecosystem.partner_a_rep.save()
    rule = create_enrollment_rule(
        path,
        job_functions=[JobFunction.SALES],
        program=ecosystem.program,
        due_in_days=30,
        actor=ecosystem.vendor_admin,
    )
    now = timezone.now()

    assert apply_enrollment_rule(rule, now=now) == 1
    assert apply_enrollment_rule(rule, now=now) == 0

    enrollment = Enrollment.objects.get()
    assert enrollment.user == ecosystem.partner_a_rep
    assert enrollment.source == EnrollmentSource.RULE
    assert enrollment.due_at == now + timedelta(days=30)


def test_a_rule_by_tier_and_region_matches_only_those(ecosystem: Ecosystem) -> None:
    course, _ = published_course()
    path = _path([(course, True)])
    membership = ecosystem.partner_a.memberships.get(program=ecosystem.program)
    rule = create_enrollment_rule(
        path,
        tier_ids=[membership.tier_id],
        regions=[ecosystem.partner_a.region],
        actor=None,
    )

    apply_enrollment_rule(rule)

    enrolled = set(Enrollment.objects.values_list("user__organization", flat=True))
    assert enrolled == {ecosystem.partner_a.pk}


def test_a_person_who_joins_later_is_enrolled_by_the_rules(
    ecosystem: Ecosystem,
) -> None:
    course, _ = published_course()
    path = _path([(course, True)])
    create_enrollment_rule(path, roles=[Role.PARTNER_REP], actor=None)
    newcomer: Any = UserFactory(organization=ecosystem.partner_b, role=Role.PARTNER_REP)
    event = ActivityEvent.objects.create(
        verb="invitation.accepted", data={"user_id": newcomer.pk}
    )

    enroll_joining_user(event)

    assert Enrollment.objects.filter(user=newcomer, path=path).exists()


def test_enrolling_someone_else_by_hand_is_for_authors(ecosystem: Ecosystem) -> None:
    course, _ = published_course()
    path = _path([(course, True)])

    with pytest.raises(PermissionDenied):
        enroll_in_path(
            ecosystem.partner_a_rep, path, actor=ecosystem.partner_a_second_rep
        )

    assert Enrollment.objects.count() == 0


# Progress ------------------------------------------------------------------------


def test_completing_every_lesson_completes_the_course_and_the_path(
    ecosystem: Ecosystem,
) -> None:
    course, lessons = published_course()
    path = _path([(course, True)])
    rep = ecosystem.partner_a_rep
    enrollment = enroll_in_path(rep, path, actor=None)
    progress = open_course(rep, course)

    assert complete_lesson(progress, lessons[0], actor=rep) is False
    assert complete_lesson(progress, lessons[0], actor=rep) is False
    assert complete_lesson(progress, lessons[1], actor=rep) is True

    assert LessonCompletion.objects.filter(progress=progress).count() == 2
    enrollment.refresh_from_db()
    assert enrollment.completed_at is not None
    verbs = list(
        ActivityEvent.objects.filter(verb__startswith="learning.")
        .order_by("id")
        .values_list("verb", "data__activity_type")
    )
    assert verbs == [
        ("learning.registered", "http://adlnet.gov/expapi/activities/module"),
        ("learning.launched", "http://adlnet.gov/expapi/activities/course"),
        ("learning.completed", "http://adlnet.gov/expapi/activities/lesson"),
        ("learning.completed", "http://adlnet.gov/expapi/activities/lesson"),
        ("learning.completed", "http://adlnet.gov/expapi/activities/course"),
        ("learning.completed", "http://adlnet.gov/expapi/activities/module"),
    ]


def test_learning_events_appear_as_statements_in_the_lrs(
    ecosystem: Ecosystem,
) -> None:
    course, lessons = published_course(lessons=1)
    rep = ecosystem.partner_a_rep
    progress = open_course(rep, course)
    complete_lesson(progress, lessons[0], actor=rep)

    for event in ActivityEvent.objects.filter(verb__startswith="learning."):
        store_learning_statement(event)

    verbs = sorted(
        statement.payload["verb"]["display"]["en-US"]
        for statement in Statement.objects.all()
    )
    assert verbs == ["completed", "completed", "launched"]
    registrations = {
        statement.payload["context"]["registration"]
        for statement in Statement.objects.all()
    }
    assert registrations == {str(progress.registration)}


def test_a_learner_finishes_on_the_version_they_started(ecosystem: Ecosystem) -> None:
    course, lessons = published_course(lessons=1)
    rep = ecosystem.partner_a_rep
    progress = open_course(rep, course)
    draft = catalog.start_draft(course, actor=None)
    catalog.publish_version(draft, changelog="Rewritten.", actor=None)

    assert complete_lesson(progress, lessons[0], actor=rep) is True
    assert CourseProgress.objects.get(user=rep).version.number == 1


def test_a_lesson_of_another_version_is_refused(ecosystem: Ecosystem) -> None:
    course, _ = published_course(lessons=1)
    rep = ecosystem.partner_a_rep
    progress = open_course(rep, course)
    _, other_lessons = published_course("other-course", lessons=1)

    with pytest.raises(ValidationError):
        complete_lesson(progress, other_lessons[0], actor=rep)

    assert LessonCompletion.objects.count() == 0


def test_nobody_completes_a_lesson_for_someone_else(ecosystem: Ecosystem) -> None:
    course, lessons = published_course(lessons=1)
    progress = open_course(ecosystem.partner_a_rep, course)

    with pytest.raises(PermissionDenied):
        complete_lesson(progress, lessons[0], actor=ecosystem.partner_a_second_rep)


def test_choosing_a_job_function_enrolls_in_its_track(
    ecosystem: Ecosystem, django_capture_on_commit_callbacks: Any
) -> None:
    from cairn.accounts.services import update_profile

    course, _ = published_course()
    path = _path([(course, True)])
    create_enrollment_rule(path, job_functions=[JobFunction.SALES], actor=None)
    rep = ecosystem.partner_a_rep

    with django_capture_on_commit_callbacks(execute=True):
        update_profile(
            rep,
            full_name=rep.full_name,
            job_title="Account executive",
            job_function=JobFunction.SALES,
            actor=rep,
        )

    assert Enrollment.objects.filter(user=rep, path=path).exists()
