"""The home page's "what needs me" panel for CLGT officers and supervisors."""

from __future__ import annotations

from typing import Any

from countylines import selectors
from kentsoc.org.choices import Role
from kentsoc.org.scoping import access_for
from kentsoc.web.home import Panel

PANEL_ROWS = 10


def nominations_panel(user: Any) -> Panel | None:
    access = access_for(user)
    if access is None or not access.has_role(Role.CLGT_OFFICER, Role.SUPERVISOR):
        return None
    lines = selectors.lines_awaiting_approval(user=user)
    if access.role == Role.CLGT_OFFICER and not access.is_central_clgt and access.division_id:
        lines = lines.filter(division_id=access.division_id)
    rows = []
    for line in lines[:PANEL_ROWS]:
        missing = selectors.missing_criteria_labels(line)
        rows.append({"line": line, "ready": not missing, "missing": missing})
    if not rows:
        return None
    is_supervisor = access.role == Role.SUPERVISOR
    return Panel(
        title="County lines awaiting approval" if is_supervisor else "Your county line nominations",
        template="countylines/partials/home_panel.html",
        context={"rows": rows, "is_supervisor": is_supervisor},
        order=30,
    )
