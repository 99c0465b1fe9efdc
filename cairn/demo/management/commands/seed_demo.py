"""`manage.py seed_demo`: generate the demo ecosystem."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cairn.demo.generator import (
    EcosystemExistsError,
    ecosystem_exists,
    generate_ecosystem,
)


class Command(BaseCommand):
    help = (
        "Generate a believable partner ecosystem, the same for the same seed: "
        "partner organizations, users, programs, memberships and recent activity."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument(
            "--partners", type=int, default=200, help="Partner organizations (>= 2)."
        )
        parser.add_argument(
            "--users-per-partner",
            type=int,
            default=10,
            help="Partner users per organization on average (>= 2).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if the database has partner organizations already.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and ecosystem_exists():
            self.stdout.write(
                "Partner organizations exist already: no demo ecosystem generated."
            )
            return
        if options["partners"] < 2:
            raise CommandError("--partners must be at least 2.")
        if options["users_per_partner"] < 2:
            raise CommandError("--users-per-partner must be at least 2.")
        self.stdout.write(
            f"Generating {options['partners']:,} partner organizations "
            f"(seed {options['seed']})..."
        )
        try:
            summary = generate_ecosystem(
                seed=options["seed"],
                partners=options["partners"],
                users_per_partner=options["users_per_partner"],
                stdout=self.stdout if options["verbosity"] >= 1 else None,
            )
        except EcosystemExistsError as error:
            raise CommandError(
                f"{error} Use an empty database, or pass --if-empty to skip."
            ) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {summary.partners:,} partner organizations in "
                f"{summary.countries} countries, {summary.users:,} partner users, "
                f"{summary.vendor_users} vendor staff, {summary.memberships:,} "
                f"memberships, {summary.events:,} activity events and "
                f"{summary.audit_entries:,} audit entries in {summary.seconds:.1f} s."
            )
        )
