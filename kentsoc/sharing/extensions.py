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
# The home panel names each share's subject and forces, nothing of the officers who acted on it,
# read as values: selecting their users, officers and teams, or even the subjects' and forces'
# whole rows (seventy columns compiled for a panel of at most ten lines), was most of its cost.
_PANEL_VALUES = (
    "pk",
    "ocg_id",
    "ocg__reference",
    "ocg__name",
    "county_line__reference",
    "county_line__name",
    "owner_force__name",
    "receiving_force__name",
    "ends_on",
)


def _panel_rows(shares: Any) -> list[dict[str, Any]]:
    """The first five shares as what the panel's template reads of a Share (`pk`, `subject`,
    the forces' names, `ends_on`), the subject being the OCG when there is one, else the line."""
    rows = []
    for (
        pk,
        ocg_id,
        ocg_ref,
        ocg_name,
        line_ref,
        line_name,
        owner,
        receiver,
        ends_on,
    ) in shares.values_list(*_PANEL_VALUES)[:5]:
        subject = (
            {"reference": ocg_ref, "name": ocg_name}
            if ocg_id
            else {"reference": line_ref, "name": line_name}
        )
        rows.append(
            {
                "pk": pk,
                "subject": subject,
                "owner_force": {"name": owner},
                "receiving_force": {"name": receiver},
                "ends_on": ends_on,
            }
        )
    return rows


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
    waiting = _panel_rows(selectors.awaiting_decision(user=user))
    # A force that lends but receives nothing (most) is spared lent_to's scoped query.
    lent = []
    if selectors.receives_live_shares(user=user):
        lent = _panel_rows(selectors.lent_to(user=user))
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
