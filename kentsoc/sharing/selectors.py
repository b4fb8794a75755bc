"""Reading shares, and what a live share lends: the subject, its chosen intelligence and the
approved disruptions on it, each read through its own model's `visible_to(user, lent=READ)`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from countylines.models import CountyLine
from disruptions.choices import DisruptionStatus
from disruptions.models import Disruption
from kentsoc.intel.models import IntelligenceRecord
from kentsoc.org.scoping import CONTRIBUTE, READ, access_for
from kentsoc.sharing.choices import ShareState
from kentsoc.sharing.models import Share
from ocg.models import OCG

_RELATED = (
    "ocg__division",
    "county_line__division",
    "owner_force",
    "receiving_force",
    "requested_by",
    "decided_by",
    "revoked_by",
)


def share_list(*, user: Any) -> QuerySet[Share]:
    """The shares of the user's force, given or received (supervisors only)."""
    return Share.objects.visible_to(user).select_related(*_RELATED)


def awaiting_decision(*, user: Any) -> QuerySet[Share]:
    """Requests this supervisor may decide: their force's records, asked for by someone else."""
    access = access_for(user)
    if access is None:
        return Share.objects.none()
    return (
        share_list(user=user)
        .filter(state=ShareState.REQUESTED, owner_force_id=access.force_id)
        .exclude(requested_by_id=user.pk)
    )


def lent_to(*, user: Any) -> QuerySet[Share]:
    """Live shares the user's force receives whose subject the user may read."""
    access = access_for(user)
    if access is None:
        return Share.objects.none()
    lines = CountyLine.objects.visible_to(user, lent=READ).values("pk")
    ocgs = OCG.objects.visible_to(user, lent=READ).values("pk")
    return (
        Share.objects.live()
        .filter(receiving_force_id=access.force_id)
        .filter(Q(county_line__in=lines) | Q(ocg__in=ocgs))
        .select_related(*_RELATED)
        .order_by("ends_on", "id")
    )


@dataclass
class SharePage:
    share: Share
    # The user is a supervisor of one of the two forces: they see the share's record and act.
    manages: bool
    # The user's force owns the subject.
    owns: bool
    # What the share lends, as the user reads it (None: nothing lent to them now).
    subject: Any
    records: list[IntelligenceRecord]
    disruptions: list[Disruption]
    # The user may add intelligence and disruptions to the subject.
    contributes: bool


def share_page(*, user: Any, pk: Any) -> SharePage:
    """One share as the user may see it: supervisors of either force see the share itself; the
    receiving force's readers see what it lends while it is live; anyone else: 404."""
    access = access_for(user)
    try:
        share = Share.objects.select_related(*_RELATED).get(pk=int(pk))
    except (Share.DoesNotExist, ValueError, TypeError):
        raise Http404("No share matches the given query.")
    if access is None:
        raise Http404("No share matches the given query.")
    manages = Share.objects.visible_to(user).filter(pk=share.pk).exists()
    owns = share.owner_force_id == access.force_id
    model = OCG if share.ocg_id else CountyLine
    subject = None
    records: list[IntelligenceRecord] = []
    disruptions: list[Disruption] = []
    contributes = False
    if owns or (share.is_live and share.receiving_force_id == access.force_id):
        subject = (
            model.objects.visible_to(user, lent=READ)
            .select_related("division")
            .filter(pk=share.subject.pk)
            .first()
        )
    if subject is not None:
        records = list(
            IntelligenceRecord.objects.visible_to(user, lent=READ)
            .filter(shares=share)
            .order_by("-information_date", "-id")
        )
        on_subject = {"ocgs": subject} if share.ocg_id else {"county_lines": subject}
        disruptions = list(
            Disruption.objects.visible_to(user, lent=READ)
            .filter(status=DisruptionStatus.APPROVED, **on_subject)
            .select_related("team__force")
            .order_by("-date", "-id")
        )
        contributes = (
            not owns
            and model.objects.visible_to(user, lent=CONTRIBUTE).filter(pk=subject.pk).exists()
        )
    if not manages and subject is None:
        raise Http404("No share matches the given query.")
    return SharePage(share, manages, owns, subject, records, disruptions, contributes)


def shares_of(*, user: Any, subject: Any) -> QuerySet[Share]:
    """The shares of one of the user's force's own lines or OCGs (its page's Shares section)."""
    field = "ocg" if isinstance(subject, OCG) else "county_line"
    return share_list(user=user).filter(**{field: subject})
