"""How figures read for people (en-GB): the one rule for dates, times, numbers, money and counts
on pages, chart labels and audit details. CSV and JSON downloads keep ISO dates and plain
numbers: machines read those.

Templates use the same rules through `{% load people %}` (kentsoc/web/templatetags/people.py);
a template that only formats a date may write `|date:"j M Y"` (DAY) or `|date:"j M Y, H:i"`
(MOMENT), the same formats.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.dates import MONTHS_3
from django.utils.translation import get_language

DAY = "j M Y"  # 1 Dec 2026
MOMENT = "j M Y, H:i"  # 1 Dec 2026, 14:05
DAY_MONTH = "j M"  # 1 Dec (a chart axis within a year or so)
MONTH = "M Y"  # Dec 2026


def _local(value: Any) -> Any:
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def day(value: datetime.date | datetime.datetime | None) -> str:
    """ "1 Dec 2026"; a date-time gives its (local) day. Written out as Django's `DAY` format
    ("j M Y") writes it, month names translated alike: a dashboard shows hundreds of days and
    the general formatter parses its format string for each."""
    if value is None:
        return ""
    value = _local(value)
    return f"{value.day} {_months()[value.month]} {value.year:04d}"


def day_writer() -> Callable[[datetime.date | datetime.datetime | None], str]:
    """`day` for a page's rows: the active language (a context-local read, about a dozen Python
    calls) is read once for the page rather than once a day written."""
    months = _months()

    def write(value: datetime.date | datetime.datetime | None) -> str:
        if value is None:
            return ""
        value = _local(value)
        return f"{value.day} {months[value.month]} {value.year:04d}"

    return write


# language -> "", "Jan", ..., "Dec": the `M` of a date format, translated once per language.
_month_abbreviations: dict[str | None, tuple[str, ...]] = {}


def _months() -> tuple[str, ...]:
    language = get_language()
    names = _month_abbreviations.get(language)
    if names is None:
        names = _month_abbreviations[language] = (
            "",
            *(str(MONTHS_3[month]).title() for month in range(1, 13)),
        )
    return names


def moment(value: datetime.datetime | datetime.date | None) -> str:
    """ "1 Dec 2026, 14:05" in UK time; a plain date reads as `day`."""
    if value is None:
        return ""
    if not isinstance(value, datetime.datetime):
        return day(value)
    return date_format(_local(value), MOMENT)


def day_month(value: datetime.date) -> str:
    return date_format(value, DAY_MONTH)


def month(value: datetime.date) -> str:
    return date_format(value, MONTH)


def number(value: Any) -> str:
    """ "1,257"; a decimal keeps its places ("8,450.50"). Anything not a number is returned as
    text."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if amount == amount.to_integral_value():
        return f"{int(amount):,}"
    return f"{amount:,}"


def money(value: Any) -> str:
    """Pounds: "£300,720" when there are no pence, "£8,450.50" when there are (one rule, every
    page). Empty for no value."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return str(value)
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if amount == amount.to_integral_value():
        return f"{sign}£{int(amount):,}"
    return f"{sign}£{amount:,.2f}"


def count(value: Any, words: str) -> str:
    """ "1 row", "2 rows", "1,000 rows"; `words` is "row" (plural adds s) or "person,people"."""
    singular, _, plural = words.partition(",")
    n = len(value) if hasattr(value, "__len__") and not isinstance(value, str) else value
    try:
        n = int(n)
    except (TypeError, ValueError):
        return f"{value} {plural or singular + 's'}"
    return f"{number(n)} {singular if n == 1 else (plural or singular + 's')}"
