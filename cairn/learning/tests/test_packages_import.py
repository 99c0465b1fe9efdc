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
from cairn.learning.packages.archive import Limits
from cairn.learning.services import catalog
from cairn.learning.services.packages import import_package
from cairn.learning.tests.support_packages import (
    SCO_PAGE,
    cmi5,
    overlapping_zip,
    package_lesson,
    patch_entry,
    refusal_of,
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
    refusal = refusal_of(b"%PDF-1.7\n" + scorm12())

    assert refusal.code == "not_zip"
    assert refusal.messages == [
        "The file is not a zip archive: a package is a .zip file."
    ]


def test_a_damaged_zip_is_refused(db: Any) -> None:
    content = scorm12()

    refusal = refusal_of(content[: len(content) // 2])

    assert refusal.code == "damaged"
    assert refusal.messages[0].startswith("The zip archive is damaged (")


def test_a_package_over_the_upload_limit_is_refused(db: Any) -> None:
    noise = random.Random(7).randbytes(20_000)

    refusal = refusal_of(scorm12(files={"index.html": noise}), SMALL)

    assert refusal.code == "too_large"
    assert refusal.messages == ["The package is larger than 0.00953674 MB."]


def test_a_package_with_too_many_entries_is_refused(db: Any) -> None:
    files = {f"page{number}.html": SCO_PAGE for number in range(4)}

    refusal = refusal_of(scorm12(href="page0.html", files=files), SMALL)

    assert refusal.code == "too_many_entries"
    assert refusal.messages == ["The package has 5 entries, more than 4."]


def test_a_package_that_unpacks_to_too_much_is_refused(db: Any) -> None:
    files = {"index.html": SCO_PAGE, "big.txt": bytes(range(256)) * 8}

    refusal = refusal_of(scorm12(files=files), SMALL)

    assert refusal.code == "zip_bomb"
    assert refusal.messages == [
        "“big.txt” unpacks to more than 0.00190735 MB: a zip bomb is refused."
    ]


def test_an_entry_compressed_past_the_ratio_is_refused_as_a_zip_bomb(
    db: Any,
) -> None:
    files = {"index.html": SCO_PAGE, "zeros.bin": bytes(4 * 1024 * 1024)}

    refusal = refusal_of(scorm12(files=files))

    assert refusal.code == "zip_bomb"
    assert refusal.messages == [
        "“zeros.bin” is compressed more than 200 to 1: a zip bomb is refused."
    ]


def test_an_entry_that_unpacks_to_more_than_it_declares_is_refused(db: Any) -> None:
    content = scorm12(files={"index.html": SCO_PAGE, "notes.txt": "abc" * 3000})

    refusal = refusal_of(patch_entry(content, "notes.txt", file_size=10))

    assert refusal.code == "damaged"
    assert "Bad CRC-32" in refusal.messages[0]


def test_overlapping_entries_are_refused_as_a_zip_bomb(db: Any) -> None:
    refusal = refusal_of(overlapping_zip())

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
    refusal = refusal_of(scorm12(files={"index.html": SCO_PAGE, name: "x"}))

    assert refusal.code == "unsafe_path"
    assert refusal.messages[0].startswith(f"“{name}” is not a safe name")


def test_a_symbolic_link_is_refused(db: Any) -> None:
    content = zip_with_infos(
        [
            (zipfile.ZipInfo("imsmanifest.xml"), "<manifest/>"),
            (symlink_info("index.html"), "/etc/passwd"),
        ]
    )

    refusal = refusal_of(content)

    assert refusal.code == "symlink"
    assert refusal.messages == [
        "“index.html” is a symbolic link; a package holds files and folders only."
    ]


def test_an_encrypted_entry_is_refused(db: Any) -> None:
    refusal = refusal_of(patch_entry(scorm12(), "index.html", flag_bits=0x1))

    assert refusal.code == "encrypted"
    assert refusal.messages == ["“index.html” is encrypted; a package may not be."]


def test_an_unsupported_compression_method_is_refused(db: Any) -> None:
    refusal = refusal_of(patch_entry(scorm12(), "index.html", compress_type=9))

    assert refusal.code == "unsupported_compression"


def test_a_name_that_appears_twice_is_refused(db: Any) -> None:
    content = zip_with_infos(
        [
            (zipfile.ZipInfo("imsmanifest.xml"), "<manifest/>"),
            (zipfile.ZipInfo("index.html"), "one"),
            (zipfile.ZipInfo("index.html"), "two"),
        ]
    )

    refusal = refusal_of(content)

    assert refusal.code == "duplicate"
    assert refusal.messages == ["“index.html” appears twice in the package."]


def test_names_that_differ_only_in_case_are_refused(db: Any) -> None:
    refusal = refusal_of(scorm12(files={"index.html": SCO_PAGE, "Index.html": "x"}))

    assert refusal.code == "duplicate"
    assert refusal.messages == ["“index.html” and “Index.html” would be the same file."]


def test_a_file_that_is_also_a_folder_is_refused(db: Any) -> None:
    refusal = refusal_of(scorm12(files={"index.html": SCO_PAGE, "index.html/x": "x"}))

    assert refusal.code == "duplicate"


def test_a_zip_of_folders_only_is_refused(db: Any) -> None:
    refusal = refusal_of(zip_of({"content/": ""}))

    assert refusal.code == "empty"


def test_an_uploaded_file_stream_is_read_from_its_start(db: Any) -> None:
    stream = io.BytesIO(scorm12())
    stream.seek(10)

    package = import_package(stream, actor=None, name="streamed.zip")

    assert (package.original_name, package.file_count) == ("streamed.zip", 2)
