"""A task enqueued after commit is run by a real worker process.

The test process records an activity event in a transaction; after the commit, the
consumer task is on the queue; a worker started as a separate `manage.py` process
against the same test database runs it, and the consumer's effect is visible here.
"""

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
import redis
from django.db import connection, transaction
from django_tasks import TaskResultStatus, default_task_backend
from django_tasks_db.models import DBTaskResult

from cairn.core.events import record_event
from cairn.core.models import ActivityEvent
from config.env import BASE_DIR

CONSUMER_TASK = "cairn.core.tasks.run_event_consumer_task"
WORKER_TIMEOUT_SECONDS = 20
REDIS_SERVER_URL = os.environ.get("CAIRN_TEST_REDIS_URL", "redis://127.0.0.1:6379")
# Parallel runs each claim their own Redis database by this key, so one run's
# worker never takes another run's jobs.
REDIS_CLAIM_KEY = "cairn:test-run-claim"

needs_redis = pytest.mark.skipif(
    os.environ.get("CAIRN_TEST_REDIS") != "1",
    reason="needs Redis on 127.0.0.1:6379: set CAIRN_TEST_REDIS=1 to run (CI does)",
)


def view_organization(organization: Any, *, actor: Any) -> ActivityEvent:
    """Record, like a service, that `actor` viewed `organization`."""
    with transaction.atomic():
        return record_event(
            "organization.viewed",
            actor=actor,
            organization_id=organization.pk,
            target=organization,
        )


def database_url() -> str:
    """Return a DATABASE_URL for the test database this process uses."""
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(params["NAME"])
        assert "memory" not in name, "a worker process cannot share an in-memory db"
        return f"sqlite:///{name}"
    assert connection.vendor == "postgresql"
    credentials = quote(params["USER"] or "", safe="")
    if params.get("PASSWORD"):
        credentials += ":" + quote(params["PASSWORD"], safe="")
    host = params["HOST"] or "localhost"
    port = params["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{quote(params['NAME'], safe='')}"


def run_worker(command: list[str], **environment: str) -> None:
    """Run `manage.py <command>` as a separate process until it exits; assert 0."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        "CAIRN_LOG_JSON": "0",
        **environment,
    }
    env.pop("CAIRN_TEST_DB_SUFFIX", None)
    completed = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *command],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=WORKER_TIMEOUT_SECONDS,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_database_worker_runs_consumer_task_enqueued_after_commit(
    ecosystem: Any, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    organization = ecosystem.partner_a
    organization.refresh_from_db()
    assert organization.last_active_at is None

    event = view_organization(organization, actor=ecosystem.partner_a_rep)

    queued = DBTaskResult.objects.get()
    assert (queued.task_path, queued.status) == (CONSUMER_TASK, TaskResultStatus.READY)
    organization.refresh_from_db()
    assert organization.last_active_at is None

    run_worker(
        [
            "db_worker",
            "--batch",
            "--no-startup-delay",
            "--queue-name",
            "*",
            "--no-reload",
        ],
        CAIRN_TASK_BACKEND="database",
    )

    organization.refresh_from_db()
    assert organization.last_active_at == event.occurred_at
    done = DBTaskResult.objects.get()
    assert done.pk == queued.pk
    assert done.status == TaskResultStatus.SUCCESSFUL
    assert len(done.worker_ids) == 1


@pytest.fixture
def redis_url() -> Iterator[str]:
    """Claim a free Redis database for this run and return its URL."""
    server = redis.Redis.from_url(REDIS_SERVER_URL, socket_connect_timeout=2)
    try:
        server.ping()
    except redis.RedisError as error:
        pytest.fail(
            f"CAIRN_TEST_REDIS=1 but Redis at {REDIS_SERVER_URL} does not answer: "
            f"{error}"
        )
    finally:
        server.close()
    token = secrets.token_hex(8)
    for number in range(1, 16):
        client = redis.Redis.from_url(f"{REDIS_SERVER_URL}/{number}")
        try:
            claimed = client.set(REDIS_CLAIM_KEY, token, nx=True, ex=120)
        except redis.ResponseError:
            client.close()
            break
        if not claimed:
            client.close()
            continue
        try:
            _delete_rq_keys(client)
            yield f"{REDIS_SERVER_URL}/{number}"
        finally:
            _delete_rq_keys(client)
            if client.get(REDIS_CLAIM_KEY) == token.encode():
                client.delete(REDIS_CLAIM_KEY)
            client.close()
        return
    pytest.fail("every Redis database 1-15 is claimed by another test run")


def _delete_rq_keys(client: redis.Redis) -> None:
    keys = list(client.scan_iter(match="rq:*"))
    if keys:
        client.delete(*keys)


@pytest.mark.worker
@pytest.mark.redis
@needs_redis
@pytest.mark.django_db(transaction=True)
def test_rq_worker_runs_consumer_task_enqueued_after_commit(
    ecosystem: Any, settings: Any, redis_url: str
) -> None:
    import django_rq

    settings.RQ_QUEUES = {"default": {"URL": redis_url, "DEFAULT_TIMEOUT": 60}}
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}
    }
    organization = ecosystem.partner_a
    organization.refresh_from_db()
    assert organization.last_active_at is None

    event = view_organization(organization, actor=ecosystem.partner_a_rep)

    queue = django_rq.get_queue("default")
    [job_id] = queue.job_ids
    assert default_task_backend.get_result(job_id).status == TaskResultStatus.READY
    organization.refresh_from_db()
    assert organization.last_active_at is None

    run_worker(
        [
            "rqworker",
            "--burst",
            "--job-class",
            "django_tasks_rq.Job",
            "--name",
            f"cairn-test-{secrets.token_hex(4)}",
            "default",
        ],
        CAIRN_TASK_BACKEND="rq",
        REDIS_URL=redis_url,
    )

    organization.refresh_from_db()
    assert organization.last_active_at == event.occurred_at
    result = default_task_backend.get_result(job_id)
    assert result.task.module_path == CONSUMER_TASK
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert queue.job_ids == []
