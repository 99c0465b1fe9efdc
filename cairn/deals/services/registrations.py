"""Writes of registrations: drafts, edits and submission with conflict detection."""

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cairn.core import roles
from cairn.core.audit import record_update, record_write, snapshot
from cairn.core.models import AuditAction
from cairn.deals import policies
from cairn.deals.choices import RegistrationStatus
from cairn.deals.models import DealLine, DealRegistration
from cairn.deals.services._common import (
    add_business_days,
    change_status,
    check_keys,
    lock_registration,
    program_settings,
)
from cairn.deals.services.detection import detect_conflicts
from cairn.deals.services.fields import clean_custom_fields, missing_for_submission

REGISTRATION_FIELDS = frozenset(
    {
        "customer_name",
        "customer_domain",
        "country",
        "street",
        "city",
        "postal_code",
        "latitude",
        "longitude",
        "contact_name",
        "contact_email",
        "expected_close_date",
        "deal_type",
        "partner_role",
        "currency",
        "amount",
        "notes",
        "custom_fields",
    }
)
LINE_FIELDS = frozenset({"product_code", "description", "quantity", "unit_amount"})
# What a registration must say before a reviewer can decide it.
REQUIRED_FOR_SUBMISSION = ("customer_name", "country", "expected_close_date")


def _normalize(fields: dict[str, Any]) -> dict[str, Any]:
    if isinstance(fields.get("customer_domain"), str):
        domain = fields["customer_domain"].strip().lower().removeprefix("www.")
        fields["customer_domain"] = domain
    if isinstance(fields.get("currency"), str):
        fields["currency"] = fields["currency"].strip().upper()
    if isinstance(fields.get("amount"), float):
        # A float has already lost the cents it was meant to carry.
        raise ValidationError({"amount": "Give the amount as a decimal, not a float."})
    return fields


def normalize_registration_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Return a registration's fields as the services store them (a domain without
    www., an upper-case currency), refusing a float amount; for checks that write
    nothing, such as an import's validation.
    """
    return _normalize(fields)


def _build_lines(
    registration: DealRegistration, lines: Iterable[Mapping[str, Any]]
) -> list[DealLine]:
    built = []
    for number, values in enumerate(lines, start=1):
        check_keys(values, LINE_FIELDS, "deal line")
        if isinstance(values.get("unit_amount"), float):
            raise ValidationError(
                {"lines": f"Line {number}: give the amount as a decimal, not a float."}
            )
        line = DealLine(registration=registration, **values)
        try:
            # Each check constraint is also a field validator or clean() rule (see
            # test_imports_speed): validating it as a query again costs a tenth of
            # a registration's time, which an import pays per row.
            line.full_clean(exclude=["registration"], validate_constraints=False)
        except ValidationError as error:
            messages = "; ".join(
                f"{field}: {' '.join(errors)}"
                for field, errors in error.message_dict.items()
            )
            raise ValidationError({"lines": f"Line {number}: {messages}"}) from error
        built.append(line)
    return built


def _replace_lines(
    registration: DealRegistration, lines: Iterable[Mapping[str, Any]] | None
) -> None:
    if lines is None:
        return
    built = _build_lines(registration, lines)
    registration.lines.all().delete()
    DealLine.objects.bulk_create(built)


def _lines_snapshot(registration: DealRegistration) -> list[dict[str, Any]]:
    return [
        {
            "product_code": line.product_code,
            "quantity": line.quantity,
            "unit_amount": str(line.unit_amount),
        }
        for line in registration.lines.order_by("id")
    ]


def create_draft(
    *,
    actor: Any,
    program: Any,
    lines: Iterable[Mapping[str, Any]] | None = None,
    idempotency_key: str = "",
    **fields: Any,
) -> DealRegistration:
    """Save a partner's registration as a draft, not yet matched or reviewed."""
    check_keys(fields, REGISTRATION_FIELDS, "registration")
    with transaction.atomic():
        if not policies.can_register_deal(actor, program):
            raise PermissionDenied
        organization_id = roles.organization_id_of(actor)
        assert organization_id is not None  # a partner user, by the policy
        fields = _normalize(dict(fields))
        fields["custom_fields"] = clean_custom_fields(
            program, fields.get("custom_fields")
        )
        registration = DealRegistration(
            organization_id=organization_id,
            registered_by=actor,
            program=program,
            status=RegistrationStatus.DRAFT,
            idempotency_key=idempotency_key,
            **fields,
        )
        # The check constraints are also field validators or clean() rules, and
        # the key's uniqueness is looked up at submission: see _build_lines.
        registration.full_clean(exclude=["idempotency_key"], validate_constraints=False)
        registration.save()
        _replace_lines(registration, lines)
        record_write(
            AuditAction.CREATE,
            registration,
            actor=actor,
            organization_id=registration.organization_id,
            after={**snapshot(registration), "lines": _lines_snapshot(registration)},
            verb="deal.draft_created",
            data={"program": program.name},
        )
    return registration


