"""Run the periodic jobs of `config/schedules.py`: one process per deployment."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cairn.core.scheduling import ScheduleError, load_schedules, run_scheduler


class Command(BaseCommand):
    help = (
        "Enqueue the periodic tasks of config/schedules.py on their cron schedules "
        "(UTC). Run exactly one scheduler per deployment."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help="Validate the schedules, print each job's next run time and exit.",
        )

    def handle(self, *args: Any, once: bool, **options: Any) -> None:
        try:
            jobs = load_schedules()
        except ScheduleError as error:
            raise CommandError(
                "Invalid schedules in config/schedules.py:\n"
                + "\n".join(f"  {problem}" for problem in error.problems)
            ) from error
        for job in jobs:
            next_run = job.next_run_time()
            when = next_run.isoformat() if next_run else "never"
            self.stdout.write(f"{job.schedule.task}  {job.schedule.cron}  next: {when}")
        if once:
            self.stdout.write(self.style.SUCCESS(f"{len(jobs)} schedules are valid."))
            return
        run_scheduler(jobs)
