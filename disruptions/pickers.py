"""The disruption picker of the court results list's filter (kentsoc.web.pickers): a disruption
found by its reference ("D-000123", "d 123") or by the OCG or county line it was against (the one
subject search), among those the user may see, each answer audited as a list of disruptions is."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, Q

from countylines.models import CountyLine
from countylines.search import MIN_LENGTH, filter_lines, filter_ocgs
from disruptions.models import Disruption
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_read
from kentsoc.web.pickers import Choice, Picker, register_picker
from ocg.models import OCG

LIMIT = 10
_REFERENCE = re.compile(r"^(?:D[\s\-_/]*)?0*(\d{1,9})$", re.IGNORECASE)


def _match(user: Any, text: str) -> Q:
    match = Q(pk__in=[])
    found = _REFERENCE.match(text)
    if found is not None:
        match |= Q(pk=int(found.group(1)))
    # Only subjects the user may see: a name must not reveal what a hidden OCG is called.
    ocgs = filter_ocgs(OCG.objects.visible_to(user), text)
    lines = filter_lines(CountyLine.objects.visible_to(user), text)
    match |= Q(Exists(ocgs.filter(disruptions=OuterRef("pk"))))
    match |= Q(Exists(lines.filter(disruptions=OuterRef("pk"))))
    return match


def search(user: Any, text: str, query: Iterable[tuple[str, Any]]) -> list[Choice]:
    text = text.strip()
    found: list[Disruption] = []
    if len(text) >= MIN_LENGTH or _REFERENCE.match(text):
        found = list(
            Disruption.objects.visible_to(user)
            .filter(_match(user, text))
            .order_by("-date", "-pk")[:LIMIT]
        )
    audit_read(
        actor=user,
        model=Disruption,
        ids=[d.pk for d in found],
        query=query,
        action=AuditAction.SEARCH,
    )
    return [Choice(str(d.pk), str(d)) for d in found]


def label(user: Any, value: str) -> str | None:
    if not value.isdecimal():
        return None
    found = Disruption.objects.visible_to(user).filter(pk=value).first()
    return str(found) if found else None


def register() -> None:
    register_picker(
        Picker(
            kind="disruption",
            noun="disruption",
            search=search,
            label=label,
            permission="disruptions.view_disruption",
        )
    )
