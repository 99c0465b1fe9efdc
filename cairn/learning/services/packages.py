"""Import an interactive package: check the zip, read its manifest, extract it.

Every check runs before the first file is written: the zip's entries
(`packages.archive`), the manifest and its launch file (`packages.manifests`), then
one full decompression of every entry (CRC and declared sizes). Only then are the
files written, under a fresh random folder; a failure while writing removes what
was written, so a refused package leaves nothing behind.
"""

import hashlib
import secrets
from typing import IO, Any, cast

from django.core.exceptions import PermissionDenied
from django.core.files.base import File
from django.db import transaction

from cairn.core.audit import record_write, snapshot
from cairn.core.models import AuditAction
from cairn.learning import policies
from cairn.learning.models import LearningPackage
from cairn.learning.models_packages import package_storage
from cairn.learning.packages.archive import (
    Archive,
    Limits,
    PackageRefusedError,
    open_archive,
    verify_contents,
)
from cairn.learning.packages.manifests import PackageManifest, read_manifest

__all__ = ["PackageRefusedError", "import_package", "inspect_package"]


def inspect_package(
    upload: IO[bytes], *, size: int, limits: Limits | None = None
) -> tuple[Archive, PackageManifest]:
    """Check a package without writing anything; raise PackageRefusedError with the
    reason if Cairn would not import it.
    """
    archive = open_archive(upload, size=size, limits=limits or Limits.from_settings())
    manifest = read_manifest(archive)
    verify_contents(archive)
    return archive, manifest


def import_package(
    upload: Any,
    *,
    actor: Any,
    name: str = "",
    limits: Limits | None = None,
) -> LearningPackage:
    """Check and extract an uploaded package; return it, ready for a lesson.

    `upload` is a file (an UploadedFile in the admin); `actor` None is Cairn itself
    (the demo seed, a command).
    """
    if actor is not None and not policies.can_author_courses(actor):
        raise PermissionDenied
    size = upload.size if hasattr(upload, "size") else _size_of(upload)
    archive, manifest = inspect_package(upload, size=size, limits=limits)
    digest = _sha256(upload)
    directory = secrets.token_hex(16)
    written = _extract(archive, directory)
    try:
        with transaction.atomic():
            package = LearningPackage.objects.create(
                title=manifest.title,
                standard=manifest.standard,
                identifier=manifest.identifier,
                directory=directory,
                launch_path=manifest.launch_path,
                launch_query=manifest.launch_query,
                details=manifest.details,
                original_name=(name or getattr(upload, "name", "") or "package.zip")[
                    :255
                ],
                sha256=digest,
                file_count=len(archive.files),
                size=archive.total_bytes,
                uploaded_by=actor,
            )
            record_write(
                AuditAction.CREATE,
                package,
                actor=actor,
                after=snapshot(package),
                verb="learning_package.imported",
                data={
                    "title": package.title,
                    "standard": package.standard,
                    "files": package.file_count,
                },
            )
    except Exception:
        _remove(written)
        raise
    return package


def _extract(archive: Archive, directory: str) -> list[str]:
    storage = package_storage()
    written: list[str] = []
    try:
        for path in sorted(archive.files):
            name = f"{directory}/{path}"
            stream = cast(IO[bytes], _Stream(archive, path))
            saved = storage.save(name, File(stream, name=path))
            written.append(saved)
            if saved != name:
                raise PackageRefusedError(
                    f"“{path}” could not be stored under its own name.",
                    code="duplicate",
                )
    except Exception:
        _remove(written)
        raise
    return written


def _remove(names: list[str]) -> None:
    storage = package_storage()
    for name in names:
        storage.delete(name)


class _Stream:
    """A file-like reader of one entry, for the storage to copy in chunks."""

    def __init__(self, archive: Archive, path: str) -> None:
        self._chunks = archive.chunks(path)
        self._buffer = b""
        self.size = archive.files[path].file_size

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            chunk = next(self._chunks, b"")
            if not chunk:
                break
            self._buffer += chunk
        if size < 0:
            data, self._buffer = self._buffer, b""
        else:
            data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data


def _sha256(upload: IO[bytes]) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    while chunk := upload.read(1024 * 1024):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _size_of(upload: IO[bytes]) -> int:
    upload.seek(0, 2)
    size = upload.tell()
    upload.seek(0)
    return size
