"""The kinds of record the search box finds, in the order its answers are grouped.

Each kind's matching is its own app's (ocg.search, countylines.search, kentsoc.gangs.search,
kentsoc.intel.search, disruptions.search); here each is named, given the permission that lets a
role look for it, and turned into the rows the pages and the API show:
`{type, id, reference, label, snippet, score, url}`, `snippet` HTML (escaped, matches in <mark>).

Every finder starts from `visible_to(user)`: what a role may not see is never matched, counted or
cut into a snippet.

A kind names the `columns` its rows show; the search reads them with the ids and scores as one JSON
value per record (`found`), so every kind's best rows come back in one query (services.search_run)
and no model instance is built for them.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import F, FloatField, IntegerField, Model, QuerySet, Value
from django.db.models.functions import JSONObject
from django.db.models.query import EmptyQuerySet
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from countylines.models import CountyLine, PersonAtRisk
from countylines.search import (
    LineTerms,
    NumberTerms,
    line_terms,
    people_on_number,
    person_at_risk_terms,
    phone_terms,
    rank_lines,
    rank_people_at_risk,
)
from disruptions.models import Disruption, Operation
from disruptions.search import (
    disruption_terms,
    operation_terms,
    rank_disruptions,
    rank_operations,
)
from kentsoc.gangs.models import Gang
from kentsoc.gangs.search import GangTerms, gang_terms, match_gang
from kentsoc.intel.models import IntelligenceRecord
from kentsoc.intel.search import rank_records, record_terms
from kentsoc.org.scoping import CONTRIBUTE, READ
from kentsoc.web import fulltext
from ocg.models import OCG, Nominal
from ocg.search import (
    NominalTerms,
    OcgTerms,
    fuzzy,
    nominal_terms,
    ocg_terms,
    rank_nominals,
    rank_ocgs,
)


class _RowJSON(JSONObject):
    """JSONObject with its keys written into the SQL on PostgreSQL: they are this module's own
    column names, so they need no parameter, cast or quoting beyond the literal (Django's
    JSONObject casts each key, which was a tenth of compiling a search)."""

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        expressions = self.get_source_expressions()
        pairs, params = [], []
        for key, value in zip(expressions[::2], expressions[1::2], strict=True):
            if not _KEY.fullmatch(key.value):
                raise ValueError(f"Not a row key: {key.value!r}")
            sql, value_params = compiler.compile(value)
            pairs.append(f"'{key.value}', {sql}")
            params.extend(value_params)
        return f"JSONB_BUILD_OBJECT({', '.join(pairs)})", params


_KEY = re.compile(r"[a-z_]+")


@dataclass(frozen=True)
class Kind:
    type: str
    label: str
    permission: str
    # What was typed as the finder reads it: a frozen dataclass (or None) whose flags, Nones and
    # tuple lengths decide the SQL and whose strings, numbers and dates are only values in it
    # (kentsoc.search.compiled compiles once per shape of them).
    terms: Callable[[str], Any]
    # The kind's matches for the terms, from what the user may see.
    find: Callable[[Any, Any], QuerySet]
    # Builds a row from what `columns` read (a dict with `id` and `score` added).
    row: Callable[[dict[str, Any], str], dict[str, Any]]
    # What a row shows: field paths (joins allowed), or "snippet" for the finder's snippet_raw.
    columns: tuple[str, ...]

    def found(self, user: Any, terms: Any, index: int) -> QuerySet:
        """The kind's matches for `terms` as (kind index, id, score, row JSON) tuples, best
        first: the same shape for every kind, so they can be read in one UNION ALL."""
        read = {
            name.replace("__", "_"): F("snippet_raw" if name == "snippet" else name)
            for name in self.columns
        }
        matching = self.find(user, terms)
        if isinstance(matching, EmptyQuerySet):
            return matching
        return (
            matching.annotate(
                search_kind=Value(index, output_field=IntegerField()),
                search_id=F("pk"),
                search_row=_RowJSON(**read),
            )
            # The score selected, so a finder may order by it even where it is one constant.
            .values_list("search_kind", "search_id", "search_score", "search_row")
        )


def _row(kind: str, read: dict, reference: str, label: str, snippet: str, url: str) -> dict:
    return {
        "type": kind,
        "id": read["id"],
        "reference": reference or "",
        "label": label,
        "snippet": snippet,
        "score": round(float(read.get("score") or 0.0), 3),
        "url": url,
    }


def _display(model: type[Model], field: str, value: Any) -> str:
    """A choice's label, as get_FOO_display gives it."""
    return str(dict(model._meta.get_field(field).flatchoices).get(value, value or ""))


