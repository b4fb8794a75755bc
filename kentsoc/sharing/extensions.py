"""What shares add to the pages below them, registered from SharingConfig.ready(): the line's and
the OCG's own Shares section (the Share action) and the supervisor's home panel."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest

from kentsoc.org.scoping import access_for
from kentsoc.sharing import selectors
from kentsoc.sharing.services import PERM_ADD, PERM_VIEW
from kentsoc.web.extensions import Section, register_section
from kentsoc.web.home import Panel, register_panel

SECTION_TEMPLATE = "sharing/sections/subject_shares.html"
# The home panel names each share's subject and forces, nothing of the officers who acted on it:
# selecting their users, officers and teams too was most of the panel's cost (compiling joins).
_PANEL_RELATED = ("ocg", "county_line", "owner_force", "receiving_force")


def subject_shares(request: HttpRequest, subject: Any, tab: str) -> Mapping[str, Any] | None:
    """A supervisor's view of who this record is shared with, and the form to share it."""
    if tab or not request.user.has_perm(PERM_VIEW):
        return None
    return {
        "shares": list(selectors.shares_of(user=request.user, subject=subject)),
        "subject": subject,
        "kind": "ocg" if subject._meta.model_name == "ocg" else "county_line",
        "can_offer": request.user.has_perm(PERM_ADD),
    }


def shares_panel(user: Any) -> Panel | None:
    """Requests awaiting this supervisor's decision, and what other forces lend to theirs."""
    access = access_for(user)
    # A force that was never party to a share has nothing to show: no query for it.
    if access is None or not access.shares or not user.has_perm(PERM_VIEW):
        return None
    waiting = list(
        selectors.awaiting_decision(user=user)
        .select_related(None)
        .select_related(*_PANEL_RELATED)[:5]
    )
    # A force that lends but receives nothing (most) is spared lent_to's scoped query.
    lent = []
    if selectors.receives_live_shares(user=user):
        lent = list(
            selectors.lent_to(user=user).select_related(None).select_related(*_PANEL_RELATED)[:5]
        )
    if not (waiting or lent):
        return None
    return Panel(
        title="Shares with other forces",
        template="sharing/panels/home.html",
        context={"waiting": waiting, "lent": lent},
        order=45,
    )


def register() -> None:
    register_panel(shares_panel)
    for page in ("countyline_detail", "ocg_detail"):
        register_section(page, Section("shares", SECTION_TEMPLATE, subject_shares, 95))
