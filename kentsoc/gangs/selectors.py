"""Reads of gangs, always scoped to what the user may see.

The list fetches what a row shows (division, members, linked lines and OCGs, the dates and counts
of intelligence and disruptions) in a fixed number of queries whatever the number of rows, and
puts the gangs with the most recent activity first.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, F, Prefetch, QuerySet, Value, When
from django.db.models.functions import Greatest

from countylines.models import CountyLine
from kentsoc.gangs import activity
from kentsoc.gangs.choices import GangRole
from kentsoc.gangs.models import Gang, GangMembership, gangs_q
from kentsoc.org.models import Division
from kentsoc.org.scoping import access_for
from kentsoc.web.reader_queries import reader_query
from ocg.models import OCG

# Members listed leader first, as GangRole lists the roles.
_ROLE_RANK = Case(
    *(When(role=role, then=Value(rank)) for rank, role in enumerate(GangRole.values)),
    default=Value(len(GangRole.values)),
)


def _with_activity(queryset: QuerySet[Gang], user: Any, counts: bool = True) -> QuerySet[Gang]:
    """The dates (and with `counts`, the counts) of intelligence and disruptions, and the newest
    of the two."""
    queryset = activity.with_disruptions(
        activity.with_intelligence(queryset, user, counts=counts), user, counts=counts
    )
    return queryset.select_related("division").annotate(
        last_activity_on=Greatest("last_intelligence_on", "last_disruption_on")
    )


def _by_activity(queryset: QuerySet[Gang]) -> QuerySet[Gang]:
    """Most recent intelligence or disruption first (PostgreSQL's GREATEST ignores a missing
    date; gangs with neither come last), then by name."""
    return queryset.order_by(F("last_activity_on").desc(nulls_last=True), "name", "pk")


def _with_related(queryset: QuerySet[Gang], user: Any) -> QuerySet[Gang]:
    return _with_activity(queryset, user).prefetch_related(
        Prefetch(
            "memberships",
            queryset=GangMembership.objects.select_related("nominal").order_by(
                _ROLE_RANK, "nominal__last_name", "nominal__first_name", "pk"
            ),
        ),
        # Only the lines and OCGs the user may see are named on a gang.
        Prefetch(
            "county_lines",
            queryset=CountyLine.objects.visible_to(user).order_by("reference"),
        ),
        Prefetch("ocgs", queryset=OCG.objects.visible_to(user).order_by("reference")),
    )


def gang_list(*, user: Any) -> QuerySet[Gang]:
    """Gangs the user may see with their members and links, most recent activity first."""
    return _by_activity(_with_related(Gang.objects.visible_to(user), user))


def gang_activity_list(*, user: Any) -> QuerySet[Gang]:
    """The same order with the dates only (one query: a home panel's rows, a line's gangs): the
    counts' subqueries would cost more to plan than the rest of a home page's queries. Built
    once per officer and day (reader_query): its scoped subqueries were half a CLIO's home."""
    return reader_query(
        "gangs.activity",
        user,
        lambda: _by_activity(_with_activity(Gang.objects.visible_to(user), user, counts=False)),
    )


def gang_get(*, user: Any, pk: Any) -> Gang:
    """One gang the user may see, or 404."""
    return _with_related(Gang.objects.all(), user).get_visible_or_404(user, pk=pk)


def divisions_for(*, user: Any) -> QuerySet[Division]:
    """The divisions the user may record gangs in: their own, or every territorial division for
    those who see gangs force-wide."""
    access = access_for(user)
    visible = gangs_q(access) if access is not None else None
    divisions = Division.objects.filter(is_central=False).order_by("name")
    if visible is None:
        return divisions.none()
    return divisions if not visible else divisions.filter(pk=access.division_id)