def _plain(*parts: str) -> SafeString:
    return mark_safe(" · ".join(escape(p) for p in parts if p))  # noqa: S308  (escaped)


def _text_snippet(read: dict, typed: str) -> SafeString:
    raw = read.get("snippet") or ""
    if fulltext.fulltext():
        return fulltext.snippet_html(raw)
    return fulltext.plain_snippet(raw, typed)


def _date(value: str | None) -> str:
    """A date as read in JSON (ISO), shown as the pages show dates."""
    return date_format(datetime.date.fromisoformat(value[:10]), "j M Y") if value else ""


# --- people ------------------------------------------------------------------------------------


def _visible_people(user: Any) -> QuerySet[Nominal]:
    visible = Nominal.objects.visible_to(user)
    if visible.query.distinct:
        # A scope that joins (an LRO's people through their groups) is DISTINCT, which would add
        # the ordering to the columns the UNION reads: read it as a set of ids.
        return Nominal.objects.filter(pk__in=visible.values("pk"))
    return visible


@dataclass(frozen=True)
class _PeopleTerms:
    """A phone number typed (the people on its lines are found), or else names and the rest."""

    number: NumberTerms | None
    names: NominalTerms | None


def _people_terms(text: str) -> _PeopleTerms:
    number = phone_terms(text)
    return _PeopleTerms(number, nominal_terms(text) if number is None else None)


def _find_people(user: Any, terms: _PeopleTerms) -> QuerySet[Nominal]:
    visible = _visible_people(user)
    if terms.number is not None:
        people = people_on_number(visible, CountyLine.objects.visible_to(user), terms.number)
        return people.annotate(search_score=Value(1.5, output_field=FloatField())).order_by(
            "last_name", "first_name", "id"
        )
    return rank_nominals(visible, terms.names)


def _person_row(n: dict, typed: str) -> dict:
    born = f"born {_date(n['date_of_birth'])}" if n["date_of_birth"] else ""
    aka = f"aka {n['aliases']}" if n["aliases"] else ""
    return _row(
        "person",
        n,
        n["reference"],
        f"{n['first_name']} {n['last_name']}".strip(),
        _plain(born, aka, _display(Nominal, "custody_status", n["custody_status"])),
        reverse("ocg:nominal-detail", args=[n["id"]]),
    )


# A line or OCG another force lends to the searcher's (kentsoc.sharing): matched by its reference
# and name only (its deal lines are not lent), marked, and linked to its share's page.
_LENT_COLUMNS = ("lent",)


def _lendable(model: type[Model], user: Any) -> QuerySet:
    """The searcher's force's lines or OCGs and those a live share lends it, marked (the one
    scope of kentsoc.org.scoping: nothing is lent to a force that was never party to a share)."""
    return model.objects.visible_to(user, lent=READ).with_lent_mark(user)


def _find_ocgs(user: Any, terms: OcgTerms | None) -> QuerySet[OCG]:
    return rank_ocgs(_lendable(OCG, user), terms)


def _find_lines(user: Any, terms: LineTerms | None) -> QuerySet[CountyLine]:
    found = rank_lines(_lendable(CountyLine, user), terms)
    if terms is not None and terms.number is not None:
        # A number finds the force's own lines only: a lent line's deal lines are not lent.
        found = found.filter(lent__isnull=True)
    return found


def _lent(read: dict) -> dict | None:
    lent = read.get("lent")
    # SQLite (the demo) nests the subquery's JSON object in the row's as text.
    return json.loads(lent) if isinstance(lent, str) else lent


def _shared(read: dict) -> str:
    lent = _lent(read)
    if lent is None:
        return ""
    access = "may add" if lent["access"] == CONTRIBUTE else "read-only"
    return f"Shared by {lent['by']} ({access})"


def _subject_url(read: dict, name: str) -> str:
    if (lent := _lent(read)) is not None:
        return reverse("sharing:detail", args=[lent["share_id"]])
    return reverse(name, args=[read["id"]])


def _ocg_row(o: dict, typed: str) -> dict:
    lent = _shared(o)
    return _row(
        "ocg",
        o,
        o["reference"],
        o["name"],
        # A lent OCG names its owning force, not the force's division.
        _plain(_display(OCG, "status", o["status"]), lent or o["division_name"] or ""),
        _subject_url(o, "ocg:detail"),
    )


def _line_row(line: dict, typed: str) -> dict:
    return _row(
        "county_line",
        line,
        line["reference"],
        line["name"],
        _plain(
            _display(CountyLine, "status", line["status"]),
            f"from {line['exporting_area']}",
            _shared(line),
        ),
        _subject_url(line, "countylines:detail"),
    )


