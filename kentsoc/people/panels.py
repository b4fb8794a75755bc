"""The home page's link to likely duplicates, for those who may merge people. It runs no query:
finding the pairs is the duplicates page's work, not every home page's."""

from __future__ import annotations

from typing import Any

from kentsoc.people.services import PERM_MERGE
from kentsoc.web.home import Panel, register_panel


def duplicates_panel(user: Any) -> Panel | None:
    if not user.has_perm(PERM_MERGE):
        return None
    return Panel(title="People recorded twice", template="people/panels/duplicates.html", order=60)


def register() -> None:
    register_panel(duplicates_panel)
