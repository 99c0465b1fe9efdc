"""Learning events become xAPI statements in Cairn's own LRS.

Every learning event (verb `learning.<what>`) maps one-to-one to a statement with
an ADL verb, stored under the authority of Cairn itself. The event's data carries
what the statement needs (see `LEARNING_VERBS` and `statement_for`); its
`statement_id`, fixed when the event is recorded, makes storing idempotent: a
consumer run twice stores the statement once.
"""

from typing import Any

from django.conf import settings

from cairn.core.models import ActivityEvent
from cairn.lrs.services.clients import cairn_learning_client
from cairn.lrs.services.statements import store_statements
from cairn.lrs.xapi.complete import format_timestamp

ADL = "http://adlnet.gov/expapi/verbs/"
# The learning event's verb, the ADL verb of its statement and its display.
LEARNING_VERBS: dict[str, tuple[str, str]] = {
    "learning.launched": (ADL + "launched", "launched"),
    "learning.progressed": (ADL + "progressed", "progressed"),
    "learning.completed": (ADL + "completed", "completed"),
    "learning.passed": (ADL + "passed", "passed"),
    "learning.failed": (ADL + "failed", "failed"),
    "learning.certified": ("https://w3id.org/xapi/adl/verbs/certified", "certified"),
    "learning.expired": ("https://w3id.org/xapi/adl/verbs/expired", "expired"),
    "learning.registered": (ADL + "registered", "registered"),
}


def statement_for(event: ActivityEvent) -> dict[str, Any]:
    """Return the statement of a learning event.

    The event's data: `statement_id`, `learner_email`, `learner_name`,
    `activity_id` (an IRI), `activity_name`, `activity_type` (an IRI), optional
    `registration` (a UUID), `parent_id` and `parent_name` (the course or path),
    `result` (xAPI result: score, success, completion, duration) and `language`;
    a cmi5 launch adds `actor` (the learner's account Agent, which cmi5 requires
    instead of the mailbox), `grouping` and `category` (activity ids) and
    `context_extensions`.
    """
    data = event.data
    verb_id, verb_display = LEARNING_VERBS[event.verb]
    language = data.get("language", "en")
    definition: dict[str, Any] = {"name": {language: data["activity_name"]}}
    if data.get("activity_type"):
        definition["type"] = data["activity_type"]
    statement: dict[str, Any] = {
        "id": data["statement_id"],
        "actor": data.get("actor")
        or {
            "objectType": "Agent",
            "name": data.get("learner_name") or data["learner_email"],
            "mbox": f"mailto:{data['learner_email']}",
        },
        "verb": {"id": verb_id, "display": {"en-US": verb_display}},
        "object": {
            "objectType": "Activity",
            "id": data["activity_id"],
            "definition": definition,
        },
        "timestamp": format_timestamp(event.occurred_at),
    }
    context: dict[str, Any] = {
        "platform": f"{settings.VENDOR_NAME} partner portal (Cairn)",
        "language": language,
    }
    if data.get("registration"):
        context["registration"] = data["registration"]
    activities: dict[str, Any] = {}
    if data.get("parent_id"):
        parent: dict[str, Any] = {"objectType": "Activity", "id": data["parent_id"]}
        if data.get("parent_name"):
            parent["definition"] = {"name": {language: data["parent_name"]}}
        activities["parent"] = [parent]
    for kind in ("grouping", "category"):
        if data.get(kind):
            activities[kind] = [
                {"objectType": "Activity", "id": activity_id}
                for activity_id in data[kind]
            ]
    if activities:
        context["contextActivities"] = activities
    if data.get("context_extensions"):
        context["extensions"] = data["context_extensions"]
    statement["context"] = context
    if data.get("result"):
        statement["result"] = data["result"]
    return statement


def store_learning_statement(event: ActivityEvent) -> None:
    """Store the statement of one learning event (once, however often it runs).

    The consumer of learning events calls it; a cmi5 launch calls it at once too,
    as its statement must be in the LRS before the AU starts.
    """
    if event.verb not in LEARNING_VERBS:
        return
    store_statements(
        [statement_for(event)], client=cairn_learning_client(), version="2.0.0"
    )
