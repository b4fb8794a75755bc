"""What gangs add to the pages below them, registered from GangsConfig.ready(): the CLGT's home
panel of their division's gangs, and the gangs linked to a county line on the line's page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from kentsoc.gangs import selectors
from kentsoc.gangs.models import Gang
from kentsoc.gangs.services.base import PERM_ADD, PERM_VIEW
from kentsoc.org.choices import Role
from kentsoc.org.scoping import access_for
from kentsoc.web.extensions import Section, register_section
from kentsoc.web.home import Panel, register_panel
from kentsoc.web.reader_queries import reader_values
from kentsoc.web.reader_rows import subject_rows

PANEL_ROWS = 5
_PANEL_COLUMNS = ("pk", "reference", "name", "area", "last_intelligence_on", "last_disruption_on")
LINE_GANGS_TEMPLATE = "gangs/sections/line_gangs.html"


def gangs_panel(user: Any) -> Panel | None:
    """The CLGT's (and the division's CLIOs') gangs, most recent activity first: the gangs the
    team works beside its county lines."""
    access = access_for(user)
    if access is None or not access.has_role(Role.CLGT_OFFICER, Role.CLIO):
        return None
    if not user.has_perm(PERM_VIEW):
        return None

    def build() -> QuerySet[Gang]:
        gangs = selectors.gang_activity_list(user=user)
        if access.division_id is not None and not access.is_central_clgt:
            gangs = gangs.filter(division_id=access.division_id)
        return gangs.values(*_PANEL_COLUMNS)[:PANEL_ROWS]

    # The columns the card names, as values, compiled once per officer and day (reader_values):
    # compiling the scope and its dated subqueries was most of a CLGT officer's home page.
    rows = reader_values("gangs.home_panel", user, build)
    if not rows and not user.has_perm(PERM_ADD):
        return None
    return Panel(
        title="Gangs and street groups",
        template="gangs/panels/home.html",
        context={"rows": rows, "can_add": user.has_perm(PERM_ADD)},
        order=40,
    )


def _line_links(line_id: Any) -> QuerySet:
    # Whether any gang names the line: compiled once per process (subject_rows).
    return Gang.county_lines.through.objects.filter(countyline_id=line_id).values_list("pk")[:1]


def line_gangs(request: HttpRequest, line: Any, tab: str) -> Mapping[str, Any] | None:
    """The gangs linked to this county line that the user may see (none: no section)."""
    if not request.user.has_perm(PERM_VIEW):
        return None
    # Most lines have no gang: a look at the link table spares them the scoped, dated query
    # (its plan alone costs more than the rest of the page's queries).
    if not subject_rows("gangs.line_linked", _line_links, line.pk):
        return None
    gangs = list(selectors.gang_activity_list(user=request.user).filter(county_lines=line))
    return {"gangs": gangs} if gangs else None


def register() -> None:
    register_panel(gangs_panel)
    register_section("countyline_detail", Section("gangs", LINE_GANGS_TEMPLATE, line_gangs, 80))
