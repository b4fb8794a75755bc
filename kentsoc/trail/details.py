"""An audit event's details as people read them on the audit page: field labels, officers,
teams, divisions and districts by name, records by the name the trail itself gave them, dates as
"1 Dec 2026", a change as "before → after". The CSV, JSON and API keep the stored ids.

A page of events costs one query per kind of thing named, whatever the number of events.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.models import AuditEvent
from kentsoc.org.models import District, Division, Team
from kentsoc.org.selectors import officer_label
from kentsoc.web import people

# Stored field -> the kind of thing its ids name.
USER, TEAM, DIVISION, DISTRICT = "user", "team", "division", "district"
FIELD_KINDS: dict[str, str] = {
    **dict.fromkeys(
        (
            "officer",
            "owner",
            "submitted_by",
            "approved_by",
            "returned_by",
            "mapping_submitted_by",
            "lead_responsible_officer",
            "requested_by",
            "created_by",
            "recorded_by",
            "changed_by",
            "started_by",
        ),
        USER,
    ),
    **dict.fromkeys(("team", "teams", "owning_team", "managing_team"), TEAM),
    **dict.fromkeys(("division", "flexed_division"), DIVISION),
    **dict.fromkeys(("district", "districts", "importing_districts"), DISTRICT),
    # Records, named as the trail named them when they were written (their reference and name,
    # already on the page in the Object column of their own events).
    **dict.fromkeys(("ocg", "ocgs"), "ocg.ocg"),
    **dict.fromkeys(("county_line", "county_lines"), "countylines.countyline"),
    **dict.fromkeys(("nominal", "nominals"), "ocg.nominal"),
    **dict.fromkeys(("record", "records"), "intel.intelligencerecord"),
    "disruption": "disruptions.disruption",
    "operation": "disruptions.operation",
    "training": "lifetime.traininginput",
    "period": "lifetime.custodyperiod",
    "scpo": "lifetime.scpo",
}
LABELS = {
    "ids": "Records shown (ids)",
    "count": "Records shown",
    "total": "Matching in all",
    "query": "Search",
    "filters": "Filters",
    "also": "Also shown",
    "rows": "Rows",
    "sim_cards": "SIM cards",
    "rms_reference": "RMS reference",
    "lead_responsible_officer": "Lead responsible officer",
    "ocgs": "OCGs",
    "ocg": "OCG",
    "trh": "TRH",
}
# Stored as decimal text ("8450.00"): shown in pounds.
MONEY_FIELDS = {"cash_seized", "estimated_value", "value"}
BRIEF_IDS = 20
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_CODE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")


def label(field: str) -> str:
    return LABELS.get(field) or field.replace("_", " ").capitalize()


def _is_change(event: AuditEvent, value: Any) -> bool:
    # versioned_save and the transitions record an update as {field: [before, after]}.
    return event.action == AuditAction.UPDATE and isinstance(value, list) and len(value) == 2


def _pair(item: Any) -> tuple[Any, list[Any]]:
    """An id with what the service recorded beside it: [273, "runner"] is nominal 273 as a
    runner; a plain id has nothing beside it."""
    if isinstance(item, list) and item and isinstance(item[0], int):
        return item[0], item[1:]
    return item, []


def _ids(field: str, value: Any) -> Iterable[Any]:
    if field == "members" and isinstance(value, list):
        return [m.get("nominal") for m in value if isinstance(m, dict)]
    return [_pair(item)[0] for item in (value if isinstance(value, list) else [value])]


def _wanted(events: list[AuditEvent]) -> dict[str, set[int]]:
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        for field, value in (event.changes or {}).items():
            kind = "ocg.nominal" if field == "members" else FIELD_KINDS.get(field)
            if kind is None:
                continue
            values = value if _is_change(event, value) else [value]
            for one in values:
                for pk in _ids(field, one):
                    if isinstance(pk, int) and not isinstance(pk, bool):
                        wanted[kind].add(pk)
    return wanted


def _names(wanted: dict[str, set[int]], user: Any) -> dict[tuple[str, int], str]:
    """One query per kind: officers, teams, divisions, districts by their names; records by the
    latest name the trail gave them."""
    names: dict[tuple[str, int], str] = {}
    models = {TEAM: Team, DIVISION: Division, DISTRICT: District}
    for kind, pks in wanted.items():
        if kind == USER:
            users = get_user_model().objects.select_related("officer").filter(pk__in=pks)
            names.update(((USER, u.pk), officer_label(u)) for u in users)
        elif kind in models:
            rows = models[kind].objects.filter(pk__in=pks).values_list("pk", "name")
            names.update(((kind, pk), name) for pk, name in rows)
        else:
            rows = (
                AuditEvent.objects.visible_to(user)
                .filter(object_type=kind, object_id__in=[str(pk) for pk in pks])
                .exclude(object_repr="")
                .filter(action__in=(AuditAction.CREATE, AuditAction.UPDATE, AuditAction.VIEW))
                .order_by("at")
                .values_list("object_id", "object_repr")
            )
            names.update(((kind, int(pk)), text) for pk, text in rows)
    return names


def _plain(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return people.number(value)
    if isinstance(value, str):
        if value == "":
            return "empty"
        if _DATE.match(value):
            return people.day(datetime.date.fromisoformat(value))
        if _DATETIME.match(value):
            try:
                return people.moment(datetime.datetime.fromisoformat(value))
            except ValueError:
                return value
        if _CODE.match(value):
            return value.replace("_", " ")
        return value
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value) or "none"
    if isinstance(value, dict):
        return "; ".join(f"{label(str(k))}: {_plain(v)}" for k, v in value.items()) or "none"
    return str(value)


def _one(field: str, value: Any, names: dict[tuple[str, int], str]) -> str:
    kind = FIELD_KINDS.get(field)
    if field == "members" and isinstance(value, list):
        return ", ".join(
            f"{names.get(('ocg.nominal', m.get('nominal')), '#' + str(m.get('nominal')))}"
            f" ({_plain(m.get('role'))})"
            if isinstance(m, dict)
            else _plain(m)
            for m in value
        )
    if field in MONEY_FIELDS and isinstance(value, str | int | float) and value != "":
        return people.money(value)
    if field == "ids" and isinstance(value, list) and len(value) > BRIEF_IDS:
        shown = ", ".join(str(v) for v in value[:BRIEF_IDS])
        return f"{shown} … {len(value) - BRIEF_IDS} more"
    if kind is not None and value not in (None, "", []):
        shown = []
        for item in value if isinstance(value, list) else [value]:
            pk, beside = _pair(item)
            text = names.get((kind, pk), f"#{pk}") if isinstance(pk, int) else _plain(pk)
            shown.append(f"{text} ({_plain(beside)})" if beside else text)
        return ", ".join(shown)
    return _plain(value)


def details_in_words(
    events: Iterable[AuditEvent], *, user: Any
) -> list[tuple[AuditEvent, list[tuple[str, str]]]]:
    """Each event with its details as (label, text) pairs, in the stored order."""
    events = list(events)
    names = _names(_wanted(events), user)
    out = []
    for event in events:
        details = []
        for field, value in (event.changes or {}).items():
            if _is_change(event, value):
                text = f"{_one(field, value[0], names)} → {_one(field, value[1], names)}"
            else:
                text = _one(field, value, names)
            details.append((label(field), text))
        out.append((event, details))
    return out
