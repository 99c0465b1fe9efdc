"""Real file bytes of each kind an attachment may be, and of kinds refused."""

import io
import struct
import zipfile
import zlib

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


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body)
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def png_bytes() -> bytes:
    """Return a valid one-pixel grey PNG image."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x80")  # filter byte, one grey pixel
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", pixels)
        + _png_chunk(b"IEND", b"")
    )


PNG_BYTES = png_bytes()
# A one-pixel JPEG (JFIF, arithmetic coding): the smallest valid JPEG file.
JPEG_BYTES = bytes.fromhex(
    "ffd8ffe000104a46494600010101004800480000ffdb004300030202020203020202030303"
    "0304060404040404080606050609080a0a090809090a0c0f0c0a0b0e0b09090d110d0e0f10"
    "1011100a0c12131210130f101010ffc9000b080001000101011100ffcc000600101005ffda"
    "0008010100003f00d2cf20ffd9"
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
        # A fixed time in every entry: the same document is the same bytes, whenever
        # it is built.
        def write(name: str, data: str | bytes) -> None:
            entry = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, data)

        write("[Content_Types].xml", manifest)
        write(part.lstrip("/"), "<document/>")
        if macro:
            write("word/vbaProject.bin", b"\x00macro")
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
