"""Builders of package tests: SCORM 1.2, SCORM 2004 and cmi5 zips made with
zipfile, and the byte-level surgery that makes hostile ones.
"""

import io
import stat
import struct
import warnings
import zipfile
from collections.abc import Mapping
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cairn.learning.choices import LessonKind
from cairn.learning.models import Course, LearningPackage, Lesson
from cairn.learning.models_packages import package_storage
from cairn.learning.packages.archive import Limits, PackageRefusedError
from cairn.learning.services import catalog
from cairn.learning.services.packages import import_package

SCO_PAGE = b"<!doctype html><title>SCO</title><p>Hello</p>"

SCORM_12_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="com.example.routing" version="1.0"
    xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>Routing basics</title>
      <item identifier="item1" identifierref="res1"{parameters}>
        <title>Routing</title>
        {item_extra}
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="res1" type="webcontent" adlcp:scormtype="sco"
        href="{href}">
      <file href="{href}"/>
    </resource>
  </resources>
</manifest>
"""

SCORM_2004_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="com.example.switching" version="1"
    xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
    xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <metadata>{metadata}</metadata>
  <organizations default="main">
    <organization identifier="intro"><title>Not the default</title>
      <item identifier="i0" identifierref="asset"><title>Intro</title></item>
    </organization>
    <organization identifier="main">
      <title>Switching</title>
      <item identifier="i1" identifierref="asset"><title>An asset</title></item>
      <item identifier="i2" identifierref="sco" parameters="?chapter=2">
        <title>Switching</title>
        {item_extra}
      </item>
    </organization>
  </organizations>
  <resources xml:base="content/">
    <resource identifier="asset" type="webcontent" adlcp:scormType="asset"
        href="intro.html"/>
    <resource identifier="sco" type="webcontent" adlcp:scormType="sco"
        xml:base="sco/" href="start.html?lang=en"/>
  </resources>
</manifest>
"""

CMI5_MANIFEST = """<?xml version="1.0" encoding="utf-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="https://example.com/courses/firewalls">
    <title><langstring lang="en-US">Firewalls</langstring></title>
    <description><langstring lang="en-US">About firewalls</langstring></description>
  </course>
  <block id="https://example.com/courses/firewalls/block">
    <title><langstring lang="en-US">Block</langstring></title>
    <description><langstring lang="en-US">A block</langstring></description>
    <au id="{au_id}" moveOn="{move_on}" masteryScore="0.8"
        launchMethod="{launch_method}">
      <title><langstring lang="en-US">Zones</langstring></title>
      <description><langstring lang="en-US">Zones</langstring></description>
      <url>{url}</url>
      <launchParameters>{{"mode":"quick"}}</launchParameters>
    </au>
  </block>
</courseStructure>
"""


def zip_of(entries: Mapping[str, bytes | str], **options: Any) -> bytes:
    """Return a zip of `entries` (name → content), deflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, **options) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def zip_with_infos(infos: list[tuple[zipfile.ZipInfo, bytes | str]]) -> bytes:
    """Return a zip of entries whose ZipInfo the test sets (modes, duplicates)."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # Writing a name twice warns; the duplicate is what the test is about.
        warnings.simplefilter("ignore", UserWarning)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for info, content in infos:
                archive.writestr(info, content)
    return buffer.getvalue()


def symlink_info(name: str) -> zipfile.ZipInfo:
    """Return the ZipInfo of a Unix symbolic link."""
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def scorm12(
    *,
    href: str = "index.html",
    parameters: str = "",
    item_extra: str = "",
    files: Mapping[str, bytes | str] | None = None,
) -> bytes:
    """Return a SCORM 1.2 package of one SCO."""
    manifest = SCORM_12_MANIFEST.format(
        href=href,
        parameters=f' parameters="{parameters}"' if parameters else "",
        item_extra=item_extra,
    )
    return zip_of({"imsmanifest.xml": manifest, **(files or {"index.html": SCO_PAGE})})


def scorm2004(
    *,
    metadata: str = "<schema>ADL SCORM</schema>"
    "<schemaversion>2004 4th Edition</schemaversion>",
    item_extra: str = "",
) -> bytes:
    """Return a SCORM 2004 package: an asset and a SCO under xml:base folders."""
    manifest = SCORM_2004_MANIFEST.format(metadata=metadata, item_extra=item_extra)
    return zip_of(
        {
            "imsmanifest.xml": manifest,
            "content/intro.html": SCO_PAGE,
            "content/sco/start.html": SCO_PAGE,
        }
    )


