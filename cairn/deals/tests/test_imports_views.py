"""The import pages: upload, report, commit by the chosen mode, downloads."""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cairn.deals.models import DealRegistration, DirectOpportunity, ImportRun
from cairn.deals.models_import import ImportStatus
from cairn.deals.tests.imports_support import (
    DIRECT_HEADER,
    REGISTRATION_HEADER,
    csv_bytes,
    direct_row,
    registration_row,
)


def _upload(client: Client, ecosystem: Any, data: bytes, program: Any = None) -> Any:
    return client.post(
        reverse("deals:registration_import"),
        {
            "program": str((program or ecosystem.program).pk),
            "file": SimpleUploadedFile("deals.csv", data, content_type="text/csv"),
        },
    )


def test_upload_report_then_import_the_good_rows(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    client = clients["partner_a_rep"]
    rows = [
        registration_row(1),
        registration_row(2, expected_close_date="2026-13-01"),
        registration_row(3, customer_name="=cmd|' /C calc'!A0"),
    ]

    uploaded = _upload(client, ecosystem, csv_bytes(REGISTRATION_HEADER, rows))
    run = ImportRun.objects.get()
    page = client.get(uploaded["Location"])
    committed = client.post(
        reverse("deals:registration_import_commit", args=[run.pk]),
        {"mode": "keep_good"},
    )
    report = client.get(reverse("deals:registration_import_report", args=[run.pk]))

    assert uploaded.status_code == 302
    assert page.status_code == 200
    assert "Import the 2 good rows and skip the bad ones" in page.text
    assert "2026-13-01 is not a day of the calendar." in page.text
    assert committed.status_code == 302
    assert DealRegistration.objects.count() == 2
    assert report["Content-Disposition"] == 'attachment; filename="deals-report.csv"'
    lines = report.content.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "row,column,message"
    assert lines[1].startswith("2,,Registered and submitted (registration ")
    assert lines[2] == (
        "3,expected_close_date,2026-13-01 is not a day of the calendar."
    )
    assert lines[3].startswith("4,,Registered and submitted")
    names = set(DealRegistration.objects.values_list("customer_name", flat=True))
    # Stored as typed; only the files Cairn hands out neutralise formulas.
    assert "=cmd|' /C calc'!A0" in names


def test_a_file_refused_as_a_whole_shows_why_on_the_form(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = _upload(
        clients["partner_a_rep"], ecosystem, b"customer_name;currency\nAcme;EUR\n"
    )

    assert response.status_code == 200
    assert (
        "The file has no column country, expected_close_date, which is required."
        in response.text
    )
    assert ImportRun.objects.count() == 0


def test_a_partner_cannot_import_into_a_program_it_is_not_in(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = _upload(
        clients["partner_a_rep"],
        ecosystem,
        csv_bytes(REGISTRATION_HEADER, [registration_row(1)]),
        program=ecosystem.other_program,
    )

    assert response.status_code == 200
    assert "Select a valid choice." in response.text
    assert ImportRun.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    big = b"customer_name,country,expected_close_date,currency\n" + b"x" * (
        5 * 1024 * 1024
    )

    response = _upload(clients["partner_a_rep"], ecosystem, big)

    assert "the limit is 5.0 MB" in response.text
    assert ImportRun.objects.count() == 0


def test_all_or_nothing_is_offered_only_when_every_row_is_valid(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    client = clients["partner_a_rep"]
    _upload(
        client,
        ecosystem,
        csv_bytes(REGISTRATION_HEADER, [registration_row(1), registration_row(2)]),
    )
    run = ImportRun.objects.get()

    page = client.get(reverse("deals:registration_import_run", args=[run.pk]))
    client.post(
        reverse("deals:registration_import_commit", args=[run.pk]),
        {"mode": "all_or_nothing"},
    )
    again = client.post(
        reverse("deals:registration_import_commit", args=[run.pk]),
        {"mode": "all_or_nothing"},
    )

    assert "Every row is valid." in page.text
    assert 'value="all_or_nothing" class="secondary">' in page.text
    assert DealRegistration.objects.count() == 2
    assert again.status_code == 403
    run.refresh_from_db()
    assert (run.status, run.mode) == (ImportStatus.IMPORTED, "all_or_nothing")


def test_templates_name_every_documented_column(
    clients: dict[str, Client],
) -> None:
    registrations = clients["partner_a_admin"].get(
        reverse("deals:registration_import_template")
    )
    direct = clients["vendor_admin"].get(reverse("deals:direct_import_template"))

    assert registrations.content.decode("utf-8-sig").split("\r\n")[0] == (
        "reference,customer_name,customer_domain,country,street,city,postal_code,"
        "latitude,longitude,contact_name,contact_email,expected_close_date,deal_type,"
        "partner_role,currency,amount,product_code,quantity,unit_amount,notes"
    )
    assert direct.content.decode("utf-8-sig").split("\r\n")[0] == ",".join(
        DIRECT_HEADER
    )


def test_vendor_admin_imports_the_direct_pipeline(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    client = clients["vendor_admin"]
    data = csv_bytes(DIRECT_HEADER, [direct_row(1), direct_row(2)], delimiter=";")

    uploaded = client.post(
        reverse("deals:direct_import"),
        {"file": SimpleUploadedFile("pipeline.csv", data)},
    )
    run = ImportRun.objects.get()
    client.post(
        reverse("deals:direct_import_commit", args=[run.pk]), {"mode": "keep_good"}
    )

    assert uploaded.status_code == 302
    assert DirectOpportunity.objects.count() == 2
    run.refresh_from_db()
    assert (run.created_rows, run.updated_rows) == (2, 0)


def test_a_large_file_is_imported_in_the_background(
    ecosystem: Any, clients: dict[str, Client], django_capture_on_commit_callbacks: Any
) -> None:
    client = clients["partner_a_rep"]
    rows = [registration_row(number) for number in range(1, 203)]
    _upload(client, ecosystem, csv_bytes(REGISTRATION_HEADER, rows))
    run = ImportRun.objects.get()
    url = reverse("deals:registration_import_commit", args=[run.pk])

    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post(url, {"mode": "keep_good"})
    importing = client.get(reverse("deals:registration_import_run", args=[run.pk]))
    second = client.post(url, {"mode": "keep_good"})
    assert DealRegistration.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:
            callback()

    assert "Importing 202 rows" in importing.text
    assert second.status_code == 403
    assert DealRegistration.objects.count() == 202
    run.refresh_from_db()
    assert (run.status, run.created_rows) == (ImportStatus.IMPORTED, 202)
