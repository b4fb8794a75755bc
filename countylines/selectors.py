"""Reads of county lines and safeguarding records, always scoped to what the user may see.

List selectors fetch everything a row shows (districts, deal lines with their duplicates, nominals,
current score and ranking, evidence) in a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, JSONField, Model, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import JSONObject
from django.db.models.query import ModelIterable
from django.http import Http404

from countylines import definition as line_definition
from countylines import scores
from countylines.choices import LineStatus
from countylines.compiled import rows_of_line, rows_of_lines
from countylines.models import (
    CountyLine,
    CountyLineDistrict,
    CountyLineStatusChange,
    DealLine,
    FlexPeriod,
    LineNominal,
    PersonAtRisk,
    SafeguardingReferral,
    child_lines_q,
    safeguarding_lines_q,
)
from countylines.phones import display_mobile
from kentsoc.audit.models import AuditEvent
from kentsoc.org.models import Division
from kentsoc.org.scoping import READ, access_for
from kentsoc.web.reader_queries import reader_query
from kentsoc.web.reader_rows import reader_instances
from kentsoc.web.values import grouped
from ocg.models import OCG, Nominal


class _DuplicateMarkedIterable(ModelIterable):
    """Deal lines of `_deal_lines_with_duplicates`: each row's `duplicate` spread into
    `duplicate_line_id`, `duplicate_line_reference` and `duplicate_line_name`."""

    def __iter__(self):
        for row in super().__iter__():
            other = row.duplicate or {}
            row.duplicate_line_id = other.get("id")
            row.duplicate_line_reference = other.get("reference")
            row.duplicate_line_name = other.get("name")
            yield row


def _deal_lines_with_duplicates() -> QuerySet[DealLine]:
    """Each deal line with the first *other* line that uses the same number, if any, as
    `duplicate` ({id, reference, name}; model rows also spread it into `duplicate_line_*`): one
    subquery, where a subquery per field searched the number's other lines three times."""
    others = (
        DealLine.objects.filter(number=OuterRef("number"))
        .exclude(county_line_id=OuterRef("county_line_id"))
        .order_by("county_line_id")
    )
    other = JSONObject(
        id="county_line_id", reference="county_line__reference", name="county_line__name"
    )
    marked = DealLine.objects.annotate(
        duplicate=Subquery(others.values(other=other)[:1], output_field=JSONField())
    )
    marked._iterable_class = _DuplicateMarkedIterable
    return marked


# Another line using the same number, when the reader may not see it (another force's, another
# division's, one outside an LRO's OCGs): the number is in use (an officer must know), never which
# line it is.
UNSEEN_LINE: dict[str, Any] = {"id": None, "reference": None, "name": None}


def lines_seen(user: Any, ids: Any) -> set[int]:
    """Of the lines `ids`, those the user may see; no query when there are none."""
    wanted = {pk for pk in ids if pk}
    if not wanted:
        return set()
    # The scope built once per officer and day (reader_query: it reads nothing but the
    # officer's access and the day).
    visible = reader_query("countylines.visible", user, lambda: CountyLine.objects.visible_to(user))
    return set(visible.filter(pk__in=wanted).values_list("pk", flat=True))


def seen_others(user: Any, others: list[dict[str, Any] | None]) -> list[dict[str, Any] | None]:
    """`others` (each deal line's other line using its number, or None) as the user may see
    them: a line they may not see is UNSEEN_LINE."""
    seen = lines_seen(user, (other["id"] for other in others if other))
    return [other if not other or other["id"] in seen else UNSEEN_LINE for other in others]


def _visible_line_nominals(user: Any) -> QuerySet[LineNominal]:
    """The people working lines that the user may see: a line's reader may not see everyone on
    it (an LRO reads their OCG's line, whose runners need not be members of their OCG; a force
    a line is lent to reads none of the owner's people). Built once per officer and day
    (reader_query: the nominals' scope reads nothing but the officer's access and the day)."""
    return reader_query(
        "countylines.visible_line_nominals",
        user,
        lambda: LineNominal.objects.filter(
            nominal__in=Nominal.objects.visible_to(user).values("pk")
        ),
    )


