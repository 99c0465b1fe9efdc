"""The import services: validation writes nothing, keep-good and all-or-nothing
write exactly what they promise, through the same services as one registration.
"""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cairn.core.models import ActivityEvent, AuditEntry
from cairn.deals.choices import RegistrationStatus
from cairn.deals.models import (
    DealConflict,
    DealLine,
    DealRegistration,
    DirectOpportunity,
    ImportRun,
)
from cairn.deals.models_import import ImportStatus
from cairn.deals.services import imports
from cairn.deals.tests.imports_support import (
    DIRECT_HEADER,
    REGISTRATION_HEADER,
    csv_bytes,
    direct_row,
    registration_row,
)
from cairn.deals.tests.support import ACME, register


def _validate(ecosystem: Any, rows: list[dict[str, str]], actor: Any = None):
    return imports.validate_registrations_import(
        actor=actor or ecosystem.partner_a_rep,
        program=ecosystem.program,
        file_name="deals.csv",
        data=csv_bytes(REGISTRATION_HEADER, rows),
    )


def _mixed_rows() -> list[dict[str, str]]:
    return [
        registration_row(1),
        registration_row(2, country="Frnce"),
        registration_row(3),
        registration_row(4, expected_close_date="30/06/2026", amount="1.5.0"),
        registration_row(5),
    ]


def test_validation_writes_no_registration_and_reports_each_cell(
    ecosystem: Any,
) -> None:
    run = _validate(ecosystem, _mixed_rows())

    assert DealRegistration.objects.count() == 0
    assert (run.status, run.total_rows, run.valid_rows, run.invalid_rows) == (
        ImportStatus.VALIDATED,
        5,
        3,
        2,
    )
    assert [(row, column) for row, column, _ in run.issues] == [
        (3, "country"),
        (5, "expected_close_date"),
        (5, "amount"),
    ]
    assert run.organization_id == ecosystem.partner_a.pk
    assert AuditEntry.objects.filter(target_id=str(run.pk)).count() == 1
    assert ActivityEvent.objects.filter(verb="deal.import_validated").count() == 1


def test_keep_good_registers_the_good_rows_by_the_rep(ecosystem: Any) -> None:
    run = _validate(ecosystem, _mixed_rows())

    run = imports.commit_import(run, actor=ecosystem.partner_a_rep, mode="keep_good")

    registrations = DealRegistration.objects.order_by("pk")
    assert registrations.count() == 3
    assert DealLine.objects.count() == 3
    assert {r.registered_by_id for r in registrations} == {ecosystem.partner_a_rep.pk}
    assert {r.organization_id for r in registrations} == {ecosystem.partner_a.pk}
    assert {r.status for r in registrations} == {RegistrationStatus.SUBMITTED}
    assert [r.idempotency_key for r in registrations] == ["CRM-1", "CRM-3", "CRM-5"]
    assert (run.status, run.created_rows, run.skipped_rows, run.invalid_rows) == (
        ImportStatus.IMPORTED,
        3,
        2,
        2,
    )
    assert run.content == ""
    assert ActivityEvent.objects.filter(verb="deal.submitted").count() == 3
    assert ActivityEvent.objects.filter(verb="deal.imported").count() == 1


def test_all_or_nothing_with_a_bad_row_writes_nothing(ecosystem: Any) -> None:
    run = _validate(ecosystem, _mixed_rows())

    run = imports.commit_import(
        run, actor=ecosystem.partner_a_rep, mode="all_or_nothing"
    )

    assert DealRegistration.objects.count() == 0
    assert (run.status, run.created_rows, run.skipped_rows) == (
        ImportStatus.NOTHING_IMPORTED,
        0,
        5,
    )


def test_all_or_nothing_writes_nothing_when_a_reference_was_taken_since(
    ecosystem: Any,
) -> None:
    rows = [registration_row(number) for number in range(1, 6)]
    run = _validate(ecosystem, rows)
    # After the validation, the fourth row's reference is taken by a colleague's
    # registration the rep may not see: the service refuses that row at commit.
    register(
        ecosystem,
        ecosystem.partner_a_second_rep,
        idempotency_key="CRM-4",
        customer_name="Colleague Deal",
        customer_domain="colleague.example",
        contact_email="x@colleague.example",
    )

    run = imports.commit_import(
        run, actor=ecosystem.partner_a_rep, mode="all_or_nothing"
    )

    assert (
        DealRegistration.objects.filter(registered_by=ecosystem.partner_a_rep).count()
        == 0
    )
    assert DealRegistration.objects.count() == 1
    assert run.status == ImportStatus.NOTHING_IMPORTED
    assert run.issues == [[5, "reference", "This reference was used for another deal."]]


def test_only_the_uploader_commits_not_even_their_partner_admin(
    ecosystem: Any,
) -> None:
    run = _validate(ecosystem, [registration_row(n) for n in range(1, 6)])

    with pytest.raises(PermissionDenied):
        imports.commit_import(
            run, actor=ecosystem.partner_a_admin, mode="all_or_nothing"
        )

    assert DealRegistration.objects.count() == 0


