"""What every gang service shares: the permissions they check and the row lock they decide
under. Services take typed values (ids as int, dates as date): forms and serializers parse what
was posted (kentsoc.web.coerce)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from kentsoc.audit.services import lock_versioned
from kentsoc.gangs.models import Gang

PERM_VIEW = "gangs.view_gang"
PERM_ADD = "gangs.add_gang"
PERM_CHANGE = "gangs.change_gang"
WHO = "CLGT officers and supervisors"


def require(actor: Any, perm: str, doing: str) -> None:
    if not actor.has_perm(perm):
        raise PermissionDenied(f"Only {WHO} may {doing} (permission {perm} is missing).")


def lock_gang(
    actor: Any, gang: Gang, *, version: int | None = None, required: bool = False
) -> Gang:
    """Re-read the gang under a row lock (a change decides on the current row; a stale `version`
    is refused). A gang the actor may not see is refused whatever their role."""
    if not Gang.objects.visible_to(actor).filter(pk=gang.pk).exists():
        raise PermissionDenied("You may not see this gang.")
    return lock_versioned(Gang, gang.pk, version=version, required=required)


def clean_text(value: str | None, field: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: message})
    return text