def _with_related(
    queryset: QuerySet[CountyLine], user: Any, *, page: bool = False
) -> QuerySet[CountyLine]:
    """`page`: for one line's page, which names its districts, OCG and nominals and explains its
    score factor by factor; the API's rows give their ids and figures, so a list builds none of
    those rows nor decodes any breakdown. The nominals are those the user may see."""
    districts = CountyLineDistrict.objects.order_by("position")
    nominals = _visible_line_nominals(user)
    related = ["division", "flexed_division"]
    if page:
        districts = districts.select_related("district")
        nominals = nominals.select_related("nominal")
        related.append("ocg")
    return scores.with_scores(
        queryset.select_related(*related).prefetch_related(
            Prefetch("line_districts", queryset=districts),
            Prefetch("deal_lines", queryset=_deal_lines_with_duplicates()),
            Prefetch("line_nominals", queryset=nominals),
            *line_definition.prefetch(),
        ),
        breakdown=page,
    )


def _listed(user: Any, lent: bool) -> QuerySet[CountyLine]:
    """The user's force's lines, and with `lent` those a live share lends it, marked
    (`lent_share_id`, `lent_by`, `lent_access`: kentsoc.org.scoping) so a row shows whose it is
    and only what the share lends."""
    if not lent:
        return CountyLine.objects.visible_to(user)
    return CountyLine.objects.visible_to(user, lent=READ).with_lent_marks(user)


def line_list(*, user: Any, lent: bool = False) -> QuerySet[CountyLine]:
    """Lines with everything the API shows of each: deal lines and who else uses them,
    nominals, evidence, score and rank (with `lent`, also the lines lent to the user's force)."""
    return _with_related(_listed(user, lent), user)


def line_api_rows(*, user: Any, lent: bool) -> QuerySet[CountyLine]:
    """A page of the API list: each line's own columns and divisions, the criteria its evidence
    meets and its score's total (annotated); its districts, deal lines, nominals, score and rank
    read for the whole page as values (`line_page_related`, `scores.scores_data`). Built once
    per officer and day (reader_query: its scope, lent marks and annotations read nothing but
    the officer's access and the day)."""

    def build() -> QuerySet[CountyLine]:
        listed = _listed(user, lent).select_related("division", "flexed_division")
        return scores.with_score_total(line_definition.annotate(listed))

    return reader_query(f"countylines.api_rows.{lent}", user, build)


def _api_districts(lines: Q) -> QuerySet[CountyLineDistrict]:
    return (
        CountyLineDistrict.objects.filter(lines)
        .order_by("county_line_id", "position")
        .values_list("county_line_id", "district_id", "is_primary")
    )


def _api_deal_lines(lines: Q) -> QuerySet[DealLine]:
    return (
        _deal_lines_with_duplicates()
        .filter(lines)
        .order_by("county_line_id", "number")
        .values_list("county_line_id", "number", "active_from", "active_to", "duplicate")
    )


def line_page_related(ids: list[int], *, user: Any) -> dict[str, dict[int, Any]]:
    """What the API writes of each line's districts, deal lines (and numbers other lines share)
    and nominals (those the user may see), as `line_list` prefetches them, from a query of
    values each (the districts' and deal lines' compiled once per process: countylines.compiled):
    keyed by the API field, then by line id."""
    districts = grouped(rows_of_lines(_api_districts, ids))
    deal_lines = grouped(rows_of_lines(_api_deal_lines, ids))
    nominals = grouped(
        _visible_line_nominals(user)
        .filter(county_line_id__in=ids)
        .values_list("county_line_id", "id", "nominal_id", "role")
    )
    found: dict[str, dict[int, Any]] = {
        "importing_districts": {},
        "primary_district": {},
        "deal_lines": {},
        "warnings": {},
        "nominals": {},
    }
    shown = iter(seen_others(user, [row[-1] for pk in ids for row in deal_lines.get(pk, [])]))
    for pk in ids:
        links = districts.get(pk, [])
        numbers = [(*row[:-1], next(shown)) for row in deal_lines.get(pk, [])]
        found["importing_districts"][pk] = [district for district, _ in links]
        found["primary_district"][pk] = next((d for d, primary in links if primary), None)
        found["deal_lines"][pk] = [
            {
                "number": number,
                "display": display_mobile(number),
                "active_from": active_from,
                "active_to": active_to,
            }
            for number, active_from, active_to, *_ in numbers
        ]
        found["warnings"][pk] = [
            shared_number_warning(number, other["id"], other["reference"], other["name"])
            for number, _, _, other in numbers
            if other
        ]
        found["nominals"][pk] = [
            {"id": link, "nominal": nominal, "role": role}
            for link, nominal, role in nominals.get(pk, [])
        ]
    return found


