"""The SCORM run-time data models (1.2 and 2004 4th edition): which elements a
package may read and write, and what values each accepts.

One table per standard serves both ends: the player's script receives it (as
patterns and rules) to answer the package's GetValue/SetValue with SCORM's error
codes, and the server checks every posted value against it again before storing
anything. `n` in an element name is an index, at most `MAX_INDEX[...]`.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from cairn.learning.choices import PackageStandard

# How many interactions, objectives, comments, correct responses a learner's data
# may hold (SCORM 2004's smallest permitted maxima, 1.2 follows them).
MAX_INDEX = {"interactions": 250, "objectives": 100, "comments": 250, "nested": 36}

TIMESPAN_12 = r"^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$"
TIME_12 = r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,2})?$"
DURATION = r"^P(?!$)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)?)?$"
TIMESTAMP = (
    r"^\d{4}(-\d{2}(-\d{2}(T\d{2}(:\d{2}(:\d{2}(\.\d{1,2})?)?)?"
    r"(Z|[+-]\d{2}(:\d{2})?)?)?)?)?$"
)
# SCORM's real(10,7): ten integer digits; longer fractions are accepted and kept
# to seven places.
DECIMAL_PATTERN = r"^-?\d{1,10}(\.\d{1,18})?$"
DECIMAL = re.compile(DECIMAL_PATTERN)
STATUS_12 = ("passed", "completed", "failed", "incomplete", "browsed")
INTERACTION_TYPES_12 = (
    "true-false",
    "choice",
    "fill-in",
    "matching",
    "performance",
    "sequencing",
    "likert",
    "numeric",
)
INTERACTION_TYPES_2004 = (*INTERACTION_TYPES_12, "long-fill-in", "other")


@dataclass(frozen=True)
class Element:
    """One element (or family of indexed elements) of a data model."""

    name: str  # dotted, with `n` for an index
    access: str  # "r", "w" or "rw"
    kind: str = "string"  # string, vocabulary, decimal, result, pattern
    max_length: int = 0
    vocabulary: tuple[str, ...] = ()
    low: str | None = None
    high: str | None = None
    pattern: str = ""
    allows_blank: bool = False


def _rw(name: str, **rules: Any) -> Element:
    return Element(name, "rw", **rules)


def _w(name: str, **rules: Any) -> Element:
    return Element(name, "w", **rules)


def _r(name: str) -> Element:
    return Element(name, "r")


def _score_12(prefix: str) -> list[Element]:
    return [
        _rw(f"{prefix}.{part}", kind="decimal", low="0", high="100", allows_blank=True)
        for part in ("raw", "min", "max")
    ]


SCORM_12 = [
    *[
        _r(f"cmi.core.{name}")
        for name in (
            "_children",
            "student_id",
            "student_name",
            "credit",
            "entry",
            "total_time",
            "lesson_mode",
            "score._children",
        )
    ],
    _rw("cmi.core.lesson_location", max_length=255),
    _rw("cmi.core.lesson_status", kind="vocabulary", vocabulary=STATUS_12),
    *_score_12("cmi.core.score"),
    _w(
        "cmi.core.exit",
        kind="vocabulary",
        vocabulary=("time-out", "suspend", "logout", ""),
    ),
    _w("cmi.core.session_time", kind="pattern", pattern=TIMESPAN_12),
    _rw("cmi.suspend_data", max_length=4096),
    _r("cmi.launch_data"),
    _rw("cmi.comments", max_length=4096),
    _r("cmi.comments_from_lms"),
    *[
        _r(name)
        for name in (
            "cmi.objectives._children",
            "cmi.objectives._count",
            "cmi.student_data._children",
            "cmi.student_data.mastery_score",
            "cmi.student_data.max_time_allowed",
            "cmi.student_data.time_limit_action",
            "cmi.student_preference._children",
            "cmi.interactions._children",
            "cmi.interactions._count",
            "cmi.objectives.n.score._children",
            "cmi.interactions.n.objectives._count",
            "cmi.interactions.n.correct_responses._count",
        )
    ],
    _rw("cmi.objectives.n.id", max_length=255),
    *_score_12("cmi.objectives.n.score"),
    _rw(
        "cmi.objectives.n.status",
        kind="vocabulary",
        vocabulary=(*STATUS_12, "not attempted"),
    ),
    _rw("cmi.student_preference.audio", kind="decimal", low="-1", high="100"),
    _rw("cmi.student_preference.language", max_length=255),
    _rw("cmi.student_preference.speed", kind="decimal", low="-100", high="100"),
    _rw("cmi.student_preference.text", kind="vocabulary", vocabulary=("-1", "0", "1")),
    _w("cmi.interactions.n.id", max_length=255),
    _w("cmi.interactions.n.objectives.n.id", max_length=255),
    _w("cmi.interactions.n.time", kind="pattern", pattern=TIME_12),
    _w("cmi.interactions.n.type", kind="vocabulary", vocabulary=INTERACTION_TYPES_12),
    _w("cmi.interactions.n.correct_responses.n.pattern", max_length=255),
    _w("cmi.interactions.n.weighting", kind="decimal"),
    _w("cmi.interactions.n.student_response", max_length=255),
    _w(
        "cmi.interactions.n.result",
        kind="result",
        vocabulary=("correct", "wrong", "unanticipated", "neutral"),
    ),
    _w("cmi.interactions.n.latency", kind="pattern", pattern=TIMESPAN_12),
]


def _score_2004(prefix: str) -> list[Element]:
    return [
        _rw(f"{prefix}.scaled", kind="decimal", low="-1", high="1"),
        *[_rw(f"{prefix}.{part}", kind="decimal") for part in ("raw", "min", "max")],
    ]


COMPLETION_2004 = ("completed", "incomplete", "not attempted", "unknown")
SUCCESS_2004 = ("passed", "failed", "unknown")

SCORM_2004 = [
    *[
        _r(f"cmi.{name}")
        for name in (
            "_version",
            "learner_id",
            "learner_name",
            "credit",
            "entry",
            "mode",
            "launch_data",
            "total_time",
            "completion_threshold",
            "scaled_passing_score",
            "max_time_allowed",
            "time_limit_action",
            "score._children",
            "learner_preference._children",
            "comments_from_learner._children",
            "comments_from_learner._count",
            "comments_from_lms._children",
            "comments_from_lms._count",
            "interactions._children",
            "interactions._count",
            "objectives._children",
            "objectives._count",
            "interactions.n.objectives._count",
            "interactions.n.correct_responses._count",
            "objectives.n.score._children",
        )
    ],
    _rw("cmi.location", max_length=1000),
    _rw("cmi.suspend_data", max_length=64000),
    _rw("cmi.completion_status", kind="vocabulary", vocabulary=COMPLETION_2004),
    _rw("cmi.success_status", kind="vocabulary", vocabulary=SUCCESS_2004),
    _rw("cmi.progress_measure", kind="decimal", low="0", high="1"),
    *_score_2004("cmi.score"),
    _w(
        "cmi.exit",
        kind="vocabulary",
        vocabulary=("time-out", "suspend", "logout", "normal", ""),
    ),
    _w("cmi.session_time", kind="pattern", pattern=DURATION),
    _rw("cmi.learner_preference.audio_level", kind="decimal", low="0"),
    _rw("cmi.learner_preference.language", max_length=250),
    _rw("cmi.learner_preference.delivery_speed", kind="decimal", low="0"),
    _rw(
        "cmi.learner_preference.audio_captioning",
        kind="vocabulary",
        vocabulary=("-1", "0", "1"),
    ),
    _rw("cmi.comments_from_learner.n.comment", max_length=4000),
    _rw("cmi.comments_from_learner.n.location", max_length=250),
    _rw("cmi.comments_from_learner.n.timestamp", kind="pattern", pattern=TIMESTAMP),
    _rw("cmi.interactions.n.id", max_length=4000),
    _rw(
        "cmi.interactions.n.type", kind="vocabulary", vocabulary=INTERACTION_TYPES_2004
    ),
    _rw("cmi.interactions.n.objectives.n.id", max_length=4000),
    _rw("cmi.interactions.n.timestamp", kind="pattern", pattern=TIMESTAMP),
    _rw("cmi.interactions.n.correct_responses.n.pattern", max_length=4000),
    _rw("cmi.interactions.n.weighting", kind="decimal"),
    _rw("cmi.interactions.n.learner_response", max_length=4000),
    _rw(
        "cmi.interactions.n.result",
        kind="result",
        vocabulary=("correct", "incorrect", "unanticipated", "neutral"),
    ),
    _rw("cmi.interactions.n.latency", kind="pattern", pattern=DURATION),
    _rw("cmi.interactions.n.description", max_length=250),
    _rw("cmi.objectives.n.id", max_length=4000),
    *_score_2004("cmi.objectives.n.score"),
    _rw("cmi.objectives.n.success_status", kind="vocabulary", vocabulary=SUCCESS_2004),
    _rw(
        "cmi.objectives.n.completion_status",
        kind="vocabulary",
        vocabulary=COMPLETION_2004,
    ),
    _rw("cmi.objectives.n.progress_measure", kind="decimal", low="0", high="1"),
    _rw("cmi.objectives.n.description", max_length=250),
    _rw("adl.nav.request", max_length=4000),
]

DATA_MODELS: dict[str, list[Element]] = {
    PackageStandard.SCORM_12: SCORM_12,
    PackageStandard.SCORM_2004: SCORM_2004,
}
# Elements written for the session only, never kept between sessions.
SESSION_ONLY = {
    "cmi.core.session_time",
    "cmi.core.exit",
    "cmi.session_time",
    "cmi.exit",
    "adl.nav.request",
}


def _name_pattern(name: str) -> str:
    parts = [r"(\d+)" if part == "n" else re.escape(part) for part in name.split(".")]
    return "^" + r"\.".join(parts) + "$"


_COMPILED = {
    standard: [(re.compile(_name_pattern(element.name)), element) for element in model]
    for standard, model in DATA_MODELS.items()
}


def find_element(standard: str, name: str) -> tuple[Element, list[int]] | None:
    """Return the element `name` stands for and its indices, or None."""
    for pattern, element in _COMPILED[standard]:
        match = pattern.match(name)
        if match:
            return element, [int(index) for index in match.groups()]
    return None


def definitions_for_player(standard: str) -> list[dict[str, Any]]:
    """Return the data model as the player's script reads it."""
    return [
        {
            "pattern": _name_pattern(element.name),
            "access": element.access,
            "kind": element.kind,
            "maxLength": element.max_length,
            "vocabulary": list(element.vocabulary),
            "low": element.low,
            "high": element.high,
            "valuePattern": element.pattern,
            "allowsBlank": element.allows_blank,
        }
        for element in DATA_MODELS[standard]
    ]


