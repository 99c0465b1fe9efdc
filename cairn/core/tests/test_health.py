import io
import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import OperationalError
from django.test import Client

from cairn.core.logging import structured_formatter
from cairn.core.models import WorkerHeartbeat

NOW = datetime(2025, 6, 2, 9, 0, 0, tzinfo=UTC)
OK = {"status": "ok"}
RQ_TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}


@pytest.fixture
def frozen_clock() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _assert_public_and_uncached(response: Any) -> None:
    assert "no-store" in response["Cache-Control"]
    assert response.cookies == {}
    assert "Cookie" not in response.get("Vary", "")
    assert response["Content-Type"] == "application/json"


def test_live_answers_ok_to_anonymous_without_cache_or_session() -> None:
    response = Client().get("/health/live")

    assert response.status_code == 200
    assert response.json() == OK
    _assert_public_and_uncached(response)


def test_live_answers_head_for_load_balancers() -> None:
    response = Client().head("/health/live")

    assert response.status_code == 200


def test_live_refuses_writes() -> None:
    response = Client().post("/health/live")

    assert response.status_code == 405


@pytest.mark.django_db
def test_ready_answers_ok_when_database_answers_and_worker_is_fresh(
    frozen_clock: Any,
) -> None:
    WorkerHeartbeat.objects.create(
        name="default", last_seen_at=NOW - timedelta(seconds=180)
    )

    response = Client().get("/health/ready")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": OK, "worker": OK},
    }
    _assert_public_and_uncached(response)


@pytest.mark.django_db
def test_ready_is_unavailable_before_any_worker_heartbeat() -> None:
    response = Client().get("/health/ready")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {
            "database": OK,
            "worker": {
                "status": "failing",
                "reason": "no worker heartbeat recorded yet",
            },
        },
    }
    _assert_public_and_uncached(response)


@pytest.mark.django_db
def test_ready_is_unavailable_when_the_latest_heartbeat_is_stale(
    frozen_clock: Any,
) -> None:
    WorkerHeartbeat.objects.create(name="eu", last_seen_at=NOW - timedelta(hours=1))
    WorkerHeartbeat.objects.create(
        name="default", last_seen_at=NOW - timedelta(seconds=181)
    )

    response = Client().get("/health/ready")

    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": OK,
        "worker": {
            "status": "failing",
            "reason": "last worker heartbeat 181 s ago (limit 180 s)",
        },
    }


@pytest.mark.django_db
def test_ready_follows_the_configured_heartbeat_age(
    frozen_clock: Any, settings: Any
) -> None:
    settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS = 30
    WorkerHeartbeat.objects.create(
        name="default", last_seen_at=NOW - timedelta(seconds=31)
    )

    response = Client().get("/health/ready")

    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["reason"] == (
        "last worker heartbeat 31 s ago (limit 30 s)"
    )


class _BrokenConnection:
    def cursor(self) -> Any:
        raise OperationalError("connection to server at 10.0.0.5 failed")


def test_ready_is_unavailable_when_the_database_does_not_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("cairn.core.health.connection", _BrokenConnection())

    response = Client().get("/health/ready")

    assert response.status_code == 503
    body = response.json()
    assert body == {
        "status": "unavailable",
        "checks": {
            "database": {
                "status": "failing",
                "reason": "the database did not answer (OperationalError)",
            },
            "worker": {
                "status": "failing",
                "reason": "not checked: the database is unavailable",
            },
        },
    }
    assert "10.0.0.5" not in response.content.decode()


@pytest.mark.django_db
def test_ready_checks_redis_when_tasks_go_through_rq(
    frozen_clock: Any, settings: Any
) -> None:
    settings.TASKS = RQ_TASKS
    # Port 1 on loopback refuses connections at once.
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0"}}
    WorkerHeartbeat.objects.create(name="default", last_seen_at=NOW)

    response = Client().get("/health/ready")

    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": OK,
        "worker": OK,
        "redis": {
            "status": "failing",
            "reason": "Redis did not answer for queue default (ConnectionError)",
        },
    }


@pytest.mark.django_db
def test_failed_readiness_is_logged_as_one_json_line_with_the_request_id() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(structured_formatter(as_json=True))
    health_logger = logging.getLogger("cairn.core.health")
    health_logger.addHandler(handler)
    try:
        Client().get("/health/ready", HTTP_X_REQUEST_ID="probe-42")
    finally:
        health_logger.removeHandler(handler)

    [line] = stream.getvalue().splitlines()
    record = json.loads(line)
    assert record["event"] == "readiness_failed"
    assert record["level"] == "warning"
    assert record["request_id"] == "probe-42"
    assert record["checks"] == {
        "worker": {"status": "failing", "reason": "no worker heartbeat recorded yet"}
    }
