"""Month arithmetic for reporting periods (the standard library has none)."""

from __future__ import annotations

import calendar
import datetime


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier), clamped to the end of a shorter month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return datetime.date(year, month0 + 1, min(day.day, last))


def nine_month_period(end: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first day of the month eight months before `end`'s month, through `end`:
    2022-10-31 gives 2022-02-01..2022-10-31, the seed's February-to-October table."""
    start = add_months(end.replace(day=1), -8)
    return start, end
