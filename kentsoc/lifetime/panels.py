"""The home page's "Needs attention: releases and SCPOs" panel."""

from __future__ import annotations

from typing import Any

from kentsoc.lifetime.models import AttentionItem
from kentsoc.lifetime.selectors import attention_items_open
from kentsoc.web.home import Panel, register_panel
from kentsoc.web.reader_queries import reader_values

PANEL_SIZE = 20
LINKS = [
    ("lifetime:releases", "Releases due"),
    ("lifetime:scpos-expiring", "SCPOs expiring"),
    ("lifetime:scpo-breaches", "SCPO breaches"),
    ("lifetime:in-prison", "In prison by OCG"),
]
_KINDS = dict(AttentionItem._meta.get_field("kind").flatchoices)


def attention_panel(user: Any) -> Panel | None:
    if not user.has_perm("lifetime.view_lifetime"):
        return None
    # The columns the panel names, as values, compiled once per officer and day
    # (reader_values): the items with their person and SCPO as model rows, then their scope's
    # compiling, cost most of the panel, on every home page of these roles.
    items = reader_values(
        "lifetime.attention_panel",
        user,
        lambda: attention_items_open(user=user).values(
            "pk",
            "kind",
            "threshold_days",
            "due_on",
            "nominal_id",
            "nominal__first_name",
            "nominal__last_name",
            "nominal__reference",
        )[:PANEL_SIZE],
    )
    for item in items:
        item["kind_label"] = _KINDS.get(item["kind"], item["kind"])
        # Nominal.__str__: the full name, and the reference after it when there is one.
        name = f"{item['nominal__first_name']} {item['nominal__last_name']}".strip()
        reference = item["nominal__reference"]
        item["nominal"] = f"{name} ({reference})" if reference else name
    return Panel(
        title="Needs attention: releases and SCPOs",
        template="lifetime/partials/attention_panel.html",
        context={"attention": items, "links": LINKS},
        order=40,
        shows={"ocg.nominal": [item["nominal_id"] for item in items]},
    )


def register() -> None:
    register_panel(attention_panel)
