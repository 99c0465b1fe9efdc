"""Check an uploaded zip by its bytes before anything of it is written.

A package is refused, with the reason, when it is not a zip, is too large or
unpacks to too much (a zip bomb: too many entries, too much in total, an entry
compressed past the ratio limit, entries sharing their bytes), holds a name that
points outside the package (absolute, `..`, a backslash or a drive letter), a
symbolic link or another special file, an encrypted entry, or two entries that
would be the same file. The sizes an entry declares bound what `zipfile`
decompresses, and `verify_contents` reads every entry once (checking its CRC)
before extraction, so a lying archive is refused before a byte is stored.
"""

import itertools
import re
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError

ZIP_MAGIC = b"PK\x03\x04"
# Stored, deflated, bzip2 and LZMA: what zipfile decompresses.
SUPPORTED_METHODS = {
    zipfile.ZIP_STORED,
    zipfile.ZIP_DEFLATED,
    zipfile.ZIP_BZIP2,
    zipfile.ZIP_LZMA,
}
# The fixed part of a local file header: the least room an entry takes.
LOCAL_HEADER_BYTES = 30
# Small entries may compress well (a page of spaces) without being a threat; the
# ratio limit applies from this size up.
RATIO_FLOOR_BYTES = 1024 * 1024
MAX_NAME_LENGTH = 1000
CHUNK_BYTES = 64 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class PackageRefusedError(ValidationError):
    """A package Cairn will not import, with the reason a person can act on."""


@dataclass(frozen=True)
class Limits:
    """What an upload may be: its size, what it unpacks to, how many entries."""

    max_upload_bytes: int
    max_uncompressed_bytes: int
    max_entries: int
    max_ratio: int

    @classmethod
    def from_settings(cls) -> "Limits":
        """Return the limits the deployment configures (CAIRN_PACKAGE_*)."""
        return cls(
            max_upload_bytes=settings.CAIRN_PACKAGE_MAX_UPLOAD_BYTES,
            max_uncompressed_bytes=settings.CAIRN_PACKAGE_MAX_UNCOMPRESSED_BYTES,
            max_entries=settings.CAIRN_PACKAGE_MAX_ENTRIES,
            max_ratio=settings.CAIRN_PACKAGE_MAX_RATIO,
        )


@dataclass
class Archive:
    """An opened zip whose entries passed every check of their names and sizes."""

    zip: zipfile.ZipFile
    files: dict[str, zipfile.ZipInfo]
    total_bytes: int

    def has_file(self, path: str) -> bool:
        """Say whether the package holds a file at `path`."""
        return path in self.files

    def read(self, path: str, *, max_bytes: int) -> bytes:
        """Return the content of the file at `path`, refused past `max_bytes`."""
        info = self.files[path]
        if info.file_size > max_bytes:
            raise PackageRefusedError(
                f"“{path}” is larger than {_megabytes(max_bytes)}.", code="too_large"
            )
        return b"".join(_chunks(self.zip, info))

    def chunks(self, path: str) -> Iterator[bytes]:
        """Yield the content of the file at `path`, decompressed piece by piece."""
        return _chunks(self.zip, self.files[path])


def open_archive(upload: IO[bytes], *, size: int, limits: Limits) -> Archive:
    """Open `upload` as a zip and check every entry's name, type and size."""
    if size > limits.max_upload_bytes:
        raise PackageRefusedError(
            f"The package is larger than {_megabytes(limits.max_upload_bytes)}.",
            code="too_large",
        )
    upload.seek(0)
    if upload.read(len(ZIP_MAGIC)) != ZIP_MAGIC:
        raise PackageRefusedError(
            "The file is not a zip archive: a package is a .zip file.", code="not_zip"
        )
    upload.seek(0)
    try:
        archive = zipfile.ZipFile(upload)
        infos = archive.infolist()
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as error:
        raise PackageRefusedError(
            f"The zip archive is damaged ({error}).", code="damaged"
        ) from error
    if len(infos) > limits.max_entries:
        raise PackageRefusedError(
            f"The package has {len(infos)} entries, more than {limits.max_entries}.",
            code="too_many_entries",
        )
    files: dict[str, zipfile.ZipInfo] = {}
    folded: dict[str, str] = {}
    total = 0
    for info in infos:
        name = info.filename
        _check_name(name, info)
        _check_entry(name, info, limits)
        path = name.rstrip("/")
        other = folded.get(path.casefold())
        if other is not None:
            detail = (
                f"“{name}” appears twice in the package."
                if other == path
                else f"“{other}” and “{path}” would be the same file."
            )
            raise PackageRefusedError(detail, code="duplicate")
        folded[path.casefold()] = path
        if info.is_dir():
            continue
        files[path] = info
        total += info.file_size
        if total > limits.max_uncompressed_bytes:
            raise PackageRefusedError(
                "The package unpacks to more than "
                f"{_megabytes(limits.max_uncompressed_bytes)}: a zip bomb is refused.",
                code="zip_bomb",
            )
    if not files:
        raise PackageRefusedError("The zip archive holds no file.", code="empty")
    _check_no_file_is_a_folder(files)
    _check_no_overlap(infos)
    return Archive(zip=archive, files=files, total_bytes=total)


