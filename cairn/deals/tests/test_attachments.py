"""Attachments: checked by content, stored under a random name, downloaded only
by whoever sees the registration, removed by their uploader from a draft.
"""

from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from cairn.core.access import NotFound
from cairn.core.models import ActivityEvent, AuditEntry
from cairn.deals import selectors_protection, services
from cairn.deals.models import DealAttachment, DealRegistration
from cairn.deals.services.attachments import MAX_ATTACHMENT_BYTES, clean_file_name
from cairn.deals.services.attachments import PDF as PDF_KIND
from cairn.deals.tests.files import (
    CSV_BYTES,
    EXE_BYTES,
    JPEG_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    TEXT_BYTES,
    office_bytes,
    plain_zip_bytes,
    upload,
)
from cairn.deals.tests.support import register

OOXML = "application/vnd.openxmlformats-officedocument"


def _draft(ecosystem: Any, actor: Any = None) -> DealRegistration:
    return services.create_draft(
        actor=actor or ecosystem.partner_a_rep,
        program=ecosystem.program,
        customer_name="Heron Maritime Ltd",
        country="GB",
    )


def _attach(registration: Any, actor: Any, name: str, data: bytes) -> DealAttachment:
    return services.add_attachment(registration, actor=actor, upload=upload(name, data))


@pytest.mark.parametrize(
    ("name", "data", "content_type", "stored_name"),
    [
        ("quote.pdf", PDF_BYTES, "application/pdf", "quote.pdf"),
        ("site.png", PNG_BYTES, "image/png", "site.png"),
        ("badge.JPG", JPEG_BYTES, "image/jpeg", "badge.jpg"),
        ("notes.txt", TEXT_BYTES, "text/plain", "notes.txt"),
        ("lines.csv", CSV_BYTES, "text/csv", "lines.csv"),
        (
            "letter.docx",
            office_bytes("docx"),
            f"{OOXML}.wordprocessingml.document",
            "letter.docx",
        ),
        (
            "pricing.xlsx",
            office_bytes("xlsx"),
            f"{OOXML}.spreadsheetml.sheet",
            "pricing.xlsx",
        ),
        (
            "pitch.pptx",
            office_bytes("pptx"),
            f"{OOXML}.presentationml.presentation",
            "pitch.pptx",
        ),
    ],
)
def test_each_accepted_kind_is_stored_with_the_type_its_content_shows(
    ecosystem: Any, name: str, data: bytes, content_type: str, stored_name: str
) -> None:
    draft = _draft(ecosystem)

    attachment = _attach(draft, ecosystem.partner_a_rep, name, data)

    assert (attachment.file_name, attachment.content_type, attachment.size) == (
        stored_name,
        content_type,
        len(data),
    )
    path = str(attachment.file.name)
    with default_storage.open(path) as stored:
        assert stored.read() == data
    assert name.split(".", maxsplit=1)[0] not in path
    assert path.startswith("deal-attachments/")
    assert len(path) > len("deal-attachments/") + 30


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("quote.pdf", EXE_BYTES),
        ("letter.docx", plain_zip_bytes()),
        ("macro.docx", office_bytes("docx", macro=True)),
        ("photo.png", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
        ("data.csv", "été".encode("latin-1") + b"\x00\x01"),
    ],
    ids=["exe-renamed-pdf", "plain-zip", "macro-document", "gif", "binary-text"],
)
def test_refused_kinds_leave_nothing_behind(
    ecosystem: Any, name: str, data: bytes
) -> None:
    draft = _draft(ecosystem)
    events = ActivityEvent.objects.count()

    with pytest.raises(ValidationError) as error:
        _attach(draft, ecosystem.partner_a_rep, name, data)

    assert list(error.value.message_dict) == ["file"]
    assert "Attach a PDF, PNG or JPEG image" in error.value.message_dict["file"][0]
    assert not DealAttachment.objects.exists()
    assert ActivityEvent.objects.count() == events


def test_an_oversized_file_is_refused(ecosystem: Any) -> None:
    draft = _draft(ecosystem)
    data = PDF_BYTES + b"0" * (MAX_ATTACHMENT_BYTES + 1 - len(PDF_BYTES))

    with pytest.raises(ValidationError) as error:
        _attach(draft, ecosystem.partner_a_rep, "huge.pdf", data)

    assert error.value.message_dict == {"file": ["The file is larger than 10 MB."]}
    assert not DealAttachment.objects.exists()


def test_a_file_of_exactly_the_cap_is_accepted(ecosystem: Any) -> None:
    draft = _draft(ecosystem)
    data = PDF_BYTES + b"0" * (MAX_ATTACHMENT_BYTES - len(PDF_BYTES))

    attachment = _attach(draft, ecosystem.partner_a_rep, "big.pdf", data)

    assert attachment.size == MAX_ATTACHMENT_BYTES


