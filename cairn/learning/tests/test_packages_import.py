"""Importing SCORM 1.2, SCORM 2004 and cmi5 packages; refusing hostile ones."""

import io
import random
import zipfile
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from cairn.core.models import AuditEntry
from cairn.learning.choices import PackageStandard
from cairn.learning.models import LearningPackage
from cairn.learning.models_packages import package_storage
from cairn.learning.packages.archive import Limits, PackageRefusedError
from cairn.learning.services import catalog
from cairn.learning.services.packages import import_package
from cairn.learning.tests.support_packages import (
    SCO_PAGE,
    cmi5,
    overlapping_zip,
    package_lesson,
    patch_entry,
    scorm12,
    scorm2004,
    symlink_info,
    upload,
    zip_of,
    zip_with_infos,
)
from conftest import Ecosystem

pytestmark = pytest.mark.django_db

SMALL = Limits(
    max_upload_bytes=10_000,
    max_uncompressed_bytes=2_000,
    max_entries=4,
    max_ratio=200,
)


def _stored_names() -> list[str]:
    storage = package_storage()
    folders, files = storage.listdir("")
    return sorted(folders + files)


def _refusal(content: bytes, limits: Limits | None = None) -> PackageRefusedError:
    """Import `content`; return the refusal, having checked nothing was kept."""
    packages = LearningPackage.objects.count()
    stored = _stored_names()
    with pytest.raises(PackageRefusedError) as refused:
        import_package(upload(content), actor=None, limits=limits)
    assert LearningPackage.objects.count() == packages
    assert _stored_names() == stored
    return refused.value


# What is imported ------------------------------------------------------------------


def test_a_scorm_12_package_is_extracted_under_a_random_folder(
    ecosystem: Ecosystem,
) -> None:
    content = scorm12(
        href="index.html",
        parameters="?start=1",
        item_extra="<adlcp:masteryscore>80</adlcp:masteryscore>"
        "<adlcp:datafromlms>level=2</adlcp:datafromlms>",
        files={"index.html": SCO_PAGE, "css/site.css": "p{}"},
    )

    package = import_package(
        upload(content, "routing.zip"), actor=ecosystem.vendor_admin
    )

    assert package.standard == PackageStandard.SCORM_12
    assert package.title == "Routing basics"
    assert package.identifier == "com.example.routing"
    assert (package.launch_path, package.launch_query) == ("index.html", "start=1")
    assert package.details == {
        "schema_version": "1.2",
        "mastery_score": "80",
        "data_from_lms": "level=2",
        "max_time_allowed": "",
        "time_limit_action": "",
    }
    assert (package.file_count, package.original_name) == (3, "routing.zip")
    assert len(package.directory) == 32
    storage = package_storage()
    with storage.open(package.stored_name("index.html"), "rb") as stored:
        assert stored.read() == SCO_PAGE
    with storage.open(package.stored_name("css/site.css"), "rb") as stored:
        assert stored.read() == b"p{}"
    assert package.uploaded_by == ecosystem.vendor_admin
    entry = AuditEntry.objects.get(target_id=str(package.pk))
    assert entry.actor == ecosystem.vendor_admin


def test_a_scorm_2004_package_launches_the_first_sco_of_the_default_organization(
    db: Any,
) -> None:
    package = import_package(
        upload(
            scorm2004(
                item_extra='<adlcp:completionThreshold minProgressMeasure="0.75"/>'
                "<imsss:sequencing><imsss:objectives>"
                '<imsss:primaryObjective objectiveID="p" satisfiedByMeasure="true">'
                "<imsss:minNormalizedMeasure>0.6</imsss:minNormalizedMeasure>"
                "</imsss:primaryObjective></imsss:objectives></imsss:sequencing>"
            )
        ),
        actor=None,
    )

    assert package.standard == PackageStandard.SCORM_2004
    assert package.title == "Switching"
    # xml:base of the resources and of the resource, the href's own query, then
    # the item's parameters.
    assert package.launch_path == "content/sco/start.html"
    assert package.launch_query == "lang=en&chapter=2"
    assert package.details["completion_threshold"] == "0.75"
    assert package.details["scaled_passing_score"] == "0.6"
    assert package.details["schema_version"] == "2004 4th Edition"


def test_a_scorm_2004_package_without_schemaversion_is_known_by_its_namespaces(
    db: Any,
) -> None:
    package = import_package(upload(scorm2004(metadata="")), actor=None)

    assert package.standard == PackageStandard.SCORM_2004