def update_draft(
    registration: DealRegistration,
    *,
    actor: Any,
    lines: Iterable[Mapping[str, Any]] | None = None,
    **changes: Any,
) -> DealRegistration:
    """Change a draft, or a registration whose reviewer asked for more information."""
    check_keys(changes, REGISTRATION_FIELDS, "registration")
    with transaction.atomic():
        registration = lock_registration(registration)
        if not policies.can_update_registration(actor, registration):
            raise PermissionDenied
        before = {**snapshot(registration), "lines": _lines_snapshot(registration)}
        changes = _normalize(dict(changes))
        if "custom_fields" in changes:
            # Given custom fields replace the registration's, as lines do.
            changes["custom_fields"] = clean_custom_fields(
                registration.program, changes["custom_fields"]
            )
        for field, value in changes.items():
            setattr(registration, field, value)
        # Until it is submitted again, other checks compare it as it now reads.
        registration.forget_match_facts()
        registration.full_clean()
        registration.save()
        _replace_lines(registration, lines)
        record_update(
            registration,
            actor=actor,
            organization_id=registration.organization_id,
            before=before,
            after={**snapshot(registration), "lines": _lines_snapshot(registration)},
            verb="deal.updated",
        )
    return registration


def _check_complete(registration: DealRegistration) -> None:
    missing = {
        field: "Required to submit a registration."
        for field in REQUIRED_FOR_SUBMISSION
        if not getattr(registration, field)
    }
    missing.update(missing_for_submission(registration))
    if missing:
        raise ValidationError(missing)
    if registration.amount <= Decimal("0") and not registration.lines.exists():
        raise ValidationError(
            {"amount": "Give the deal's amount or at least one product line."}
        )


def _replay(registration: DealRegistration, idempotency_key: str) -> bool:
    return bool(
        idempotency_key
        and registration.idempotency_key == idempotency_key
        and registration.status
        not in {RegistrationStatus.DRAFT, RegistrationStatus.MORE_INFO_REQUESTED}
    )


def submit_registration(
    registration: DealRegistration, *, actor: Any, idempotency_key: str = ""
) -> DealRegistration:
    """Submit a draft (or an answer to a request for information) for review, and
    record its possible conflicts with earlier claims on the same customer.

    Submitting again with the same idempotency key returns the registration as it is.
    See `detection.detect_conflicts` for why concurrent submissions of the same
    customer are both detected.
    """
    return _submit_registration(
        registration, actor=actor, idempotency_key=idempotency_key, validate=True
    )


def _submit_registration(
    registration: DealRegistration,
    *,
    actor: Any,
    idempotency_key: str,
    validate: bool,
) -> DealRegistration:
    with transaction.atomic():
        registration = lock_registration(registration)
        if _replay(registration, idempotency_key):
            return registration
        if not policies.can_submit_registration(actor, registration):
            raise PermissionDenied
        if idempotency_key and registration.idempotency_key != idempotency_key:
            if (
                DealRegistration.objects.filter(
                    organization_id=registration.organization_id,
                    idempotency_key=idempotency_key,
                )
                .exclude(pk=registration.pk)
                .exists()
            ):
                raise ValidationError(
                    {"idempotency_key": "This key was used for another registration."}
                )
            registration.idempotency_key = idempotency_key
        if validate:
            registration.full_clean()
        _check_complete(registration)
        _submit(registration, actor=actor)
    return registration


def _submit(registration: DealRegistration, *, actor: Any) -> None:
    is_first_submission = registration.submitted_at is None
    # Key locks first: the submission time must follow the order in which
    # transactions that share a key pass the lock, which is their commit order.
    conflicts = detect_conflicts(registration)
    now = timezone.now()
    if is_first_submission:
        registration.submitted_at = now
    settings = program_settings(registration.program)
    registration.review_due_at = add_business_days(now, settings.review_business_days)
    registration.escalated_at = None
    change_status(
        registration,
        actor=actor,
        to_status=RegistrationStatus.SUBMITTED,
        verb="deal.submitted",
        data={
            "program": registration.program.name,
            "amount": str(registration.amount),
            "currency": registration.currency,
            "possible_conflicts": len(conflicts),
            "resubmission": not is_first_submission,
        },
    )
    for conflict in conflicts:
        conflict.save()
        # The audit entry and event of a conflict carry no organization of the
        # earlier claim: partner admins read their organization's audit log.
        record_write(
            AuditAction.CREATE,
            conflict,
            actor=actor,
            organization_id=None,
            after=snapshot(conflict),
            verb="deal.conflict_detected",
            data={"score": conflict.score, "codes": conflict.reason_codes},
        )


def register_deal(
    *,
    actor: Any,
    program: Any,
    idempotency_key: str = "",
    lines: Iterable[Mapping[str, Any]] | None = None,
    **fields: Any,
) -> DealRegistration:
    """Create and submit a registration in one step (the API's and a CRM's way).

    A repeated call with the same idempotency key returns the first registration
    and creates nothing, even when both calls run at the same moment.
    """
    if idempotency_key:
        existing = _registration_with_key(actor, idempotency_key)
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            registration = create_draft(
                actor=actor,
                program=program,
                lines=lines,
                idempotency_key=idempotency_key,
                **fields,
            )
            # create_draft validated this very row in this transaction (its key
            # was looked up above, and the database holds it unique): validating
            # it again would double the cost of a registration, which an import
            # of thousands of rows pays thousands of times.
            return _submit_registration(
                registration,
                actor=actor,
                idempotency_key=idempotency_key,
                validate=False,
            )
    except IntegrityError:
        # The concurrent twin committed first; its registration is the answer.
        existing = _registration_with_key(actor, idempotency_key)
        if not idempotency_key or existing is None:
            raise
        return existing


def _registration_with_key(actor: Any, idempotency_key: str) -> DealRegistration | None:
    if not idempotency_key:
        return None
    existing = DealRegistration.objects.filter(
        organization_id=roles.organization_id_of(actor),
        idempotency_key=idempotency_key,
    ).first()
    if existing is not None and not policies.can_view_registration(actor, existing):
        raise ValidationError(
            {"idempotency_key": "This key was used for another registration."}
        )
    return existing