@pytest.mark.parametrize(
    ("name", "cleaned"),
    [
        ("quote.exe", "quote.pdf"),
        ("../../etc/passwd", "passwd.pdf"),
        ("C:\\Users\\rex\\Offer <final>.pdf", "Offer_final.pdf"),
        ("report.2026 Q1", "report.2026 Q1.pdf"),
        ("\u202eexe.pdf", "exe.pdf"),
        ("", "attachment.pdf"),
        ("...", "attachment.pdf"),
    ],
)
def test_file_names_are_sanitized_to_match_their_content(
    name: str, cleaned: str
) -> None:
    assert clean_file_name(name, PDF_KIND) == cleaned


def test_an_attachment_is_audited(ecosystem: Any) -> None:
    draft = _draft(ecosystem)

    attachment = _attach(draft, ecosystem.partner_a_rep, "quote.pdf", PDF_BYTES)

    entry = AuditEntry.objects.get(
        target_type=ContentType.objects.get_for_model(DealAttachment),
        target_id=str(attachment.pk),
        action="create",
    )
    assert entry.actor == ecosystem.partner_a_rep
    assert entry.organization_id == ecosystem.partner_a.pk
    event = ActivityEvent.objects.get(verb="deal.attachment_added")
    assert event.data == {
        "registration_id": draft.pk,
        "file_name": "quote.pdf",
        "content_type": "application/pdf",
        "size": len(PDF_BYTES),
    }


@pytest.mark.parametrize(
    "persona", ["partner_a_second_rep", "partner_b_rep", "vendor_admin"]
)
def test_only_the_registering_partner_attaches(ecosystem: Any, persona: str) -> None:
    draft = _draft(ecosystem)

    with pytest.raises(PermissionDenied):
        _attach(draft, getattr(ecosystem, persona), "quote.pdf", PDF_BYTES)

    assert not DealAttachment.objects.exists()


def test_a_partner_admin_attaches_to_a_submitted_registration(ecosystem: Any) -> None:
    registration = register(ecosystem, ecosystem.partner_a_rep)

    attachment = _attach(
        registration, ecosystem.partner_a_admin, "quote.pdf", PDF_BYTES
    )

    assert attachment.uploaded_by == ecosystem.partner_a_admin


def test_a_rejected_registration_takes_no_more_files(ecosystem: Any) -> None:
    registration = register(ecosystem, ecosystem.partner_a_rep)
    services.reject_registration(
        registration, actor=ecosystem.channel_manager, reason="Not a fit."
    )

    with pytest.raises(PermissionDenied):
        _attach(registration, ecosystem.partner_a_rep, "quote.pdf", PDF_BYTES)

    assert not DealAttachment.objects.exists()


# Deleting


def test_the_uploader_removes_a_file_from_a_draft(
    ecosystem: Any, django_capture_on_commit_callbacks: Any
) -> None:
    draft = _draft(ecosystem)
    attachment = _attach(draft, ecosystem.partner_a_rep, "quote.pdf", PDF_BYTES)
    stored = str(attachment.file.name)

    with django_capture_on_commit_callbacks(execute=True):
        services.delete_attachment(attachment, actor=ecosystem.partner_a_rep)

    assert not DealAttachment.objects.exists()
    assert not default_storage.exists(stored)
    assert AuditEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(DealAttachment),
        target_id=str(attachment.pk),
        action="delete",
    ).exists()


def test_no_one_else_removes_a_file_nor_after_submission(ecosystem: Any) -> None:
    draft = _draft(ecosystem)
    attachment = _attach(draft, ecosystem.partner_a_rep, "quote.pdf", PDF_BYTES)

    with pytest.raises(PermissionDenied):
        services.delete_attachment(attachment, actor=ecosystem.partner_a_admin)
    services.update_draft(
        draft,
        actor=ecosystem.partner_a_rep,
        expected_close_date="2026-06-30",
        amount="100.00",
    )
    services.submit_registration(draft, actor=ecosystem.partner_a_rep)
    with pytest.raises(PermissionDenied):
        services.delete_attachment(attachment, actor=ecosystem.partner_a_rep)

    assert DealAttachment.objects.get() == attachment
    assert default_storage.exists(str(attachment.file.name))


# Portal


