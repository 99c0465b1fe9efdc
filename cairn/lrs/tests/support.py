"""Helpers of the LRS tests: credentials, signed requests and sample statements."""

import base64
import uuid
from dataclasses import dataclass
from typing import Any

import orjson
from django.test import Client

from cairn.lrs.models import LRSClient
from cairn.lrs.services.clients import create_lrs_client

VERB_COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
VERB_VOIDED = "http://adlnet.gov/expapi/verbs/voided"
COURSE = "https://courses.example.com/xapi/course/networking-101"
MODULE = "https://courses.example.com/xapi/course/networking-101/module/1"


@dataclass
class XAPIClient:
    """A Django test client that signs every request as one LRS client."""

    client: LRSClient
    secret: str
    version: str = "2.0.0"

    def headers(self, **extra: str) -> dict[str, str]:
        token = base64.b64encode(f"{self.client.key}:{self.secret}".encode()).decode()
        headers = {
            "Authorization": f"Basic {token}",
            "X-Experience-API-Version": self.version,
        }
        headers.update(extra)
        return headers

    def get(
        self, path: str, params: dict[str, Any] | None = None, **headers: str
    ) -> Any:
        return Client().get(path, params or {}, headers=self.headers(**headers))

    def post_json(self, path: str, body: Any, **headers: str) -> Any:
        return Client().post(
            path,
            orjson.dumps(body),
            content_type="application/json",
            headers=self.headers(**headers),
        )

    def put_json(self, path: str, body: Any, **headers: str) -> Any:
        return Client().put(
            path,
            orjson.dumps(body),
            content_type="application/json",
            headers=self.headers(**headers),
        )


def make_xapi_client(
    *, scopes: list[str] | None = None, version: str = "2.0.0", name: str = "Tool"
) -> XAPIClient:
    """Create LRS credentials (as the operator) and a client signing with them."""
    client, secret = create_lrs_client(name=name, scopes=scopes or ["all"], actor=None)
    return XAPIClient(client=client, secret=secret, version=version)


def statement(
    *,
    learner: str = "ada@alpha.example",
    verb: str = VERB_COMPLETED,
    activity: str = MODULE,
    **extra: Any,
) -> dict[str, Any]:
    """Return a valid statement: a learner did `verb` to `activity`."""
    body: dict[str, Any] = {
        "actor": {"objectType": "Agent", "name": "Ada", "mbox": f"mailto:{learner}"},
        "verb": {"id": verb, "display": {"en-US": "completed"}},
        "object": {
            "objectType": "Activity",
            "id": activity,
            "definition": {"name": {"en-US": "Module 1"}},
        },
    }
    body.update(extra)
    return body


def new_id() -> str:
    """Return a fresh statement id."""
    return str(uuid.uuid4())
