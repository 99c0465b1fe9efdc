"""Read what a package launches from its manifest: `cmi5.xml` (cmi5) or
`imsmanifest.xml` (SCORM 1.2 or 2004), at the root of the zip.

SCORM: the version comes from `metadata/schemaversion`, else from the namespaces
the manifest uses; the launch is the `href` of the first SCO (in document order)
of the default organization, resolved against the `xml:base` of the manifest, its
resources and the resource, with the item's `parameters` appended. cmi5: the
course structure's assignable units (AUs) with their url, launch method, moveOn,
mastery score and activity id; a lesson launches the first AU.

XML is parsed with defusedxml: entity declarations and external references are
refused, so a manifest cannot expand into gigabytes or read a file of the server.
"""

import posixpath
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from cairn.learning.choices import PackageStandard
from cairn.learning.packages.archive import Archive, PackageRefusedError

SCORM_MANIFEST = "imsmanifest.xml"
CMI5_MANIFEST = "cmi5.xml"
MAX_MANIFEST_BYTES = 8 * 1024 * 1024
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
# A stand-in root that relative addresses are resolved against.
ROOT = "http://package.invalid/"
SCORM_12_MARKERS = (
    "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
    "http://www.adlnet.org/xsd/adlcp_rootv1p2",
)
SCORM_2004_MARKERS = (
    "http://www.imsglobal.org/xsd/imscp_v1p1",
    "http://www.adlnet.org/xsd/adlcp_v1p3",
    "http://www.imsglobal.org/xsd/imsss",
)
MOVE_ON = {
    "Passed",
    "Completed",
    "CompletedAndPassed",
    "CompletedOrPassed",
    "NotApplicable",
}
LAUNCH_METHODS = {"AnyWindow", "OwnWindow"}


@dataclass(frozen=True)
class PackageManifest:
    """What a package is and what it launches.

    `launch_path` is a file of the package (or, for a cmi5 AU hosted elsewhere,
    an absolute http(s) address); `launch_query` the query string it is launched
    with. `details` holds what the player needs (SCORM: mastery score, data from
    the LMS, completion threshold, scaled passing score; cmi5: every AU).
    """

    standard: str
    title: str
    identifier: str
    launch_path: str
    launch_query: str = ""
    details: dict[str, Any] = field(default_factory=dict)


def read_manifest(archive: Archive) -> PackageManifest:
    """Return the manifest of the package; refuse a missing or invalid one."""
    if archive.has_file(CMI5_MANIFEST):
        return _read_cmi5(archive)
    if archive.has_file(SCORM_MANIFEST):
        return _read_scorm(archive)
    nested = sorted(
        path
        for path in archive.files
        if posixpath.basename(path) in {SCORM_MANIFEST, CMI5_MANIFEST}
    )
    if nested:
        raise PackageRefusedError(
            f"The manifest is not at the root of the zip (found “{nested[0]}”): zip "
            "the package's contents, not the folder that holds them.",
            code="manifest_not_at_root",
        )
    raise PackageRefusedError(
        "The package has no manifest: a SCORM package has imsmanifest.xml and a "
        "cmi5 package cmi5.xml at the root of the zip.",
        code="no_manifest",
    )


def _parse(archive: Archive, name: str) -> Element:
    content = archive.read(name, max_bytes=MAX_MANIFEST_BYTES)
    try:
        root: Element = fromstring(content)
    except DefusedXmlException as error:
        raise PackageRefusedError(
            f"{name} declares entities or external references, which are refused "
            f"({type(error).__name__}).",
            code="invalid_manifest",
        ) from error
    except ParseError as error:
        raise PackageRefusedError(
            f"{name} is not valid XML ({error}).", code="invalid_manifest"
        ) from error
    return root


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def _namespace(name: str) -> str:
    return name[1:].split("}", 1)[0] if name.startswith("{") else ""


def _children(element: Element, local: str) -> list[Element]:
    return [child for child in element if _local(child.tag) == local]


def _child(element: Element, local: str) -> Element | None:
    found = _children(element, local)
    return found[0] if found else None


def _attribute(element: Element, local: str) -> str | None:
    """Return an attribute by its local name, in any namespace, ignoring case."""
    wanted = local.lower()
    for name, value in element.attrib.items():
        if _local(name).lower() == wanted:
            return value.strip()
    return None


