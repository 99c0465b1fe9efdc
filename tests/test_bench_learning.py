"""bench/learning_load.py at a tiny scale (200 people, 20 courses, 5 samples) in the
test database, so that CI proves the benchmark still runs and measures what it says.
Its figures at 200,000 learners are in docs/performance.md.
"""

import argparse
import sys
from pathlib import Path

import pytest

from cairn.accounts.models import User
from cairn.core.roles import PARTNER_ROLES
from cairn.learning.models import (
    AssessmentAttempt,
    Course,
    CourseVersion,
    Enrollment,
    LearningPath,
)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import learning_load


@pytest.mark.django_db
def test_the_learning_benchmark_fills_and_measures_at_a_tiny_scale() -> None:
    # given
    args = argparse.Namespace(users=200, courses=20, samples=5, warmups=1, seed=3)
    learning_load.fill(args)

    # when
    report = learning_load.run(args, fill_seconds=None)
    again = learning_load.measure_rule()  # a rerun deletes and enrolls again

    # then
    assert Course.objects.count() == 20
    assert CourseVersion.objects.filter(status="published").count() == 20
    everyone = LearningPath.objects.get(slug=learning_load.EVERYONE_SLUG)
    active = User.objects.filter(role__in=PARTNER_ROLES, is_active=True).count()
    assert 190 <= active < 200  # the demo deactivates a few people
    assert report["rule"]["enrolled"] == active
    assert Enrollment.objects.filter(path=everyone).count() == active
    assert again["deleted_before"] == active
    assert again["enrolled"] == active
    assert report["environment"]["partner_users"] == 200
    assert report["my_learning"]["status"] == [200]
    assert report["my_learning"]["p95_ms"] > 0
    assert report["exam"]["attempts"] == 5
    assert report["exam"]["passed"] == 5
    assert AssessmentAttempt.objects.filter(passed=True).count() == 6  # + warm-up
