"""The data of learning events, which Cairn's LRS turns into xAPI statements.

Every learning event carries what its statement needs (see
`cairn.lrs.services.learning_statements.statement_for`): a statement id fixed now,
the learner, the activity as an IRI under the site's address, the registration of
the attempt and the parent activity.
"""

import uuid
from typing import Any

from django.conf import settings

COURSE_TYPE = "http://adlnet.gov/expapi/activities/course"
LESSON_TYPE = "http://adlnet.gov/expapi/activities/lesson"
PATH_TYPE = "http://adlnet.gov/expapi/activities/module"


def course_iri(course: Any) -> str:
    """Return the xAPI activity id of a course."""
    return f"{settings.SITE_URL}/learning/courses/{course.slug}"


def lesson_iri(lesson: Any, course: Any) -> str:
    """Return the xAPI activity id of a lesson; each version's lesson is its own
    activity, as its content may differ.
    """
    return f"{course_iri(course)}/lessons/{lesson.pk}"


def path_iri(path: Any) -> str:
    """Return the xAPI activity id of a learning path."""
    return f"{settings.SITE_URL}/learning/paths/{path.slug}"


def learning_event_data(
    *,
    learner: Any,
    activity_id: str,
    activity_name: str,
    activity_type: str,
    registration: Any = None,
    parent_id: str = "",
    parent_name: str = "",
    result: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the data of one learning event."""
    data: dict[str, Any] = {
        "statement_id": str(uuid.uuid4()),
        "learner_email": learner.email,
        "learner_name": learner.display_name,
        "activity_id": activity_id,
        "activity_name": activity_name,
        "activity_type": activity_type,
    }
    if registration:
        data["registration"] = str(registration)
    if parent_id:
        data["parent_id"] = parent_id
        data["parent_name"] = parent_name
    if result:
        data["result"] = result
    return data
