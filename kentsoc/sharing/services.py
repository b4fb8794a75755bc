"""Asking for, offering, deciding and ending shares. Every write is one transaction with its
audit event. A supervisor of either force may ask (the receiving force asks for a record it
knows by reference; the owner offers one of its own); only a supervisor of the owning force,
other than the one who asked, approves or refuses; either force's supervisor may revoke."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from countylines.models import CountyLine
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record
from kentsoc.dates import today
from kentsoc.intel.choices import HandlingCode
from kentsoc.intel.models import IntelligenceRecord
from kentsoc.org.models import Force
from kentsoc.org.scoping import access_for
from kentsoc.sharing.choices import DEFAULT_DAYS, MAX_DAYS, ShareAccess, ShareState
from kentsoc.sharing.models import Share
from ocg.models import OCG

PERM_ADD = "sharing.add_share"
PERM_APPROVE = "sharing.approve_share"
PERM_VIEW = "sharing.view_share"


def _require(actor: Any, perm: str, doing: str) -> int:
    """The actor's force, when they hold `perm`."""
    access = access_for(actor)
    if access is None or not actor.has_perm(perm):
        raise PermissionDenied(f"Only a supervisor may {doing} (permission {perm} is missing).")
    return access.force_id


def _clean_reason(reason: str | None, field: str = "reason") -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationError({field: "Say why."})
    return text


def _clean_dates(
    starts_on: datetime.date | None, ends_on: datetime.date | None
) -> tuple[datetime.date, datetime.date]:
    start = starts_on or today()
    end = ends_on or start + datetime.timedelta(days=DEFAULT_DAYS)
    if start < today():
        raise ValidationError({"starts_on": "A share cannot start in the past."})
    if end < start:
        raise ValidationError({"ends_on": "A share ends on or after the day it starts."})
    if end > start + datetime.timedelta(days=MAX_DAYS):
        raise ValidationError(
            {"ends_on": f"A share lasts at most {MAX_DAYS} days: ask again when it ends."}
        )
    return start, end


def _clean_access(access: str) -> str:
    if access not in ShareAccess.values:
        raise ValidationError({"access": f"Choose one of: {', '.join(ShareAccess.values)}."})
    return access


def _clean_records(subject: Any, records: Iterable[int]) -> list[IntelligenceRecord]:
    """Chosen intelligence: the owner's own records on the subject, whose handling code permits
    sharing. A code-C record's conditions bind it to the owning team and supervisors: it is
    never lent (share a sanitised code-P record instead)."""
    ids = sorted({int(pk) for pk in records})
    if not ids:
        return []
    link = {"ocgs": subject} if isinstance(subject, OCG) else {"county_lines": subject}
    found = {
        r.pk: r
        for r in IntelligenceRecord.objects.filter(
            pk__in=ids, force_id=subject.division.force_id, **link
        )
    }
    problems = []
    for pk in ids:
        record = found.get(pk)
        if record is None:
            problems.append(f"No intelligence record {pk} of the owning force is on {subject}.")
        elif record.handling_code != HandlingCode.PERMITTED:
            problems.append(
                f"{record.reference} is handling code {record.handling_code}: its conditions "
                "keep it within the owning team; share a sanitised code-P record instead."
            )
        elif record.deleted_at is not None:
            problems.append(f"{record.reference} is deleted.")
    if problems:
        raise ValidationError({"records": problems})
    return [found[pk] for pk in ids]


def _open_already(share: Share) -> None:
    """One open request, and one share approved and not yet over, per subject and force."""
    same = Share.objects.filter(
        ocg_id=share.ocg_id,
        county_line_id=share.county_line_id,
        receiving_force_id=share.receiving_force_id,
    )
    if same.filter(state=ShareState.REQUESTED).exists():
        raise ValidationError({"non_field_errors": ["A request for this share is already open."]})
    if same.filter(state=ShareState.APPROVED, ends_on__gte=today()).exists():
        raise ValidationError(
            {"non_field_errors": ["It is already shared with that force: revoke that share first."]}
        )


def _audit(actor: Any, share: Share, action: str, changes: dict, reason: str = "") -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=share,
        object_repr=f"share {share.pk}: {share.subject.reference} → {share.receiving_force.code}",
        changes=changes,
        reason=reason,
    )


def _party_to_shares(share: Share) -> None:
    """Mark both forces as party to a share: only then do their officers' scopes, pages and
    panels look for shares at all (kentsoc.org.scoping)."""
    Force._base_manager.filter(
        pk__in=[share.owner_force_id, share.receiving_force_id], has_shares=False
    ).update(has_shares=True)