def test_the_uploader_commits_once(ecosystem: Any) -> None:
    run = _validate(ecosystem, [registration_row(n) for n in range(1, 6)])

    run = imports.commit_import(
        run, actor=ecosystem.partner_a_rep, mode="all_or_nothing"
    )
    with pytest.raises(PermissionDenied):
        imports.commit_import(run, actor=ecosystem.partner_a_rep, mode="keep_good")

    assert DealRegistration.objects.count() == 5
    assert (run.status, run.created_rows) == (ImportStatus.IMPORTED, 5)


def test_duplicate_rows_and_references_in_a_file_are_reported(ecosystem: Any) -> None:
    rows = [
        registration_row(1),
        registration_row(1),
        registration_row(2, reference="CRM-1"),
    ]

    run = _validate(ecosystem, rows)

    assert run.issues == [
        [3, "", "The same registration as row 2: skipped."],
        [3, "reference", "Row 2 has the same reference."],
        [4, "reference", "Row 2 has the same reference."],
    ]
    assert run.valid_rows == 1


def test_a_reference_imported_before_is_not_registered_twice(ecosystem: Any) -> None:
    first = _validate(ecosystem, [registration_row(1)])
    imports.commit_import(first, actor=ecosystem.partner_a_rep, mode="keep_good")

    again = _validate(ecosystem, [registration_row(1), registration_row(2)])
    again = imports.commit_import(
        again, actor=ecosystem.partner_a_rep, mode="keep_good"
    )

    assert DealRegistration.objects.count() == 2
    assert (again.created_rows, again.unchanged_rows) == (1, 1)


def test_imported_registrations_are_conflict_checked_like_typed_ones(
    ecosystem: Any,
) -> None:
    earlier = register(ecosystem, ecosystem.partner_b_rep, ACME)
    row = registration_row(
        1,
        customer_name="ACME Corp.",
        customer_domain="acme-industries.com",
        contact_email="luc@acme-industries.com",
        city="Paris",
        postal_code="75002",
    )

    run = _validate(ecosystem, [row])
    run = imports.commit_import(run, actor=ecosystem.partner_a_rep, mode="keep_good")

    imported = DealRegistration.objects.get(registered_by=ecosystem.partner_a_rep)
    conflict = DealConflict.objects.get(registration=imported)
    assert conflict.other_registration_id == earlier.pk
    assert "SAME_DOMAIN" in conflict.reason_codes
    assert run.conflict_rows == 1


def test_a_partner_imports_only_in_programs_of_its_own_organization(
    ecosystem: Any,
) -> None:
    # Partner C is a member of the other program only; partner A is not in it.
    with pytest.raises(PermissionDenied):
        imports.validate_registrations_import(
            actor=ecosystem.partner_a_rep,
            program=ecosystem.other_program,
            file_name="x.csv",
            data=csv_bytes(REGISTRATION_HEADER, [registration_row(1)]),
        )
    with pytest.raises(PermissionDenied):
        imports.validate_registrations_import(
            actor=ecosystem.vendor_admin,
            program=ecosystem.program,
            file_name="x.csv",
            data=csv_bytes(REGISTRATION_HEADER, [registration_row(1)]),
        )

    assert ImportRun.objects.count() == 0


def test_another_user_cannot_commit_a_run(ecosystem: Any) -> None:
    run = _validate(ecosystem, [registration_row(1)])

    for actor in (ecosystem.partner_b_rep, ecosystem.partner_a_second_rep):
        with pytest.raises(PermissionDenied):
            imports.commit_import(run, actor=actor, mode="keep_good")

    assert DealRegistration.objects.count() == 0
    run.refresh_from_db()
    assert run.status == ImportStatus.VALIDATED


def test_a_file_that_cannot_be_read_is_refused_and_not_recorded(
    ecosystem: Any,
) -> None:
    with pytest.raises(ValidationError) as raised:
        imports.validate_registrations_import(
            actor=ecosystem.partner_a_rep,
            program=ecosystem.program,
            file_name="x.csv",
            data="customer_name\nSociété\n".encode("latin-1"),
        )

    assert raised.value.message_dict["file"][0].startswith("The file is not UTF-8")
    assert ImportRun.objects.count() == 0


def test_an_unknown_mode_is_refused(ecosystem: Any) -> None:
    run = _validate(ecosystem, [registration_row(1)])

    with pytest.raises(ValidationError):
        imports.commit_import(run, actor=ecosystem.partner_a_rep, mode="some")

    assert DealRegistration.objects.count() == 0


# The direct pipeline


def _validate_direct(ecosystem: Any, rows: list[dict[str, str]], actor: Any = None):
    return imports.validate_direct_import(
        actor=actor or ecosystem.vendor_admin,
        file_name="pipeline.csv",
        data=csv_bytes(DIRECT_HEADER, rows),
    )


