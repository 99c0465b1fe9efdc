"""The arithmetic of deal metrics: weekday hours, percentiles and safe CSV cells."""

import datetime
from decimal import Decimal

import pytest

from cairn.deals import metrics

UTC = datetime.UTC
PARIS = datetime.timezone(datetime.timedelta(hours=1))


def _at(day: int, hour: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        (_at(2, 9), _at(2, 14), 5.0),  # Monday, same day
        (_at(6, 10), _at(9, 10), 24.0),  # Friday to Monday: the weekend is skipped
        (_at(7, 10), _at(8, 20), 0.0),  # Saturday to Sunday
        (_at(7, 10), _at(9, 10), 10.0),  # Saturday to Monday
        (_at(2, 9), _at(16, 9), 240.0),  # two whole weeks
        (_at(2, 9), _at(19, 21), 324.0),  # two weeks, then Monday 9h to Thursday 21h
        (_at(9, 10), _at(6, 10), 0.0),  # end before start
    ],
)
def test_weekday_hours(
    start: datetime.datetime, end: datetime.datetime, hours: float
) -> None:
    assert metrics.weekday_hours(start, end) == hours


def test_weekday_hours_count_in_utc() -> None:
    # Monday 00:30 in Paris is Sunday 23:30 UTC: half an hour falls on the weekend.
    start = datetime.datetime(2026, 3, 9, 0, 30, tzinfo=PARIS)

    assert metrics.weekday_hours(start, _at(9, 1)) == 1.0


def test_percentile_is_the_nearest_rank() -> None:
    values = [72.0, 2.0, 24.0, 5.0]

    assert metrics.percentile(values, 0.9) == 72.0
    assert metrics.percentile(values, 0.5) == 5.0
    assert metrics.percentile([3.0], 0.9) == 3.0
    assert metrics.percentile([], 0.9) is None


def test_median_and_mean_of_nothing_are_none() -> None:
    assert (metrics.median([]), metrics.mean([])) == (None, None)
    assert (metrics.median([1.0, 4.0]), metrics.mean([1.0, 2.0, 6.0])) == (2.5, 3.0)


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+33 1 23", "'+33 1 23"),
        ("-Minus GmbH", "'-Minus GmbH"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTabbed", "'\tTabbed"),
        ("\rReturn", "'\rReturn"),
        ("Acme = Best", "Acme = Best"),
        (Decimal("1200.50"), "1200.50"),
        (None, ""),
        (datetime.date(2026, 6, 30), "2026-06-30"),
        (datetime.datetime(2026, 3, 2, 10, tzinfo=PARIS), "2026-03-02T09:00:00+00:00"),
    ],
)
def test_safe_cell(value: object, cell: str) -> None:
    assert metrics.safe_cell(value) == cell


def test_durations_are_said_in_hours_then_business_days() -> None:
    assert metrics.describe_hours(5.0) == "5.0 hours"
    assert metrics.describe_hours(36.0) == "1.5 business days"
    assert metrics.describe_hours(None) == "—"
    assert metrics.describe_days(2.25) == "2.2 days"
    assert metrics.describe_share(0.755) == "76%"


def test_weekday_hours_agree_with_counting_hour_by_hour() -> None:
    origin = _at(1)  # a Sunday
    hour = datetime.timedelta(hours=1)
    mismatches = []
    for start_hour in range(0, 21 * 24, 7):
        for length in range(0, 400, 13):
            start = origin + start_hour * hour
            end = start + length * hour
            counted = sum(
                1 for step in range(length) if (start + step * hour).weekday() < 5
            )
            if metrics.weekday_hours(start, end) != counted:
                mismatches.append((start, end))

    assert mismatches == []
