"""The home page's "what needs me" panels: line nominations for CLGT officers and supervisors,
people at risk for CLIOs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, Q

from countylines import selectors
from countylines.choices import EngagementStatus
from countylines.models import PersonAtRisk
from kentsoc.dates import today
from kentsoc.org.choices import Role
from kentsoc.org.scoping import access_for
from kentsoc.web.home import Panel

PANEL_ROWS = 10
REVIEW_WITHIN_DAYS = 30


def nominations_panel(user: Any) -> Panel | None:
    access = access_for(user)
    if access is None or not access.has_role(Role.CLGT_OFFICER, Role.SUPERVISOR):
        return None
    lines = selectors.lines_awaiting_approval(user=user)
    if access.role == Role.CLGT_OFFICER and not access.is_central_clgt and access.division_id:
        lines = lines.filter(division_id=access.division_id)
    rows = []
    for line in lines[:PANEL_ROWS]:
        missing = selectors.missing_criteria_labels(line)
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
    waiting = (
        PersonAtRisk.objects.visible_to(user)
        .filter(mine)
        .exclude(engagement_status=EngagementStatus.CLOSED)
        .select_related("county_line")
        .annotate(open_referrals=Count("referrals", filter=Q(referrals__outcome_on__isnull=True)))
        .filter(
            Q(open_referrals__gt=0)
            | Q(engagement_status=EngagementStatus.NOT_YET_CONTACTED)
            | Q(review_date__lte=review_by)
        )
        .order_by("review_date", "county_line__reference", "name", "id")
    )
    rows = list(waiting[:PANEL_ROWS])
    return Panel(
        title="Your people at risk",
        template="countylines/panels/people_at_risk.html",
        context={
            "rows": rows,
            "count": waiting.count() if len(rows) == PANEL_ROWS else len(rows),
            "review_by": review_by,
            "today": today(),
        },
        order=10,
        shows={"countylines.personatrisk": [p.pk for p in rows]},
    )
