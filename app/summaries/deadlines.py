"""When a year's report is due, and how many days late it is.

条例 第四十九、五十条: a department (部门) publishes its report for year Y by 31 January of
Y+1; the report of a 县级以上地方人民政府 is published by 31 March of Y+1. The agency's kind
says which: a province, city or county is a local government above the township; every
other kind (department, township, other, unknown) is due on 31 January. Dates are China's
(Asia/Shanghai, no daylight saving): a report stored at 23:30 UTC on 31 January was published
on 1 February there.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

GOVERNMENT_KINDS = frozenset({"province", "city", "county"})
CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")
CHINA_OFFSET_HOURS = 8


def deadline(kind: str | None, year: int) -> date:
    """The last day to publish the report of ``year`` for an agency of ``kind``."""
    return date(year + 1, 3, 31) if kind in GOVERNMENT_KINDS else date(year + 1, 1, 31)


def days_late(due: date, published_on: date | None, today: date) -> int:
    """Days after ``due`` the report was published, or, unpublished, has been overdue
    ``today``; 0 when on time."""
    done = published_on if published_on is not None else today
    return max(0, (done - due).days)


def china_date(moment: datetime) -> date:
    """The calendar day in China of a timezone-aware moment."""
    return moment.astimezone(CHINA).date()


def china_today() -> date:
    return china_date(datetime.now(UTC))