def _find_gangs(user: Any, terms: GangTerms | None) -> QuerySet[Gang]:
    gangs = Gang.objects.visible_to(user)
    if terms is None:
        return gangs.none()
    gangs = gangs.filter(match_gang(terms))
    closeness = (
        TrigramWordSimilarity(terms.typed, "name")
        if fuzzy()
        else Value(0.5, output_field=FloatField())
    )
    return gangs.annotate(search_score=closeness).order_by(F("search_score").desc(), "name", "id")


def _gang_row(g: dict, typed: str) -> dict:
    return _row(
        "gang",
        g,
        g["reference"],
        g["name"],
        _plain(_display(Gang, "kind", g["kind"]), g["area"], g["division_name"]),
        reverse("gangs:detail", args=[g["id"]]),
    )


def _record_row(r: dict, typed: str) -> dict:
    grading = f"{r['source_evaluation']}{r['intelligence_assessment']}{r['handling_code']}"
    return _row(
        "intelligence",
        r,
        r["reference"],
        f"{r['reference']} · {grading} · {_date(r['information_date'])}",
        _text_snippet(r, typed),
        reverse("intel:detail", args=[r["id"]]),
    )


def _disruption_row(d: dict, typed: str) -> dict:
    return _row(
        "disruption",
        d,
        f"D-{d['id']:06d}",
        f"{_display(Disruption, 'tactic', d['tactic'])} on {_date(d['date'])}",
        _text_snippet(d, typed),
        reverse("disruptions:detail", args=[d["id"]]),
    )


def _operation_row(o: dict, typed: str) -> dict:
    return _row(
        "operation",
        o,
        "",
        o["name"],
        _plain(f"{_date(o['start_date'])} to {_date(o['end_date'])}"),
        reverse("disruptions:operation-detail", args=[o["id"]]),
    )


def _person_at_risk_row(p: dict, typed: str) -> dict:
    return _row(
        "person_at_risk",
        p,
        "",
        p["name"],
        _plain(
            _display(PersonAtRisk, "kind", p["kind"]),
            _display(PersonAtRisk, "age_band", p["age_band"]),
            p["setting"],
        ),
        reverse("countylines:person", args=[p["id"]]),
    )


KINDS: tuple[Kind, ...] = (
    Kind(
        "person",
        "People",
        "ocg.view_nominal",
        _people_terms,
        _find_people,
        _person_row,
        ("reference", "first_name", "last_name", "aliases", "date_of_birth", "custody_status"),
    ),
    Kind(
        "ocg",
        "OCGs",
        "ocg.view_ocg",
        ocg_terms,
        _find_ocgs,
        _ocg_row,
        ("reference", "name", "status", "division__name", *_LENT_COLUMNS),
    ),
    Kind(
        "county_line",
        "County lines",
        "countylines.view_countyline",
        line_terms,
        _find_lines,
        _line_row,
        ("reference", "name", "status", "exporting_area", *_LENT_COLUMNS),
    ),
    Kind(
        "gang",
        "Gangs and street groups",
        "gangs.view_gang",
        gang_terms,
        _find_gangs,
        _gang_row,
        ("reference", "name", "kind", "area", "division__name"),
    ),
    Kind(
        "intelligence",
        "Intelligence records",
        "intel.view_intelligencerecord",
        record_terms,
        lambda user, terms: rank_records(IntelligenceRecord.objects.visible_to(user), terms),
        _record_row,
        (
            "reference",
            "source_evaluation",
            "intelligence_assessment",
            "handling_code",
            "information_date",
            "snippet",
        ),
    ),
    Kind(
        "disruption",
        "Disruptions",
        "disruptions.view_disruption",
        disruption_terms,
        lambda user, terms: rank_disruptions(Disruption.objects.visible_to(user), terms),
        _disruption_row,
        ("tactic", "date", "snippet"),
    ),
    Kind(
        "operation",
        "Operations",
        "disruptions.view_operation",
        operation_terms,
        lambda user, terms: rank_operations(Operation.objects.visible_to(user), terms),
        _operation_row,
        ("name", "start_date", "end_date"),
    ),
    Kind(
        "person_at_risk",
        "People at risk",
        "countylines.view_personatrisk",
        person_at_risk_terms,
        lambda user, terms: rank_people_at_risk(PersonAtRisk.objects.visible_to(user), terms),
        _person_at_risk_row,
        ("name", "kind", "age_band", "setting"),
    ),
)
BY_TYPE = {kind.type: kind for kind in KINDS}
TYPES = tuple(BY_TYPE)


def kinds_for(user: Any) -> list[Kind]:
    """The kinds this user's role may look for."""
    return [kind for kind in KINDS if user.has_perm(kind.permission)]
