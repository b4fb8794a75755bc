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
from kentsoc.matrix.models import Score
from kentsoc.org.scoping import CONTRIBUTE, READ, access_for
from kentsoc.sharing.choices import ShareState
from kentsoc.sharing.models import Share
from kentsoc.web.reader_rows import reader_objects
from ocg.models import OCG

_RELATED = (
    "ocg__division",
    "county_line__division",
    "owner_force",
    "receiving_force",
    "requested_by__officer__team",
    "decided_by__officer__team",
    "revoked_by__officer__team",
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


def who(share: Share, user: Any, reader_force_id: int | None) -> str:
    """An officer who acted on a share as a reader of `reader_force_id` may know them: by name
    if of the reader's own force; of the other force, by that force's name only (deny by
    default: the share's pages are read by both forces, and the other force's people are not
    lent with it)."""
    officer = getattr(user, "officer", None)
    if officer is not None and officer.team.force_id == reader_force_id:
        return user.get_full_name() or user.get_username()
    force = share.owner_force
    if officer is not None and officer.team.force_id == share.receiving_force_id:
        force = share.receiving_force
    return f"a supervisor of {force.name}"


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
    # The owner's current score of the subject (the other force sees it; it is never theirs).
    score: Score | None = None
    # The force the reader serves in: officers of the other force are named by force, not name.
    reader_force_id: int | None = None

    def who(self, user: Any) -> str:
        return who(self.share, user, self.reader_force_id)

    @property
    def asked_by(self) -> str:
        return self.who(self.share.requested_by)

    @property
    def decided_by(self) -> str:
        return self.who(self.share.decided_by) if self.share.decided_by_id else ""

    @property
    def revoked_by(self) -> str:
        return self.who(self.share.revoked_by) if self.share.revoked_by_id else ""


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
    score = None
    if subject is not None:
        on = {"ocg_id": subject.pk} if share.ocg_id else {"county_line_id": subject.pk}
        # The owner's score, read as the owner wrote it (the subject is lent to the reader).
        score = Score.objects.filter(is_current=True, **on).first()
    return SharePage(
        share,
        manages,
        owns,
        subject,
        records,
        disruptions,
        contributes,
        score=score,
        reader_force_id=access.force_id,
    )


def shares_of(*, user: Any, subject: Any) -> list[Share]:
    """The shares of one of the user's force's own lines or OCGs (its page's Shares section),
    with the receiving force each names: not the subject (the page's own) nor the officers who
    acted on it, whose joins were most of the page's cost of the section. The statement is
    compiled once per officer and day, the subject's id bound (reader_objects: the scope reads
    nothing but the officer's access and the day)."""
    field = "ocg" if isinstance(subject, OCG) else "county_line"
    return reader_objects(
        f"sharing.shares_of.{field}",
        user,
        lambda mark: (
            Share.objects.visible_to(user)
            .filter(**{f"{field}_id": mark})
            .select_related("receiving_force")
        ),
        subject.pk,
    )