def _create(actor: Any, share: Share, records: list[IntelligenceRecord], how: str) -> Share:
    _open_already(share)
    share.save()
    share.records.set(records)
    _party_to_shares(share)
    _audit(
        actor,
        share,
        AuditAction.CREATE,
        {
            "state": [None, ShareState.REQUESTED],
            "receiving_force": [None, share.receiving_force.code],
            "access": [None, share.access],
            "records": [None, [r.pk for r in records]],
            "starts_on": [None, share.starts_on.isoformat()],
            "ends_on": [None, share.ends_on.isoformat()],
        },
        reason=f"{how}: {share.reason}",
    )
    return share


@transaction.atomic
def share_offer(
    *,
    actor: Any,
    subject: OCG | CountyLine,
    receiving_force: Force,
    access: str = ShareAccess.READ,
    records: Iterable[int] = (),
    reason: str,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
) -> Share:
    """The owning force offers one of its lines or OCGs: a request its other supervisors decide."""
    force_id = _require(actor, PERM_ADD, "offer a share")
    if not type(subject).objects.visible_to(actor).filter(pk=subject.pk).exists():
        raise PermissionDenied(f"You may not see this {subject._meta.verbose_name}.")
    if subject.division.force_id != force_id:
        raise PermissionDenied("Only the force that owns a record may offer it.")
    if receiving_force.pk == force_id:
        raise ValidationError({"receiving_force": "Choose another force."})
    start, end = _clean_dates(starts_on, ends_on)
    share = Share(
        ocg=subject if isinstance(subject, OCG) else None,
        county_line=subject if isinstance(subject, CountyLine) else None,
        owner_force_id=force_id,
        receiving_force=receiving_force,
        access=_clean_access(access),
        reason=_clean_reason(reason),
        starts_on=start,
        ends_on=end,
        requested_by=actor,
    )
    return _create(actor, share, _clean_records(subject, records), "offered")


@transaction.atomic
def share_ask(
    *,
    actor: Any,
    reference: str,
    access: str = ShareAccess.READ,
    reason: str,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
) -> Share:
    """The receiving force asks another force for a line or OCG it knows by reference (from a
    phone call, a briefing): the owner's supervisors decide, and choose the intelligence."""
    force_id = _require(actor, PERM_ADD, "ask for a share")
    ref = (reference or "").strip().upper()
    # Any force's: the asker cannot see it yet. The answer is the same whether the reference is
    # unknown or their own force's, so asking reveals no more than the reference they gave.
    subject = (
        OCG._base_manager.filter(reference=ref).select_related("division").first()
        or CountyLine._base_manager.filter(reference=ref).select_related("division").first()
    )
    if subject is None or subject.division.force_id == force_id:
        raise ValidationError(
            {"reference": f"No county line or OCG of another force has the reference {ref!r}."}
        )
    start, end = _clean_dates(starts_on, ends_on)
    share = Share(
        ocg=subject if isinstance(subject, OCG) else None,
        county_line=subject if isinstance(subject, CountyLine) else None,
        owner_force_id=subject.division.force_id,
        receiving_force_id=force_id,
        access=_clean_access(access),
        reason=_clean_reason(reason),
        starts_on=start,
        ends_on=end,
        requested_by=actor,
    )
    return _create(actor, share, [], "asked")


def _lock(actor: Any, share: Share) -> Share:
    if not Share.objects.visible_to(actor).filter(pk=share.pk).exists():
        raise PermissionDenied("You may not see this share.")
    return (
        Share.objects.select_for_update(of=("self",))
        .select_related("ocg__division", "county_line__division", "receiving_force")
        .get(pk=share.pk)
    )


def _decide(actor: Any, share: Share, doing: str) -> Share:
    force_id = _require(actor, PERM_APPROVE, doing)
    locked = _lock(actor, share)
    if locked.owner_force_id != force_id:
        raise PermissionDenied(f"Only a supervisor of the owning force may {doing}.")
    if locked.requested_by_id == actor.pk:
        raise PermissionDenied(f"Another supervisor must {doing}: you asked for it.")
    if locked.state != ShareState.REQUESTED:
        raise ValidationError(
            {"non_field_errors": [f"This share is {locked.status_label.lower()}, not requested."]}
        )
    return locked


