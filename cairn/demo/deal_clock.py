"""Move the times the deals services stamped to the demo's planned moments.

The services stamp `timezone.now()`. The runner notes, after every call, the highest
id of each stamped table and the call's planned moment; afterwards the rows each call
wrote, and the times inside their audit snapshots and event data, move to that moment.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models

from cairn.core.models import ActivityEvent, AuditEntry
from cairn.deals.models import (
    DealConflict,
    DealRegistration,
    DealStageChange,
    DealStatusChange,
    DirectOpportunity,
)
from cairn.deals.services._common import add_business_days

STAMPED = (AuditEntry, ActivityEvent, DealStatusChange, DealConflict, DealStageChange)
REGISTRATION_TIMES = (
    "created_at",
    "updated_at",
    "submitted_at",
    "review_due_at",
    "decided_at",
    "protection_expires_at",
)
CONFLICT_TIMES = ("created_at", "updated_at", "decided_at", "appealed_at")


@dataclass
class DealClock:
    """Which rows each service call wrote, and the times they should have."""

    now: datetime.datetime
    protection_days: int
    review_days: int
    marks: list[tuple[int, ...]] = field(default_factory=list)
    moments: list[datetime.datetime] = field(default_factory=list)
    # Each datetime a service stamped (as isoformat) and the planned one.
    times: dict[str, datetime.datetime] = field(default_factory=dict)

    def mark(self, moment: datetime.datetime | None = None) -> None:
        """Note the highest id of each stamped table, after the call of `moment`."""
        self.marks.append(_highest_ids())
        if moment is not None:
            self.moments.append(moment)

    def learn(self, row: Any, names: Iterable[str], moment: datetime.datetime) -> None:
        times = self.times
        for name in names:
            value = getattr(row, name)
            if value is None or value.isoformat() in times:
                continue
            planned = moment
            if name == "review_due_at":
                planned = add_business_days(moment, self.review_days)
            elif name == "protection_expires_at":
                planned = moment + datetime.timedelta(days=self.protection_days)
            times[value.isoformat()] = planned

    def restamp(self) -> None:
        first, marks, moments = self.marks[0], self.marks[1:], self.moments

        def moment_of(position: int, pk: int) -> datetime.datetime:
            # The call whose marks first reach this row wrote it.
            low, high = 0, len(marks) - 1
            while low < high:
                middle = (low + high) // 2
                if marks[middle][position] >= pk:
                    high = middle
                else:
                    low = middle + 1
            return moments[low]

        times = self.times

        def planned(value: Any) -> Any:
            if isinstance(value, str):
                moved = times.get(value)
                return moved.isoformat() if moved is not None else value
            if isinstance(value, dict):
                return {key: planned(item) for key, item in value.items()}
            if isinstance(value, list):
                return [planned(item) for item in value]
            return value

        entries = list(AuditEntry.objects.filter(pk__gt=first[0]))
        for entry in entries:
            entry.occurred_at = moment_of(0, entry.pk)
            entry.before = planned(entry.before)
            entry.after = planned(entry.after)
        update_rows(AuditEntry, entries, ["occurred_at", "before", "after"])
        events = list(ActivityEvent.objects.filter(pk__gt=first[1]))
        for event in events:
            event.occurred_at = moment_of(1, event.pk)
            event.data = planned(event.data)
        update_rows(ActivityEvent, events, ["occurred_at", "data"])
        changes = list(DealStatusChange.objects.filter(pk__gt=first[2]).only("at"))
        for change in changes:
            change.at = moment_of(2, change.pk)
        update_rows(DealStatusChange, changes, ["at"])
        # Deal velocity reads the stage history against the status history.
        moves = list(DealStageChange.objects.filter(pk__gt=first[4]).only("at"))
        for move in moves:
            move.at = moment_of(4, move.pk)
        update_rows(DealStageChange, moves, ["at"])
        for model, names in (
            (DealRegistration, REGISTRATION_TIMES),
            (DealConflict, CONFLICT_TIMES),
            (DirectOpportunity, CONFLICT_TIMES[:2]),
        ):
            rows = list(model._default_manager.only(*names))
            for row in rows:
                for name in names:
                    value = getattr(row, name)
                    if value is not None and value.isoformat() in times:
                        setattr(row, name, times[value.isoformat()])
            update_rows(model, rows, list(names))


def update_rows(model: type[models.Model], rows: list[Any], names: list[str]) -> None:
    """Save `names` of `rows` in batches."""
    model._default_manager.bulk_update(rows, names, batch_size=500)


def _highest_ids() -> tuple[int, ...]:
    # Table names of the models, no input: nothing to inject.
    tables = [model._meta.db_table for model in STAMPED]
    columns = ", ".join(
        f"(SELECT MAX(id) FROM {table})"  # noqa: S608
        for table in tables
    )
    sql = f"SELECT {columns}"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return tuple(value or 0 for value in row)