def line_rows(*, user: Any) -> QuerySet[CountyLine]:
    """Lines with what a row of the list page and its CSV show, and nothing more: districts,
    deal lines (as `deal_line_rows`), the current score and rank; lines lent to the user's force
    among them, marked. Built once per officer and day (reader_query: its scope, lent marks and
    prefetches read nothing but the officer's access and the day)."""
    return reader_query("countylines.rows", user, lambda: _line_rows(user))


def _line_rows(user: Any) -> QuerySet[CountyLine]:
    return scores.with_scores(
        _listed(user, lent=True)
        .select_related("division", "flexed_division", "ocg")
        .prefetch_related(
            Prefetch(
                "line_districts",
                queryset=CountyLineDistrict.objects.select_related("district").order_by("position"),
            ),
            Prefetch("deal_lines", to_attr="deal_line_rows"),
        )
    )


@dataclass(frozen=True)
class RowFigures:
    """What a row of the list page shows of a line besides its own columns: its deal lines'
    numbers as written for people, its current score's total and its rank (and whether top 30)."""

    deal_lines: list[str]
    score: Any
    rank: int | None
    top30: bool


def _row_numbers(lines: Q) -> QuerySet[DealLine]:
    return DealLine.objects.filter(lines).order_by("number").values_list("county_line_id", "number")


def line_row_figures(ids: list[int]) -> dict[int, RowFigures]:
    """For a page of `line_rows`, its deal lines, current scores and ranks read as values (a
    query each, as its prefetches; the deal lines' compiled once per process:
    countylines.compiled): those built a model row of every deal line, score and ranking and the
    line's districts, which only its CSV shows."""
    numbers = grouped(rows_of_lines(_row_numbers, ids))
    figures = scores.scores_data(ids)
    return {
        pk: RowFigures(
            # As DealLine.display_number writes a number.
            deal_lines=[f"{number[:5]} {number[5:]}" for (number,) in numbers.get(pk, [])],
            score=figures["score"][pk],
            rank=figures["rank"][pk],
            top30=figures["top30"][pk],
        )
        for pk in ids
    }


def line_get(*, user: Any, pk: Any) -> CountyLine:
    """One line the user may see, or 404."""
    return _with_related(CountyLine.objects.all(), user, page=True).get_visible_or_404(user, pk=pk)


@dataclass(frozen=True)
class PageDistrict:
    name: str
    primary: bool


@dataclass(frozen=True)
class PageDealLine:
    """A deal line as the line's page shows it, with the first other line using its number."""

    number: str
    active_from: Any
    active_to: Any
    duplicate_line_id: int | None
    duplicate_line_reference: str | None
    duplicate_line_name: str | None
    # Another line uses the number, one the reader may not see (UNSEEN_LINE).
    duplicate_hidden: bool = False

    @property
    def display_number(self) -> str:
        # As DealLine.display_number writes it.
        return f"{self.number[:5]} {self.number[5:]}"


def _page_districts(lines: Q) -> QuerySet[CountyLineDistrict]:
    return (
        CountyLineDistrict.objects.filter(lines)
        .order_by("position")
        .values_list("district__name", "is_primary")
    )


