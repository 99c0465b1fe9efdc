"""Files attached to a registration: checked by their content, stored under a
random name, removed only by their uploader while the registration is a draft.

The type of a file is what its bytes say, never what its name claims: a program
renamed quote.pdf is refused, and a PDF named quote.exe is stored as quote.pdf.
Office documents are zip files; only a zip whose [Content_Types].xml declares a
Word, Excel or PowerPoint document (without macros) is accepted.
"""

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from cairn.core.audit import record_write, snapshot
from cairn.core.models import AuditAction
from cairn.deals import policies
from cairn.deals.models import DealAttachment, DealRegistration
from cairn.deals.services._common import lock_registration

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 20
MAX_FILE_NAME_LENGTH = 120
# The manifest of an Office document is a few kilobytes; more is not an Office file.
MAX_MANIFEST_BYTES = 256 * 1024


class Upload(Protocol):
    """What an uploaded file offers: Django's UploadedFile, or any file object."""

    name: str | None
    size: int | None

    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True)
class FileKind:
    """An accepted kind of file: its media type and the extensions it may carry."""

    content_type: str
    extensions: tuple[str, ...]


PDF = FileKind("application/pdf", (".pdf",))
PNG = FileKind("image/png", (".png",))
JPEG = FileKind("image/jpeg", (".jpg", ".jpeg"))
TEXT = FileKind("text/plain", (".txt", ".text", ".log", ".md"))
CSV = FileKind("text/csv", (".csv",))
DOCX = FileKind(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = FileKind(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)
)
PPTX = FileKind(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    (".pptx",),
)
# The content type of each document's main part in [Content_Types].xml.
OOXML = "application/vnd.openxmlformats-officedocument"
OOXML_MAIN_PARTS = {
    f"{OOXML}.wordprocessingml.document.main+xml": DOCX,
    f"{OOXML}.spreadsheetml.sheet.main+xml": XLSX,
    f"{OOXML}.presentationml.presentation.main+xml": PPTX,
}
ACCEPTED_DESCRIPTION = (
    "Attach a PDF, PNG or JPEG image, plain text or CSV file, or a Word, Excel or "
    "PowerPoint document (docx, xlsx, pptx)."
)
# Control characters other than tab, line feed, form feed and carriage return.
BINARY_TEXT = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _office_kind(data: bytes) -> FileKind | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > MAX_MANIFEST_BYTES:
                return None
            names = {name.lower() for name in archive.namelist()}
            manifest = archive.read(info).decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
        return None
    if any(name.endswith("vbaproject.bin") for name in names):
        return None  # macros, whatever the declared type
    declared = set(re.findall(r'ContentType\s*=\s*"([^"]+)"', manifest))
    kinds = {OOXML_MAIN_PARTS[value] for value in declared if value in OOXML_MAIN_PARTS}
    return kinds.pop() if len(kinds) == 1 else None


def _text_kind(data: bytes, file_name: str) -> FileKind | None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if BINARY_TEXT.search(text):
        return None
    return CSV if file_name.lower().endswith(".csv") else TEXT


def sniff(data: bytes, file_name: str = "") -> FileKind | None:
    """Return the kind of file the bytes are, or None for one not accepted."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(data)
    if not data:
        return None
    return _text_kind(data, file_name)


def clean_file_name(name: str, kind: FileKind) -> str:
    """Return a file name safe to show and to offer for download: no folders, no
    control or special characters, and an extension that matches the content.
    """
    name = re.split(r"[\\/]", name or "")[-1]
    name = unicodedata.normalize("NFKC", name)
    name = "".join(char if char.isalnum() or char in " .-_()" else "_" for char in name)
    name = re.sub(r"[ _]{2,}", "_", name).strip(" ._-")
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        stem, extension = name, ""
    if f".{extension.lower()}" in kind.extensions:
        extension = extension.lower()
    else:
        # A misleading extension (quote.exe holding a PDF) is replaced; a dot that
        # does not start an extension (v2.final) stays in the name.
        if not re.fullmatch(r"[A-Za-z0-9]{1,5}", extension):
            stem = name
        extension = kind.extensions[0].lstrip(".")
    stem = stem.strip(" ._-") or "attachment"
    return f"{stem[: MAX_FILE_NAME_LENGTH - len(extension) - 1]}.{extension}"


def _read(upload: Upload) -> bytes:
    if upload.size is not None and upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"file": _too_large()})
    data = upload.read(MAX_ATTACHMENT_BYTES + 1)
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"file": _too_large()})
    if not data:
        raise ValidationError({"file": "The file is empty."})
    return data


def _too_large() -> str:
    return f"The file is larger than {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB."


def add_attachment(
    registration: DealRegistration, *, actor: Any, upload: Upload
) -> DealAttachment:
    """Attach a file to a registration after checking its size and content."""
    with transaction.atomic():
        registration = lock_registration(registration)
        if not policies.can_add_attachment(actor, registration):
            raise PermissionDenied
        if registration.attachments.count() >= MAX_ATTACHMENTS:
            raise ValidationError(
                {"file": f"A registration holds at most {MAX_ATTACHMENTS} files."}
            )
        data = _read(upload)
        kind = sniff(data, upload.name or "")
        if kind is None:
            raise ValidationError({"file": ACCEPTED_DESCRIPTION})
        attachment = DealAttachment(
            registration=registration,
            uploaded_by=actor,
            file_name=clean_file_name(upload.name or "", kind),
            content_type=kind.content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_at=timezone.now(),
        )
        attachment.file.save("upload", ContentFile(data), save=False)
        stored_name = str(attachment.file.name)
        # The file is written before the row: if the row fails, remove the file.
        try:
            attachment.save()
            record_write(
                AuditAction.CREATE,
                attachment,
                actor=actor,
                organization_id=registration.organization_id,
                after=snapshot(attachment),
                verb="deal.attachment_added",
                data={
                    "registration_id": registration.pk,
                    "file_name": attachment.file_name,
                    "content_type": attachment.content_type,
                    "size": attachment.size,
                },
            )
        except Exception:
            attachment.file.storage.delete(stored_name)
            raise
    return attachment


def delete_attachment(attachment: DealAttachment, *, actor: Any) -> None:
    """Remove a file from a draft registration; only its uploader may."""
    with transaction.atomic():
        registration = lock_registration(attachment.registration)
        attachment = DealAttachment.objects.select_for_update().get(pk=attachment.pk)
        attachment.registration = registration
        if not policies.can_delete_attachment(actor, attachment):
            raise PermissionDenied
        before = snapshot(attachment)
        storage, stored_name = attachment.file.storage, str(attachment.file.name)
        record_write(
            AuditAction.DELETE,
            attachment,
            actor=actor,
            organization_id=registration.organization_id,
            before=before,
            verb="deal.attachment_removed",
            data={
                "registration_id": registration.pk,
                "file_name": attachment.file_name,
            },
        )
        attachment.delete()
        # The stored file goes only once the row's removal is committed.
        transaction.on_commit(lambda: storage.delete(stored_name))
