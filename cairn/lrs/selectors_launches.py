"""Reads of cmi5 launches: the credentials of a live session, and what an AU
reported in a registration.
"""

import hmac
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone

from cairn.lrs.keys import make_key
from cairn.lrs.models import LaunchSession, Statement, StatementKey, hash_secret
from cairn.lrs.xapi.agents import agent_key

LAUNCH_KEY_PREFIX = "cmi5_"
ADL = "http://adlnet.gov/expapi/verbs/"
COMPLETED = ADL + "completed"
PASSED = ADL + "passed"
FAILED = ADL + "failed"


def verify_launch(key: str, secret: str) -> LaunchSession | None:
    """Return the launch session `key` names if `secret` is its auth token's
    secret and the session is live: fetched, not expired, not terminated.
    """
    session = (
        LaunchSession.objects.select_related("client")
        .filter(
            key=key,
            fetched_at__isnull=False,
            terminated_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )
    if session is None or not session.secret_hash:
        return None
    if not hmac.compare_digest(session.secret_hash, hash_secret(secret)):
        return None
    return session


@dataclass(frozen=True)
class AUResults:
    """What an AU reported for a learner in a registration: whether it completed,
    and its first passed and failed statements' results, if any.
    """

    completed: bool
    passed: dict[str, Any] | None
    failed: dict[str, Any] | None


def au_results_for(
    *, registration: uuid.UUID, activity_id: str, actor: dict[str, Any]
) -> AUResults:
    """Return the completed, passed and failed statements the AU `activity_id`
    stored for `actor` in `registration` (voided ones left out).
    """

    def has_key(*keys: str) -> Exists:
        return Exists(
            StatementKey.objects.filter(statement_id=OuterRef("pk"), key__in=keys)
        )

    rows = (
        Statement.objects.filter(
            has_key(make_key("r", str(registration).lower())),
            has_key(make_key("o", activity_id)),
            has_key(make_key("a", agent_key(actor))),
            # Only the verbs moveOn reads; the AU's interactions are left alone.
            has_key(*(make_key("v", verb) for verb in (COMPLETED, PASSED, FAILED))),
            is_voided=False,
        )
        .order_by("stored", "id")
        .values_list("payload", flat=True)
    )
    completed = False
    passed: dict[str, Any] | None = None
    failed: dict[str, Any] | None = None
    for payload in rows:
        verb = payload["verb"]["id"]
        result = payload.get("result") or {}
        if verb == COMPLETED:
            completed = True
        elif verb == PASSED and passed is None:
            passed = result
        elif verb == FAILED and failed is None:
            failed = result
    return AUResults(completed=completed, passed=passed, failed=failed)
