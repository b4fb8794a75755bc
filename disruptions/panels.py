"""Home-page "what needs me" panels."""

from __future__ import annotations

from typing import Any

from disruptions import selectors
from disruptions.choices import DisruptionStatus
from kentsoc.web.home import Panel


def approval_panel(user: Any) -> Panel | None:
    if not user.has_perm("disruptions.approve_disruption"):
        return None
    queue = selectors.disruption_approval_queue(user=user)
    count = queue.count()
    if not count:
        return None
    # The card names each one and its team: none of the subjects and seizures the queue's own
    # page prefetches.
    rows = list(queue.prefetch_related(None)[:5])
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
    rows = list(
        selectors.disruption_my_drafts(user=user).filter(
            status__in=[DisruptionStatus.DRAFT, DisruptionStatus.RETURNED]
        )[:10]
    )
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