@transaction.atomic
def share_approve(
    *,
    actor: Any,
    share: Share,
    records: Iterable[int] | None = None,
    reason: str = "",
) -> Share:
    """Approve a requested share; `records` (if given) is the intelligence lent with it."""
    locked = _decide(actor, share, "approve a share")
    if locked.ends_on < today():
        raise ValidationError({"non_field_errors": ["This request's dates are past: ask again."]})
    before = sorted(locked.records.values_list("pk", flat=True))
    chosen = _clean_records(locked.subject, before if records is None else records)
    locked.state = ShareState.APPROVED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_reason = (reason or "").strip()
    locked.save()
    locked.records.set(chosen)
    _audit(
        actor,
        locked,
        AuditAction.UPDATE,
        {
            "state": [ShareState.REQUESTED, ShareState.APPROVED],
            "records": [before, [r.pk for r in chosen]],
        },
        reason=locked.decision_reason,
    )
    return locked


@transaction.atomic
def share_refuse(*, actor: Any, share: Share, reason: str) -> Share:
    locked = _decide(actor, share, "refuse a share")
    locked.state = ShareState.REFUSED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_reason = _clean_reason(reason)
    locked.save()
    _audit(
        actor,
        locked,
        AuditAction.UPDATE,
        {"state": [ShareState.REQUESTED, ShareState.REFUSED]},
        reason=locked.decision_reason,
    )
    return locked


@transaction.atomic
def share_revoke(*, actor: Any, share: Share, reason: str) -> Share:
    """End an approved share now (either force: the receiver may give it up)."""
    _require(actor, PERM_APPROVE, "revoke a share")
    locked = _lock(actor, share)
    if locked.state != ShareState.APPROVED or locked.ends_on < today():
        raise ValidationError(
            {"non_field_errors": [f"This share is {locked.status_label.lower()}: nothing to end."]}
        )
    locked.state = ShareState.REVOKED
    locked.revoked_by = actor
    locked.revoked_at = timezone.now()
    locked.revoke_reason = _clean_reason(reason)
    locked.save()
    _audit(
        actor,
        locked,
        AuditAction.UPDATE,
        {"state": [ShareState.APPROVED, ShareState.REVOKED]},
        reason=locked.revoke_reason,
    )
    return locked


def share_for_adoption(*, actor: Any, ocg: OCG, regional_force: Force) -> Share:
    """A supervisor of the owning force adopted `ocg` for its NCA/ERSOU team and named the
    regional unit that works it: the OCG is lent to that unit's force, with the right to add
    intelligence and disruptions, for the longest a share lasts. Approved by that adoption
    (ocg.services.lifecycle.ocg_adopt: only the owner's supervisor adopts, and the adoption is
    their approval), and audited as any share; revocable as any share. Run inside the adoption's
    transaction (ocg.signals.adopted_by_regional_unit): a refusal here undoes the adoption."""
    force_id = _require(actor, PERM_APPROVE, "give an OCG to a regional unit")
    if ocg.division.force_id != force_id or regional_force.pk == force_id:
        raise PermissionDenied("Only the force that owns an OCG gives it to a regional unit.")
    same = Share.objects.filter(ocg=ocg, receiving_force=regional_force)
    running = same.filter(state=ShareState.APPROVED, ends_on__gte=today()).first()
    if running is not None:
        # Already lent to the unit (offered before the adoption): that share stands.
        return running
    if same.filter(state=ShareState.REQUESTED).exists():
        raise ValidationError(
            {
                "regional_force": f"A request to share {ocg.reference} with "
                f"{regional_force.name} is open: decide it first."
            }
        )
    start, end = _clean_dates(today(), today() + datetime.timedelta(days=MAX_DAYS))
    share = Share(
        ocg=ocg,
        owner_force_id=force_id,
        receiving_force=regional_force,
        access=ShareAccess.CONTRIBUTE,
        reason=f"Adopted by the NCA/ERSOU team; worked by the regional unit {regional_force.name}.",
        starts_on=start,
        ends_on=end,
        requested_by=actor,
        state=ShareState.APPROVED,
        decided_by=actor,
        decided_at=timezone.now(),
        decision_reason="Approved by the adoption.",
    )
    share.save()
    _party_to_shares(share)
    _audit(
        actor,
        share,
        AuditAction.CREATE,
        {
            "state": [None, ShareState.APPROVED],
            "receiving_force": [None, regional_force.code],
            "access": [None, share.access],
            "records": [None, []],
            "starts_on": [None, start.isoformat()],
            "ends_on": [None, end.isoformat()],
        },
        reason=f"adopted: {share.reason}",
    )
    return share
