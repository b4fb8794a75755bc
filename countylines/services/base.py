"""What every county-line service shares: the permissions they check, the row lock they decide
under, and reading dates and ids from whatever a form or the API posted."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from countylines.choices import LineStatus
from countylines.models import CountyLine, CountyLineStatusChange

PERM_ADD = "countylines.add_countyline"
PERM_CHANGE = "countylines.change_countyline"
PERM_APPROVE = "countylines.approve_countyline"
PERM_ADD_PERSON = "countylines.add_personatrisk"
PERM_CHANGE_PERSON = "countylines.change_personatrisk"
PERM_ADD_REFERRAL = "countylines.add_safeguardingreferral"
PERM_CHANGE_REFERRAL = "countylines.change_safeguardingreferral"

OPEN_STATUSES = frozenset({LineStatus.NOMINATED, LineStatus.ACTIVE})


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


def require(actor: Any, perm: str, doing: str, who: str) -> None:
    if not actor.has_perm(perm):
        raise PermissionDenied(f"Only {who} may {doing} (permission {perm} is missing).")


def lock_line(actor: Any, line: CountyLine) -> CountyLine:
    """Re-read the line under a row lock: transitions decide on the current state, not the copy
    a page loaded minutes ago. A line the actor may not see is refused whatever their role."""
    if not CountyLine.objects.visible_to(actor).filter(pk=line.pk).exists():
        raise PermissionDenied("You may not see this county line.")
    return CountyLine.objects.select_for_update().get(pk=line.pk)


def today() -> datetime.date:
    return timezone.localdate()


def as_date(value: Any, field: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({field: f"{value!r} is not a date: use YYYY-MM-DD."})


def as_id(value: Any) -> int | None:
    if hasattr(value, "pk"):
        return value.pk
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def record_status_change(
    *, actor: Any, line: CountyLine, from_status: str, effective_on: datetime.date, reason: str
) -> None:
    CountyLineStatusChange.objects.create(
        county_line=line,
        from_status=from_status,
        to_status=line.status,
        effective_on=effective_on,
        reason=reason,
        changed_by=actor,
    )


def clean_text(value: Any, field: str, message: str) -> str:
    text = str(value or "").strip()
    if not text:
        raise ValidationError({field: message})
    return text
