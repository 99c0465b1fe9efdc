"""A deterministic generator of realistic xAPI statements for the LRS benchmarks.

Statement `i` of a seed is always the same statement, whatever produced the ones
before it, so parallel workers, several runs and several LRSs (Cairn and its peers)
receive exactly the same data. The population:

- 50,000 learners, half identified by `mbox`, half by an LMS `account`;
- 20 courses x 10 modules x 5 lessons = 1,000 lesson activities, each with a
  definition (name, description, type), plus their modules and courses as context
  activities and a cmi5 category;
- one registration per learner and course (a UUIDv5 of both), so that a
  registration holds one learner's attempts at one course;
- 12 ADL verbs with their display, results with a score, success, completion and
  a duration for the verbs that have one, an instructor on a fifth of them;
- timestamps spread over 2026 in statement order (statement `i` of `total`), with
  a few minutes of jitter, as statements arrive over a year.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

LEARNERS = 50_000
COURSES = 20
MODULES_PER_COURSE = 10
LESSONS_PER_MODULE = 5
ACTIVITIES = COURSES * MODULES_PER_COURSE * LESSONS_PER_MODULE
INSTRUCTORS = 200
HOME_PAGE = "https://lms.example.com"
ACTIVITY_BASE = "https://courses.example.com/xapi"
YEAR_START = datetime(2026, 1, 1, tzinfo=UTC)
YEAR = timedelta(days=365)
NAMESPACE = uuid.UUID("6c7f1c2e-3c1a-4b8e-9d55-2f1f4f3b7a10")
CMI5_CATEGORY = {
    "id": "https://w3id.org/xapi/cmi5/context/categories/moveon",
    "objectType": "Activity",
}
# (id, display, weight, has a result)
VERBS: list[tuple[str, str, int, bool]] = [
    ("http://adlnet.gov/expapi/verbs/launched", "launched", 10, False),
    ("http://adlnet.gov/expapi/verbs/initialized", "initialized", 10, False),
    ("http://adlnet.gov/expapi/verbs/experienced", "experienced", 20, False),
    ("http://adlnet.gov/expapi/verbs/progressed", "progressed", 12, True),
    ("http://adlnet.gov/expapi/verbs/attempted", "attempted", 8, False),
    ("http://adlnet.gov/expapi/verbs/answered", "answered", 12, True),
    ("http://adlnet.gov/expapi/verbs/interacted", "interacted", 6, False),
    ("http://adlnet.gov/expapi/verbs/completed", "completed", 8, True),
    ("http://adlnet.gov/expapi/verbs/passed", "passed", 5, True),
    ("http://adlnet.gov/expapi/verbs/failed", "failed", 2, True),
    ("http://adlnet.gov/expapi/verbs/scored", "scored", 3, True),
    ("http://adlnet.gov/expapi/verbs/terminated", "terminated", 4, False),
]
_VERB_CHOICES = [verb for verb in VERBS for _ in range(verb[2])]
LESSON_TYPES = [
    "http://adlnet.gov/expapi/activities/lesson",
    "http://adlnet.gov/expapi/activities/assessment",
    "http://adlnet.gov/expapi/activities/media",
    "http://adlnet.gov/expapi/activities/simulation",
]
TOPICS = [
    "Partner onboarding",
    "Deal registration",
    "Product fundamentals",
    "Solution selling",
    "Technical deployment",
    "Security and compliance",
    "Pricing and licensing",
    "Customer success",
    "Marketing development funds",
    "Support escalation",
]


def learner(number: int) -> dict[str, Any]:
    """Return learner `number` (0 <= number < LEARNERS) as an xAPI Agent."""
    name = f"Learner {number:05d}"
    if number % 2 == 0:
        return {
            "objectType": "Agent",
            "name": name,
            "mbox": f"mailto:learner{number:05d}@partners.example.org",
        }
    return {
        "objectType": "Agent",
        "name": name,
        "account": {"homePage": HOME_PAGE, "name": f"u{number:05d}"},
    }


def instructor(number: int) -> dict[str, Any]:
    """Return instructor `number` as an xAPI Agent."""
    return {
        "objectType": "Agent",
        "name": f"Instructor {number:03d}",
        "mbox": f"mailto:instructor{number:03d}@cairn.example",
    }


def course_id(course: int) -> str:
    """Return the activity id of course `course`."""
    return f"{ACTIVITY_BASE}/course/{course:02d}"


def module_id(course: int, module: int) -> str:
    """Return the activity id of a module of a course."""
    return f"{course_id(course)}/module/{module:02d}"


def lesson_id(activity: int) -> str:
    """Return the activity id of lesson `activity` (0 <= activity < ACTIVITIES)."""
    course, rest = divmod(activity, MODULES_PER_COURSE * LESSONS_PER_MODULE)
    module, lesson = divmod(rest, LESSONS_PER_MODULE)
    return f"{module_id(course, module)}/lesson/{lesson}"


def lesson_activity(activity: int) -> dict[str, Any]:
    """Return lesson `activity` as an xAPI Activity with its definition."""
    course, rest = divmod(activity, MODULES_PER_COURSE * LESSONS_PER_MODULE)
    module, lesson = divmod(rest, LESSONS_PER_MODULE)
    topic = TOPICS[course % len(TOPICS)]
    return {
        "objectType": "Activity",
        "id": lesson_id(activity),
        "definition": {
            "name": {"en-US": f"{topic} {course}.{module}.{lesson}"},
            "description": {
                "en-US": f"Lesson {lesson} of module {module} of the course "
                f"{topic} ({course})."
            },
            "type": LESSON_TYPES[activity % len(LESSON_TYPES)],
        },
    }


def registration(learner_number: int, course: int) -> str:
    """Return the registration of a learner in a course (stable across runs)."""
    return str(uuid.uuid5(NAMESPACE, f"registration/{learner_number}/{course}"))


class StatementGenerator:
    """Statements of one seed; `total` spreads their timestamps over the year."""

    def __init__(self, seed: int = 42, total: int = 1_000_000) -> None:
        self.seed = seed
        self.total = max(total, 1)

    def picks(self, index: int) -> tuple[random.Random, int, int, int]:
        """Return the random source and the learner, activity and course of
        statement `index`."""
        rng = random.Random(self.seed * 1_000_000_007 + index)
        # A learner works through a handful of courses; the activity stays within
        # those so a registration holds several statements.
        learner_number = rng.randrange(LEARNERS)
        course = (learner_number + rng.randrange(4) * 7) % COURSES
        within = rng.randrange(MODULES_PER_COURSE * LESSONS_PER_MODULE)
        activity = course * MODULES_PER_COURSE * LESSONS_PER_MODULE + within
        return rng, learner_number, activity, course

    def statement(self, index: int) -> dict[str, Any]:
        """Return statement `index` of this seed."""
        rng, learner_number, activity, course = self.picks(index)
        module = (activity // LESSONS_PER_MODULE) % MODULES_PER_COURSE
        verb_id, display, _, has_result = rng.choice(_VERB_CHOICES)
        moment = (
            YEAR_START
            + YEAR * ((index % self.total) / self.total)
            + timedelta(seconds=rng.randrange(600))
        )
        context: dict[str, Any] = {
            "registration": registration(learner_number, course),
            "contextActivities": {
                "parent": [{"id": module_id(course, module), "objectType": "Activity"}],
                "grouping": [{"id": course_id(course), "objectType": "Activity"}],
                "category": [CMI5_CATEGORY],
            },
            "platform": "Cairn Academy",
            "language": "en-US",
            "extensions": {
                "https://w3id.org/xapi/cmi5/context/extensions/sessionid": str(
                    uuid.UUID(int=rng.getrandbits(128), version=4)
                )
            },
        }
        if rng.random() < 0.2:
            context["instructor"] = instructor(rng.randrange(INSTRUCTORS))
        statement: dict[str, Any] = {
            "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "actor": learner(learner_number),
            "verb": {"id": verb_id, "display": {"en-US": display}},
            "object": lesson_activity(activity),
            "context": context,
            "timestamp": moment.isoformat(timespec="milliseconds").replace(
                "+00:00", "Z"
            ),
        }
        if has_result:
            raw = rng.randrange(101)
            minutes, seconds = rng.randrange(60), rng.randrange(60)
            statement["result"] = {
                "score": {"scaled": raw / 100, "raw": raw, "min": 0, "max": 100},
                "success": verb_id != "http://adlnet.gov/expapi/verbs/failed"
                and raw >= 50,
                "completion": display in {"completed", "passed", "failed"},
                "duration": f"PT{minutes}M{seconds}.{rng.randrange(100):02d}S",
            }
        return statement

    def statements(self, start: int, count: int) -> Iterator[dict[str, Any]]:
        """Yield statements `start` to `start + count - 1`."""
        for index in range(start, start + count):
            yield self.statement(index)

    def timestamp_of(self, fraction: float) -> datetime:
        """Return the moment `fraction` (0..1) of the way through the year."""
        return YEAR_START + YEAR * fraction
