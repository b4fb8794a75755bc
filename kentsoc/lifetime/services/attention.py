"""The "needs attention" lists: releases and SCPO expiries crossing their 90/30/7-day marks,
written daily for the responsible coordinators and LROs, dismissed by their owner."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from kentsoc import dates
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record
from kentsoc.lifetime.choices import ATTENTION_THRESHOLDS, IN_CUSTODY, AttentionKind, ScpoStatus
from kentsoc.lifetime.models import AttentionItem, CustodyPeriod, Scpo
from kentsoc.org.choices import Role, TeamKind
from kentsoc.org.models import Officer
from ocg.choices import CLOSED_OCG_STATUSES
from ocg.models import Membership


def _threshold(days_left: int) -> int:
    return min(t for t in ATTENTION_THRESHOLDS if days_left <= t)


def _recipients(nominal_ids: set[int]) -> dict[int, set[int]]:
    """For each nominal: the LROs of their current OCGs and the OCGMU coordinators of those
    OCGs' divisions. Two queries whatever the number of people."""
    coordinators: dict[int, set[int]] = defaultdict(set)
    officers = Officer.objects.filter(
        role=Role.COORDINATOR, team__kind=TeamKind.OCGMU, user__is_active=True
    ).values_list("user_id", "division_id", "team__division_id")
    for user_id, division_id, team_division_id in officers:
        coordinators[division_id or team_division_id].add(user_id)
    recipients: dict[int, set[int]] = defaultdict(set)
    memberships = (
        Membership.objects.filter(nominal_id__in=nominal_ids, to_date__isnull=True)
        .exclude(ocg__status__in=CLOSED_OCG_STATUSES)
        .values_list("nominal_id", "ocg__division_id", "ocg__lead_responsible_officer_id")
    )
    for nominal_id, division_id, lro_id in memberships:
        recipients[nominal_id] |= coordinators.get(division_id, set())
        if lro_id is not None:
            recipients[nominal_id].add(lro_id)
    return recipients


def attention_items_refresh(*, today: datetime.date | None = None) -> int:
    """Write a "needs attention" item for each release and SCPO expiry that has crossed its
    90/30/7-day mark, for the responsible coordinators and LROs. Safe to repeat: an item is
    unique per person, subject, due date and mark, so a second run the same day adds nothing.
    Returns how many items were added."""
    today = today or dates.today()
    horizon = today + datetime.timedelta(days=max(ATTENTION_THRESHOLDS))
    releases = CustodyPeriod.objects.filter(
        status__in=IN_CUSTODY,
        ended_on__isnull=True,
        expected_release_date__range=(today, horizon),
    ).values_list("pk", "nominal_id", "expected_release_date")
    expiries = Scpo.objects.filter(
        status=ScpoStatus.MADE, expires_on__range=(today, horizon)
    ).values_list("pk", "nominal_id", "expires_on")
    subjects = [(AttentionKind.RELEASE, *row) for row in releases] + [
        (AttentionKind.SCPO_EXPIRY, *row) for row in expiries
    ]
    recipients = _recipients({nominal_id for _, _, nominal_id, _ in subjects})
    items = [
        AttentionItem(
            user_id=user_id,
            kind=kind,
            nominal_id=nominal_id,
            period_id=pk if kind == AttentionKind.RELEASE else None,
            scpo_id=pk if kind == AttentionKind.SCPO_EXPIRY else None,
            due_on=due_on,
            threshold_days=_threshold((due_on - today).days),
        )
        for kind, pk, nominal_id, due_on in subjects
        for user_id in sorted(recipients.get(nominal_id, ()))
    ]
    with transaction.atomic():
        before = AttentionItem.objects.count()
        AttentionItem.objects.bulk_create(items, ignore_conflicts=True)
        return AttentionItem.objects.count() - before


@transaction.atomic
def attention_item_dismiss(*, actor: AbstractBaseUser, item: AttentionItem) -> AttentionItem:
    if item.user_id != actor.pk:
        raise PermissionDenied("You can only dismiss items on your own list.")
    updated = AttentionItem.objects.filter(pk=item.pk, dismissed_at__isnull=True).update(
        dismissed_at=timezone.now()
    )
    if updated:
        item.refresh_from_db(fields=["dismissed_at"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=item,
            changes={"dismissed_at": [None, item.dismissed_at]},
        )
    return item