def _page_deal_lines(lines: Q) -> QuerySet[DealLine]:
    return (
        _deal_lines_with_duplicates()
        .filter(lines)
        .order_by("number")
        .values_list("number", "active_from", "active_to", "duplicate")
    )


# The related rows a line's page names, read with the line as columns: (the foreign key, its
# model, the columns read, in the model's order), the rest of each deferred. Annotations reach
# the row without the ORM's converters, so only columns that need none (no booleans or dates,
# which SQLite stores as numbers and text).
_DIVISION = ("id", "force_id", "code", "name")
_PAGE_RELATED: tuple[tuple[str, type[Model], tuple[str, ...]], ...] = (
    ("division", Division, _DIVISION),
    ("flexed_division", Division, _DIVISION),
    ("ocg", OCG, ("id", "reference", "name")),
)


def _page_line_query(user: Any, pk: Any) -> QuerySet[CountyLine]:
    queryset = line_definition.annotate(
        CountyLine.objects.visible_to(user)
        .filter(pk=pk)
        .annotate(
            **{
                f"page_{fk}_{column}": F(f"{fk}__{column}")
                for fk, _, columns in _PAGE_RELATED
                for column in columns
            }
        )
    )
    return scores.with_score_total(queryset)


def _page_line(user: Any, pk: Any) -> CountyLine:
    """The line `pk` as `line_page_get` reads it, or 404 (as get_visible_or_404: a line the
    user may not see is not found). Its statement is compiled once per officer and day, the
    line's id bound (reader_instances: its scope, evidence annotation and score total read
    nothing but the officer's access and the day), and its division, flex division and OCG are
    read with it as columns, as select_related would: compiling the scoped query on every
    request was most of the line's read."""
    try:
        found = reader_instances(
            "countylines.page_line",
            user,
            CountyLine,
            lambda mark: _page_line_query(user, mark),
            pk,
        )
    except (ValueError, TypeError):
        found = []
    if not found:
        raise Http404(f"No {CountyLine._meta.verbose_name} matches the given query.")
    line = found[0]
    for fk, model, columns in _PAGE_RELATED:
        values = [getattr(line, f"page_{fk}_{column}") for column in columns]
        related = model.from_db(None, columns, values) if values[0] is not None else None
        CountyLine._meta.get_field(fk).set_cached_value(line, related)
    scores.with_page_scores(line)
    return line


def line_page_get(*, user: Any, pk: Any) -> CountyLine:
    """One line the user may see, or 404, with what its page shows, as `line_get` reads it, in
    fewer queries and a fraction of the Python: the criteria its evidence names annotated (no
    query of its own), its current score and ranking, the nominals the user may see
    (`page_nominals`), and its districts (`page_districts`) and deal lines (`page_deal_lines`)
    read by statements compiled once per process (countylines.compiled): those read nothing
    but the line's id once the line itself was read through `visible_to`. The line's scoped
    query is built once per officer and day (reader_query: its scope, evidence annotations and
    score prefetches read nothing but the officer's access and the day), not on every request."""
    line = _page_line(user, pk)
    line.page_districts = [
        PageDistrict(name, primary) for name, primary in rows_of_line(_page_districts, line.pk)
    ]
    deal_lines = rows_of_line(_page_deal_lines, line.pk)
    others = seen_others(user, [other for *_, other in deal_lines])
    line.page_deal_lines = [
        PageDealLine(
            number,
            active_from,
            active_to,
            *((other["id"], other["reference"], other["name"]) if other else (None, None, None)),
            duplicate_hidden=other is UNSEEN_LINE,
        )
        for (number, active_from, active_to, _), other in zip(deal_lines, others, strict=True)
    ]
    line.page_nominals = _page_nominals(user, line.pk)
    return line


# The columns of a person that a line's page names (Nominal.__str__), read with each link.
_PAGE_NOMINAL = {
    "reference": "nominal__reference",
    "first_name": "nominal__first_name",
    "last_name": "nominal__last_name",
}


