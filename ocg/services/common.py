"""What every OCG service shares: permissions, the row lock, the status move, and the small
parsing helpers."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kentsoc import broker
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record
from kentsoc.trh.choices import RankedSubject
from ocg.models import OCG, OcgStatusChange
from ocg.signals import matrix_status_changed

PERM_ADD = "ocg.add_ocg"
PERM_CHANGE = "ocg.change_ocg"
PERM_APPROVE = "ocg.approve_ocg"
PERM_ADD_NOMINAL = "ocg.add_nominal"
PERM_CHANGE_NOMINAL = "ocg.change_nominal"


STALE_VERSION_MESSAGE = (
    "Someone else changed this {what} while you were editing it (it is now at version {current}). "
    "Your changes were not saved: reload to see theirs, then make your changes again."
)


def require_perm(actor: Any, perm: str, doing: str, who: str) -> None:
    if actor is None or not actor.has_perm(perm):
        raise PermissionDenied(f"Only {who} may {doing} (permission {perm} is missing).")


def today() -> datetime.date:
    return timezone.localdate()


def clean_text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def as_id(value: Any) -> int | None:
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def as_date(value: Any, field_name: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({field_name: f"{value!r} is not a date: use YYYY-MM-DD."})


def lock_ocg(ocg: OCG) -> OCG:
    """Re-read the OCG under a row lock: a transition decides on the current state, not on the
    copy a page loaded minutes ago."""
    return OCG.objects.select_for_update(of=("self",)).get(pk=ocg.pk)


def require_visible_ocg(actor: Any, ocg: OCG) -> None:
    if not OCG.objects.visible_to(actor).filter(pk=ocg.pk).exists():
        raise PermissionDenied("You may not see this OCG.")


def check_version(obj: Any, version: Any, what: str) -> None:
    if version is None:
        return
    if str(version) != str(obj.version):
        raise ValidationError(
            {"version": STALE_VERSION_MESSAGE.format(what=what, current=obj.version)}
        )


def record_move(
    *,
    actor: Any,
    ocg: OCG,
    to: str,
    reason: str = "",
    effective_on: datetime.date | None = None,
    extra_fields: Iterable[str] = (),
    changes: Mapping[str, Any] | None = None,
) -> None:
    """Save a status change with its history row and audit row."""
    from_status = ocg.status
    ocg.status = to
    ocg.version += 1
    ocg.save(update_fields=["status", "version", "updated_at", *extra_fields])
    OcgStatusChange.objects.create(
        ocg=ocg,
        from_status=from_status,
        to_status=to,
        effective_on=effective_on or today(),
        reason=reason,
        changed_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=ocg,
        changes={"status": [from_status, to], **(changes or {})},
        reason=reason,
    )


def mark_ocg_and_lines_stale(ocg: OCG) -> None:
    broker.mark_stale(OCG, [ocg.pk], subject_type=RankedSubject.OCG)
    # The lines linked to an OCG score `ocg_link` from its status: countylines marks them.
    matrix_status_changed.send(sender=OCG, ocg=ocg)
