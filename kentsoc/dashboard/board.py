"""The supervisors' dashboard page as one read: the matrices, the charts and what needs
attention."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from kentsoc.dashboard import compiled
from kentsoc.dashboard.attention import AttentionItem, needs_attention
from kentsoc.dashboard.charts import (
    DisruptionFigures,
    Trends,
    disruption_figures_read,
    force_trends_read,
    ocgmu_formed_on,
)
from kentsoc.dashboard.rankings import FIRST_OCG_TAB, current_figures, matrix_rankings
from kentsoc.dashboard.rows import Rankings


@dataclass
class Dashboard:
    rankings: Rankings
    trends: Trends
    disruptions: DisruptionFigures
    attention: list[AttentionItem]


def dashboard_get(*, user: Any, as_of: datetime.date | None = None) -> Dashboard:
    today = timezone.localdate()
    as_of = min(as_of or today, today)
    # Today's figures name the OCGMU's formation day too, which the trends need before their
    # snapshots are queued: no query of its own.
    figures = current_figures(user=user) if as_of >= today else None
    # The counts, the snapshots and the disruption figures go in the same round trip as what
    # the matrices' rows need (on PostgreSQL): on a busy machine every round trip waits for the
    # database server to be scheduled, which cost more than these queries themselves.
    reads = compiled.Reads()
    counts = needs_attention(user=user, reads=reads) if figures is not None else list
    formed = figures.ocgmu_formed_on if figures is not None else ocgmu_formed_on()
    trends = force_trends_read(user=user, as_of=as_of, reads=reads, formed=formed)
    disruptions = disruption_figures_read(user=user, as_of=as_of, reads=reads)
    rankings = matrix_rankings(
        user=user, as_of=as_of, ocg_rows_for=FIRST_OCG_TAB, reads=reads, figures=figures
    )
    attention: list[AttentionItem] = []
    if rankings.is_current:
        attention = [
            AttentionItem(
                "Scores stale for over a minute (the worker is behind)",
                rankings.stale_behind,
                "#matrix-live",
            ),
            *counts(),
        ]
    return Dashboard(
        rankings=rankings,
        trends=trends(),
        disruptions=disruptions(),
        attention=attention,
    )
