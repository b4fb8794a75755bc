"""The person picker of list filters (kentsoc.web.pickers): people found by the one nominal search,
among those the user may see, each answer audited as the nominal search-as-you-type is."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import django_filters

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_read
from kentsoc.web.pickers import Choice, Picker, picker_filter, register_picker
from ocg import selectors
from ocg.models import Nominal


def _hint(nominal: Nominal) -> str:
    parts = []
    if nominal.date_of_birth:
        parts.append(f"born {nominal.date_of_birth:%-d %b %Y}")
    if nominal.aliases:
        parts.append(f"aka {nominal.aliases}")
    return ", ".join(parts)


def search(user: Any, text: str, query: Iterable[tuple[str, Any]]) -> list[Choice]:
    found = selectors.nominal_search(user=user, text=text)
    audit_read(
        actor=user,
        model=Nominal,
        ids=[n.pk for n in found],
        query=query,
        action=AuditAction.SEARCH,
    )
    return [Choice(str(n.pk), f"{n.reference} {n.full_name}", _hint(n)) for n in found]


def label(user: Any, value: str) -> str | None:
    """The chosen person's name for the filter box: a read of a person, so audited."""
    if not value.isdecimal():
        return None
    nominal = Nominal.objects.visible_to(user).filter(pk=value).first()
    if nominal is None:
        return None
    audit_read(
        actor=user,
        model=Nominal,
        ids=[nominal.pk],
        query={"picker": value},
        action=AuditAction.VIEW,
    )
    return f"{nominal.reference} {nominal.full_name}"


def register() -> None:
    register_picker(
        Picker(
            kind="nominal",
            noun="person",
            search=search,
            label=label,
            permission="ocg.view_nominal",
        )
    )


def nominal_filter(field_name: str) -> django_filters.NumberFilter:
    """The person picker of a list filter, saying what the nominal search finds."""
    return picker_filter(
        "nominal", field_name, label="Person (nominal)", help_text="Name, alias or reference"
    )
