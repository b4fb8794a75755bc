"""The analyst's home panel: what moved on the matrix this week, what the worker is still
rescoring, and the newest intelligence in scope to read. The matrix sits above the subjects and
intelligence, so this is the one app that may read all three."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from countylines.models import CountyLine
from kentsoc.intel.selectors import intelligence_list
from kentsoc.matrix.models import Score
from kentsoc.org.choices import Role
from kentsoc.org.scoping import access_for
from kentsoc.web.home import Panel
from ocg.models import OCG

CHANGED_DAYS = 7
ROWS = 5


def analyst_panel(user: Any) -> Panel | None:
    access = access_for(user)
    if access is None or access.role != Role.ANALYST:
        return None
    since = timezone.now() - timedelta(days=CHANGED_DAYS)
    changed = (
        Score.objects.visible_to(user)
        .filter(is_current=True, computed_at__gte=since)
        .select_related("ocg", "county_line")
        .order_by("-computed_at", "-id")
    )
    records = list(
        intelligence_list(user=user)
        .exclude(created_by=user)
        .prefetch_related(None)
        .order_by("-created_at", "-id")[:ROWS]
    )
    return Panel(
        title="Your intelligence and the matrix",
        template="matrix/panels/analyst.html",
        context={
            "changed": list(changed[:ROWS]),
            "changed_count": changed.count(),
            "changed_days": CHANGED_DAYS,
            "stale": OCG.objects.visible_to(user).filter(score_stale_since__isnull=False).count()
            + CountyLine.objects.visible_to(user).filter(score_stale_since__isnull=False).count(),
            "records": records,
        },
        order=10,
        shows={"intel.intelligencerecord": [r.pk for r in records]},
    )
