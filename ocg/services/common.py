"""What every OCG service shares: permissions, the row lock and the status move.

Services take typed values, parsed at the edge (forms, serializers, views): the record acted on as
an instance its page or endpoint loaded, records it refers to (a division, a team, an officer, a
person) as ids it looks up and checks itself, dates as dates, versions as ints."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied

from kentsoc import broker
from kentsoc.audit.services import lock_versioned, versioned_save
from kentsoc.dates import today
from kentsoc.trh.choices import RankedSubject
from ocg.models import OCG, OcgStatusChange
from ocg.signals import matrix_status_changed

PERM_ADD = "ocg.add_ocg"
PERM_CHANGE = "ocg.change_ocg"
PERM_APPROVE = "ocg.approve_ocg"
PERM_ADD_NOMINAL = "ocg.add_nominal"
PERM_CHANGE_NOMINAL = "ocg.change_nominal"


def require_perm(actor: AbstractBaseUser | None, perm: str, doing: str, who: str) -> None:
    if actor is None or not actor.has_perm(perm):
        raise PermissionDenied(f"Only {who} may {doing} (permission {perm} is missing).")


def clean_text(value: str | None) -> str:
    return value.strip() if isinstance(value, str) else ""


def lock_ocg(ocg: OCG, version: int | None = None) -> OCG:
    """Re-read the OCG under a row lock (and, given the version an editor loaded, check nobody
    saved since): a change decides on the current state, not on the copy a page loaded minutes
    ago."""
    return lock_versioned(OCG, ocg.pk, version=version)


def require_visible_ocg(actor: AbstractBaseUser, ocg: OCG) -> None:
    if not OCG.objects.visible_to(actor).filter(pk=ocg.pk).exists():
        raise PermissionDenied("You may not see this OCG.")


def record_move(
    *,
    actor: AbstractBaseUser,
    ocg: OCG,
    to: str,
    reason: str = "",
    effective_on: datetime.date | None = None,
    values: Mapping[str, Any] | None = None,
    changes: Mapping[str, Any] | None = None,
) -> None:
    """Move a locked OCG to status `to`, with the other `values` the move sets, its history row
    and its audit row."""
    from_status = ocg.status
    versioned_save(
        actor=actor,
        obj=ocg,
        values={"status": to, **(values or {})},
        changes={"status": [from_status, to], **(changes or {})},
        reason=reason,
    )
    OcgStatusChange.objects.create(
        ocg=ocg,
        from_status=from_status,
        to_status=to,
        effective_on=effective_on or today(),
        reason=reason,
        changed_by=actor,
    )


def mark_ocg_and_lines_stale(ocg: OCG) -> None:
    broker.mark_stale(OCG, [ocg.pk], subject_type=RankedSubject.OCG)
    # The lines linked to an OCG score `ocg_link` from its status: countylines marks them.
    matrix_status_changed.send(sender=OCG, ocg=ocg)
