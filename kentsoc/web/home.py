"""The home page: who I am, what my role does, and what needs me.

Apps add "needs me" panels with `register_panel` in their AppConfig.ready(); each panel function
gets the user and returns a Panel, or None when there is nothing to show. Keeping the registry
here lets every app contribute without the home view importing them all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from kentsoc.audit.services import audit_read
from kentsoc.org.choices import Role


@dataclass
class Panel:
    title: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100
    # The people, intelligence or disruptions the panel names, {model label: ids}: the home page
    # puts them on the audit trail like any other list.
    shows: dict[str, list] = field(default_factory=dict)


PanelFn = Callable[..., Panel | None]
_panels: list[PanelFn] = []


def register_panel(fn: PanelFn) -> PanelFn:
    if fn not in _panels:
        _panels.append(fn)
    return fn


def panels_for(user) -> list[Panel]:
    found = [p for p in (fn(user) for fn in _panels) if p is not None]
    return sorted(found, key=lambda p: p.order)


def audit_panels(user, panels: list[Panel]) -> None:
    """One audit event for everything the home page's panels name (nothing when they name no
    one): the first kind as the event's object type, the others beside it."""
    shown: dict[str, list] = {}
    for panel in panels:
        for label, ids in panel.shows.items():
            shown.setdefault(label, []).extend(ids)
    if shown:
        (label, ids), *others = shown.items()
        audit_read(actor=user, model=label, ids=ids, also=dict(others) or None)


ROLE_DUTIES: dict[str, list[str]] = {
    Role.COORDINATOR: [
        "Nominate, develop, map and score OCGs and their members.",
        "Get OCGs adopted by a managing team and assign a Lead Responsible Officer.",
        "Lifetime management: prison and licence conditions, SCPOs; LRO training.",
    ],
    Role.RESEARCHER: [
        "Develop nominations: add members, intelligence records and definition evidence.",
    ],
    Role.LRO: [
        "Own your adopted OCGs and keep their 4P plan.",
        "Log disruptions against your OCGs and their members.",
    ],
    Role.CLGT_OFFICER: [
        "Nominate county lines and record their definition evidence.",
        "Log disruptions against lines.",
    ],
    Role.CLIO: [
        "Record and support children and vulnerable adults at risk of exploitation.",
        "Record safeguarding referrals and their outcomes.",
    ],
    Role.SUPERVISOR: [
        "Approve nominations, scores, adoptions, disruptions and flex decisions.",
        "Review the matrix dashboard: rankings, force totals and trends.",
    ],
    Role.ANALYST: ["Enter and grade intelligence records; read everything in scope."],
    Role.AUDITOR: ["Read and export the audit trail. You cannot change records."],
    Role.ADMINISTRATOR: [
        "Manage users, roles, teams and reference data (every change is audited)."
    ],
}
