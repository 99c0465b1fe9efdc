"""The arithmetic of deal metrics: weekday hours, percentiles, safe CSV cells.

Pure functions of their arguments; the selectors read the rows and call these.
"""

import datetime
import math
import statistics
from collections.abc import Sequence

SATURDAY = 5
HOURS_PER_DAY = 24
SECONDS_PER_HOUR = 3600
SECONDS_PER_DAY = 86400
# Spreadsheets run a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def weekday_hours(start: datetime.datetime, end: datetime.datetime) -> float:
    """Return the hours between two moments that fall on Monday to Friday (UTC).

    The review deadline counts Monday to Friday, so the time a registration waits
    over a weekend is not held against its reviewers. Public holidays are not known.
    Constant time, whatever the span: it runs once per decided registration.
    """
    start = start.astimezone(datetime.UTC)
    end = end.astimezone(datetime.UTC)
    if end <= start:
        return 0.0
    start_midnight = _midnight(start)
    end_midnight = _midnight(end)
    if start_midnight == end_midnight:
        seconds = (end - start).total_seconds() if _is_weekday(start) else 0.0
        return seconds / SECONDS_PER_HOUR
    first_day_end = start_midnight + datetime.timedelta(days=1)
    seconds = 0.0
    if _is_weekday(start):
        seconds += (first_day_end - start).total_seconds()
    if _is_weekday(end):
        seconds += (end - end_midnight).total_seconds()
    whole_days = _weekdays_between(first_day_end.date(), end_midnight.date())
    return seconds / SECONDS_PER_HOUR + whole_days * HOURS_PER_DAY


def _midnight(moment: datetime.datetime) -> datetime.datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def _is_weekday(moment: datetime.datetime | datetime.date) -> bool:
    return moment.weekday() < SATURDAY


def _weekdays_between(first: datetime.date, end: datetime.date) -> int:
    """Count the Mondays to Fridays from `first` up to, not including, `end`."""
    full_weeks, rest = divmod((end - first).days, 7)
    return full_weeks * 5 + sum(
        1 for offset in range(rest) if (first.weekday() + offset) % 7 < SATURDAY
    )


def days_between(start: datetime.datetime, end: datetime.datetime) -> float:
    """Return the calendar days from start to end (never negative)."""
    return max((end - start).total_seconds(), 0.0) / SECONDS_PER_DAY


def median(values: Sequence[float]) -> float | None:
    """Return the median, or None for no values."""
    return statistics.median(values) if values else None


def mean(values: Sequence[float]) -> float | None:
    """Return the arithmetic mean, or None for no values."""
    return statistics.fmean(values) if values else None


def percentile(values: Sequence[float], share: float) -> float | None:
    """Return the nearest-rank percentile: the smallest value that at least `share`
    of the values do not exceed (None for no values).

    Nearest rank returns a value that was measured, never an interpolation, so a
    reviewer can find the registration behind the figure.
    """
    if not values:
        return None
    ordered = sorted(values)
    rank = max(math.ceil(share * len(ordered)), 1)
    return ordered[rank - 1]


def safe_cell(value: object) -> str:
    """Return a value as a CSV cell that no spreadsheet runs as a formula.

    A cell starting with = + - @, a tab or a carriage return gets a leading
    apostrophe (OWASP's advice against CSV injection).
    """
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        text = value.astimezone(datetime.UTC).isoformat()
    elif isinstance(value, datetime.date):
        text = value.isoformat()
    else:
        text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def describe_hours(hours: float | None) -> str:
    """Say weekday hours as "5.5 hours" or, from a day on, "1.3 business days"."""
    if hours is None:
        return "—"
    if hours < HOURS_PER_DAY:
        return f"{hours:.1f} hours"
    return f"{hours / HOURS_PER_DAY:.1f} business days"


def describe_days(days: float | None) -> str:
    """Say calendar days as "12.5 days"."""
    return "—" if days is None else f"{days:.1f} days"


def describe_share(share: float | None) -> str:
    """Say a share as a whole percentage, such as "83%"."""
    return "—" if share is None else f"{share * 100:.0f}%"
