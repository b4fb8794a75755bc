"""The dashboard's "needs attention" counts: what is waiting on the supervisors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def needs_attention(*, user: Any) -> list[AttentionItem]:
    """Counts of what is waiting on the supervisors, each only for users who act on it."""
    items: list[AttentionItem] = []
    if user.has_perm("disruptions.approve_disruption"):
        items.append(
            AttentionItem(
                "Submitted disruptions waiting for approval",
                disruption_approval_queue(user=user).count(),
                _url("disruptions:approvals"),
            )
        )
    if user.has_perm("countylines.approve_countyline"):
        lines = CountyLine.objects.visible_to(user).filter(status=LineStatus.NOMINATED).count()
        items.append(
            AttentionItem(
                "County line nominations waiting for approval",
                lines,
                _url("countylines:list"),
            )
        )
    if user.has_perm("ocg.approve_ocg"):
        ocgs = OCG.objects.visible_to(user).filter(mapping_submitted_at__isnull=False).count()
        items.append(
            AttentionItem(
                "OCGs submitted for mapping, waiting for approval", ocgs, _url("ocg:list")
            )
        )
    if user.has_perm("lifetime.view_lifetime"):

        def listed(selector: Any, filterset_class: Any) -> int:
            # The lifetime list's own selector and default window: the count is what the
            # link opens.
            return filterset_class(None, queryset=selector(user=user)).qs.count()

        items += [
            AttentionItem(
                f"Releases from custody in the next {DUE_DAYS} days",
                listed(lifetime.releases_list, ReleaseFilterSet),
                _url("lifetime:releases"),
            ),
            AttentionItem(
                f"SCPOs expiring in the next {DUE_DAYS} days",
                listed(lifetime.scpos_expiring_list, ScpoExpiringFilterSet),
                _url("lifetime:scpos-expiring"),
            ),
            AttentionItem(
                f"SCPO breaches in the last {DUE_DAYS} days",
                listed(lifetime.scpo_breaches_list, ScpoBreachFilterSet),
                _url("lifetime:scpo-breaches"),
            ),
        ]
    return items
