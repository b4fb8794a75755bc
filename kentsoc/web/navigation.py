"""The navigation a user sees, worked out from their role (never in the template)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString

from kentsoc.org.choices import Role
from kentsoc.org.scoping import Access
from kentsoc.web.cells import escaped


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


_ALL_CASE_ROLES = (
    Role.COORDINATOR,
    Role.RESEARCHER,
    Role.LRO,
    Role.CLGT_OFFICER,
    Role.CLIO,
    Role.SUPERVISOR,
    Role.ANALYST,
)

# (label, url name, roles that see it). Entries whose page does not exist yet are left out.
_NAV = [
    (
        "OCGs",
        "ocg:list",
        (Role.COORDINATOR, Role.RESEARCHER, Role.LRO, Role.SUPERVISOR, Role.ANALYST),
    ),
    ("Nominals", "ocg:nominal-list", _ALL_CASE_ROLES),
    ("County lines", "countylines:list", _ALL_CASE_ROLES),
    (
        "Gangs",
        "gangs:list",
        (Role.CLGT_OFFICER, Role.CLIO, Role.SUPERVISOR, Role.ANALYST, Role.COORDINATOR),
    ),
    ("Prevention", "prevention:sessions", (Role.CLIO, Role.SUPERVISOR, Role.ANALYST)),
    (
        "Intelligence",
        "intel:list",
        (
            Role.COORDINATOR,
            Role.RESEARCHER,
            Role.CLGT_OFFICER,
            Role.SUPERVISOR,
            Role.ANALYST,
            Role.LRO,
        ),
    ),
    (
        "Disruptions",
        "disruptions:list",
        (Role.LRO, Role.CLGT_OFFICER, Role.COORDINATOR, Role.SUPERVISOR, Role.ANALYST),
    ),
    (
        "Matrix",
        "matrix:dashboard",
        (Role.SUPERVISOR, Role.COORDINATOR, Role.CLGT_OFFICER, Role.ANALYST, Role.LRO),
    ),
    (
        "Reports",
        "disruptions:reports",
        (Role.SUPERVISOR, Role.COORDINATOR, Role.CLGT_OFFICER, Role.ANALYST, Role.LRO),
    ),
    # Shares with other forces: supervisors ask, offer and decide; the roles that read lent lines
    # see the entry once their force is party to a share (nav_items).
    (
        "Shares",
        "sharing:list",
        (
            Role.SUPERVISOR,
            Role.ANALYST,
            Role.CLGT_OFFICER,
            Role.CLIO,
            Role.COORDINATOR,
            Role.RESEARCHER,
        ),
    ),
    # The whole trail is for auditors; supervisors read records' histories on those records.
    ("Audit", "audit:list", (Role.AUDITOR,)),
    # Users, officers, teams and reference data; the administrator has no police-data pages.
    ("Administration", "admin:index", (Role.ADMINISTRATOR,)),
]


def nav_html(items: list[NavItem]) -> SafeString:
    """The entries as base.html's loop laid them out: drawn by the engine, a dozen entries cost
    every page about a thousand Python calls."""
    return SafeString(
        "".join(
            f'\n        <li><a href="{escaped(item.url)}" '
            f"{_CURRENT if item.active else ''}>{escaped(item.label)}</a></li>\n        "
            for item in items
        )
    )


_CURRENT = 'aria-current="page"'


def nav_items(access: Access | None, current_path: str) -> list[NavItem]:
    if access is None:
        return []
    entries = _entries(
        access.role,
        access.shares or access.role == Role.SUPERVISOR,
        get_script_prefix(),
        get_urlconf(settings.ROOT_URLCONF),
    )
    return [NavItem(label, url, current_path.startswith(url)) for label, url in entries]


@functools.cache
def _entries(
    role: str, sees_shares: bool, prefix: str, urlconf: str
) -> tuple[tuple[str, str], ...]:
    """The (label, address) of each entry a role sees: the same for every officer of that role
    (and force party to a share or not), so worked out and reversed once per process; the
    address prefix and URLconf are in the key because reverse() reads them."""
    entries = []
    for label, url_name, roles in _NAV:
        if role not in roles:
            continue
        if url_name == "sharing:list" and not sees_shares:
            continue
        try:
            url = reverse(url_name, urlconf=urlconf)
        except NoReverseMatch:
            continue
        entries.append((label, url))
    return tuple(entries)