def test_a_cmi5_package_keeps_its_assignable_units(db: Any) -> None:
    package = import_package(upload(cmi5()), actor=None)

    assert package.standard == PackageStandard.CMI5
    assert package.title == "Firewalls"
    assert package.identifier == "https://example.com/courses/firewalls"
    assert (package.launch_path, package.launch_query) == (
        "au/index.html",
        "level=1",
    )
    assert package.details["aus"] == [
        {
            "activity_id": "https://example.com/courses/firewalls/zones",
            "title": "Zones",
            "url": "au/index.html?level=1",
            "launch_method": "AnyWindow",
            "move_on": "CompletedAndPassed",
            "mastery_score": "0.8",
            "launch_parameters": '{"mode":"quick"}',
            "entitlement_key": "",
            "activity_type": "",
        }
    ]


def test_a_cmi5_au_may_be_hosted_elsewhere(db: Any) -> None:
    package = import_package(
        upload(cmi5(url="https://au.example.com/zones", files={})), actor=None
    )

    assert (package.launch_path, package.launch_query) == (
        "https://au.example.com/zones",
        "",
    )


def test_only_authors_import_packages(ecosystem: Ecosystem) -> None:
    with pytest.raises(PermissionDenied):
        import_package(upload(scorm12()), actor=ecosystem.partner_a_admin)

    assert LearningPackage.objects.count() == 0


def test_a_new_draft_keeps_the_package_of_a_package_lesson(
    ecosystem: Ecosystem,
) -> None:
    course, lesson, package = package_lesson()

    draft = catalog.start_draft(course, actor=ecosystem.vendor_admin)

    copy = draft.modules.get().lessons.get()
    assert (copy.kind, copy.package) == ("package", package)
    assert copy.pk != lesson.pk


# What is refused, and why -----------------------------------------------------------


def test_a_file_that_is_not_a_zip_is_refused(db: Any) -> None:
    refusal = _refusal(b"%PDF-1.7\n" + scorm12())

    assert refusal.code == "not_zip"
    assert refusal.messages == [
        "The file is not a zip archive: a package is a .zip file."
    ]


