"""Builders of the learning tests: a published course, a path."""

from typing import Any

from cairn.learning.models import Course, Lesson
from cairn.learning.services import catalog


def published_course(
    slug: str = "networking-101",
    *,
    lessons: int = 2,
    program: Any = None,
    title: str = "Networking 101",
) -> tuple[Course, list[Lesson]]:
    """Create and publish a course of one module with `lessons` text lessons."""
    course = catalog.create_course(slug=slug, title=title, program=program, actor=None)
    draft = catalog.draft_of(course)
    module = catalog.add_module(draft, title="Basics", actor=None)
    created = [
        catalog.add_lesson(
            module,
            title=f"Lesson {number}",
            body=f"# Lesson {number}\n\nRouting **matters**.",
            duration_minutes=4,
            actor=None,
        )
        for number in range(1, lessons + 1)
    ]
    catalog.publish_version(draft, changelog="", actor=None)
    return course, created