def value_error(element: Element, value: str) -> str:
    """Return what is wrong with `value` for `element` ("" if it is valid)."""
    if element.kind == "string":
        too_long = len(value) > element.max_length
        return f"is longer than {element.max_length} characters." if too_long else ""
    if element.kind == "vocabulary":
        return "" if value in element.vocabulary else "is not an allowed value."
    if element.kind == "pattern":
        return "" if re.match(element.pattern, value) else "is not in the right format."
    accepted = (element.kind == "result" and value in element.vocabulary) or (
        value == "" and element.allows_blank
    )
    return "" if accepted else _decimal_error(element, value)


def _decimal_error(element: Element, value: str) -> str:
    if not DECIMAL.match(value):
        return "is not a number."
    try:
        number = Decimal(value)
    except InvalidOperation:
        return "is not a number."
    if element.low is not None and number < Decimal(element.low):
        return f"is less than {element.low}."
    if element.high is not None and number > Decimal(element.high):
        return f"is more than {element.high}."
    return ""


def check_values(standard: str, values: Any) -> list[dict[str, str]]:
    """Return the problems of posted run-time values (an empty list: all valid).

    Only elements a package may write are accepted, as strings, with indices
    within `MAX_INDEX`.
    """
    if not isinstance(values, dict):
        return [{"field": "values", "detail": "must be an object of element names."}]
    problems: list[dict[str, str]] = []
    for name, value in values.items():
        found = find_element(standard, str(name))
        if found is None:
            problems.append({"field": str(name), "detail": "is not an element."})
            continue
        element, indices = found
        if "w" not in element.access:
            problems.append({"field": name, "detail": "is read-only."})
        elif not isinstance(value, str):
            problems.append({"field": name, "detail": "must be a string."})
        elif _index_error(name, indices):
            problems.append({"field": name, "detail": _index_error(name, indices)})
        elif error := value_error(element, value):
            problems.append({"field": name, "detail": error})
    return problems


def _index_error(name: str, indices: list[int]) -> str:
    if not indices:
        return ""
    family = name.split(".")[1]
    first = MAX_INDEX.get(
        "comments" if family == "comments_from_learner" else family,
        MAX_INDEX["nested"],
    )
    if indices[0] >= first or any(
        index >= MAX_INDEX["nested"] for index in indices[1:]
    ):
        return "has an index past what a learner's data may hold."
    return ""
