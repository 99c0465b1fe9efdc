"""cmi5 launches: the LRS side of launching an assignable unit (AU).

`start_launch` opens a session for one learner, registration and AU, writes the
`LMS.LaunchData` state document the AU reads first, and returns the one-time fetch
token. The AU posts the token to the fetch URL (`redeem_fetch_token`), once, and
gets an auth token: HTTP Basic credentials that the xAPI resources accept only for
that learner, registration and AU (see `cairn.lrs.launch_rules`), until the session
expires or the AU terminates. A batch the AU stores with a completed, passed or
failed statement records the event `lrs.cmi5_result`, which the learning app
consumes to derive the learner's progress.
"""

import base64
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import orjson
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cairn.core.events import record_event
from cairn.lrs.choices import ClientScope
from cairn.lrs.models import LaunchSession, LRSClient, hash_secret
from cairn.lrs.selectors_documents import state_scope
from cairn.lrs.services.clients import authority_for
from cairn.lrs.services.documents import replace_document
from cairn.lrs.xapi.agents import agent_key

CMI5_CLIENT_KEY = "cairn-cmi5"
LAUNCH_DATA_ID = "LMS.LaunchData"
SESSION_EXTENSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
ADL = "http://adlnet.gov/expapi/verbs/"
TERMINATED = ADL + "terminated"
RESULT_VERBS = {ADL + "completed", ADL + "passed", ADL + "failed"}
RESULT_EVENT = "lrs.cmi5_result"


def cmi5_client() -> LRSClient:
    """Return the client every cmi5 launch session writes as (its authority).

    Its own secret is random and unused: only launch sessions sign with it.
    """
    client = LRSClient.objects.filter(key=CMI5_CLIENT_KEY).first()
    if client is not None:
        return client
    client, _ = LRSClient.objects.get_or_create(
        key=CMI5_CLIENT_KEY,
        defaults={
            "name": "Cairn cmi5 launches",
            "secret_hash": hash_secret(secrets.token_urlsafe(32)),
            "scopes": [
                ClientScope.STATEMENTS_WRITE,
                ClientScope.STATE,
                ClientScope.PROFILE,
            ],
            "authority": authority_for(CMI5_CLIENT_KEY, "Cairn cmi5 launches"),
        },
    )
    return client


@dataclass(frozen=True)
class Launch:
    """An opened launch session and its fetch token (shown in the launch URL only)."""

    session: LaunchSession
    fetch_token: str


def start_launch(
    *,
    actor: dict[str, Any],
    registration: uuid.UUID,
    activity_id: str,
    launch_data: dict[str, Any],
    mastery_score: Decimal | None = None,
) -> Launch:
    """Open a launch session and write its `LMS.LaunchData` (with the session id in
    the context template) to the learner's state of the AU.
    """
    session_id = uuid.uuid4()
    fetch_token = secrets.token_urlsafe(32)
    template = launch_data.setdefault("contextTemplate", {})
    template.setdefault("extensions", {})[SESSION_EXTENSION] = str(session_id)
    lifetime = timedelta(minutes=settings.CAIRN_CMI5_SESSION_MINUTES)
    with transaction.atomic():
        session = LaunchSession.objects.create(
            session_id=session_id,
            client=cmi5_client(),
            fetch_token_hash=hash_secret(fetch_token),
            key="cmi5_" + secrets.token_hex(16),
            actor=actor,
            actor_key=agent_key(actor),
            registration=registration,
            activity_id=activity_id,
            mastery_score=mastery_score,
            expires_at=timezone.now() + lifetime,
        )
        replace_document(
            state_scope(activity_id, actor, registration),
            LAUNCH_DATA_ID,
            content=orjson.dumps(launch_data),
            content_type="application/json",
        )
    return Launch(session=session, fetch_token=fetch_token)


class FetchRefusedError(Exception):
    """A fetch the LMS answers with a cmi5 error: 1 already used, 2 expired or
    unknown, 3 another problem.
    """

    def __init__(self, code: str, text: str) -> None:
        super().__init__(text)
        self.code = code
        self.text = text


def redeem_fetch_token(token: str) -> str:
    """Return the auth token of the launch `token` opened: once, before it expires."""
    with transaction.atomic():
        session = (
            LaunchSession.objects.select_for_update()
            .filter(fetch_token_hash=hash_secret(token))
            .first()
        )
        if session is None:
            raise FetchRefusedError("2", "Unknown fetch URL.")
        if session.fetched_at is not None:
            raise FetchRefusedError("1", "The fetch URL was already used.")
        now = timezone.now()
        if session.expires_at <= now:
            raise FetchRefusedError("2", "The launch has expired: launch it again.")
        secret = secrets.token_urlsafe(32)
        session.secret_hash = hash_secret(secret)
        session.fetched_at = now
        session.save(update_fields=["secret_hash", "fetched_at"])
    return base64.b64encode(f"{session.key}:{secret}".encode()).decode()


def record_launch_statements(
    session: LaunchSession, statements: list[dict[str, Any]]
) -> None:
    """Note what statements the AU stored mean: a terminated session ends its
    credentials; a result is announced to the learning app.
    """
    verbs = {statement["verb"]["id"] for statement in statements}
    if TERMINATED in verbs:
        LaunchSession.objects.filter(pk=session.pk).update(terminated_at=timezone.now())
    if verbs & RESULT_VERBS:
        record_event(
            RESULT_EVENT,
            actor=None,
            data={
                "session_id": str(session.session_id),
                "registration": str(session.registration),
                "activity_id": session.activity_id,
            },
        )
