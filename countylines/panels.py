"""The home page's "what needs me" panels: line nominations for CLGT officers and supervisors,
people at risk for CLIOs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet, Window

from countylines import definition as line_definition
from countylines import selectors
from countylines.choices import EngagementStatus, LineStatus, MetThrough
from countylines.models import CountyLine, PersonAtRisk
from kentsoc.dates import today
from kentsoc.org.choices import Role
from kentsoc.org.scoping import Access, access_for
from kentsoc.web.home import Panel
from kentsoc.web.reader_queries import reader_values

PANEL_ROWS = 10
REVIEW_WITHIN_DAYS = 30
_NOMINATION_COLUMNS = ("pk", "reference", "name", "division__name", "nominated_on")
_PERSON_COLUMNS = (
    "pk",
    "name",
    "kind",
    "age_band",
    "county_line_id",
    "county_line__reference",
    "county_line__name",
    "met_through",
    "setting",
    "street_group",
    "engagement_status",
    "open_referrals",
    "review_date",
    "waiting",
)
# The labels the card shows (get_<column>_display), by column.
_PERSON_LABELS = {
    column: dict(PersonAtRisk._meta.get_field(column).flatchoices)
    for column in ("kind", "age_band", "met_through", "engagement_status")
}


def nominations_panel(user: Any) -> Panel | None:
    access = access_for(user)
    if access is None or not access.has_role(Role.CLGT_OFFICER, Role.SUPERVISOR):
        return None
    # The columns the card names, and what says which criteria each line still misses, as
    # values, compiled once per officer and day (reader_values): model rows with their division
    # and prefetched evidence cost most of the panel.
    lines = reader_values("countylines.nominations_panel", user, lambda: _nominations(user, access))
    rows = []
    for line in lines:
        # The criteria the line's evidence names, on a stand-in line, as the definition reads
        # them from a line annotated with them.
        stand_in = CountyLine(pk=line["pk"])
        for name, value in line.items():
            if name not in _NOMINATION_COLUMNS:
                setattr(stand_in, name, value)
        missing = selectors.missing_criteria_labels(stand_in)
        rows.append({"line": line, "ready": not missing, "missing": missing})
    if not rows:
        return None
    is_supervisor = access.role == Role.SUPERVISOR
    return Panel(
        title="County lines awaiting approval" if is_supervisor else "Your county line nominations",
        template="countylines/partials/home_panel.html",
        context={"rows": rows, "is_supervisor": is_supervisor},
        order=30,
    )


def _nominations(user: Any, access: Access) -> QuerySet[CountyLine]:
    """The nominated lines the panel lists, oldest nomination first, as values: a CLGT officer
    outside the central team sees their own division's only."""
    lines = CountyLine.objects.visible_to(user).filter(status=LineStatus.NOMINATED)
    if access.role == Role.CLGT_OFFICER and not access.is_central_clgt and access.division_id:
        lines = lines.filter(division_id=access.division_id)
    annotated = line_definition.annotate(lines)
    evidenced = [
        name for name in annotated.query.annotations if name not in lines.query.annotations
    ]
    return annotated.order_by("nominated_on", "id").values(*_NOMINATION_COLUMNS, *evidenced)[
        :PANEL_ROWS
    ]


def people_at_risk_panel(user: Any) -> Panel | None:
    """A CLIO's open work: the people they recorded or who are on lines worked in their division,
    still open, with a referral awaiting its outcome, never yet contacted, or due a review."""
    access = access_for(user)
    if access is None or access.role != Role.CLIO:
        return None
    review_by = today() + timedelta(days=REVIEW_WITHIN_DAYS)
    mine = Q(created_by=user)
    if access.division_id:
        mine |= (
            Q(county_line__division_id=access.division_id)
            | Q(county_line__flexed_division_id=access.division_id)
            | Q(county_line__isnull=True, division_id=access.division_id)
        )
    # The columns the card names, as values, with how many are waiting in all beside them (a
    # window count, taken before the LIMIT): the scope, its filters and its annotation compiled
    # once per officer and day (reader_values). Model rows with their line, and a second query
    # for the count, cost most of a CLIO's home page.
    rows = reader_values(
        "countylines.people_at_risk_panel",
        user,
        lambda: (
            PersonAtRisk.objects.visible_to(user)
            .filter(mine)
            .exclude(engagement_status=EngagementStatus.CLOSED)
            .annotate(
                open_referrals=Count("referrals", filter=Q(referrals__outcome_on__isnull=True))
            )
            .filter(
                Q(open_referrals__gt=0)
                | Q(engagement_status=EngagementStatus.NOT_YET_CONTACTED)
                | Q(review_date__lte=review_by)
            )
            .order_by("review_date", "county_line__reference", "name", "id")
            .annotate(waiting=Window(Count("pk")))
            .values(*_PERSON_COLUMNS)[:PANEL_ROWS]
        ),
    )
    for row in rows:
        for column, labels in _PERSON_LABELS.items():
            row[f"{column}_label"] = labels.get(row[column], row[column])
        # PersonAtRisk.met_where: the school or street group they were met through.
        row["met_where"] = {
            MetThrough.SCHOOL: row["setting"],
            MetThrough.STREET_GROUP: row["street_group"],
        }.get(row["met_through"], "")
    return Panel(
        title="Your people at risk",
        template="countylines/panels/people_at_risk.html",
        context={
            "rows": rows,
            "count": rows[0]["waiting"] if rows else 0,
            "review_by": review_by,
            "today": today(),
        },
        order=10,
        shows={"countylines.personatrisk": [row["pk"] for row in rows]},
    )
