"""Home-page "what needs me" panels."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Window

from disruptions import selectors
from disruptions.choices import DisruptionStatus
from disruptions.models import Disruption, reference_of
from kentsoc.web.home import Panel
from kentsoc.web.reader_queries import reader_values

_TACTICS = dict(Disruption._meta.get_field("tactic").flatchoices)


def approval_panel(user: Any) -> Panel | None:
    if not user.has_perm("disruptions.approve_disruption"):
        return None
    # One query: the first five, each with the queue's length beside it (a window count, taken
    # before the LIMIT), and only the columns the card names, as values (the team's name: none
    # of the officers, subjects and seizures the queue's own page shows), compiled once per
    # officer and day (reader_values): building and compiling the queue's visibility rules cost
    # more than the rest of a supervisor's panels.
    rows = reader_values(
        "disruptions.approval_panel",
        user,
        lambda: (
            selectors.disruptions_awaiting(user=user)
            .annotate(queue_length=Window(Count("pk")))
            .values("pk", "tactic", "team__name", "date", "queue_length")[:5]
        ),
    )
    if not rows:
        return None
    for row in rows:
        row["reference"] = reference_of(row["pk"])
        row["tactic_label"] = _TACTICS.get(row["tactic"], row["tactic"])
    count = rows[0]["queue_length"]
    return Panel(
        title="Disruptions to approve",
        template="disruptions/partials/panel_approvals.html",
        context={"count": count, "rows": rows},
        order=20,
        shows={"disruptions.disruption": [row["pk"] for row in rows]},
    )


def drafts_panel(user: Any) -> Panel | None:
    if not user.has_perm("disruptions.add_disruption"):
        return None
    # The disruption's own columns the card names (no team or subject), as values, compiled
    # once per officer and day (reader_values): one query that costs less Python than the look
    # at their own rows that used to spare most officers the scoped query's building.
    rows = reader_values(
        "disruptions.drafts_panel",
        user,
        lambda: (
            selectors.disruption_my_drafts(user=user)
            .filter(status__in=[DisruptionStatus.DRAFT, DisruptionStatus.RETURNED])
            .values("pk", "tactic", "date", "status", "return_reason")[:10]
        ),
    )
    if not rows:
        return None
    for row in rows:
        row["reference"] = reference_of(row["pk"])
        row["tactic_label"] = _TACTICS.get(row["tactic"], row["tactic"])
    returned = sum(1 for row in rows if row["status"] == DisruptionStatus.RETURNED)
    return Panel(
        title="Your disruption drafts" + (f" ({returned} returned)" if returned else ""),
        template="disruptions/partials/panel_drafts.html",
        context={"rows": rows},
        order=25,
        shows={"disruptions.disruption": [row["pk"] for row in rows]},
    )
