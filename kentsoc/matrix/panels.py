"""The analyst's home panel: what moved on the matrix this week, what the worker is still
rescoring, and the newest intelligence in scope to read. The matrix sits above the subjects and
intelligence, so this is the one app that may read all three."""

from __future__ import annotations

import datetime
from datetime import timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, Window
from django.utils import timezone

from countylines.models import CountyLine
from kentsoc.intel.selectors import intelligence_list
from kentsoc.matrix.models import Score
from kentsoc.org.choices import Role
from kentsoc.org.scoping import access_for
from kentsoc.web.home import Panel
from kentsoc.web.reader_queries import reader_sql, reader_values
from ocg.models import OCG

CHANGED_DAYS = 7
ROWS = 5
# Where the panel's kept statement takes this request's "a week ago" (reader_values' bind).
_SINCE = datetime.datetime(1900, 1, 1, 0, 0, 7, tzinfo=datetime.UTC)
_CONFIDENCE = dict(Score._meta.get_field("confidence").flatchoices)


def analyst_panel(user: Any) -> Panel | None:
    access = access_for(user)
    if access is None or access.role != Role.ANALYST:
        return None
    # The columns the panel names, read as values, each statement compiled once per officer
    # and day (reader_values): model rows of each score's OCG or line cost more to compile
    # than the rest of the panel, and the scopes' compiling as much again. The count rides on
    # the rows as a window count (taken before the LIMIT) instead of a second query.
    changed = reader_values(
        "matrix.analyst_panel.changed",
        user,
        lambda: (
            Score.objects.visible_to(user)
            .filter(is_current=True, computed_at__gte=_SINCE)
            .order_by("-computed_at", "-id")
            .annotate(changed_count=Window(Count("pk")))
            .values(
                "ocg_id",
                "county_line_id",
                "ocg__reference",
                "ocg__name",
                "county_line__reference",
                "county_line__name",
                "total",
                "confidence",
                "computed_at",
                "changed_count",
            )[:ROWS]
        ),
        bind={_SINCE: timezone.now() - timedelta(days=CHANGED_DAYS)},
    )
    for row in changed:
        row["confidence_label"] = _CONFIDENCE.get(row["confidence"], row["confidence"])
    records = reader_values(
        "matrix.analyst_panel.records",
        user,
        lambda: (
            intelligence_list(user=user)
            .exclude(created_by=user)
            .order_by("-created_at", "-id")
            .values(
                "pk",
                "reference",
                "source_evaluation",
                "intelligence_assessment",
                "handling_code",
                "information_date",
                "owning_team_id",
                "owning_team__name",
            )[:ROWS]
        ),
    )
    for row in records:
        # IntelligenceRecord.grading's three letters.
        row["grading"] = (
            f"{row['source_evaluation']}{row['intelligence_assessment']}{row['handling_code']}"
        )
    # Both kinds of subject in one count (UNION ALL), each through its own scope; unordered,
    # as SQLite (the demo) allows no ORDER BY inside a compound statement's parts.
    stale_ids = reader_sql(
        "matrix.analyst_panel.stale",
        user,
        lambda: (
            OCG.objects.visible_to(user)
            .filter(score_stale_since__isnull=False)
            .order_by()
            .values_list("pk")
            .union(
                CountyLine.objects.visible_to(user)
                .filter(score_stale_since__isnull=False)
                .order_by()
                .values_list("pk"),
                all=True,
            )
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({stale_ids[0]}) stale", stale_ids[1])  # noqa: S608
        (stale,) = cursor.fetchone()
    return Panel(
        title="Your intelligence and the matrix",
        template="matrix/panels/analyst.html",
        context={
            "changed": changed,
            "changed_count": changed[0]["changed_count"] if changed else 0,
            "changed_days": CHANGED_DAYS,
            "stale": stale,
            "records": records,
        },
        order=10,
        shows={"intel.intelligencerecord": [r["pk"] for r in records]},
    )
