"""Reading ids and dates from what a form, a query string or a JSON body sent. For forms,
serializers and views only: services take typed values (and re-check visibility themselves)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError


def as_id(value: Any) -> int | None:
    """A record's id from a form value, a JSON number or the record itself; None when it is not
    one. Only ASCII digits count: "²" passes `isdigit` and "٣" passes `isdecimal` and `int()`,
    yet neither is an id a client meant: refused, never a 500 or another record."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, str):
        text = value.strip()
        if text.isascii() and text.isdecimal():
            return int(text)
    return None


def as_date(value: Any, field: str) -> datetime.date | None:
    """A date from an ISO string (YYYY-MM-DD), a date or a datetime; None when empty. Anything
    else is a ValidationError on `field`."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({field: f"{value!r} is not a date: use YYYY-MM-DD."}) from None
