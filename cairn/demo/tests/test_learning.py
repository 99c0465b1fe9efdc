"""The demo's learning: catalog, tracks, rule enrollments and persona progress."""

from typing import Any

import pytest

from cairn.accounts.models import User
from cairn.demo.generator import generate_ecosystem
from cairn.learning.models import (
    Assessment,
    Certification,
    Course,
    CourseProgress,
    Enrollment,
    LearningPath,
    LessonCompletion,
)


@pytest.mark.django_db
def test_the_demo_has_a_catalog_tracks_and_persona_progress() -> None:
    summary: Any = generate_ecosystem(seed=42, partners=6, users_per_partner=4)

    assert Course.objects.count() == 3
    certification = Certification.objects.get(slug="platform-sales-associate")
    exam = Assessment.objects.get(title="Platform sales exam")
    assert certification.exam_key == exam.exam_key
    assert exam.questions.count() == 4
    assert set(LearningPath.objects.values_list("slug", flat=True)) == {
        "sales-track",
        "technical-track",
    }
    assert summary.enrollments == Enrollment.objects.count() > 0
    for enrollment in Enrollment.objects.select_related("user", "path"):
        assert enrollment.user.job_function == enrollment.path.track
    first_rep = (
        User.objects.filter(email__startswith="rep@", role="partner_rep")
        .order_by("pk")
        .first()
    )
    progress = CourseProgress.objects.get(user=first_rep)
    assert LessonCompletion.objects.filter(progress=progress).count() == 2
    assert Enrollment.objects.filter(user=first_rep, path__slug="sales-track").exists()