def test_a_damaged_zip_is_refused(db: Any) -> None:
    content = scorm12()

    refusal = _refusal(content[: len(content) // 2])

    assert refusal.code == "damaged"
    assert refusal.messages[0].startswith("The zip archive is damaged (")


def test_a_package_over_the_upload_limit_is_refused(db: Any) -> None:
    noise = random.Random(7).randbytes(20_000)

    refusal = _refusal(scorm12(files={"index.html": noise}), SMALL)

    assert refusal.code == "too_large"
    assert refusal.messages == ["The package is larger than 0.00953674 MB."]


def test_a_package_with_too_many_entries_is_refused(db: Any) -> None:
    files = {f"page{number}.html": SCO_PAGE for number in range(4)}

    refusal = _refusal(scorm12(href="page0.html", files=files), SMALL)

    assert refusal.code == "too_many_entries"
    assert refusal.messages == ["The package has 5 entries, more than 4."]


def test_a_package_that_unpacks_to_too_much_is_refused(db: Any) -> None:
    files = {"index.html": SCO_PAGE, "big.txt": bytes(range(256)) * 8}

    refusal = _refusal(scorm12(files=files), SMALL)

    assert refusal.code == "zip_bomb"
    assert refusal.messages == [
        "“big.txt” unpacks to more than 0.00190735 MB: a zip bomb is refused."
    ]


def test_an_entry_compressed_past_the_ratio_is_refused_as_a_zip_bomb(
    db: Any,
) -> None:
    files = {"index.html": SCO_PAGE, "zeros.bin": bytes(4 * 1024 * 1024)}

    refusal = _refusal(scorm12(files=files))

    assert refusal.code == "zip_bomb"
    assert refusal.messages == [
        "“zeros.bin” is compressed more than 200 to 1: a zip bomb is refused."
    ]


def test_an_entry_that_unpacks_to_more_than_it_declares_is_refused(db: Any) -> None:
    content = scorm12(files={"index.html": SCO_PAGE, "notes.txt": "abc" * 3000})

    refusal = _refusal(patch_entry(content, "notes.txt", file_size=10))

    assert refusal.code == "damaged"
    assert "Bad CRC-32" in refusal.messages[0]


def test_overlapping_entries_are_refused_as_a_zip_bomb(db: Any) -> None:
    refusal = _refusal(overlapping_zip())

    assert refusal.code == "zip_bomb"
    assert "overlap in the archive" in refusal.messages[0]


@pytest.mark.parametrize(
    "name",
    [
        "../evil.html",
        "content/../../evil.html",
        "/etc/evil.html",
        "..\\evil.html",
        "content\\evil.html",
        "C:/evil.html",
        "content//evil.html",
        "./evil.html",
    ],
)
def test_a_name_that_could_point_outside_the_package_is_refused(
    name: str, db: Any
) -> None:
    refusal = _refusal(scorm12(files={"index.html": SCO_PAGE, name: "x"}))

    assert refusal.code == "unsafe_path"
    assert refusal.messages[0].startswith(f"“{name}” is not a safe name")


def test_a_symbolic_link_is_refused(db: Any) -> None:
    content = zip_with_infos(
        [
            (zipfile.ZipInfo("imsmanifest.xml"), "<manifest/>"),
            (symlink_info("index.html"), "/etc/passwd"),
        ]
    )

    refusal = _refusal(content)

    assert refusal.code == "symlink"
    assert refusal.messages == [
        "“index.html” is a symbolic link; a package holds files and folders only."
    ]


def test_an_encrypted_entry_is_refused(db: Any) -> None:
    refusal = _refusal(patch_entry(scorm12(), "index.html", flag_bits=0x1))

    assert refusal.code == "encrypted"
    assert refusal.messages == ["“index.html” is encrypted; a package may not be."]


def test_an_unsupported_compression_method_is_refused(db: Any) -> None:
    refusal = _refusal(patch_entry(scorm12(), "index.html", compress_type=9))

    assert refusal.code == "unsupported_compression"


def test_a_name_that_appears_twice_is_refused(db: Any) -> None:
    content = zip_with_infos(
        [
            (zipfile.ZipInfo("imsmanifest.xml"), "<manifest/>"),
            (zipfile.ZipInfo("index.html"), "one"),
            (zipfile.ZipInfo("index.html"), "two"),
        ]
    )

    refusal = _refusal(content)

    assert refusal.code == "duplicate"
    assert refusal.messages == ["“index.html” appears twice in the package."]


def test_names_that_differ_only_in_case_are_refused(db: Any) -> None:
    refusal = _refusal(scorm12(files={"index.html": SCO_PAGE, "Index.html": "x"}))

    assert refusal.code == "duplicate"
    assert refusal.messages == ["“index.html” and “Index.html” would be the same file."]


def test_a_file_that_is_also_a_folder_is_refused(db: Any) -> None:
    refusal = _refusal(scorm12(files={"index.html": SCO_PAGE, "index.html/x": "x"}))

    assert refusal.code == "duplicate"


def test_a_zip_of_folders_only_is_refused(db: Any) -> None:
    refusal = _refusal(zip_of({"content/": ""}))

    assert refusal.code == "empty"


def test_a_package_without_a_manifest_is_refused(db: Any) -> None:
    refusal = _refusal(zip_of({"index.html": SCO_PAGE}))

    assert refusal.code == "no_manifest"
    assert refusal.messages == [
        "The package has no manifest: a SCORM package has imsmanifest.xml and a "
        "cmi5 package cmi5.xml at the root of the zip."
    ]


def test_a_manifest_inside_a_folder_is_refused_with_the_fix(db: Any) -> None:
    refusal = _refusal(zip_of({"course/imsmanifest.xml": "<manifest/>"}))

    assert refusal.code == "manifest_not_at_root"
    assert refusal.messages == [
        "The manifest is not at the root of the zip (found “course/imsmanifest.xml”):"
        " zip the package's contents, not the folder that holds them."
    ]


def test_a_manifest_that_is_not_xml_is_refused(db: Any) -> None:
    refusal = _refusal(zip_of({"imsmanifest.xml": "<manifest><oops></manifest>"}))

    assert refusal.code == "invalid_manifest"
    assert refusal.messages[0].startswith("imsmanifest.xml is not valid XML (")


def test_a_manifest_with_an_entity_expansion_is_refused(db: Any) -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE manifest [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><manifest>&lol2;</manifest>'
    )

    refusal = _refusal(zip_of({"imsmanifest.xml": laughs}))

    assert refusal.code == "invalid_manifest"
    assert refusal.messages == [
        "imsmanifest.xml declares entities or external references, which are "
        "refused (EntitiesForbidden)."
    ]


@pytest.mark.parametrize(
    ("manifest", "reason"),
    [
        (
            "<package/>",
            "imsmanifest.xml's root element is <package>, not <manifest>.",
        ),
        (
            "<manifest><metadata><schemaversion>1.1</schemaversion></metadata>"
            "</manifest>",
            "imsmanifest.xml is neither SCORM 1.2 nor SCORM 2004 (schemaversion "
            "“1.1”, no SCORM namespace).",
        ),
        (
            "<manifest><metadata><schemaversion>1.2</schemaversion></metadata>"
            "<organizations/></manifest>",
            "imsmanifest.xml has no organization to launch.",
        ),
        (
            "<manifest><metadata><schemaversion>1.2</schemaversion></metadata>"
            '<organizations><organization identifier="o">'
            '<item identifier="i" identifierref="gone"/></organization>'
            "</organizations><resources/></manifest>",
            "imsmanifest.xml: item “i” refers to resource “gone”, which the "
            "manifest does not have.",
        ),
        (
            "<manifest><metadata><schemaversion>1.2</schemaversion></metadata>"
            '<organizations><organization identifier="o">'
            '<item identifier="i" identifierref="r"/></organization></organizations>'
            '<resources><resource identifier="r" scormtype="asset" href="a.html"/>'
            "</resources></manifest>",
            "imsmanifest.xml's default organization launches no SCO (a resource "
            "with scormType “sco” and an href).",
        ),
    ],
)
def test_an_invalid_scorm_manifest_is_refused_with_the_problem(
    manifest: str, reason: str, db: Any
) -> None:
    refusal = _refusal(zip_of({"imsmanifest.xml": manifest, "a.html": SCO_PAGE}))

    assert refusal.code == "invalid_manifest"
    assert refusal.messages == [reason]


def test_a_sco_whose_launch_file_is_missing_is_refused(db: Any) -> None:
    refusal = _refusal(scorm12(href="start.html"))

    assert refusal.code == "launch_missing"
    assert refusal.messages == [
        "The SCO's launch file “start.html” is not in the package."
    ]


def test_a_sco_launched_from_outside_the_package_is_refused(db: Any) -> None:
    refusal = _refusal(scorm12(href="https://elsewhere.example/sco.html"))

    assert refusal.code == "launch_missing"
    assert refusal.messages == [
        "The SCO's launch file “https://elsewhere.example/sco.html” is outside "
        "the package."
    ]


def test_an_invalid_mastery_score_is_refused(db: Any) -> None:
    refusal = _refusal(
        scorm12(item_extra="<adlcp:masteryscore>120</adlcp:masteryscore>")
    )

    assert refusal.messages == ["The mastery score “120” is not between 0 and 100."]


@pytest.mark.parametrize(
    ("options", "code", "reason"),
    [
        (
            {"url": "au/missing.html"},
            "launch_missing",
            "The AU's launch file “au/missing.html” is not in the package.",
        ),
        (
            {"url": "file:///etc/passwd"},
            "launch_missing",
            "cmi5.xml: AU “https://example.com/courses/firewalls/zones” launches "
            "“file:///etc/passwd”, which is neither a file of the package nor an "
            "http(s) address.",
        ),
        (
            {"move_on": "Whenever"},
            "invalid_manifest",
            "cmi5.xml: AU “https://example.com/courses/firewalls/zones” has moveOn "
            "“Whenever”, not one of Completed, CompletedAndPassed, "
            "CompletedOrPassed, NotApplicable, Passed.",
        ),
        (
            {"au_id": "zones"},
            "invalid_manifest",
            "cmi5.xml: an AU's id “zones” is not an IRI.",
        ),
        (
            {"url": ""},
            "invalid_manifest",
            "cmi5.xml: AU “https://example.com/courses/firewalls/zones” has no <url>.",
        ),
    ],
)
def test_an_invalid_cmi5_course_structure_is_refused_with_the_problem(
    options: dict[str, Any], code: str, reason: str, db: Any
) -> None:
    refusal = _refusal(cmi5(**options))

    assert (refusal.code, refusal.messages) == (code, [reason])


def test_a_cmi5_course_structure_without_an_au_is_refused(db: Any) -> None:
    structure = (
        '<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/'
        'CourseStructure.xsd"><course id="https://example.com/c"/></courseStructure>'
    )

    refusal = _refusal(zip_of({"cmi5.xml": structure}))

    assert refusal.messages == ["cmi5.xml has no assignable unit (<au>)."]


def test_an_uploaded_file_stream_is_read_from_its_start(db: Any) -> None:
    stream = io.BytesIO(scorm12())
    stream.seek(10)

    package = import_package(stream, actor=None, name="streamed.zip")

    assert (package.original_name, package.file_count) == ("streamed.zip", 2)
