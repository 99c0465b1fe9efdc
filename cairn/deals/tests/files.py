"""Real file bytes of each kind an attachment may be, and of kinds refused."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

OOXML = "application/vnd.openxmlformats-officedocument"
MAIN_PARTS = {
    "docx": (f"{OOXML}.wordprocessingml.document.main+xml", "/word/document.xml"),
    "xlsx": (f"{OOXML}.spreadsheetml.sheet.main+xml", "/xl/workbook.xml"),
    "pptx": (f"{OOXML}.presentationml.presentation.main+xml", "/ppt/presentation.xml"),
}

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
# A 1×1 transparent PNG and a minimal JPEG (SOI, APP0/JFIF, EOI).  # noqa: RUF003
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
JPEG_BYTES = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909"
    "080a0c140d0c0b0b0c1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30"
    "313434341f27393d38323c2e333432ffd9"
)
TEXT_BYTES = "Quote 2026-114 for Acme: 40 seats, renewal in June. Grüße.\n".encode()
CSV_BYTES = b"product,quantity,unit\r\nCAIRN-ENT,40,1200.00\r\n"
# The start of a Windows program: the MZ header and the DOS stub's message.
EXE_BYTES = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 44
    + b"\x80\x00\x00\x00"
    + b"This program cannot be run in DOS mode.\r\r\n$"
)


def office_bytes(kind: str, *, macro: bool = False) -> bytes:
    """Return a minimal Office Open XML document of `kind` (docx, xlsx, pptx)."""
    content_type, part = MAIN_PARTS[kind]
    manifest = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="{part}" ContentType="{content_type}"/>'
        "</Types>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", manifest)
        archive.writestr(part.lstrip("/"), "<document/>")
        if macro:
            archive.writestr("word/vbaProject.bin", b"\x00macro")
    return buffer.getvalue()


def plain_zip_bytes() -> bytes:
    """Return a zip archive that is not an Office document."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a document")
        archive.writestr("setup.exe", EXE_BYTES)
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/pdf"):
    """Return an uploaded file as Django hands it to a view (the browser's claimed
    type is ignored by Cairn).
    """
    return SimpleUploadedFile(name, data, content_type=content_type)
