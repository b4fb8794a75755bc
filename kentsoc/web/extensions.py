"""Extension points: how a lower layer shows what a higher layer knows, without importing it.

A subject's page (an OCG, a county line, a person) is owned by the subject's app, low in the
layers; the intelligence on it, its definition evidence and its score belong to apps above it.
Those apps register a `Section` here from their AppConfig.ready(), and the page renders whatever is
registered for it. The page never names the app that fills it, so dependencies point one way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.http import HttpRequest

# The pages that take sections, each named once so a typo fails at start-up, not silently.
PAGES = frozenset({"ocg_detail", "nominal_detail", "countyline_detail", "gang_detail"})


@dataclass(frozen=True)
class Section:
    """One block of a record's page. `context(request, obj, tab)` returns what `template` needs,
    or None when the section has nothing to show this user for this record (or on this tab)."""

    key: str
    template: str
    context: Callable[[HttpRequest, Model, str], Mapping[str, Any] | None]
    order: int = 100


_sections: dict[str, dict[str, Section]] = {page: {} for page in PAGES}


def register_section(page: str, section: Section) -> Section:
    """Add (or replace, by key: ready() may run twice in tests) a section of `page`."""
    if page not in PAGES:
        raise ValueError(f"No page {page!r} takes sections; known pages: {sorted(PAGES)}.")
    _sections[page][section.key] = section
    return section


@dataclass(frozen=True)
class RenderedSection:
    key: str
    template: str
    context: Mapping[str, Any]


def sections_for(
    page: str, request: HttpRequest, obj: Model, tab: str = ""
) -> list[RenderedSection]:
    """The sections of `page` that have something to show, in order. The page's template
    includes each: `{% for s in sections %}{% include s.template with section=s.context %}`."""
    rendered = []
    for section in sorted(_sections[page].values(), key=lambda s: (s.order, s.key)):
        context = section.context(request, obj, tab)
        if context is not None:
            rendered.append(RenderedSection(section.key, section.template, context))
    return rendered
