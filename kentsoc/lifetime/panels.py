"""The home page's "Needs attention: releases and SCPOs" panel."""

from __future__ import annotations

from typing import Any

from kentsoc.lifetime.selectors import attention_items_open
from kentsoc.web.home import Panel, register_panel

PANEL_SIZE = 20
LINKS = [
    ("lifetime:releases", "Releases due"),
    ("lifetime:scpos-expiring", "SCPOs expiring"),
    ("lifetime:scpo-breaches", "SCPO breaches"),
    ("lifetime:in-prison", "In prison by OCG"),
]


def attention_panel(user: Any) -> Panel | None:
    if not user.has_perm("lifetime.view_lifetime"):
        return None
    items = list(attention_items_open(user=user)[:PANEL_SIZE])
    return Panel(
        title="Needs attention: releases and SCPOs",
        template="lifetime/partials/attention_panel.html",
        context={"attention": items, "links": LINKS},
        order=40,
        shows={"ocg.nominal": [item.nominal_id for item in items]},
    )


def register() -> None:
    register_panel(attention_panel)
