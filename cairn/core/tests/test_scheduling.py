import os
import signal
import threading
from datetime import UTC, datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import override_settings
from django_tasks import task_backends
from django_tasks.backends.dummy import DummyBackend

from cairn.core.models import WorkerHeartbeat
from cairn.core.scheduling import (
    MISFIRE_GRACE_SECONDS,
    ScheduleError,
    build_scheduler,
    enqueue_scheduled_task,
    load_schedules,
    run_scheduler,
)
from config import schedules as schedule_config
from config.schedules import SCHEDULES, Schedule

HEARTBEAT = "cairn.core.tasks.record_worker_heartbeat_task"
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_every_declared_schedule_names_a_task_and_a_valid_cron() -> None:
    jobs = load_schedules()

    assert [job.schedule for job in jobs] == SCHEDULES


def test_each_invalid_schedule_is_reported_with_its_reason() -> None:
    schedules = [
        Schedule("cairn.core.tasks.no_such_task", "* * * * *"),
        Schedule("cairn.core.scheduling.load_schedules", "* * * * *"),
        Schedule(HEARTBEAT, "61 * * * *"),
        Schedule(HEARTBEAT, "* * * *"),
        Schedule(HEARTBEAT, "0 * * * *", {"colour": "red"}),
        Schedule(HEARTBEAT, "5 * * * *", {"worker_name": object()}),
        Schedule(HEARTBEAT, "* * * * *"),
        Schedule(HEARTBEAT, "* * * * *"),
    ]

    with pytest.raises(ScheduleError) as raised:
        load_schedules(schedules)

    problems = raised.value.problems
    assert len(problems) == 7
    assert problems[0].startswith(
        "cairn.core.tasks.no_such_task ('* * * * *'): cannot import the task:"
    )
    assert problems[1] == (
        "cairn.core.scheduling.load_schedules ('* * * * *'): is not a django-tasks "
        "Task (decorate it with @task())"
    )
    assert problems[2].startswith(f"{HEARTBEAT} ('61 * * * *'): invalid cron")
    assert problems[3] == (
        f"{HEARTBEAT} ('* * * *'): invalid cron expression: Wrong number of fields; "
        "got 4, expected 5"
    )
    assert problems[4] == (
        f"{HEARTBEAT} ('0 * * * *'): kwargs do not fit the task: "
        "got an unexpected keyword argument 'colour'"
    )
    assert problems[5].startswith(
        f"{HEARTBEAT} ('5 * * * *'): kwargs are not JSON-serializable:"
    )
    assert problems[6] == f"{HEARTBEAT}@* * * * *: declared twice"


def test_run_scheduler_once_prints_each_job_with_its_next_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        schedule_config,
        "SCHEDULES",
        [Schedule(HEARTBEAT, "* * * * *"), Schedule(HEARTBEAT, "30 2 * * *")],
    )
    out = StringIO()

    with time_machine.travel(datetime(2025, 3, 4, 10, 15, 30, tzinfo=UTC), tick=False):
        call_command("run_scheduler", "--once", stdout=out)

    assert out.getvalue().splitlines() == [
        f"{HEARTBEAT}  * * * * *  next: 2025-03-04T10:16:00+00:00",
        f"{HEARTBEAT}  30 2 * * *  next: 2025-03-05T02:30:00+00:00",
        "2 schedules are valid.",
    ]


def test_run_scheduler_refuses_to_start_with_an_invalid_schedule(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        schedule_config, "SCHEDULES", [Schedule("cairn.core.tasks.missing", "@daily")]
    )

    with pytest.raises(CommandError) as raised:
        call_command("run_scheduler", "--once", stdout=StringIO())

    assert str(raised.value).splitlines()[0] == (
        "Invalid schedules in config/schedules.py:"
    )
    assert "cairn.core.tasks.missing ('@daily')" in str(raised.value)


def test_scheduler_jobs_coalesce_run_once_at_a_time_and_fire_in_utc() -> None:
    jobs = load_schedules([Schedule(HEARTBEAT, "*/5 * * * *", {"worker_name": "a"})])

    scheduler = build_scheduler(jobs)

    job = scheduler.get_job(f"{HEARTBEAT}@*/5 * * * *")
    assert job.func is enqueue_scheduled_task
    assert job.args == (HEARTBEAT, {"worker_name": "a"})
    assert job.coalesce is True
    assert job.max_instances == 1
    assert job.misfire_grace_time == MISFIRE_GRACE_SECONDS
    assert str(job.trigger.timezone) == "UTC"


# The job closes stale database connections first, as a long-lived process must.
@pytest.mark.django_db
def test_scheduler_job_enqueues_its_task_with_its_kwargs() -> None:
    jobs = load_schedules([Schedule(HEARTBEAT, "* * * * *", {"worker_name": "eu"})])
    job = build_scheduler(jobs).get_job(jobs[0].job_id)

    with override_settings(TASKS=DUMMY_TASKS):
        job.func(*job.args)
        backend = task_backends["default"]
        assert isinstance(backend, DummyBackend)
        results = backend.results

    assert [(r.task.module_path, r.args, r.kwargs) for r in results] == [
        (HEARTBEAT, [], {"worker_name": "eu"})
    ]


# Transactional: the job closes the thread's connections, as a scheduler thread must.
@pytest.mark.django_db(transaction=True)
def test_scheduled_heartbeat_records_the_worker_when_run() -> None:
    enqueue_scheduled_task(HEARTBEAT, {"worker_name": "default"})

    assert list(WorkerHeartbeat.objects.values_list("name", flat=True)) == ["default"]


def test_scheduler_stops_cleanly_on_sigterm() -> None:
    jobs = load_schedules([Schedule(HEARTBEAT, "0 0 1 1 *")])
    previous = signal.getsignal(signal.SIGTERM)
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM))
    stopped = threading.Event()

    timer.start()
    try:
        run_scheduler(jobs)
        stopped.set()
    finally:
        timer.cancel()

    assert stopped.is_set()
    assert signal.getsignal(signal.SIGTERM) is previous