def _page_nominals(user: Any, line_id: int) -> list[LineNominal]:
    """The line's links to the people the user may see, each with its person's id, names and
    reference (the rest of the person deferred), as the page reads them: the statement compiled
    once per officer and day, the line's id bound (reader_instances)."""
    links = reader_instances(
        "countylines.page_nominals",
        user,
        LineNominal,
        lambda mark: (
            _visible_line_nominals(user)
            .filter(county_line_id=mark)
            .annotate(**{f"nominal_{name}": F(column) for name, column in _PAGE_NOMINAL.items()})
        ),
        line_id,
    )
    columns = [
        "id",
        *(f.attname for f in Nominal._meta.concrete_fields if f.attname in _PAGE_NOMINAL),
    ]
    for link in links:
        values = {
            "id": link.nominal_id,
            **{name: getattr(link, f"nominal_{name}") for name in _PAGE_NOMINAL},
        }
        link.nominal = Nominal.from_db(None, columns, [values[name] for name in columns])
    return links


def line_score_get(*, user: Any, pk: Any) -> CountyLine:
    """One line the user may see, or 404, with what its score panel shows: its divisions, its
    current score (factor by factor) and ranking, and its evidence (a nominated line's panel
    names the criteria it lacks); none of the districts, deal lines and nominals `line_get`
    also reads for the summary. The panel is polled every 2 s while the worker rescores."""
    queryset = CountyLine.objects.select_related("division", "flexed_division").prefetch_related(
        *line_definition.prefetch()
    )
    return scores.with_scores(queryset, breakdown=True).get_visible_or_404(user, pk=pk)


def line_header(*, user: Any, pk: Any) -> CountyLine:
    """One line the user may see, or 404, with only what its tabs' heading shows (reference, name,
    status, flexed division): for its pages that show none of the rest `line_get` reads."""
    return CountyLine.objects.select_related("flexed_division").get_visible_or_404(user, pk=pk)


# --- values derived from the prefetched rows (no queries) ---------------------------------------


def listed_missing_criteria(line: CountyLine) -> list[str]:
    """Codes of the definition's criteria with no evidence, in the order DOMAIN.md lists them."""
    return [gap.code for gap in line_definition.gaps(line)]


def missing_criteria_labels(line: CountyLine) -> list[str]:
    return [gap.label for gap in line_definition.gaps(line)]


def primary_district(line: CountyLine):
    for link in line.line_districts.all():
        if link.is_primary:
            return link.district
    return None


def deal_line_warnings(line: CountyLine, *, user: Any) -> list[dict[str, Any]]:
    """Numbers this line shares with another line: allowed, but the officer must know (which
    line only if they may see it)."""
    duplicates = [dl for dl in line.deal_lines.all() if getattr(dl, "duplicate_line_id", None)]
    seen = lines_seen(user, (dl.duplicate_line_id for dl in duplicates))
    return [
        shared_number_warning(
            dl.number, dl.duplicate_line_id, dl.duplicate_line_reference, dl.duplicate_line_name
        )
        if dl.duplicate_line_id in seen
        else shared_number_warning(dl.number, None, None, None)
        for dl in duplicates
    ]


def shared_number_warning(
    number: str, line_id: int | None, reference: str | None, name: str | None
) -> dict[str, Any]:
    """The warning for a number another line uses; with no line (one the reader may not see),
    that it is in use and nothing of where."""
    where = f"{reference} {name}" if line_id else "a line you cannot see"
    return {
        "number": number,
        "county_line": line_id,
        "reference": reference,
        "message": f"{display_mobile(number)} is also a deal line of {where}.",
    }


def days_to_dismantle(line: CountyLine) -> int | None:
    if line.status != LineStatus.DISMANTLED or line.closed_on is None:
        return None
    return (line.closed_on - line.nominated_on).days


