"""A supervisor's decision on a submitted disruption: approve it (it counts in reports from then
on) or return it to its author with a reason. Nobody decides their own."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from disruptions.choices import DisruptionStatus
from disruptions.models import Disruption
from disruptions.services.base import lock
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record


def _decide(actor: AbstractBaseUser, disruption: Disruption, version: int | None) -> Disruption:
    if not actor.has_perm("disruptions.approve_disruption"):
        raise PermissionDenied("Only a supervisor may approve or return disruptions.")
    if not Disruption.objects.visible_to(actor).filter(pk=disruption.pk).exists():
        raise PermissionDenied("You may not see this disruption.")
    locked = lock(disruption, version)
    if actor.pk in (locked.created_by_id, locked.officer_id):
        raise PermissionDenied(
            "You cannot approve or return a disruption you logged or took part in: "
            "another supervisor must decide it."
        )
    if locked.status != DisruptionStatus.SUBMITTED:
        raise ValidationError(
            {
                "status": f"This disruption is {locked.get_status_display().lower()}; only a "
                "submitted disruption can be approved or returned."
            }
        )
    return locked


@transaction.atomic
def disruption_approve(
    *, actor: AbstractBaseUser, disruption: Disruption, version: int | None = None
) -> Disruption:
    """Approve a submitted disruption: from now on it counts in reports."""
    locked = _decide(actor, disruption, version)
    locked.status = DisruptionStatus.APPROVED
    locked.approved_by = actor
    locked.approved_at = timezone.now()
    locked.return_reason = ""
    locked.version += 1
    locked.save(
        update_fields=[
            "status",
            "approved_by",
            "approved_at",
            "return_reason",
            "version",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        changes={"status": [DisruptionStatus.SUBMITTED, DisruptionStatus.APPROVED]},
    )
    return locked


@transaction.atomic
def disruption_return(
    *, actor: AbstractBaseUser, disruption: Disruption, reason: str, version: int | None = None
) -> Disruption:
    """Send a submitted disruption back to its author, who sees the reason in their drafts."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say what the author must correct: a reason is required."})
    locked = _decide(actor, disruption, version)
    locked.status = DisruptionStatus.RETURNED
    locked.returned_by = actor
    locked.returned_at = timezone.now()
    locked.return_reason = reason
    locked.version += 1
    locked.save(
        update_fields=[
            "status",
            "returned_by",
            "returned_at",
            "return_reason",
            "version",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        changes={"status": [DisruptionStatus.SUBMITTED, DisruptionStatus.RETURNED]},
        reason=reason,
    )
    return locked
