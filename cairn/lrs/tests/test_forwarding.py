"""Forwarding a program's statements to an external LRS, with retries.

Only the outbound HTTP is faked: `requests.Session.post` and `.put` answer as the
remote LRS would.
"""

from datetime import timedelta
from typing import Any

import orjson
import pytest
import requests
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from cairn.lrs.models import StatementForwarding
from cairn.lrs.services.clients import create_lrs_client
from cairn.lrs.services.forwarding import (
    decrypt_password,
    forward_statements,
    set_statement_forwarding,
)
from cairn.lrs.tests.support import XAPIClient, statement
from conftest import Ecosystem, client_for

STATEMENTS = "/xapi/statements"


class FakeRemote:
    """The remote LRS: records what it receives, answers with `statuses` in turn."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, statuses: list[Any]) -> None:
        self.statuses = list(statuses)
        self.received: list[tuple[str, str, Any, Any]] = []
        monkeypatch.setattr(requests.Session, "post", self._answer("POST"))
        monkeypatch.setattr(requests.Session, "put", self._answer("PUT"))

    def _answer(self, method: str) -> Any:
        def answer(session: requests.Session, url: str, **kwargs: Any) -> Any:
            self.received.append(
                (method, url, orjson.loads(kwargs["data"]), session.auth)
            )
            status = self.statuses.pop(0) if self.statuses else 200
            if isinstance(status, Exception):
                raise status
            response = requests.Response()
            response.status_code = status
            response._content = b"{}"
            return response

        return answer


def _program_client(ecosystem: Ecosystem) -> XAPIClient:
    client, secret = create_lrs_client(
        name="Program tool",
        scopes=["all"],
        program=ecosystem.program,
        actor=ecosystem.vendor_admin,
    )
    return XAPIClient(client=client, secret=secret)


def _forwarding(ecosystem: Ecosystem) -> StatementForwarding:
    return set_statement_forwarding(
        ecosystem.program,
        endpoint="https://lrs.example.com/xapi/",
        username="remote-key",
        password="remote-secret",
        is_active=True,
        actor=ecosystem.vendor_admin,
    )


def test_statements_of_the_program_are_forwarded_in_order(
    ecosystem: Ecosystem, monkeypatch: pytest.MonkeyPatch
) -> None:
    forwarding = _forwarding(ecosystem)
    lrs = _program_client(ecosystem)
    ids = lrs.post_json(STATEMENTS, [statement(), statement()]).json()
    other_client, other_secret = create_lrs_client(
        name="Unrelated", scopes=["all"], actor=ecosystem.vendor_admin
    )
    XAPIClient(client=other_client, secret=other_secret).post_json(
        STATEMENTS, statement()
    )
    remote = FakeRemote(monkeypatch, [200])

    delivered = forward_statements(now=timezone.now() + timedelta(seconds=10))

    assert delivered == 2
    [(method, url, sent, auth)] = remote.received
    assert (method, url) == ("POST", "https://lrs.example.com/xapi/statements")
    assert [item["id"] for item in sent] == ids
    assert auth == ("remote-key", "remote-secret")
    forwarding.refresh_from_db()
    assert forwarding.forwarded_count == 2
    assert forward_statements(now=timezone.now() + timedelta(seconds=10)) == 0


def test_a_failure_is_retried_later_and_loses_nothing(
    ecosystem: Ecosystem, monkeypatch: pytest.MonkeyPatch
) -> None:
    forwarding = _forwarding(ecosystem)
    lrs = _program_client(ecosystem)
    [statement_id] = lrs.post_json(STATEMENTS, statement()).json()
    remote = FakeRemote(monkeypatch, [requests.ConnectionError("down"), 503, 200])
    start = timezone.now() + timedelta(seconds=10)

    assert forward_statements(now=start) == 0
    forwarding.refresh_from_db()
    assert forwarding.failed_attempts == 1
    assert forwarding.next_attempt_at == start + timedelta(minutes=1)
    assert "down" in forwarding.last_error
    # Not due yet: nothing is sent.
    assert forward_statements(now=start + timedelta(seconds=30)) == 0
    assert len(remote.received) == 1
    assert forward_statements(now=start + timedelta(minutes=1)) == 0
    forwarding.refresh_from_db()
    assert forwarding.next_attempt_at == start + timedelta(minutes=3)

    assert forward_statements(now=start + timedelta(minutes=3)) == 1
    forwarding.refresh_from_db()
    assert (forwarding.failed_attempts, forwarding.last_error) == (0, "")
    assert remote.received[-1][2][0]["id"] == statement_id


def test_a_batch_the_remote_partly_holds_is_sent_one_by_one(
    ecosystem: Ecosystem, monkeypatch: pytest.MonkeyPatch
) -> None:
    _forwarding(ecosystem)
    ids = _program_client(ecosystem).post_json(STATEMENTS, [statement(), statement()])
    remote = FakeRemote(monkeypatch, [409, 409, 204])

    assert forward_statements(now=timezone.now() + timedelta(seconds=10)) == 2

    assert [method for method, *_ in remote.received] == ["POST", "PUT", "PUT"]
    assert [sent["id"] for _, _, sent, _ in remote.received[1:]] == ids.json()


def test_statements_younger_than_a_few_seconds_wait(
    ecosystem: Ecosystem, monkeypatch: pytest.MonkeyPatch
) -> None:
    _forwarding(ecosystem)
    _program_client(ecosystem).post_json(STATEMENTS, statement())
    remote = FakeRemote(monkeypatch, [])

    assert forward_statements(now=timezone.now()) == 0
    assert remote.received == []


def test_a_new_forwarding_starts_with_statements_stored_from_then_on(
    ecosystem: Ecosystem, monkeypatch: pytest.MonkeyPatch
) -> None:
    lrs = _program_client(ecosystem)
    lrs.post_json(STATEMENTS, statement())
    _forwarding(ecosystem)
    [later] = lrs.post_json(STATEMENTS, statement()).json()
    remote = FakeRemote(monkeypatch, [200])

    assert forward_statements(now=timezone.now() + timedelta(seconds=10)) == 1
    assert [item["id"] for item in remote.received[0][2]] == [later]


def test_the_remote_secret_is_stored_encrypted_and_kept_when_left_empty(
    ecosystem: Ecosystem,
) -> None:
    forwarding = _forwarding(ecosystem)
    assert "remote-secret" not in forwarding.password_encrypted

    set_statement_forwarding(
        ecosystem.program,
        endpoint="https://other.example.com/xapi/",
        username="remote-key",
        password="",
        is_active=False,
        actor=ecosystem.vendor_admin,
    )

    forwarding.refresh_from_db()
    assert decrypt_password(forwarding.password_encrypted) == "remote-secret"
    assert forwarding.is_active is False


@pytest.mark.parametrize(
    ("endpoint", "username", "password", "field"),
    [
        ("not a url", "k", "s", "endpoint"),
        ("https://lrs.example.com/xapi/", "", "s", "username"),
        ("https://lrs.example.com/xapi/", "k", "", "password"),
    ],
)
def test_bad_forwarding_input_is_refused_by_field(
    ecosystem: Ecosystem, endpoint: str, username: str, password: str, field: str
) -> None:
    with pytest.raises(ValidationError) as error:
        set_statement_forwarding(
            ecosystem.program,
            endpoint=endpoint,
            username=username,
            password=password,
            is_active=True,
            actor=ecosystem.vendor_admin,
        )

    assert field in error.value.message_dict
    assert StatementForwarding.objects.count() == 0


def test_the_console_saves_a_forwarding(ecosystem: Ecosystem) -> None:
    response = client_for(ecosystem.vendor_admin).post(
        "/console/lrs/forwarding/",
        {
            "program": ecosystem.program.pk,
            "endpoint": "https://lrs.example.com/xapi/",
            "username": "k",
            "password": "s",
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    assert StatementForwarding.objects.get().program == ecosystem.program


def test_the_console_shows_forwarding_errors_by_field(ecosystem: Ecosystem) -> None:
    response = client_for(ecosystem.vendor_admin).post(
        "/console/lrs/forwarding/",
        {"program": ecosystem.program.pk, "endpoint": "https://lrs.example.com/x/"},
    )

    assert response.status_code == 200
    assert set(response.context["forwarding_form"].errors) == {"username"}
    assert StatementForwarding.objects.count() == 0


def test_the_scheduled_task_forwards(
    ecosystem: Ecosystem, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cairn.lrs.tasks import forward_statements_task

    _forwarding(ecosystem)
    _program_client(ecosystem).post_json(STATEMENTS, statement())
    FakeRemote(monkeypatch, [200])

    with time_machine.travel(timezone.now() + timedelta(seconds=10)):
        result = forward_statements_task.call()

    assert result == 1
