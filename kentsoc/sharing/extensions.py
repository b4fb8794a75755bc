"""What shares add to the pages below them, registered from SharingConfig.ready(): the line's and
the OCG's own Shares section (the Share action) and the supervisor's home panel."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from kentsoc.org.scoping import access_for
from kentsoc.sharing import selectors
from kentsoc.sharing.models import Share
from kentsoc.sharing.services import PERM_ADD, PERM_VIEW
from kentsoc.web.extensions import Section, register_section
from kentsoc.web.home import Panel, register_panel
from kentsoc.web.reader_queries import reader_values

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


def _panel_rows(
    name: str, user: Any, shares: Callable[[], QuerySet[Share]]
) -> list[dict[str, Any]]:
    """The first five `shares()` as what the panel's template reads of a Share (`pk`, `subject`,
    the forces' names, `ends_on`), the subject being the OCG when there is one, else the line;
    read as values compiled once per officer and day (reader_values: the scopes' compiling was
    most of the panel)."""
    rows = []
    for row in reader_values(name, user, lambda: shares().values(*_PANEL_VALUES)[:5]):
        prefix = "ocg" if row["ocg_id"] else "county_line"
        rows.append(
            {
                "pk": row["pk"],
                "subject": {
                    "reference": row[f"{prefix}__reference"],
                    "name": row[f"{prefix}__name"],
                },
                "owner_force": {"name": row["owner_force__name"]},
                "receiving_force": {"name": row["receiving_force__name"]},
                "ends_on": row["ends_on"],
            }
        )
    return rows


def subject_shares(request: HttpRequest, subject: Any, tab: str) -> Mapping[str, Any] | None:
    """A supervisor's view of who this record is shared with, and the form to share it."""
    if tab or not request.user.has_perm(PERM_VIEW):
        return None
    return {
        "shares": selectors.shares_of(user=request.user, subject=subject),
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
    waiting = _panel_rows(
        "sharing.waiting_panel", user, lambda: selectors.awaiting_decision(user=user)
    )
    lent = _panel_rows("sharing.lent_panel", user, lambda: selectors.lent_to(user=user))
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
