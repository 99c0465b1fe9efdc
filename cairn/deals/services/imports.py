"""CSV imports of deal registrations (by partners) and of the vendor's direct
pipeline (by vendor admins).

An import has two steps. `validate_*_import` reads and checks every row and records
an ImportRun with the report; it writes no registration or opportunity. Then
`commit_import` checks the stored file again (the world may have changed since) and
writes each good row through the very services a registration typed in or an API
call goes through (`register_deal`, `save_direct_opportunity`), so every imported
row is validated, audited and conflict-checked exactly like one entered by hand:

- `keep_good`: each good row is written in its own transaction; a row the service
  refuses at that moment is reported and skipped, the others stay.
- `all_or_nothing`: nothing is written unless every row is valid, and then every row
  is written in one transaction: a refusal of any row rolls all of them back.
"""

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cairn.core import roles
from cairn.core.audit import record_update, record_write, snapshot
from cairn.core.models import AuditAction
from cairn.deals import policies_import
from cairn.deals.choices import RegistrationStatus
from cairn.deals.imports import columns as import_columns
from cairn.deals.imports.columns import (
    DIRECT_COLUMNS,
    REGISTRATION_COLUMNS,
    ROW,
    Column,
)
from cairn.deals.imports.reader import ImportFileError, Table, read_table
from cairn.deals.models import DealConflict, DealRegistration, DirectOpportunity
from cairn.deals.models_import import ImportKind, ImportMode, ImportRun, ImportStatus
from cairn.deals.services.direct import DIRECT_FIELDS, save_direct_opportunity
from cairn.deals.services.registrations import (
    REQUIRED_FOR_SUBMISSION,
    normalize_registration_fields,
    register_deal,
)

# Field names of the services that a column of another name reports.
FIELD_COLUMNS = {
    "lines": "product_code",
    "idempotency_key": "reference",
    "__all__": ROW,
    "status": ROW,
}
Issue = tuple[int, str, str]
NO_LONGER_ALLOWED = "You are no longer allowed to write this row."


@dataclass
class Prepared:
    """A row that passed every check, with the arguments of its service call."""

    number: int
    arguments: dict[str, Any]
    existing: bool = False


@dataclass
class Checked:
    """The outcome of checking a file: its good rows and the problems of the rest."""

    total: int = 0
    good: list[Prepared] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    @property
    def invalid_rows(self) -> int:
        """Return how many rows have at least one problem."""
        return len({number for number, _, _ in self.issues})


@dataclass(frozen=True)
class Result:
    """What the service did with one row: created, updated or unchanged (a
    reference imported before), the row written, and whether a possible conflict
    was found.
    """

    number: int
    outcome: str
    pk: int
    conflict: bool


class ImportRefusedError(ValidationError):
    """A whole file cannot be imported (its encoding, size, header...)."""


def _issues_of(error: ValidationError) -> list[tuple[str, str]]:
    if not hasattr(error, "error_dict"):
        return [(ROW, message) for message in error.messages]
    return [
        (FIELD_COLUMNS.get(name, name), message)
        for name, messages in error.message_dict.items()
        for message in messages
    ]


def _read(data: bytes, columns: tuple[Column, ...]) -> Table:
    try:
        return read_table(
            data,
            known=import_columns.names(columns),
            required=import_columns.required(columns),
        )
    except ImportFileError as error:
        raise ImportRefusedError({"file": error.message}) from error


# Registrations