def test_direct_import_creates_and_updates_by_external_id(ecosystem: Any) -> None:
    first = _validate_direct(ecosystem, [direct_row(1), direct_row(2)])
    imports.commit_import(first, actor=ecosystem.vendor_admin, mode="all_or_nothing")

    second = _validate_direct(
        ecosystem,
        [
            direct_row(2, amount="95000.50", is_open="no"),
            direct_row(3),
            direct_row(4, country="Narnia"),
        ],
    )
    second = imports.commit_import(
        second, actor=ecosystem.vendor_admin, mode="keep_good"
    )

    assert DirectOpportunity.objects.count() == 3
    updated = DirectOpportunity.objects.get(external_id="SF-00002")
    assert (str(updated.amount), updated.is_open) == ("95000.50", False)
    assert (second.created_rows, second.updated_rows, second.skipped_rows) == (1, 1, 1)
    assert second.issues[0][:2] == [4, "country"]


def test_direct_import_refuses_duplicate_ids_and_non_admins(ecosystem: Any) -> None:
    run = _validate_direct(ecosystem, [direct_row(1), direct_row(1, amount="5.00")])

    assert run.issues == [[3, "external_id", "Row 2 has the same id."]]
    for actor in (ecosystem.channel_manager, ecosystem.partner_a_admin):
        with pytest.raises(PermissionDenied):
            _validate_direct(ecosystem, [direct_row(1)], actor=actor)


def test_a_direct_deal_imported_after_a_registration_conflicts_with_it(
    ecosystem: Any,
) -> None:
    registration = register(ecosystem, ecosystem.partner_a_rep, ACME)
    row = direct_row(
        7,
        company_name="Acme Corporation SA",
        domain="acme-industries.com",
        country="FR",
        postal_code="75002",
    )

    run = _validate_direct(ecosystem, [row])
    run = imports.commit_import(run, actor=ecosystem.vendor_admin, mode="keep_good")

    conflict = DealConflict.objects.get()
    assert conflict.registration_id == registration.pk
    assert conflict.direct_opportunity is not None
    assert conflict.direct_opportunity.external_id == "SF-00007"
    assert conflict.direct_is_later is True
    assert "SAME_DOMAIN" in conflict.reason_codes
    assert run.conflict_rows == 1
    # Importing the same file again records no second conflict of the pair.
    again = _validate_direct(ecosystem, [row])
    imports.commit_import(again, actor=ecosystem.vendor_admin, mode="keep_good")
    assert DealConflict.objects.count() == 1


def test_all_or_nothing_rolls_back_rows_already_written_when_a_later_one_fails(
    ecosystem: Any,
) -> None:
    header = [*REGISTRATION_HEADER, "latitude"]
    rows = [registration_row(number) for number in range(1, 6)]
    run = imports.validate_registrations_import(
        actor=ecosystem.partner_a_rep,
        program=ecosystem.program,
        file_name="deals.csv",
        data=csv_bytes(header, rows),
    )
    # The stored file changes under the run (as if edited in the database): row 5
    # now gives a latitude without its longitude, which only the model refuses, so
    # rows 2 to 4 are written before the service refuses row 5.
    rows[3]["latitude"] = "45.75"
    run.content = csv_bytes(header, rows).decode()
    run.save()

    run = imports.commit_import(
        run, actor=ecosystem.partner_a_rep, mode="all_or_nothing"
    )

    assert DealRegistration.objects.count() == 0
    assert DealLine.objects.count() == 0
    assert DealConflict.objects.count() == 0
    assert ActivityEvent.objects.filter(verb="deal.submitted").count() == 0
    assert run.status == ImportStatus.NOTHING_IMPORTED
    assert run.issues == [
        [5, "latitude", "Give both latitude and longitude, or neither."]
    ]


def test_keep_good_skips_a_row_the_service_refuses_at_commit(ecosystem: Any) -> None:
    header = [*REGISTRATION_HEADER, "latitude"]
    rows = [registration_row(number) for number in range(1, 4)]
    run = imports.validate_registrations_import(
        actor=ecosystem.partner_a_rep,
        program=ecosystem.program,
        file_name="deals.csv",
        data=csv_bytes(header, rows),
    )
    rows[1]["latitude"] = "45.75"
    run.content = csv_bytes(header, rows).decode()
    run.save()

    run = imports.commit_import(run, actor=ecosystem.partner_a_rep, mode="keep_good")

    assert sorted(
        DealRegistration.objects.values_list("idempotency_key", flat=True)
    ) == [
        "CRM-1",
        "CRM-3",
    ]
    assert (run.created_rows, run.skipped_rows) == (2, 1)
    assert run.issues == [
        [3, "latitude", "Give both latitude and longitude, or neither."]
    ]


def test_keep_good_reports_rows_refused_once_the_membership_ended(
    ecosystem: Any,
) -> None:
    from cairn.partners.choices import MembershipStatus
    from cairn.partners.models import ProgramMembership

    run = _validate(ecosystem, [registration_row(1)])
    ProgramMembership.objects.filter(organization=ecosystem.partner_a).update(
        status=MembershipStatus.SUSPENDED
    )

    with pytest.raises(PermissionDenied):
        imports.commit_import(run, actor=ecosystem.partner_a_rep, mode="keep_good")

    run.refresh_from_db()
    assert run.status == ImportStatus.VALIDATED
    assert DealRegistration.objects.count() == 0
