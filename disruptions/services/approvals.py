"""A supervisor's decision on a submitted disruption: approve it (it counts in reports from then
on) or return it to its author with a reason. Nobody decides their own."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from countylines.models import CountyLine
from disruptions.choices import DisruptionStatus
from disruptions.models import Disruption
from disruptions.services.base import allows, check_move
from kentsoc.audit.services import lock_versioned, versioned_save


def may_decide(user: AbstractBaseUser, disruption: Disruption) -> bool:
    """Whether the user may approve or return the disruption now (what the page offers; the
    services below refuse the rest with a reason)."""
    return (
        user.has_perm("disruptions.approve_disruption")
        and allows(disruption, "approve")
        and user.pk not in (disruption.created_by_id, disruption.officer_id)
    )


def _decide(
    actor: AbstractBaseUser, disruption: Disruption, version: int | None, move: str
) -> tuple[Disruption, str | None]:
    """Check who decides, lock the disruption, and check its status allows the move: the
    locked disruption and the status it moves to."""
    if not actor.has_perm("disruptions.approve_disruption"):
        raise PermissionDenied("Only a supervisor may approve or return disruptions.")
    if not Disruption.objects.visible_to(actor).filter(pk=disruption.pk).exists():
        raise PermissionDenied("You may not see this disruption.")
    locked = lock_versioned(Disruption, disruption.pk, version=version)
    if actor.pk in (locked.created_by_id, locked.officer_id):
        raise PermissionDenied(
            "You cannot approve or return a disruption you logged or took part in: "
            "another supervisor must decide it."
        )
    return locked, check_move(locked, move)


@transaction.atomic
def disruption_approve(
    *, actor: AbstractBaseUser, disruption: Disruption, version: int | None = None
) -> Disruption:
    """Approve a submitted disruption: from now on it counts in reports."""
    locked, status = _decide(actor, disruption, version, "approve")
    versioned_save(
        actor=actor,
        obj=locked,
        values={
            "status": status,
            "approved_by": actor,
            "approved_at": timezone.now(),
            "return_reason": "",
        },
    )
    # Approval is the only move into (or out of) "approved", and an approved disruption's date
    # and subjects can no longer change (MOVES), so this is the one write that can change its
    # lines' latest approved disruption.
    lines_last_disruption_refresh(line_ids=locked.county_lines.values_list("pk", flat=True))
    return locked


@transaction.atomic
def lines_last_disruption_refresh(*, line_ids: Iterable[int]) -> None:
    """Set each line's `last_approved_disruption_on` from the approved disruptions against it
    as they stand now (recomputed, not raised, so it is right whatever changed).

    The lines are locked first: under READ COMMITTED the recount then starts after any other
    transaction refreshing the same line has committed, and sees its disruption too (a single
    UPDATE would count with the snapshot it started with and could write an older date over a
    newer one)."""
    ids = list(
        CountyLine.objects.select_for_update()
        .filter(pk__in=list(line_ids))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not ids:
        return
    latest = (
        Disruption.county_lines.through.objects.filter(
            countyline_id=OuterRef("pk"), disruption__status=DisruptionStatus.APPROVED
        )
        .order_by()
        .values("countyline_id")
        .annotate(last=Max("disruption__date"))
        .values("last")
    )
    CountyLine.objects.filter(pk__in=ids).update(last_approved_disruption_on=Subquery(latest))


@transaction.atomic
def disruption_return(
    *, actor: AbstractBaseUser, disruption: Disruption, reason: str, version: int | None = None
) -> Disruption:
    """Send a submitted disruption back to its author, who sees the reason in their drafts."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say what the author must correct: a reason is required."})
    locked, status = _decide(actor, disruption, version, "return")
    versioned_save(
        actor=actor,
        obj=locked,
        values={
            "status": status,
            "returned_by": actor,
            "returned_at": timezone.now(),
            "return_reason": reason,
        },
        reason=reason,
    )
    return locked