def _check_registration_row(
    actor: Any, program: Any, fields: dict[str, Any], lines: list[dict[str, Any]] | None
) -> list[tuple[str, str]]:
    """Check a row with the rules a registration typed in meets, writing nothing:
    the model's validation, the line's, and what submission requires.
    """
    organization_id = roles.organization_id_of(actor)
    assert organization_id is not None  # a partner user, by the policy
    try:
        registration = DealRegistration(
            organization_id=organization_id,
            registered_by=actor,
            program=program,
            status=RegistrationStatus.DRAFT,
            **normalize_registration_fields(dict(fields)),
        )
        # The actor, organization and program are the import's, checked once; the
        # database constraints are checked again by the service at commit.
        registration.full_clean(
            exclude=["organization", "registered_by", "program", "idempotency_key"],
            validate_constraints=False,
        )
    except ValidationError as error:
        return _issues_of(error)
    missing = [
        (name, "Required to submit a registration.")
        for name in REQUIRED_FOR_SUBMISSION
        if not getattr(registration, name)
    ]
    if registration.amount <= 0 and not lines:
        missing.append(
            ("amount", "Give the deal's amount or a product line with its amount.")
        )
    return missing


def _fingerprint(values: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(sorted((key, str(value)) for key, value in values.items()))


def check_registrations(
    actor: Any, program: Any, table: Table, *, model_checks: bool = True
) -> Checked:
    """Check every row of a registrations file; write nothing.

    Without `model_checks` (at the commit, where the service validates each row
    anyway) only the cells and the rows against each other are checked.
    """
    checked = Checked(total=len(table.rows))
    columns = tuple(c for c in REGISTRATION_COLUMNS if c.name in table.columns)
    seen: dict[tuple[Any, ...], int] = {}
    references: dict[str, int] = {}
    parsed: list[tuple[int, dict[str, Any], list[dict[str, Any]] | None, str]] = []
    for row in table.rows:
        values, issues = import_columns.parse_cells(row, columns)
        fields, lines, key = import_columns.registration_arguments(values, issues)
        fingerprint = _fingerprint(values)
        if fingerprint in seen:
            issues.append(
                (ROW, f"The same registration as row {seen[fingerprint]}: skipped.")
            )
        else:
            seen[fingerprint] = row.number
        if key:
            if key in references and references[key] != row.number:
                issues.append(
                    ("reference", f"Row {references[key]} has the same reference.")
                )
            references.setdefault(key, row.number)
        if not issues and model_checks:
            issues = _check_registration_row(actor, program, fields, lines)
        if issues:
            checked.issues.extend((row.number, column, text) for column, text in issues)
        else:
            parsed.append((row.number, fields, lines, key))
    known = _known_references(actor, [key for _, _, _, key in parsed if key])
    for number, fields, lines, key in parsed:
        if key in known and not known[key]:
            checked.issues.append(
                (number, "reference", "This reference was used for another deal.")
            )
            continue
        checked.good.append(
            Prepared(
                number=number,
                arguments={"idempotency_key": key, "lines": lines, **fields},
                existing=key in known,
            )
        )
    checked.issues.sort(key=lambda issue: issue[0])
    return checked


def _known_references(actor: Any, keys: list[str]) -> dict[str, bool]:
    """Return the references already used in the actor's organization, each with
    whether the actor may see the registration that used it.
    """
    if not keys:
        return {}
    used = DealRegistration.objects.filter(
        organization_id=roles.organization_id_of(actor), idempotency_key__in=keys
    ).values_list("pk", "idempotency_key")
    visible = set(
        DealRegistration.objects.visible_to(actor)
        .filter(pk__in=[pk for pk, _ in used])
        .values_list("pk", flat=True)
    )
    return {key: pk in visible for pk, key in used}


def _write_registration(actor: Any, run: ImportRun, row: Prepared) -> Result:
    registration = register_deal(actor=actor, program=run.program, **row.arguments)
    if row.existing:
        return Result(row.number, "unchanged", registration.pk, False)
    has_conflict = DealConflict.objects.filter(registration=registration).exists()
    return Result(row.number, "created", registration.pk, has_conflict)


# The direct pipeline


def _check_direct_row(
    fields: dict[str, Any], existing: DirectOpportunity | None, external_id: str
) -> list[tuple[str, str]]:
    opportunity = existing or DirectOpportunity(external_id=external_id)
    values = dict(fields)
    if isinstance(values.get("domain"), str):
        values["domain"] = values["domain"].strip().lower().removeprefix("www.")
    for name, value in values.items():
        setattr(opportunity, name, value)
    try:
        # The external id is the row's key: an existing one is updated, not refused.
        opportunity.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        return _issues_of(error)
    return []


def check_direct_pipeline(table: Table) -> Checked:
    """Check every row of a direct pipeline file; write nothing."""
    checked = Checked(total=len(table.rows))
    columns = tuple(c for c in DIRECT_COLUMNS if c.name in table.columns)
    rows = [(row, *import_columns.parse_cells(row, columns)) for row in table.rows]
    ids = [values["external_id"] for _, values, _ in rows if "external_id" in values]
    existing = {
        opportunity.external_id: opportunity
        for opportunity in DirectOpportunity.objects.filter(external_id__in=ids)
    }
    first_row: dict[str, int] = {}
    for row, values, issues in rows:
        external_id = values.pop("external_id", "")
        if external_id and external_id in first_row:
            issues.append(
                ("external_id", f"Row {first_row[external_id]} has the same id.")
            )
        elif external_id:
            first_row[external_id] = row.number
        fields = {
            name: value for name, value in values.items() if name in DIRECT_FIELDS
        }
        if not issues:
            issues.extend(
                _check_direct_row(fields, existing.get(external_id), external_id)
            )
        if issues:
            checked.issues.extend((row.number, column, text) for column, text in issues)
            continue
        checked.good.append(
            Prepared(
                number=row.number,
                arguments={"external_id": external_id, **fields},
                existing=external_id in existing,
            )
        )
    checked.issues.sort(key=lambda issue: issue[0])
    return checked


def _write_direct(actor: Any, run: ImportRun, row: Prepared) -> Result:
    moment = timezone.now()
    opportunity = save_direct_opportunity(actor=actor, **row.arguments)
    found = DealConflict.objects.filter(
        direct_opportunity=opportunity, direct_is_later=True, created_at__gte=moment
    ).exists()
    outcome = "updated" if row.existing else "created"
    return Result(row.number, outcome, opportunity.pk, found)


# Validation and commit


def _counts(run: ImportRun, checked: Checked) -> None:
    run.total_rows = checked.total
    run.valid_rows = len(checked.good)
    run.invalid_rows = checked.invalid_rows
    run.report = {"issues": [list(issue) for issue in checked.issues]}


def _record_validation(run: ImportRun, *, actor: Any) -> ImportRun:
    with transaction.atomic():
        run.full_clean()
        run.save()
        record_write(
            AuditAction.CREATE,
            run,
            actor=actor,
            organization_id=run.organization_id,
            after=snapshot(run, fields=_SUMMARY_FIELDS),
            verb="deal.import_validated",
            data=_summary(run),
        )
    return run


_SUMMARY_FIELDS = (
    "kind",
    "file_name",
    "file_size",
    "program",
    "status",
    "mode",
    "total_rows",
    "valid_rows",
    "invalid_rows",
    "created_rows",
    "updated_rows",
    "unchanged_rows",
    "skipped_rows",
    "conflict_rows",
)


def _summary(run: ImportRun) -> dict[str, Any]:
    return {
        "kind": run.kind,
        "file_name": run.file_name,
        "status": run.status,
        "mode": run.mode,
        "total_rows": run.total_rows,
        "valid_rows": run.valid_rows,
        "invalid_rows": run.invalid_rows,
        "created_rows": run.created_rows,
        "updated_rows": run.updated_rows,
        "unchanged_rows": run.unchanged_rows,
        "skipped_rows": run.skipped_rows,
        "conflict_rows": run.conflict_rows,
    }


def _decode_stored(run: ImportRun) -> bytes:
    return run.content.encode("utf-8")


def validate_registrations_import(
    *, actor: Any, program: Any, file_name: str, data: bytes
) -> ImportRun:
    """Check a partner's registrations file and record the report; register nothing.

    The registrations will be the actor's organization's, registered by the actor,
    in `program`. A file that cannot be read at all raises ImportRefusedError.
    """
    if not policies_import.can_import_registrations(actor, program):
        raise PermissionDenied
    table = _read(data, REGISTRATION_COLUMNS)
    run = ImportRun(
        kind=ImportKind.REGISTRATIONS,
        created_by=actor,
        organization_id=roles.organization_id_of(actor),
        program=program,
        file_name=file_name[:255],
        file_size=len(data),
        content=data.decode("utf-8-sig"),
    )
    _counts(run, check_registrations(actor, program, table))
    return _record_validation(run, actor=actor)


def validate_direct_import(*, actor: Any, file_name: str, data: bytes) -> ImportRun:
    """Check a direct pipeline file and record the report; write no opportunity."""
    if not policies_import.can_import_direct_pipeline(actor):
        raise PermissionDenied
    table = _read(data, DIRECT_COLUMNS)
    run = ImportRun(
        kind=ImportKind.DIRECT_PIPELINE,
        created_by=actor,
        file_name=file_name[:255],
        file_size=len(data),
        content=data.decode("utf-8-sig"),
    )
    _counts(run, check_direct_pipeline(table))
    return _record_validation(run, actor=actor)


def _check_again(run: ImportRun, actor: Any) -> Checked:
    if run.kind == ImportKind.DIRECT_PIPELINE:
        return check_direct_pipeline(_read(_decode_stored(run), DIRECT_COLUMNS))
    table = _read(_decode_stored(run), REGISTRATION_COLUMNS)
    # register_deal validates each row as it writes it: checking the model here
    # too would only repeat that work (a refused row is reported all the same).
    return check_registrations(actor, run.program, table, model_checks=False)


class _RowRefusedError(Exception):
    def __init__(self, number: int, error: ValidationError) -> None:
        super().__init__(number)
        self.number = number
        self.error = error


def _write_rows(
    actor: Any,
    run: ImportRun,
    rows: Iterable[Prepared],
    *,
    stop_at_first: bool,
) -> tuple[list[Result], list[Issue]]:
    write: Callable[[Any, ImportRun, Prepared], Result] = (
        _write_direct if run.kind == ImportKind.DIRECT_PIPELINE else _write_registration
    )
    results: list[Result] = []
    refused: list[Issue] = []
    for row in rows:
        try:
            with transaction.atomic():
                result = write(actor, run, row)
        except PermissionDenied as denied:
            # Allowed at the start, no longer now (a membership ended meanwhile).
            error = ValidationError(NO_LONGER_ALLOWED)
            if stop_at_first:
                raise _RowRefusedError(row.number, error) from denied
            refused.append((row.number, ROW, NO_LONGER_ALLOWED))
            continue
        except ValidationError as error:
            if stop_at_first:
                raise _RowRefusedError(row.number, error) from error
            refused.extend(
                (row.number, column, text) for column, text in _issues_of(error)
            )
            continue
        results.append(result)
    return results, refused


def _finish(
    run: ImportRun,
    *,
    actor: Any,
    mode: str,
    checked: Checked,
    results: list[Result],
    refused: list[Issue],
    started: float,
) -> None:
    before = snapshot(run, fields=_SUMMARY_FIELDS)
    _counts(run, checked)
    issues = sorted([*checked.issues, *refused], key=lambda issue: issue[0])
    run.report = {
        "issues": [list(issue) for issue in issues],
        "results": [
            [result.number, result.outcome, result.pk, result.conflict]
            for result in results
        ],
    }
    outcomes = [result.outcome for result in results]
    run.mode = mode
    run.status = ImportStatus.IMPORTED if results else ImportStatus.NOTHING_IMPORTED
    run.created_rows = outcomes.count("created")
    run.updated_rows = outcomes.count("updated")
    run.unchanged_rows = outcomes.count("unchanged")
    run.conflict_rows = sum(1 for result in results if result.conflict)
    run.skipped_rows = run.total_rows - len(results)
    run.invalid_rows = len({number for number, _, _ in issues})
    run.committed_at = timezone.now()
    run.duration_ms = int((time.monotonic() - started) * 1000)
    run.content = ""  # the report is what remains; the file was written or refused
    run.full_clean()
    run.save()
    record_update(
        run,
        actor=actor,
        organization_id=run.organization_id,
        before=before,
        after=snapshot(run, fields=_SUMMARY_FIELDS),
        verb="deal.imported",
        data=_summary(run),
    )


def _check_mode(mode: str) -> None:
    if mode not in ImportMode.values:
        raise ValidationError({"mode": "Choose how to import the file."})


def _claim(run: ImportRun, actor: Any, mode: str) -> ImportRun:
    """Mark a validated run as importing, once: a second commit of the same file (a
    double click) is refused.
    """
    with transaction.atomic():
        locked: ImportRun = ImportRun.objects.select_for_update().get(pk=run.pk)
        if not policies_import.can_commit_import(actor, locked):
            raise PermissionDenied
        locked.status = ImportStatus.IMPORTING
        locked.mode = mode
        locked.save(update_fields=["status", "mode", "updated_at"])
    return locked


def commit_import(run: ImportRun, *, actor: Any, mode: str) -> ImportRun:
    """Write a validated file's rows, by the mode the actor chose, once, now.

    Returns the run with its counts and report: what was registered (or created and
    updated), what was skipped and why.
    """
    _check_mode(mode)
    return _import_claimed(_claim(run, actor, mode), actor=actor)


def queue_import(run: ImportRun, *, actor: Any, mode: str) -> ImportRun:
    """Claim a validated file for import and let a background task write it (a
    large file takes minutes); the run shows "importing" until the task is done.
    """
    from cairn.deals.tasks_import import import_file_task

    _check_mode(mode)
    claimed = _claim(run, actor, mode)
    transaction.on_commit(lambda: import_file_task.enqueue(run_id=claimed.pk))
    return claimed


def run_queued_import(run_id: int) -> ImportRun | None:
    """Write a run that `queue_import` claimed, as its uploader; a run no longer
    waiting (done, or not found) is left alone.
    """
    run = (
        ImportRun.objects.select_related("created_by", "program")
        .filter(pk=run_id, status=ImportStatus.IMPORTING)
        .first()
    )
    if run is None:
        return None
    return _import_claimed(run, actor=run.created_by)


def _import_claimed(run: ImportRun, *, actor: Any) -> ImportRun:
    started = time.monotonic()
    checked = _check_again(run, actor)
    if run.mode == ImportMode.KEEP_GOOD:
        results, refused = _write_rows(actor, run, checked.good, stop_at_first=False)
        with transaction.atomic():
            _finish(
                run,
                actor=actor,
                mode=run.mode,
                checked=checked,
                results=results,
                refused=refused,
                started=started,
            )
        return run
    return _import_all_or_nothing(run, actor=actor, checked=checked, started=started)


def _import_all_or_nothing(
    run: ImportRun, *, actor: Any, checked: Checked, started: float
) -> ImportRun:
    """Write every row in one transaction, or none: a row refused by its service
    rolls back the rows written before it.
    """
    mode = ImportMode.ALL_OR_NOTHING
    refused: list[Issue] = []
    try:
        with transaction.atomic():
            if not checked.issues:
                results, _ = _write_rows(actor, run, checked.good, stop_at_first=True)
                _finish(
                    run,
                    actor=actor,
                    mode=mode,
                    checked=checked,
                    results=results,
                    refused=[],
                    started=started,
                )
                return run
    except _RowRefusedError as refusal:
        refused = [
            (refusal.number, column, text) for column, text in _issues_of(refusal.error)
        ]
    # Nothing was written; record why (from the run as stored, not as rolled back).
    run.refresh_from_db()
    with transaction.atomic():
        _finish(
            run,
            actor=actor,
            mode=mode,
            checked=checked,
            results=[],
            refused=refused,
            started=started,
        )
    return run
