"""Dates as the force's officers see them (local time), and the month arithmetic the standard
library lacks. No Django models: every layer may use it."""

from __future__ import annotations

import calendar
import datetime

from django.utils import timezone


def today() -> datetime.date:
    """Today in the force's time zone (settings.TIME_ZONE), not UTC's: in the first hour after
    midnight in summer, UTC still says yesterday."""
    return timezone.localdate()


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month `months` later (or earlier with a negative number), clamped to
    the end of a shorter month: an order made on 31 January for one month ends on 28 or 29
    February."""
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    return datetime.date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))