def _text(element: Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _decimal(value: str, what: str, low: Decimal, high: Decimal) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation as error:
        raise PackageRefusedError(
            f"{what} “{value}” is not a number.", code="invalid_manifest"
        ) from error
    if not number.is_finite() or not low <= number <= high:
        raise PackageRefusedError(
            f"{what} “{value}” is not between {low} and {high}.",
            code="invalid_manifest",
        )
    return number


def _resolve(archive: Archive, bases: list[str], href: str, what: str) -> str:
    """Return the package path `href` names, relative to `bases`; refuse an address
    outside the package or a file the package lacks.
    """
    address = ROOT
    for base in [*bases, href]:
        address = urljoin(address, base)
    if not address.startswith(ROOT):
        raise PackageRefusedError(
            f"{what} “{href}” is outside the package.", code="launch_missing"
        )
    path = unquote(urlsplit(address).path[1:])
    if not archive.has_file(path):
        raise PackageRefusedError(
            f"{what} “{path}” is not in the package.", code="launch_missing"
        )
    return address[len(ROOT) :]


def _split(address: str) -> tuple[str, str]:
    parts = urlsplit(address)
    return unquote(parts.path), parts.query


def _with_parameters(query: str, parameters: str) -> str:
    """Append an item's `parameters` to the launch query (SCORM CAM's rules)."""
    parameters = parameters.strip().lstrip("?&")
    if not parameters or parameters.startswith("#"):
        return query
    return f"{query}&{parameters}" if query else parameters


def _scorm_standard(root: Element) -> tuple[str, str]:
    metadata = _child(root, "metadata")
    version = _text(_child(metadata, "schemaversion")) if metadata is not None else ""
    if version == "1.2":
        return PackageStandard.SCORM_12, version
    if "1.3" in version or "2004" in version:
        return PackageStandard.SCORM_2004, version
    namespaces = {_namespace(element.tag) for element in root.iter()} | {
        _namespace(name) for element in root.iter() for name in element.attrib
    }
    if namespaces & set(SCORM_2004_MARKERS):
        return PackageStandard.SCORM_2004, version
    if namespaces & set(SCORM_12_MARKERS):
        return PackageStandard.SCORM_12, version
    raise PackageRefusedError(
        "imsmanifest.xml is neither SCORM 1.2 nor SCORM 2004 (schemaversion "
        f"“{version or 'missing'}”, no SCORM namespace).",
        code="invalid_manifest",
    )


def _read_scorm(archive: Archive) -> PackageManifest:
    root = _parse(archive, SCORM_MANIFEST)
    if _local(root.tag) != "manifest":
        raise PackageRefusedError(
            f"imsmanifest.xml's root element is <{_local(root.tag)}>, not <manifest>.",
            code="invalid_manifest",
        )
    standard, schema_version = _scorm_standard(root)
    organizations = _child(root, "organizations")
    choices = (
        _children(organizations, "organization") if organizations is not None else []
    )
    if not choices:
        raise PackageRefusedError(
            "imsmanifest.xml has no organization to launch.", code="invalid_manifest"
        )
    default = (
        _attribute(organizations, "default") if organizations is not None else None
    )
    organization = next(
        (o for o in choices if _attribute(o, "identifier") == default), choices[0]
    )
    resources_element = _child(root, "resources")
    resources = {
        _attribute(resource, "identifier"): resource
        for resource in (
            _children(resources_element, "resource")
            if resources_element is not None
            else []
        )
    }
    for item in organization.iter():
        if _local(item.tag) != "item":
            continue
        reference = _attribute(item, "identifierref")
        if not reference:
            continue
        resource = resources.get(reference)
        if resource is None:
            raise PackageRefusedError(
                f"imsmanifest.xml: item “{_attribute(item, 'identifier')}” refers to "
                f"resource “{reference}”, which the manifest does not have.",
                code="invalid_manifest",
            )
        href = _attribute(resource, "href")
        if (_attribute(resource, "scormtype") or "").lower() != "sco" or not href:
            continue
        bases = [
            element.attrib.get(XML_BASE, "")
            for element in (root, resources_element, resource)
            if element is not None
        ]
        address = _resolve(archive, bases, href, "The SCO's launch file")
        path, query = _split(address)
        return PackageManifest(
            standard=standard,
            title=_text(_child(organization, "title"))[:200]
            or _text(_child(item, "title"))[:200]
            or "Untitled package",
            identifier=(_attribute(root, "identifier") or "")[:255],
            launch_path=path,
            launch_query=_with_parameters(query, _attribute(item, "parameters") or ""),
            details=_scorm_details(item, standard, schema_version),
        )
    raise PackageRefusedError(
        "imsmanifest.xml's default organization launches no SCO (a resource with "
        "scormType “sco” and an href).",
        code="invalid_manifest",
    )


def _scorm_details(item: Element, standard: str, schema_version: str) -> dict[str, Any]:
    details: dict[str, Any] = {"schema_version": schema_version}
    if standard == PackageStandard.SCORM_12:
        mastery = _text(_child(item, "masteryscore"))
        if mastery:
            details["mastery_score"] = str(
                _decimal(mastery, "The mastery score", Decimal(0), Decimal(100))
            )
        details["data_from_lms"] = _text(_child(item, "datafromlms"))[:4096]
        details["max_time_allowed"] = _text(_child(item, "maxtimeallowed"))[:13]
        details["time_limit_action"] = _text(_child(item, "timelimitaction"))[:30]
        return details
    details["data_from_lms"] = _text(_child(item, "dataFromLMS"))[:4000]
    details["time_limit_action"] = _text(_child(item, "timeLimitAction"))[:30]
    threshold = _child(item, "completionThreshold")
    if threshold is not None:
        # 4th edition: an attribute; 3rd edition: the element's text.
        value = _attribute(threshold, "minProgressMeasure") or _text(threshold)
        by_measure = (_attribute(threshold, "completedByMeasure") or "true") == "true"
        if value and by_measure:
            details["completion_threshold"] = str(
                _decimal(value, "The completion threshold", Decimal(0), Decimal(1))
            )
    sequencing = _child(item, "sequencing")
    objectives = _child(sequencing, "objectives") if sequencing is not None else None
    primary = _child(objectives, "primaryObjective") if objectives is not None else None
    if primary is not None and _attribute(primary, "satisfiedByMeasure") == "true":
        measure = _text(_child(primary, "minNormalizedMeasure")) or "1.0"
        details["scaled_passing_score"] = str(
            _decimal(measure, "The minimum normalized measure", Decimal(-1), Decimal(1))
        )
    return details


def _read_cmi5(archive: Archive) -> PackageManifest:
    root = _parse(archive, CMI5_MANIFEST)
    if _local(root.tag) != "courseStructure":
        raise PackageRefusedError(
            f"cmi5.xml's root element is <{_local(root.tag)}>, not <courseStructure>.",
            code="invalid_manifest",
        )
    course = _child(root, "course")
    course_id = _attribute(course, "id") if course is not None else None
    if course is None or not course_id:
        raise PackageRefusedError(
            "cmi5.xml has no <course> with an id.", code="invalid_manifest"
        )
    units = [
        _assignable_unit(archive, au) for au in root.iter() if _local(au.tag) == "au"
    ]
    if not units:
        raise PackageRefusedError(
            "cmi5.xml has no assignable unit (<au>).", code="invalid_manifest"
        )
    first = units[0]
    hosted_elsewhere = bool(urlsplit(first["url"]).scheme)
    path, query = (first["url"], "") if hosted_elsewhere else _split(first["url"])
    return PackageManifest(
        standard=PackageStandard.CMI5,
        title=_langstring(course)[:200] or first["title"] or "Untitled package",
        identifier=course_id[:2048],
        launch_path=path,
        launch_query=query,
        details={"course_id": course_id, "aus": units},
    )


def _langstring(element: Element) -> str:
    title = _child(element, "title")
    strings = _children(title, "langstring") if title is not None else []
    return _text(strings[0]) if strings else ""


def _assignable_unit(archive: Archive, au: Element) -> dict[str, Any]:
    activity_id = _attribute(au, "id") or ""
    if not urlsplit(activity_id).scheme:
        raise PackageRefusedError(
            f"cmi5.xml: an AU's id “{activity_id}” is not an IRI.",
            code="invalid_manifest",
        )
    url = _text(_child(au, "url"))
    if not url:
        raise PackageRefusedError(
            f"cmi5.xml: AU “{activity_id}” has no <url>.", code="invalid_manifest"
        )
    scheme = urlsplit(url).scheme.lower()
    if scheme and scheme not in {"http", "https"}:
        raise PackageRefusedError(
            f"cmi5.xml: AU “{activity_id}” launches “{url}”, which is neither a file "
            "of the package nor an http(s) address.",
            code="launch_missing",
        )
    if not scheme:
        url = _resolve(archive, [], url, "The AU's launch file")
    move_on = _attribute(au, "moveOn") or "NotApplicable"
    if move_on not in MOVE_ON:
        raise PackageRefusedError(
            f"cmi5.xml: AU “{activity_id}” has moveOn “{move_on}”, not one of "
            f"{', '.join(sorted(MOVE_ON))}.",
            code="invalid_manifest",
        )
    launch_method = _attribute(au, "launchMethod") or "AnyWindow"
    if launch_method not in LAUNCH_METHODS:
        raise PackageRefusedError(
            f"cmi5.xml: AU “{activity_id}” has launchMethod “{launch_method}”, not "
            "AnyWindow or OwnWindow.",
            code="invalid_manifest",
        )
    mastery = _attribute(au, "masteryScore")
    return {
        "activity_id": activity_id,
        "title": _langstring(au)[:200],
        "url": url,
        "launch_method": launch_method,
        "move_on": move_on,
        "mastery_score": (
            str(_decimal(mastery, "An AU's masteryScore", Decimal(0), Decimal(1)))
            if mastery
            else None
        ),
        "launch_parameters": _text(_child(au, "launchParameters")),
        "entitlement_key": _text(_child(au, "entitlementKey")),
        "activity_type": _attribute(au, "activityType") or "",
    }
