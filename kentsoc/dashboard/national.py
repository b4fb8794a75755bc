"""The national view for the regional and national units (NCA / ERSOU): each force's figures
side by side, aggregates only, never a record.

Who reads it: supervisors of a team of kind NCA / ERSOU (kentsoc has no regional role; a
regional unit's supervisors are the officers whose job spans the forces they serve). Everyone
else, including those units' other officers, is refused.

What it reads, in three queries whatever the number of forces: the forces with each one's
latest snapshot (active lines, total TRH, mapped OCGs: what its dashboard showed at its last
recompute or daily snapshot), their approved disruptions of the last 30 days, and their top
county line scores from the current rankings. The rows are figures about forces, so the force
isolation of `visible_to` (an officer's own force only) does not apply: no row of any force's
records is read into Python or shown.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, OuterRef, Subquery
from django.utils import timezone

from disruptions.choices import DisruptionStatus
from disruptions.models import Disruption
from kentsoc.matrix.models import ForceSnapshot, Ranking
from kentsoc.org.choices import Role, TeamKind
from kentsoc.org.models import Force
from kentsoc.org.scoping import access_for
from kentsoc.trh.choices import RankedSubject

DISRUPTION_DAYS = 30
SNAPSHOT_FIELDS = ("on", "active_lines", "total_trh", "mapped_ocgs")


@dataclass(frozen=True)
class ForceFigures:
    code: str
    name: str
    snapshot_on: datetime.date | None
    active_lines: int | None
    total_trh: int | None
    mapped_ocgs: int | None
    disruptions: int
    top_line_score: int | None


@dataclass(frozen=True)
class NationalView:
    on: datetime.date
    disruptions_from: datetime.date
    forces: list[ForceFigures]

    def as_dict(self) -> dict[str, Any]:
        return {
            "on": self.on,
            "disruptions_from": self.disruptions_from,
            "forces": [asdict(force) for force in self.forces],
        }


def may_see_national(user: Any) -> bool:
    access = access_for(user)
    return (
        access is not None
        and access.role == Role.SUPERVISOR
        and access.team_kind == TeamKind.NCA_ERSOU
    )


def national_view(*, user: Any) -> NationalView:
    if not may_see_national(user):
        raise PermissionDenied("The national view is for the supervisors of NCA / ERSOU teams.")
    today = timezone.localdate()
    since = today - datetime.timedelta(days=DISRUPTION_DAYS - 1)
    # Every force, not the officer's own (the reference manager reads only theirs in a
    # request), each with its latest snapshot's figures: one index probe per force and figure.
    latest = ForceSnapshot.objects.filter(force=OuterRef("pk"), on__lte=today).order_by("-on")
    forces = list(
        Force._base_manager.order_by("code")
        .annotate(
            **{f"snapshot_{field}": Subquery(latest.values(field)[:1]) for field in SNAPSHOT_FIELDS}
        )
        .values_list("pk", "code", "name", *(f"snapshot_{field}" for field in SNAPSHOT_FIELDS))
    )
    disruptions = dict(
        Disruption.objects.filter(
            status=DisruptionStatus.APPROVED, date__gte=since, date__lte=today
        )
        .order_by()
        .values("team__force_id")
        .annotate(n=Count("pk"))
        .values_list("team__force_id", "n")
    )
    top_scores = dict(
        Ranking.objects.filter(subject_type=RankedSubject.COUNTY_LINE)
        .order_by()
        .values("force_id")
        .annotate(top=Max("total"))
        .values_list("force_id", "top")
    )
    return NationalView(
        on=today,
        disruptions_from=since,
        forces=[
            ForceFigures(
                code,
                name,
                *snapshot,
                disruptions=disruptions.get(pk, 0),
                top_line_score=top_scores.get(pk),
            )
            for pk, code, name, *snapshot in forces
        ],
    )
