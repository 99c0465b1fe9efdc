"""Periodic jobs: validate `config/schedules.py` and run it with APScheduler.

The scheduler only enqueues tasks; workers run them. Exactly one scheduler process
runs per deployment, so each job fires once.
"""

import inspect
import json
import signal
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from types import FrameType
from typing import Any

import structlog
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from django.db import close_old_connections
from django.utils.module_loading import import_string
from django_tasks.base import Task

from config import schedules as schedule_config
from config.schedules import Schedule

logger = structlog.get_logger(__name__)

# A job that could not fire on time (the process was busy or paused) still fires
# within this window; later than that, the next regular run is soon enough.
MISFIRE_GRACE_SECONDS = 60


class ScheduleError(Exception):
    """Raised when one or more schedules cannot run; names every problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ScheduledJob:
    """A validated schedule: its task and its cron trigger in UTC."""

    schedule: Schedule
    task: Task[Any, Any]
    trigger: CronTrigger

    @property
    def job_id(self) -> str:
        """Name the job uniquely, so one task may have several schedules."""
        return f"{self.schedule.task}@{self.schedule.cron}"

    def next_run_time(self, now: datetime | None = None) -> datetime | None:
        """Return when the job fires next after `now`."""
        now = now or datetime.now(tz=UTC)
        return self.trigger.get_next_fire_time(None, now)  # type: ignore[no-any-return]


def load_schedules(schedules: Sequence[Schedule] | None = None) -> list[ScheduledJob]:
    """Validate every schedule and return the jobs; raise ScheduleError otherwise."""
    if schedules is None:
        schedules = schedule_config.SCHEDULES
    jobs: list[ScheduledJob] = []
    problems: list[str] = []
    seen: set[str] = set()
    for schedule in schedules:
        try:
            job = _validate(schedule)
        except ValueError as error:
            problems.append(f"{schedule.task} ({schedule.cron!r}): {error}")
            continue
        if job.job_id in seen:
            problems.append(f"{job.job_id}: declared twice")
            continue
        seen.add(job.job_id)
        jobs.append(job)
    if problems:
        raise ScheduleError(problems)
    return jobs


def _validate(schedule: Schedule) -> ScheduledJob:
    try:
        task = import_string(schedule.task)
    except ImportError as error:
        raise ValueError(f"cannot import the task: {error}") from error
    if not isinstance(task, Task):
        raise ValueError("is not a django-tasks Task (decorate it with @task())")
    try:
        trigger = CronTrigger.from_crontab(schedule.cron, timezone=UTC)
    except ValueError as error:
        raise ValueError(f"invalid cron expression: {error}") from error
    parameters = list(inspect.signature(task.func).parameters.values())
    if task.takes_context:
        parameters = parameters[1:]
    try:
        inspect.Signature(parameters).bind(**schedule.kwargs)
    except TypeError as error:
        raise ValueError(f"kwargs do not fit the task: {error}") from error
    try:
        json.dumps(schedule.kwargs)
    except TypeError as error:
        raise ValueError(f"kwargs are not JSON-serializable: {error}") from error
    return ScheduledJob(schedule=schedule, task=task, trigger=trigger)


def enqueue_scheduled_task(task_path: str, kwargs: dict[str, Any]) -> None:
    """Enqueue one run of a scheduled task."""
    # Scheduler threads live long; stale or broken connections must not leak into
    # the next run.
    close_old_connections()
    try:
        task: Task[Any, Any] = import_string(task_path)
        result = task.enqueue(**kwargs)
        logger.info("scheduled_task_enqueued", task=task_path, task_result=result.id)
    finally:
        close_old_connections()


def build_scheduler(jobs: Sequence[ScheduledJob]) -> BlockingScheduler:
    """Return a blocking scheduler that enqueues each job on its trigger."""
    scheduler = BlockingScheduler(timezone=UTC)
    for job in jobs:
        scheduler.add_job(
            enqueue_scheduled_task,
            trigger=job.trigger,
            args=(job.schedule.task, dict(job.schedule.kwargs)),
            id=job.job_id,
            name=job.schedule.task,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=MISFIRE_GRACE_SECONDS,
        )
    return scheduler


def run_scheduler(jobs: Sequence[ScheduledJob]) -> None:
    """Run the jobs until the process is interrupted or terminated."""
    scheduler = build_scheduler(jobs)

    def stop(signum: int, frame: FrameType | None) -> None:
        logger.info("scheduler_stopping", signal=signal.Signals(signum).name)
        if scheduler.running:
            scheduler.shutdown(wait=False)
        else:
            raise SystemExit(0)

    previous = {
        signum: signal.signal(signum, stop)
        for signum in (signal.SIGTERM, signal.SIGINT)
    }
    logger.info("scheduler_started", jobs=[job.job_id for job in jobs])
    try:
        scheduler.start()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
