"""Deadlines per kind of agency and days late, on exact dates."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.summaries.deadlines import china_date, days_late, deadline


@pytest.mark.parametrize(
    ("kind", "year", "due"),
    [
        ("department", 2024, date(2025, 1, 31)),
        ("township", 2024, date(2025, 1, 31)),
        ("other", 2024, date(2025, 1, 31)),
        (None, 2024, date(2025, 1, 31)),
        ("county", 2024, date(2025, 3, 31)),
        ("city", 2024, date(2025, 3, 31)),
        ("province", 2023, date(2024, 3, 31)),
        # 2024 is a leap year: 31 March is still 31 March, 60 days after 31 January.
        ("department", 2023, date(2024, 1, 31)),
    ],
)
def test_deadline_by_kind(kind: str | None, year: int, due: date) -> None:
    assert deadline(kind, year) == due


@pytest.mark.parametrize(
    ("published_on", "today", "late"),
    [
        (date(2025, 1, 31), date(2025, 6, 1), 0),  # on the day: on time
        (date(2025, 1, 10), date(2025, 6, 1), 0),
        (date(2025, 2, 1), date(2025, 6, 1), 1),
        (date(2025, 3, 3), date(2025, 6, 1), 31),  # 28 days of February 2025 + 3
        (None, date(2025, 1, 20), 0),  # not yet due
        (None, date(2025, 2, 10), 10),
        (None, date(2026, 1, 31), 365),
    ],
)
def test_days_late_against_31_january(published_on: date | None, today: date, late: int) -> None:
    assert days_late(date(2025, 1, 31), published_on, today) == late


def test_a_leap_february_counts_29_days() -> None:
    assert days_late(date(2024, 1, 31), date(2024, 3, 1), date(2024, 6, 1)) == 30
    assert days_late(date(2024, 3, 31), date(2024, 4, 30), date(2024, 6, 1)) == 30


def test_china_date_is_eight_hours_ahead_of_utc() -> None:
    assert china_date(datetime(2025, 1, 31, 15, 59, tzinfo=UTC)) == date(2025, 1, 31)
    assert china_date(datetime(2025, 1, 31, 16, 0, tzinfo=UTC)) == date(2025, 2, 1)