def verify_contents(archive: Archive) -> None:
    """Decompress every file once, checking its CRC and its declared size."""
    for info in archive.files.values():
        for _ in _chunks(archive.zip, info):
            pass


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    read = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK_BYTES):
                read += len(chunk)
                if read > info.file_size:
                    raise PackageRefusedError(
                        f"“{info.filename}” unpacks to more than it declares: a zip "
                        "bomb is refused.",
                        code="zip_bomb",
                    )
                yield chunk
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as error:
        raise PackageRefusedError(
            f"The zip archive is damaged ({error}).", code="damaged"
        ) from error
    except NotImplementedError as error:
        raise PackageRefusedError(
            f"“{info.filename}” uses an unsupported compression method.",
            code="unsupported_compression",
        ) from error


def _check_name(name: str, info: zipfile.ZipInfo) -> None:
    original = info.orig_filename
    unsafe = (
        not name
        or len(name) > MAX_NAME_LENGTH
        or "\\" in original
        or "\x00" in original
        or _CONTROL.search(name) is not None
        or name.startswith("/")
        or _DRIVE.match(name) is not None
    )
    segments = name.rstrip("/").split("/") if name.rstrip("/") else [""]
    if unsafe or any(segment in {"", ".", ".."} for segment in segments):
        raise PackageRefusedError(
            f"“{original}” is not a safe name inside a package (absolute, with "
            "“..”, a backslash, a drive letter or a control character): it could "
            "point outside the package.",
            code="unsafe_path",
        )


def _check_entry(name: str, info: zipfile.ZipInfo, limits: Limits) -> None:
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)
    if kind == stat.S_IFLNK:
        raise PackageRefusedError(
            f"“{name}” is a symbolic link; a package holds files and folders only.",
            code="symlink",
        )
    if kind not in {0, stat.S_IFREG, stat.S_IFDIR}:
        raise PackageRefusedError(
            f"“{name}” is not a regular file; a package holds files and folders only.",
            code="special_file",
        )
    if info.flag_bits & 0x1:
        raise PackageRefusedError(
            f"“{name}” is encrypted; a package may not be.", code="encrypted"
        )
    if info.compress_type not in SUPPORTED_METHODS:
        raise PackageRefusedError(
            f"“{name}” uses an unsupported compression method.",
            code="unsupported_compression",
        )
    if info.file_size > limits.max_uncompressed_bytes:
        raise PackageRefusedError(
            f"“{name}” unpacks to more than "
            f"{_megabytes(limits.max_uncompressed_bytes)}: a zip bomb is refused.",
            code="zip_bomb",
        )
    if info.file_size >= RATIO_FLOOR_BYTES and (
        info.compress_size == 0
        or info.file_size / info.compress_size > limits.max_ratio
    ):
        raise PackageRefusedError(
            f"“{name}” is compressed more than {limits.max_ratio} to 1: a zip bomb "
            "is refused.",
            code="zip_bomb",
        )


def _check_no_file_is_a_folder(files: dict[str, zipfile.ZipInfo]) -> None:
    for path in files:
        parts = path.split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if folder in files:
                raise PackageRefusedError(
                    f"“{folder}” is both a file and the folder of “{path}”.",
                    code="duplicate",
                )


def _check_no_overlap(infos: list[zipfile.ZipInfo]) -> None:
    """Refuse entries that share bytes: the overlapping-entries zip bomb."""
    ordered = sorted(infos, key=lambda info: info.header_offset)
    for current, following in itertools.pairwise(ordered):
        end = current.header_offset + LOCAL_HEADER_BYTES + current.compress_size
        if following.header_offset < end:
            raise PackageRefusedError(
                f"Entries “{current.filename}” and “{following.filename}” overlap in "
                "the archive: a zip bomb is refused.",
                code="zip_bomb",
            )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"
