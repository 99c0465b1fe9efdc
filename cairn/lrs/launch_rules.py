"""What a cmi5 launch's credentials may do: write statements about the launched
learner in the launch's registration (never voiding one), read and write that
learner's state of the AU in that registration (but not change `LMS.LaunchData`),
and read the learner's agent profile and the activity profiles. Anything else is
403, whatever the shared cmi5 client's scopes would allow.
"""

from typing import Any

from cairn.lrs.http import XAPIRequest
from cairn.lrs.models import LaunchSession
from cairn.lrs.selectors_documents import (
    ACTIVITY_PROFILE,
    AGENT_PROFILE,
    STATE,
    parse_document_params,
    state_scope,
)
from cairn.lrs.services.launches import LAUNCH_DATA_ID, SESSION_EXTENSION
from cairn.lrs.xapi.agents import agent_key
from cairn.lrs.xapi.errors import XAPIError

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
READS = {"GET", "HEAD"}


def _launch(request: XAPIRequest) -> LaunchSession:
    assert request.launch is not None
    return request.launch


def statements_rule(request: XAPIRequest) -> None:
    """Let launch credentials store statements, not read them."""
    if request.method not in {"PUT", "POST"}:
        raise XAPIError(
            "cmi5 launch credentials store statements; they do not read them.",
            status=403,
        )


def check_launch_statements(
    session: LaunchSession, statements: list[dict[str, Any]]
) -> None:
    """Refuse a batch unless every statement is about the launched learner, in the
    launch's registration and session; cmi5 defined ones about the launched AU.
    """
    for position, statement in enumerate(statements):
        where = f"[{position}]." if len(statements) > 1 else ""
        if statement["verb"]["id"] == VOIDED:
            raise _forbidden(where + "verb", "An AU may not void statements.")
        if agent_key(statement["actor"]) != session.actor_key:
            raise _forbidden(
                where + "actor", "must be the learner the AU launched for."
            )
        context = statement.get("context") or {}
        if str(context.get("registration", "")).lower() != str(session.registration):
            raise _forbidden(
                where + "context.registration", "must be the launch's registration."
            )
        extensions = context.get("extensions") or {}
        if extensions.get(SESSION_EXTENSION) != str(session.session_id):
            raise _forbidden(
                where + "context.extensions",
                "must carry the launch's session id (from LMS.LaunchData).",
            )
        categories = (context.get("contextActivities") or {}).get("category") or []
        is_cmi5_defined = any(
            activity.get("id") == CMI5_CATEGORY for activity in categories
        )
        target = statement["object"]
        if is_cmi5_defined and target.get("id") != session.activity_id:
            raise _forbidden(
                where + "object.id", "must be the activityId the AU was launched with."
            )


def state_rule(request: XAPIRequest) -> None:
    """Let launch credentials use the learner's state of the AU in the launch's
    registration, reading but not changing LMS.LaunchData.
    """
    session = _launch(request)
    parsed = parse_document_params(STATE, request.method, request.params)
    own = state_scope(session.activity_id, session.actor, session.registration)
    scope = parsed.scope
    if (scope.activity_id, scope.agent_key, scope.registration) != (
        own.activity_id,
        own.agent_key,
        own.registration,
    ):
        raise XAPIError(
            "cmi5 launch credentials reach only the launched learner's state of the "
            "AU, in the launch's registration.",
            status=403,
        )
    if request.method not in READS and parsed.document_id in {LAUNCH_DATA_ID, None}:
        raise XAPIError("An AU may not change LMS.LaunchData.", status=403)


def agent_profile_rule(request: XAPIRequest) -> None:
    """Let launch credentials read the launched learner's agent profile."""
    session = _launch(request)
    if request.method not in READS:
        raise XAPIError(
            "Learner preferences are kept by Cairn; an AU may read them only.",
            status=403,
        )
    parsed = parse_document_params(AGENT_PROFILE, request.method, request.params)
    own = state_scope(session.activity_id, session.actor, None)
    if parsed.scope.agent_key != own.agent_key:
        raise XAPIError(
            "cmi5 launch credentials reach only the launched learner's profile.",
            status=403,
        )


def activity_profile_rule(request: XAPIRequest) -> None:
    """Let launch credentials read activity profiles."""
    if request.method not in READS:
        raise XAPIError("cmi5 launch credentials read activity profiles.", status=403)
    parse_document_params(ACTIVITY_PROFILE, request.method, request.params)


def _forbidden(path: str, message: str) -> XAPIError:
    return XAPIError(message, path=path, status=403)
