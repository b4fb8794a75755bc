"""The dashboard's "needs attention" counts: what is waiting on the supervisors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse

from countylines.choices import LineStatus
from countylines.models import CountyLine
from disruptions.selectors import disruptions_awaiting
from kentsoc import dates
from kentsoc.dashboard import compiled
from kentsoc.lifetime import selectors as lifetime
from kentsoc.lifetime.filters import (
    ReleaseFilterSet,
    ScpoBreachFilterSet,
    ScpoExpiringFilterSet,
)
from kentsoc.org.scoping import access_for
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


def _counts_statement(querysets: list[QuerySet]) -> tuple[str, list[Any]]:
    """One SELECT of a COUNT subquery per query set: every count in one round trip."""
    parts, params = [], []
    for i, queryset in enumerate(querysets):
        # Counted by id: the rows' other columns and their select_related joins cost compiling
        # and reading and change no count.
        sql, more = compiled.sql_of(queryset.order_by().values("pk"))
        # The ORM's own SQL with its values still bound as parameters.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted_{i})")  # noqa: S608
        params.extend(more)
    return "SELECT " + ", ".join(parts), params


# (permission, label, the list it opens) of each count, in the order the page shows them.
_ITEMS = (
    (
        "disruptions.approve_disruption",
        "Submitted disruptions waiting for approval",
        "disruptions:approvals",
    ),
    (
        "countylines.approve_countyline",
        "County line nominations waiting for approval",
        "countylines:list",
    ),
    (
        "ocg.approve_ocg",
        "OCGs submitted for mapping, waiting for approval",
        "ocg:list",
    ),
    (
        "lifetime.view_lifetime",
        f"Releases from custody in the next {DUE_DAYS} days",
        "lifetime:releases",
    ),
    (
        "lifetime.view_lifetime",
        f"SCPOs expiring in the next {DUE_DAYS} days",
        "lifetime:scpos-expiring",
    ),
    (
        "lifetime.view_lifetime",
        f"SCPO breaches in the last {DUE_DAYS} days",
        "lifetime:scpo-breaches",
    ),
)


def _querysets(user: Any, wanted: list[str]) -> list[QuerySet]:
    """The lists the counts are of, as their pages read them."""

    def listed(selector: Any, filterset_class: Any) -> QuerySet:
        # The lifetime list's own selector and default window: the count is what the link
        # opens.
        return filterset_class(None, queryset=selector(user=user)).qs

    built = {
        "disruptions:approvals": lambda: disruptions_awaiting(user=user),
        "countylines:list": lambda: CountyLine.objects.visible_to(user).filter(
            status=LineStatus.NOMINATED
        ),
        "ocg:list": lambda: OCG.objects.visible_to(user).filter(mapping_submitted_at__isnull=False),
        "lifetime:releases": lambda: listed(lifetime.releases_list, ReleaseFilterSet),
        "lifetime:scpos-expiring": lambda: listed(
            lifetime.scpos_expiring_list, ScpoExpiringFilterSet
        ),
        "lifetime:scpo-breaches": lambda: listed(lifetime.scpo_breaches_list, ScpoBreachFilterSet),
    }
    return [built[name]() for name in wanted]


def needs_attention(*, user: Any, reads: compiled.Reads) -> Callable[[], list[AttentionItem]]:
    """Counts of what is waiting on the supervisors, each only for users who act on it; counted
    in one statement queued on `reads` (the function gives the items once it has run), compiled
    once per officer's scope, permissions and day (the lifetime lists' windows start today)."""
    perms = {perm: user.has_perm(perm) for perm, _, _ in _ITEMS}
    items = [(label, name) for perm, label, name in _ITEMS if perms[perm]]
    if not items:
        return list
    wanted = [name for _, name in items]
    key = ("needs_attention", access_for(user), tuple(wanted), dates.today())
    found = reads.add_statement(key, lambda: _counts_statement(_querysets(user, wanted)))
    return lambda: [
        AttentionItem(label, n, _url(name))
        for (label, name), n in zip(items, found()[0], strict=True)
    ]
