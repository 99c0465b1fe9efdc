"""Scoped reads of CSV imports: a person sees the imports they uploaded, nobody
else's.
"""

from typing import Any

from django.db.models import QuerySet

from cairn.core.access import NotFound
from cairn.deals.models_import import ImportRun

RECENT_IMPORTS = 10


def list_import_runs_for(actor: Any, kind: str) -> QuerySet[ImportRun]:
    """Return the actor's own imports of this kind, newest first."""
    if not getattr(actor, "is_authenticated", False):
        return ImportRun.objects.none()
    return ImportRun.objects.filter(created_by=actor, kind=kind).order_by(
        "-created_at", "-pk"
    )


def access_import_run(actor: Any, pk: Any, kind: str) -> ImportRun:
    """Return one of the actor's imports of this kind; any other is not found."""
    try:
        run: ImportRun = (
            list_import_runs_for(actor, kind).select_related("program").get(pk=pk)
        )
    except (ImportRun.DoesNotExist, ValueError, TypeError) as error:
        raise NotFound from error
    return run


OUTCOME_MESSAGES = {
    ("registrations", "created"): "Registered and submitted (registration {pk}).",
    ("registrations", "unchanged"): (
        "Already imported with this reference (registration {pk}): unchanged."
    ),
    ("direct_pipeline", "created"): "Created (direct opportunity {pk}).",
    ("direct_pipeline", "updated"): "Updated (direct opportunity {pk}).",
}
CONFLICT_MESSAGE = " Possible conflict found: see the registration."


def report_lines(run: ImportRun) -> list[tuple[int, str, str]]:
    """Return the run's report as (row, column, message) lines, by row: each
    problem, and after the commit what was done with each row written.
    """
    lines = [
        (int(row), str(column), str(message)) for row, column, message in run.issues
    ]
    for row, outcome, pk, conflict in run.report.get("results", []):
        message = OUTCOME_MESSAGES.get((run.kind, outcome), outcome).format(pk=pk)
        lines.append((int(row), "", message + (CONFLICT_MESSAGE if conflict else "")))
    return sorted(lines, key=lambda line: line[0])
