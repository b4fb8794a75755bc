"""The kinds of record the search box finds, in the order its answers are grouped.

Each kind's matching is its own app's (ocg.search, countylines.search, kentsoc.gangs.search,
kentsoc.intel.search, disruptions.search); here each is named, given the permission that lets a
role look for it, and turned into the rows the pages and the API show:
`{type, id, reference, label, snippet, score, url}`, `snippet` HTML (escaped, matches in <mark>).

Every finder starts from `visible_to(user)`: what a role may not see is never matched, counted or
cut into a snippet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import F, FloatField, QuerySet, Value
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from countylines.models import CountyLine, PersonAtRisk
from countylines.search import (
    line_ranked,
    people_on_number,
    person_at_risk_ranked,
    phone_digits,
)
from disruptions.models import Disruption, Operation
from disruptions.search import disruption_ranked, operation_ranked
from kentsoc.gangs.models import Gang
from kentsoc.gangs.search import filter_gangs
from kentsoc.intel.models import IntelligenceRecord
from kentsoc.intel.search import intelligence_ranked
from kentsoc.web import fulltext
from ocg.models import OCG, Nominal
from ocg.search import fuzzy, nominal_ranked, ocg_ranked


@dataclass(frozen=True)
class Kind:
    type: str
    label: str
    permission: str
    find: Callable[[Any, str], QuerySet]
    row: Callable[[Any, str], dict[str, Any]]
    # Relations the rows read, fetched in the same query.
    related: tuple[str, ...] = ()


def _row(kind: str, obj: Any, reference: str, label: str, snippet: str, url: str) -> dict:
    return {
        "type": kind,
        "id": obj.pk,
        "reference": reference or "",
        "label": label,
        "snippet": snippet,
        "score": round(float(getattr(obj, "search_score", 0.0) or 0.0), 3),
        "url": url,
    }


def _plain(*parts: str) -> SafeString:
    return mark_safe(" · ".join(escape(p) for p in parts if p))  # noqa: S308  (escaped)


def _text_snippet(obj: Any, typed: str) -> SafeString:
    raw = getattr(obj, "snippet_raw", "") or ""
    if fulltext.fulltext():
        return fulltext.snippet_html(raw)
    return fulltext.plain_snippet(raw, typed)


def _date(value: Any) -> str:
    return date_format(value, "j M Y") if value else ""


# --- people ------------------------------------------------------------------------------------


def _find_people(user: Any, text: str) -> QuerySet[Nominal]:
    digits = phone_digits(text)
    if digits is not None:
        people = people_on_number(
            Nominal.objects.visible_to(user), CountyLine.objects.visible_to(user), digits
        )
        return people.annotate(search_score=Value(1.5, output_field=FloatField())).order_by(
            "last_name", "first_name", "id"
        )
    return nominal_ranked(user, text)


def _person_row(n: Nominal, typed: str) -> dict:
    born = f"born {_date(n.date_of_birth)}" if n.date_of_birth else ""
    aka = f"aka {n.aliases}" if n.aliases else ""
    return _row(
        "person",
        n,
        n.reference,
        n.full_name,
        _plain(born, aka, n.get_custody_status_display()),
        reverse("ocg:nominal-detail", args=[n.pk]),
    )


def _ocg_row(o: OCG, typed: str) -> dict:
    return _row(
        "ocg",
        o,
        o.reference,
        o.name,
        _plain(o.get_status_display(), o.division.name if o.division_id else ""),
        reverse("ocg:detail", args=[o.pk]),
    )


def _line_row(line: CountyLine, typed: str) -> dict:
    return _row(
        "county_line",
        line,
        line.reference,
        line.name,
        _plain(line.get_status_display(), f"from {line.exporting_area}"),
        reverse("countylines:detail", args=[line.pk]),
    )


def _find_gangs(user: Any, text: str) -> QuerySet[Gang]:
    gangs = filter_gangs(Gang.objects.visible_to(user), text)
    typed = " ".join(text.split())
    closeness = (
        TrigramWordSimilarity(typed, "name") if fuzzy() else Value(0.5, output_field=FloatField())
    )
    return gangs.annotate(search_score=closeness).order_by(F("search_score").desc(), "name", "id")


def _gang_row(g: Gang, typed: str) -> dict:
    return _row(
        "gang",
        g,
        g.reference,
        g.name,
        _plain(g.get_kind_display(), g.area, g.division.name),
        reverse("gangs:detail", args=[g.pk]),
    )


def _record_row(r: IntelligenceRecord, typed: str) -> dict:
    return _row(
        "intelligence",
        r,
        r.reference,
        f"{r.reference} · {r.grading} · {_date(r.information_date)}",
        _text_snippet(r, typed),
        reverse("intel:detail", args=[r.pk]),
    )


def _disruption_row(d: Disruption, typed: str) -> dict:
    return _row(
        "disruption",
        d,
        d.reference,
        f"{d.get_tactic_display()} on {_date(d.date)}",
        _text_snippet(d, typed),
        reverse("disruptions:detail", args=[d.pk]),
    )


def _operation_row(o: Operation, typed: str) -> dict:
    return _row(
        "operation",
        o,
        "",
        o.name,
        _plain(f"{_date(o.start_date)} to {_date(o.end_date)}"),
        reverse("disruptions:operation-detail", args=[o.pk]),
    )


def _person_at_risk_row(p: PersonAtRisk, typed: str) -> dict:
    return _row(
        "person_at_risk",
        p,
        "",
        p.name,
        _plain(p.get_kind_display(), p.get_age_band_display(), p.setting),
        reverse("countylines:person", args=[p.pk]),
    )


KINDS: tuple[Kind, ...] = (
    Kind("person", "People", "ocg.view_nominal", _find_people, _person_row),
    Kind("ocg", "OCGs", "ocg.view_ocg", ocg_ranked, _ocg_row, ("division",)),
    Kind("county_line", "County lines", "countylines.view_countyline", line_ranked, _line_row),
    Kind(
        "gang", "Gangs and street groups", "gangs.view_gang", _find_gangs, _gang_row, ("division",)
    ),
    Kind(
        "intelligence",
        "Intelligence records",
        "intel.view_intelligencerecord",
        intelligence_ranked,
        _record_row,
    ),
    Kind(
        "disruption",
        "Disruptions",
        "disruptions.view_disruption",
        disruption_ranked,
        _disruption_row,
    ),
    Kind("operation", "Operations", "disruptions.view_operation", operation_ranked, _operation_row),
    Kind(
        "person_at_risk",
        "People at risk",
        "countylines.view_personatrisk",
        person_at_risk_ranked,
        _person_at_risk_row,
    ),
)
BY_TYPE = {kind.type: kind for kind in KINDS}
TYPES = tuple(BY_TYPE)


def kinds_for(user: Any) -> list[Kind]:
    """The kinds this user's role may look for."""
    return [kind for kind in KINDS if user.has_perm(kind.permission)]
