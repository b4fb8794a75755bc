"""The OCG and county-line pickers of list filters (kentsoc.web.pickers): found by the header search
box's own matcher and order for each kind (ocg.search.ocg_ranked: a misspelt name too;
countylines.search.line_ranked: name, loose reference, a deal-line number in any spelling),
among those the user may see, each answer audited as the subject search-as-you-type is."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import django_filters
from django.db.models import Model, QuerySet

from countylines.models import CountyLine
from countylines.search import MIN_LENGTH, line_ranked
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_read
from kentsoc.web.pickers import Choice, Picker, Search, picker_filter, register_picker
from ocg.models import OCG
from ocg.search import ocg_ranked

LIMIT = 10


def _searcher(model: type[Model], find: Any) -> Search:
    def search(user: Any, text: str, query: Iterable[tuple[str, Any]]) -> list[Choice]:
        found: list[Any] = []
        if len(text.strip()) >= MIN_LENGTH:
            visible: QuerySet = model.objects.visible_to(user)
            found = list(find(visible, text)[:LIMIT])
        audit_read(
            actor=user,
            model=model,
            ids=[o.pk for o in found],
            query=query,
            action=AuditAction.SEARCH,
        )
        return [Choice(str(o.pk), str(o)) for o in found]

    return search


def _labeller(model: type[Model]) -> Any:
    def label(user: Any, value: str) -> str | None:
        if not value.isdecimal():
            return None
        found = model.objects.visible_to(user).filter(pk=value).first()
        return str(found) if found else None

    return label


def register() -> None:
    register_picker(
        Picker(
            kind="ocg",
            noun="OCG",
            search=_searcher(OCG, ocg_ranked),
            label=_labeller(OCG),
            permission="ocg.view_ocg",
        )
    )
    register_picker(
        Picker(
            kind="county-line",
            noun="county line",
            search=_searcher(CountyLine, line_ranked),
            label=_labeller(CountyLine),
            permission="countylines.view_countyline",
        )
    )


# A list filtered by subject offers the same pickers everywhere, each saying what its search finds.
def ocg_filter(field_name: str) -> django_filters.NumberFilter:
    return picker_filter("ocg", field_name, label="OCG", help_text="Name or reference")


def county_line_filter(field_name: str) -> django_filters.NumberFilter:
    return picker_filter(
        "county-line",
        field_name,
        label="County line",
        help_text="Name, reference or deal-line number",
    )
