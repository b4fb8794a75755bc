"""The OCG panels on the home page: what needs each role now."""

from __future__ import annotations

from typing import Any

from kentsoc.org.choices import Role
from kentsoc.org.scoping import access_for
from kentsoc.web.home import Panel, register_panel
from ocg import selectors


def your_ocgs(user: Any) -> Panel | None:
    access = access_for(user)
    if access is None or access.role != Role.LRO:
        return None
    ocgs = selectors.ocgs_of_lro(user=user)
    if not ocgs:
        return None
    return Panel("Your OCGs", "ocg/panels/your_ocgs.html", {"ocgs": ocgs}, order=10)


def nominations_to_progress(user: Any) -> Panel | None:
    access = access_for(user)
    if access is None or access.role not in (Role.COORDINATOR, Role.RESEARCHER):
        return None
    ocgs = selectors.nominations_to_progress(user=user)
    if not ocgs:
        return None
    return Panel("Nominations to progress", "ocg/panels/nominations.html", {"ocgs": ocgs}, order=20)


def waiting_for_approval(user: Any) -> Panel | None:
    access = access_for(user)
    if access is None or access.role != Role.SUPERVISOR:
        return None
    waiting = selectors.waiting_for_approval(user=user)
    if not waiting["mapping"] and not waiting["adoption"]:
        return None
    return Panel("OCGs waiting for your approval", "ocg/panels/approvals.html", waiting, order=15)


def register() -> None:
    """Called from OcgConfig.ready(): the home page shows these, in this order."""
    for panel in (your_ocgs, nominations_to_progress, waiting_for_approval):
        register_panel(panel)