def numbers_on_other_lines(
    numbers: list[str], *, user: Any, exclude_line_id: int | None = None
) -> dict[str, tuple[int | None, str | None, str | None]]:
    """{number: (line id, reference, name)} for numbers already used by some line, the first
    the user may see; (None, None, None) when they may see none of them (the number is in use,
    never where)."""
    rows = DealLine.objects.filter(number__in=numbers)
    if exclude_line_id:
        rows = rows.exclude(county_line_id=exclude_line_id)
    using: dict[str, list[int]] = {}
    for number, line_id in rows.order_by("county_line_id").values_list("number", "county_line_id"):
        using.setdefault(number, []).append(line_id)
    if not using:
        return {}
    named = {
        pk: (pk, reference, name)
        for pk, reference, name in CountyLine.objects.visible_to(user)
        .filter(pk__in={pk for ids in using.values() for pk in ids})
        .values_list("pk", "reference", "name")
    }
    return {
        number: next((named[pk] for pk in ids if pk in named), (None, None, None))
        for number, ids in using.items()
    }


# Every view of a line is audited, so a long-running line's trail grows by thousands of events:
# the history page shows it newest first a page at a time, with links to older and newer events.
AUDIT_EVENTS_PER_PAGE = 50


@dataclass
class LineHistory:
    status_changes: list[CountyLineStatusChange]
    flexes: list[FlexPeriod]
    audit_events: list[AuditEvent] | None  # None: the user may not read the audit trail
    events_page: int = 1
    older_events: bool = False  # a next page of older events exists


def line_history(*, user: Any, line: CountyLine, events_page: int = 1) -> LineHistory:
    """`events_page`: which page of the line's audit events, newest first (1: the newest). One
    row more than a page is read to know whether older events exist, without counting them."""
    events = None
    older = False
    if user.has_perm("audit.view_auditevent"):
        start = (events_page - 1) * AUDIT_EVENTS_PER_PAGE
        events = list(
            AuditEvent.objects.visible_to(user).filter(
                object_type="countylines.countyline", object_id=str(line.pk)
            )[start : start + AUDIT_EVENTS_PER_PAGE + 1]
        )
        older = len(events) > AUDIT_EVENTS_PER_PAGE
        events = events[:AUDIT_EVENTS_PER_PAGE]
    return LineHistory(
        status_changes=list(line.status_changes.select_related("changed_by")),
        flexes=list(line.flex_periods.select_related("division", "started_by")),
        audit_events=events,
        events_page=events_page,
        older_events=older,
    )


# --- safeguarding -------------------------------------------------------------------------------


def people_at_risk_list(*, user: Any, line: CountyLine | None = None) -> QuerySet[PersonAtRisk]:
    queryset = PersonAtRisk.objects.visible_to(user).select_related(
        "county_line", "division", "created_by"
    )
    if line is not None:
        queryset = queryset.filter(county_line=line)
    return queryset.prefetch_related(
        Prefetch("referrals", queryset=SafeguardingReferral.objects.order_by("-referred_on"))
    )


def person_at_risk_get(*, user: Any, pk: Any) -> PersonAtRisk:
    return (
        PersonAtRisk.objects.select_related("county_line", "division", "created_by")
        .prefetch_related("referrals__created_by")
        .get_visible_or_404(user, pk=pk)
    )


def referral_list(*, user: Any) -> QuerySet[SafeguardingReferral]:
    return SafeguardingReferral.objects.visible_to(user).select_related("person", "created_by")


def referral_get(*, user: Any, pk: Any) -> SafeguardingReferral:
    return SafeguardingReferral.objects.select_related("person").get_visible_or_404(user, pk=pk)


def can_see_safeguarding(*, user: Any, line: CountyLine) -> bool:
    """Whether the user may see this line's people at risk (decides if the tab is shown)."""
    access = access_for(user)
    if access is None or not user.has_perm("countylines.view_personatrisk"):
        return False
    # Adults' rule or children's: the tab opens if either kind of record on the line may be seen.
    rules = [q for q in (safeguarding_lines_q(access), child_lines_q(access)) if q is not None]
    if not rules:
        return False
    if any(not q for q in rules):
        return True
    lines = rules[0]
    for q in rules[1:]:
        lines |= q
    return CountyLine.objects.filter(lines, pk=line.pk).exists()
