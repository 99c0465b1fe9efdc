"""The import API: a multipart upload answers the report as JSON, or problem
details when the file cannot be read or an all-or-nothing import imported nothing.
"""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cairn.deals.models import DealRegistration, DirectOpportunity, ImportRun
from cairn.deals.tests.imports_support import (
    DIRECT_HEADER,
    REGISTRATION_HEADER,
    csv_bytes,
    direct_row,
    registration_row,
)

URL = "/api/v1/deal-registrations/import/"
DIRECT_URL = "/api/v1/direct-opportunities/import/"


def _post(client: Client, ecosystem: Any, rows: list[dict[str, str]], mode: str):
    return client.post(
        URL,
        {
            "program": ecosystem.program.pk,
            "mode": mode,
            "file": SimpleUploadedFile(
                "deals.csv", csv_bytes(REGISTRATION_HEADER, rows)
            ),
        },
    )


def test_validate_answers_the_report_and_writes_nothing(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    rows = [registration_row(1), registration_row(2, currency="EURO")]

    response = _post(clients["partner_a_rep"], ecosystem, rows, "validate")

    body = response.json()
    assert response.status_code == 200
    assert (body["status"], body["valid_rows"], body["invalid_rows"]) == (
        "validated",
        1,
        1,
    )
    assert body["issues"] == [
        {
            "row": 3,
            "column": "currency",
            "message": (
                "“EURO” is not an ISO 4217 currency code, for example EUR or USD."
            ),
        }
    ]
    assert DealRegistration.objects.count() == 0


def test_keep_good_imports_and_lists_each_row(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    rows = [registration_row(1), registration_row(2, currency="EURO")]

    response = _post(clients["partner_a_admin"], ecosystem, rows, "keep_good")

    body = response.json()
    registration = DealRegistration.objects.get()
    assert response.status_code == 200
    assert body["results"] == [
        {
            "row": 2,
            "outcome": "created",
            "id": registration.pk,
            "possible_conflict": False,
        }
    ]
    assert registration.registered_by == ecosystem.partner_a_admin


def test_all_or_nothing_with_a_bad_row_is_a_problem_and_writes_nothing(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    rows = [registration_row(1), registration_row(2, expected_close_date="tomorrow")]

    response = _post(clients["partner_a_rep"], ecosystem, rows, "all_or_nothing")

    body = response.json()
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert body["errors"][0]["pointer"] == "/rows/3/expected_close_date"
    assert body["import"]["status"] == "nothing_imported"
    assert DealRegistration.objects.count() == 0


def test_an_unreadable_file_is_a_problem_pointing_at_the_file(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = clients["partner_a_rep"].post(
        URL,
        {
            "program": ecosystem.program.pk,
            "file": SimpleUploadedFile("deals.csv", "Société".encode("latin-1")),
        },
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["pointer"] == "/file"
    assert ImportRun.objects.count() == 0


def test_partners_import_only_into_their_own_programs(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    other = clients["partner_a_rep"].post(
        URL,
        {
            "program": ecosystem.other_program.pk,
            "mode": "keep_good",
            "file": SimpleUploadedFile(
                "d.csv", csv_bytes(REGISTRATION_HEADER, [registration_row(1)])
            ),
        },
    )
    vendor = _post(
        clients["vendor_admin"], ecosystem, [registration_row(1)], "keep_good"
    )

    assert other.status_code == 400
    assert other.json()["errors"][0]["pointer"] == "/program"
    assert vendor.status_code == 403
    assert DealRegistration.objects.count() == 0


def test_direct_pipeline_import_is_for_vendor_admins(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    def post(client: Client) -> Any:
        return client.post(
            DIRECT_URL,
            {
                "mode": "all_or_nothing",
                "file": SimpleUploadedFile(
                    "p.csv", csv_bytes(DIRECT_HEADER, [direct_row(1), direct_row(2)])
                ),
            },
        )

    refused = [
        post(clients[name]).status_code
        for name in ("channel_manager", "partner_a_admin")
    ]
    done = post(clients["vendor_admin"])

    assert refused == [403, 403]
    assert done.status_code == 200
    assert done.json()["created_rows"] == 2
    assert DirectOpportunity.objects.count() == 2
