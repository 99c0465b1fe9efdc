"""Recompute the blocking keys of open registrations after an upgrade."""

from typing import Any

from django.core.management.base import BaseCommand

from cairn.deals.services.detection import refresh_match_keys


class Command(BaseCommand):
    help = (
        "Recompute the conflict-detection keys of every open registration and "
        "direct opportunity (after an upgrade that changes name normalization)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = refresh_match_keys()
        self.stdout.write(f"Re-keyed {count} open registrations and opportunities.")