def cmi5(
    *,
    url: str = "au/index.html?level=1",
    move_on: str = "CompletedAndPassed",
    au_id: str = "https://example.com/courses/firewalls/zones",
    launch_method: str = "AnyWindow",
    files: Mapping[str, bytes | str] | None = None,
) -> bytes:
    """Return a cmi5 package of one AU in a block."""
    manifest = CMI5_MANIFEST.format(
        url=url, move_on=move_on, au_id=au_id, launch_method=launch_method
    )
    return zip_of({"cmi5.xml": manifest, **(files or {"au/index.html": SCO_PAGE})})


def upload(content: bytes, name: str = "package.zip") -> SimpleUploadedFile:
    """Return an uploaded zip file."""
    return SimpleUploadedFile(name, content, content_type="application/zip")


def patch_entry(
    data: bytes,
    name: str,
    *,
    flag_bits: int | None = None,
    compress_type: int | None = None,
    file_size: int | None = None,
) -> bytes:
    """Rewrite fields of entry `name` in both its local and central headers."""
    patched = bytearray(data)
    encoded = name.encode()
    for signature, flag_at, method_at, size_at, name_length_at, name_at in (
        (b"PK\x03\x04", 6, 8, 22, 26, 30),
        (b"PK\x01\x02", 8, 10, 24, 28, 46),
    ):
        start = 0
        while (start := patched.find(signature, start)) >= 0:
            (length,) = struct.unpack_from("<H", patched, start + name_length_at)
            if bytes(patched[start + name_at : start + name_at + length]) == encoded:
                if flag_bits is not None:
                    struct.pack_into("<H", patched, start + flag_at, flag_bits)
                if compress_type is not None:
                    struct.pack_into("<H", patched, start + method_at, compress_type)
                if file_size is not None:
                    struct.pack_into("<I", patched, start + size_at, file_size)
            start += 4
    return bytes(patched)


def overlapping_zip() -> bytes:
    """Return a zip whose second central-directory entry points at the first
    entry's bytes: the overlapping-entries zip bomb.
    """
    data = zip_of({"imsmanifest.xml": "<manifest/>", "aaaa.txt": "x" * 100})
    directory = data.index(b"PK\x01\x02")
    second = data.index(b"PK\x01\x02", directory + 4)
    patched = bytearray(data)
    struct.pack_into("<I", patched, second + 42, 0)  # its local header offset
    return bytes(patched)


def package_lesson(
    content: bytes | None = None,
    *,
    slug: str = "routing-package",
    program: Any = None,
    title: str = "Routing package",
) -> tuple[Course, Lesson, LearningPackage]:
    """Import a package (SCORM 1.2 by default) and publish a course of one
    package lesson playing it.
    """
    package = import_package(upload(content or scorm12()), actor=None)
    course = catalog.create_course(slug=slug, title=title, program=program, actor=None)
    draft = catalog.draft_of(course)
    module = catalog.add_module(draft, title="Interactive", actor=None)
    lesson = catalog.add_lesson(
        module,
        title="Play the package",
        kind=LessonKind.PACKAGE,
        package=package,
        actor=None,
    )
    catalog.publish_version(draft, changelog="", actor=None)
    return course, lesson, package


def _stored_names() -> list[str]:
    folders, files = package_storage().listdir("")
    return sorted(folders + files)


def refusal_of(content: bytes, limits: Limits | None = None) -> PackageRefusedError:
    """Import `content`; return the refusal, having checked nothing was kept."""
    packages = LearningPackage.objects.count()
    stored = _stored_names()
    with pytest.raises(PackageRefusedError) as refused:
        import_package(upload(content), actor=None, limits=limits)
    assert LearningPackage.objects.count() == packages
    assert _stored_names() == stored
    return refused.value


def stored_statement(verb_id: str, object_id: str | None = None) -> dict[str, Any]:
    """Return the one stored statement with this verb (and object), read in Python:
    the LRS keeps payloads as JSON text on PostgreSQL, without JSON operators.
    """
    from cairn.lrs.models import Statement

    found = [
        statement.payload
        for statement in Statement.objects.all()
        if statement.payload["verb"]["id"] == verb_id
        and (object_id is None or statement.payload["object"]["id"] == object_id)
    ]
    assert len(found) == 1, found
    return found[0]
