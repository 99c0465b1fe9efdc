"""Refusing packages whose manifest is missing or invalid, with the reason."""

from typing import Any

import pytest

from cairn.learning.tests.support_packages import (
    SCO_PAGE,
    cmi5,
    refusal_of,
    scorm12,
    zip_of,
)

pytestmark = pytest.mark.django_db


def test_a_package_without_a_manifest_is_refused(db: Any) -> None:
    refusal = refusal_of(zip_of({"index.html": SCO_PAGE}))

    assert refusal.code == "no_manifest"
    assert refusal.messages == [
        "The package has no manifest: a SCORM package has imsmanifest.xml and a "
        "cmi5 package cmi5.xml at the root of the zip."
    ]


def test_a_manifest_inside_a_folder_is_refused_with_the_fix(db: Any) -> None:
    refusal = refusal_of(zip_of({"course/imsmanifest.xml": "<manifest/>"}))

    assert refusal.code == "manifest_not_at_root"
    assert refusal.messages == [
        "The manifest is not at the root of the zip (found “course/imsmanifest.xml”):"
        " zip the package's contents, not the folder that holds them."
    ]


def test_a_manifest_that_is_not_xml_is_refused(db: Any) -> None:
    refusal = refusal_of(zip_of({"imsmanifest.xml": "<manifest><oops></manifest>"}))

    assert refusal.code == "invalid_manifest"
    assert refusal.messages[0].startswith("imsmanifest.xml is not valid XML (")


def test_a_manifest_with_an_entity_expansion_is_refused(db: Any) -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE manifest [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><manifest>&lol2;</manifest>'
    )

    refusal = refusal_of(zip_of({"imsmanifest.xml": laughs}))

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
    refusal = refusal_of(zip_of({"imsmanifest.xml": manifest, "a.html": SCO_PAGE}))

    assert refusal.code == "invalid_manifest"
    assert refusal.messages == [reason]


def test_a_sco_whose_launch_file_is_missing_is_refused(db: Any) -> None:
    refusal = refusal_of(scorm12(href="start.html"))

    assert refusal.code == "launch_missing"
    assert refusal.messages == [
        "The SCO's launch file “start.html” is not in the package."
    ]


def test_a_sco_launched_from_outside_the_package_is_refused(db: Any) -> None:
    refusal = refusal_of(scorm12(href="https://elsewhere.example/sco.html"))

    assert refusal.code == "launch_missing"
    assert refusal.messages == [
        "The SCO's launch file “https://elsewhere.example/sco.html” is outside "
        "the package."
    ]


def test_an_invalid_mastery_score_is_refused(db: Any) -> None:
    refusal = refusal_of(
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
    refusal = refusal_of(cmi5(**options))

    assert (refusal.code, refusal.messages) == (code, [reason])


def test_a_cmi5_course_structure_without_an_au_is_refused(db: Any) -> None:
    structure = (
        '<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/'
        'CourseStructure.xsd"><course id="https://example.com/c"/></courseStructure>'
    )

    refusal = refusal_of(zip_of({"cmi5.xml": structure}))

    assert refusal.messages == ["cmi5.xml has no assignable unit (<au>)."]
