"""What every county-line service shares: the permissions they check and the row lock they
decide under. Services take typed values (ids as int, dates as date): forms and serializers parse
what was posted (kentsoc.web.coerce)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from countylines.choices import LineStatus
from countylines.models import CountyLine, CountyLineStatusChange
from kentsoc.audit.services import lock_versioned

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


def lock_line(
    actor: Any, line: CountyLine, *, version: int | None = None, required: bool = False
) -> CountyLine:
    """Re-read the line under a row lock: a change decides on the current state, not the copy a
    page loaded minutes ago, and an edit of a stale `version` is refused. A line the actor may
    not see is refused whatever their role."""
    if not CountyLine.objects.visible_to(actor).filter(pk=line.pk).exists():
        raise PermissionDenied("You may not see this county line.")
    return lock_versioned(CountyLine, line.pk, version=version, required=required)


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


def clean_text(value: str | None, field: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: message})
    return text