def test_a_rep_uploads_a_file_from_the_detail_page(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    draft = _draft(ecosystem)

    response = clients["partner_a_rep"].post(
        reverse("deals:attachment_add", args=[draft.pk]),
        {"file": upload("Quote 114.pdf", PDF_BYTES)},
    )

    assert response.status_code == 302
    assert DealAttachment.objects.get().file_name == "Quote 114.pdf"
    page = clients["partner_a_rep"].get(
        reverse("deals:registration_detail", args=[draft.pk])
    )
    assert "Quote 114.pdf" in page.content.decode()


def test_a_refused_upload_shows_the_error_on_the_file_input(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    draft = _draft(ecosystem)

    response = clients["partner_a_rep"].post(
        reverse("deals:attachment_add", args=[draft.pk]),
        {"file": upload("quote.pdf", EXE_BYTES)},
    )

    assert response.status_code == 200
    assert list(response.context["attachment_form"].errors) == ["file"]
    assert not DealAttachment.objects.exists()


def test_partner_b_cannot_upload_to_partner_a(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    draft = _draft(ecosystem)

    response = clients["partner_b_rep"].post(
        reverse("deals:attachment_add", args=[draft.pk]),
        {"file": upload("quote.pdf", PDF_BYTES)},
    )

    assert response.status_code == 404
    assert not DealAttachment.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("partner_a_rep", 200),
        ("partner_a_admin", 200),
        ("vendor_admin", 200),
        ("channel_manager", 200),
        ("partner_a_second_rep", 404),
        ("partner_b_rep", 404),
    ],
)
def test_a_download_is_for_the_registration_scope_only(
    ecosystem: Any, clients: dict[str, Client], persona: str, status: int
) -> None:
    registration = register(ecosystem, ecosystem.partner_a_rep)
    attachment = _attach(registration, ecosystem.partner_a_rep, "quote.exe", PDF_BYTES)

    response: Any = clients[persona].get(
        reverse("deals:attachment_download", args=[attachment.pk])
    )

    assert response.status_code == status
    if status == 200:
        assert response["Content-Disposition"] == 'attachment; filename="quote.pdf"'
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PDF_BYTES


def test_a_missing_attachment_is_not_found_like_a_hidden_one(
    ecosystem: Any,
) -> None:
    with pytest.raises(NotFound):
        selectors_protection.access_attachment(ecosystem.partner_a_rep, 999_999)


def test_the_uploader_removes_a_file_from_the_page(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    draft = _draft(ecosystem)
    attachment = _attach(draft, ecosystem.partner_a_rep, "quote.pdf", PDF_BYTES)

    refused = clients["partner_a_admin"].post(
        reverse("deals:attachment_delete", args=[attachment.pk])
    )
    hidden = clients["partner_b_rep"].post(
        reverse("deals:attachment_delete", args=[attachment.pk])
    )
    assert (refused.status_code, hidden.status_code) == (403, 404)
    assert DealAttachment.objects.exists()

    response = clients["partner_a_rep"].post(
        reverse("deals:attachment_delete", args=[attachment.pk])
    )

    assert response.status_code == 302
    assert not DealAttachment.objects.exists()


# API

API = "/api/v1/deal-registrations/"


def test_the_api_uploads_lists_and_downloads_an_attachment(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    registration = register(ecosystem, ecosystem.partner_a_rep)

    response = clients["partner_a_rep"].post(
        f"{API}{registration.pk}/attachments/",
        {"file": upload("pricing.xlsx", office_bytes("xlsx"))},
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["file_name"], body["content_type"]) == (
        "pricing.xlsx",
        f"{OOXML}.spreadsheetml.sheet",
    )
    detail = clients["channel_manager"].get(f"{API}{registration.pk}/").json()
    assert [item["id"] for item in detail["attachments"]] == [body["id"]]
    download: Any = clients["channel_manager"].get(body["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == office_bytes("xlsx")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"] == 'attachment; filename="pricing.xlsx"'


def test_the_api_refuses_a_disguised_program_with_a_problem(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    registration = register(ecosystem, ecosystem.partner_a_rep)

    response = clients["partner_a_rep"].post(
        f"{API}{registration.pk}/attachments/", {"file": upload("q.pdf", EXE_BYTES)}
    )

    assert response.status_code == 400
    assert [error["pointer"] for error in response.json()["errors"]] == ["/file"]
    assert not DealAttachment.objects.exists()


def test_the_api_hides_partner_a_files_from_partner_b(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    registration = register(ecosystem, ecosystem.partner_a_rep)
    attachment = _attach(registration, ecosystem.partner_a_rep, "q.pdf", PDF_BYTES)
    url = f"{API}{registration.pk}/attachments/{attachment.pk}/"

    assert clients["partner_b_rep"].get(url).status_code == 404
    upload_response = clients["partner_b_rep"].post(
        f"{API}{registration.pk}/attachments/", {"file": upload("x.pdf", PDF_BYTES)}
    )
    assert upload_response.status_code == 404
    assert clients["partner_b_rep"].delete(url).status_code == 404
    assert list(DealAttachment.objects.all()) == [attachment]


def test_the_api_deletes_a_draft_attachment_for_its_uploader(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    draft = _draft(ecosystem)
    attachment = _attach(draft, ecosystem.partner_a_rep, "q.pdf", PDF_BYTES)
    url = f"{API}{draft.pk}/attachments/{attachment.pk}/"

    assert clients["partner_a_admin"].delete(url).status_code == 403
    assert clients["partner_a_rep"].delete(url).status_code == 204
    assert not DealAttachment.objects.exists()
