"""The dashboard's "needs attention" counts: what is waiting on the supervisors."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse

from countylines.choices import LineStatus
from countylines.models import CountyLine
from disruptions.selectors import disruption_approval_queue
from kentsoc.lifetime import selectors as lifetime
from kentsoc.lifetime.filters import (
    ReleaseFilterSet,
    ScpoBreachFilterSet,
    ScpoExpiringFilterSet,
)
from ocg.models import OCG

DUE_DAYS = 90  # the lifetime lists' default windows (kentsoc/lifetime/filters.py)


@dataclass
class AttentionItem:
    label: str
    count: int
    url: str | None = None


@lru_cache(maxsize=16)  # reversed once per process, not six times per dashboard request
def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def counts(querysets: list[QuerySet]) -> list[int]:
    """Each query set's count, all in one round trip: one SELECT of a COUNT subquery each."""
    if not querysets:
        return []
    parts, params = [], []
    for i, queryset in enumerate(querysets):
        # Counted by id: the rows' other columns and their select_related joins cost compiling
        # and reading and change no count.
        sql, more = queryset.order_by().values("pk").query.sql_with_params()
        # The ORM's own SQL with its values still bound as parameters.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted_{i})")  # noqa: S608
        params.extend(more)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return list(cursor.fetchone())


def needs_attention(*, user: Any) -> list[AttentionItem]:
    """Counts of what is waiting on the supervisors, each only for users who act on it; counted
    in one query."""
    wanted: list[tuple[str, QuerySet, str | None]] = []
    if user.has_perm("disruptions.approve_disruption"):
        wanted.append(
            (
                "Submitted disruptions waiting for approval",
                disruption_approval_queue(user=user),
                _url("disruptions:approvals"),
            )
        )
    if user.has_perm("countylines.approve_countyline"):
        wanted.append(
            (
                "County line nominations waiting for approval",
                CountyLine.objects.visible_to(user).filter(status=LineStatus.NOMINATED),
                _url("countylines:list"),
            )
        )
    if user.has_perm("ocg.approve_ocg"):
        wanted.append(
            (
                "OCGs submitted for mapping, waiting for approval",
                OCG.objects.visible_to(user).filter(mapping_submitted_at__isnull=False),
                _url("ocg:list"),
            )
        )
    if user.has_perm("lifetime.view_lifetime"):

        def listed(selector: Any, filterset_class: Any) -> QuerySet:
            # The lifetime list's own selector and default window: the count is what the
            # link opens.
            return filterset_class(None, queryset=selector(user=user)).qs

        wanted += [
            (
                f"Releases from custody in the next {DUE_DAYS} days",
                listed(lifetime.releases_list, ReleaseFilterSet),
                _url("lifetime:releases"),
            ),
            (
                f"SCPOs expiring in the next {DUE_DAYS} days",
                listed(lifetime.scpos_expiring_list, ScpoExpiringFilterSet),
                _url("lifetime:scpos-expiring"),
            ),
            (
                f"SCPO breaches in the last {DUE_DAYS} days",
                listed(lifetime.scpo_breaches_list, ScpoBreachFilterSet),
                _url("lifetime:scpo-breaches"),
            ),
        ]
    found = counts([queryset for _, queryset, _ in wanted])
    return [AttentionItem(label, n, url) for (label, _, url), n in zip(wanted, found, strict=True)]
