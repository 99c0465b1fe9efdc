"""SCORM's time formats: 1.2's timespan (HHHH:MM:SS.SS) and 2004's ISO 8601
durations, to and from seconds.
"""

import re
from decimal import Decimal

_DURATION = re.compile(
    r"^P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)
# A year and a month as SCORM's reference implementations count them.
_SECONDS = {
    "years": Decimal(365 * 86400),
    "months": Decimal(30 * 86400),
    "days": Decimal(86400),
    "hours": Decimal(3600),
    "minutes": Decimal(60),
    "seconds": Decimal(1),
}


def timespan_seconds(value: str) -> Decimal:
    """Return the seconds of a SCORM 1.2 timespan such as 0001:30:05.25."""
    hours, minutes, seconds = value.split(":")
    return Decimal(hours) * 3600 + Decimal(minutes) * 60 + Decimal(seconds)


def duration_seconds(value: str) -> Decimal:
    """Return the seconds of an ISO 8601 duration such as PT1H30M5.25S."""
    match = _DURATION.match(value)
    if match is None:
        return Decimal(0)
    return sum(
        (
            Decimal(amount) * _SECONDS[unit]
            for unit, amount in match.groupdict().items()
            if amount
        ),
        Decimal(0),
    )


def format_timespan(seconds: Decimal) -> str:
    """Return seconds as a SCORM 1.2 timespan (HHHH:MM:SS.SS)."""
    whole = int(seconds)
    hundredths = int((seconds - whole) * 100)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{min(hours, 9999):04d}:{minutes:02d}:{secs:02d}.{hundredths:02d}"


def format_duration(seconds: Decimal) -> str:
    """Return seconds as an ISO 8601 duration (PT#H#M#S), as xAPI and 2004 read it."""
    whole = int(seconds)
    hundredths = int((seconds - whole) * 100)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    text = "PT"
    if hours:
        text += f"{hours}H"
    if minutes:
        text += f"{minutes}M"
    fraction = f".{hundredths:02d}".rstrip("0").rstrip(".") if hundredths else ""
    if secs or fraction or text == "PT":
        text += f"{secs}{fraction}S"
    return text
