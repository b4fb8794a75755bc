"""Home-page "what needs me" panels."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Window

from disruptions import selectors
from disruptions.choices import DisruptionStatus
from kentsoc.web.home import Panel


def approval_panel(user: Any) -> Panel | None:
    if not user.has_perm("disruptions.approve_disruption"):
        return None
    # One query: the first five, each with the queue's length beside it (a window count, taken
    # before the LIMIT), and only the team the card names: none of the officers, subjects and
    # seizures the queue's own page shows. A second query for the count cost as much again to
    # build, the queue's visibility rules and all.
    rows = list(
        selectors.disruptions_awaiting(user=user)
        .select_related("team")
        .annotate(queue_length=Window(Count("pk")))[:5]
    )
    if not rows:
        return None
    count = rows[0].queue_length
    return Panel(
        title="Disruptions to approve",
        template="disruptions/partials/panel_approvals.html",
        context={"count": count, "rows": rows},
        order=20,
        shows={"disruptions.disruption": [d.pk for d in rows]},
    )


def drafts_panel(user: Any) -> Panel | None:
    if not user.has_perm("disruptions.add_disruption"):
        return None
    unfinished = [DisruptionStatus.DRAFT, DisruptionStatus.RETURNED]
    # Most officers have none: a look at their own rows spares them the scoped query, whose
    # visibility rules cost more to build than the rest of the panel. The rows shown still come
    # from it, with the disruption's own fields only (the card names no team or subject).
    if not selectors.has_own_disruptions(user=user, statuses=unfinished):
        return None
    rows = list(selectors.disruption_my_drafts(user=user).filter(status__in=unfinished)[:10])
    if not rows:
        return None
    returned = sum(1 for r in rows if r.status == DisruptionStatus.RETURNED)
    return Panel(
        title="Your disruption drafts" + (f" ({returned} returned)" if returned else ""),
        template="disruptions/partials/panel_drafts.html",
        context={"rows": rows},
        order=25,
        shows={"disruptions.disruption": [d.pk for d in rows]},
    )
