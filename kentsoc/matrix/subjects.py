"""The matrix as the subjects' pages show it: current scores and ranks on OCG and county-line
lists, filters, score panels and API rows.

ocg and countylines sit below the matrix and may not import it: they declare hooks
(ocg/scores.py, countylines/scores.py) and call them; this module implements them and
`MatrixConfig.ready()` provides them. Everything is read from what `with_scores` prefetched, so a
list costs the same few queries whatever its length.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from countylines import scores as line_scores
from countylines import selectors as line_selectors
from countylines.choices import LineStatus
from countylines.compiled import instances_of_line, rows_of_lines
from countylines.models import CountyLine
from countylines.services.base import OPEN_STATUSES
from kentsoc.intel.models import IntelligenceRecord
from kentsoc.intel.selectors import can_open_records
from kentsoc.matrix.models import Ranking, Score
from kentsoc.trh.choices import FORCE_PARTITION
from kentsoc.web.cells import record_url
from kentsoc.web.reader_rows import reader_id_rows, subject_objects
from ocg import scores as ocg_scores
from ocg import selectors as ocg_selectors
from ocg.choices import SCORED_OCG_STATUSES, OcgStatus
from ocg.models import OCG

# --- OCGs ---------------------------------------------------------------------------------------


@cache
def _current_ocg_score(field_name: str) -> Subquery:
    # Built once per process: annotate() resolves a copy, never the kept expression.
    return Subquery(
        Score.objects.filter(ocg=OuterRef("pk"), is_current=True).values(field_name)[:1]
    )


@cache
def _current_scores_query(breakdown: bool) -> QuerySet[Score]:
    current = Score.objects.filter(is_current=True)
    # A list shows a score's figures, not its factors: decoding each row's breakdown (JSON naming
    # every record behind every factor) cost a list more than the rest of its rows.
    return current if breakdown else current.defer("breakdown")


def _current_scores(*, breakdown: bool) -> Prefetch:
    # The prefetches' querysets name no user, no id and no day, so each is built once per process
    # and every page prefetches through a clone: building them was most of what they cost.
    return Prefetch(
        "scores", queryset=_current_scores_query(breakdown).all(), to_attr="current_scores"
    )


@cache
def _ocg_rankings_query() -> QuerySet[Ranking]:
    return Ranking.objects.select_related("division")


def ocg_with_scores(queryset: QuerySet[OCG], *, breakdown: bool = False) -> QuerySet[OCG]:
    return queryset.annotate(
        score_total=_current_ocg_score("total"), score_tier=_current_ocg_score("tier")
    ).prefetch_related(
        _current_scores(breakdown=breakdown),
        Prefetch("rankings", queryset=_ocg_rankings_query().all(), to_attr="ranking_rows"),
    )


def _ocg_current_score_rows(ocg_id: int) -> QuerySet[Score]:
    return _current_scores_query(True).filter(ocg_id=ocg_id)


def _ocg_ranking_rows(ocg_id: int) -> QuerySet[Ranking]:
    return _ocg_rankings_query().filter(ocg_id=ocg_id)


def ocg_with_page_scores(ocg: OCG) -> None:
    """`current_scores` and `ranking_rows` of one OCG, as `ocg_with_scores(breakdown=True)`
    prefetches them, each compiled once per process (reader_rows.subject_objects): they read
    nothing but the OCG's id."""
    ocg.current_scores = subject_objects("matrix.ocg_scores", _ocg_current_score_rows, ocg.pk)
    ocg.ranking_rows = subject_objects("matrix.ocg_rankings", _ocg_ranking_rows, ocg.pk)


def ocg_with_score_total(queryset: QuerySet[OCG]) -> QuerySet[OCG]:
    return queryset.annotate(score_total=_current_ocg_score("total"))


def ocg_with_score_columns(queryset: QuerySet[OCG]) -> QuerySet[OCG]:
    return queryset.annotate(
        score_total=_current_ocg_score("total"), score_tier=_current_ocg_score("tier")
    )


@dataclass
class ScoreView:
    """The score panel of an OCG: what the matrix says now, and whether it is catching up."""

    on_matrix: bool
    stale: bool
    score: Score | None
    force_rank: int | None = None
    division_rank: int | None = None
    division_name: str = ""
    not_scored_reason: str = ""
    factors: list[dict] = field(default_factory=list)

    @property
    def polling(self) -> bool:
        # Keep asking while the worker has something to do for this OCG.
        return self.on_matrix and (self.stale or self.score is None)


def ocg_score_view(*, user: Any, ocg: OCG, explain: bool = False) -> ScoreView:
    """From an OCG loaded `with_scores`. With `explain`, each factor's records are resolved (one
    query) to references and gradings the user may see."""
    score = ocg.current_scores[0] if ocg.current_scores else None
    view = ScoreView(
        on_matrix=ocg.status in SCORED_OCG_STATUSES,
        stale=ocg.score_stale_since is not None,
        score=score,
    )
    for ranking in ocg.ranking_rows:
        if ranking.partition == FORCE_PARTITION:
            view.force_rank = ranking.rank
        else:
            view.division_rank = ranking.rank
            view.division_name = ranking.division.name if ranking.division else ranking.partition
    if not view.on_matrix:
        view.not_scored_reason = _ocg_not_scored_reason(ocg)
    if explain and score is not None:
        view.factors = explain_factors(user=user, breakdown=score.breakdown)
    return view


def _ocg_not_scored_reason(ocg: OCG) -> str:
    """Why an OCG off the matrix has no score."""
    labels = ocg_selectors.missing_criteria_labels(ocg)
    if ocg.status in (OcgStatus.NOMINATED, OcgStatus.IN_DEVELOPMENT) and labels:
        return "Not scored: definition evidence missing for " + ", ".join(labels)
    if ocg.status in (OcgStatus.NOMINATED, OcgStatus.IN_DEVELOPMENT):
        return "Not scored: waiting to be mapped by a supervisor."
    return f"Not scored: the OCG is {ocg.get_status_display().lower()} and off the matrix."


def explain_factors(*, user: Any, breakdown: list[dict]) -> list[dict]:
    """Each breakdown entry with its records as (id, reference, grading, scorable, visible)."""
    visible = _visible_records(user, _record_ids(breakdown))
    can_open = can_open_records(user)
    rows = []
    for entry in breakdown:
        records = []
        for pk, scorable in [
            *((pk, True) for pk in entry.get("records", [])),
            *((pk, False) for pk in entry.get("unscorable_records", [])),
        ]:
            record = visible.get(pk)
            records.append(
                {
                    "id": pk,
                    "reference": record[0] if record else f"record {pk}",
                    "grading": record[1] if record else "",
                    "url": record_url("intel:detail", pk) if record and can_open else "",
                    "scorable": scorable,
                    "visible": record is not None,
                }
            )
        rows.append({**entry, "record_links": records})
    return rows


# What the API's `score` of an OCG gives of its current score.
_SCORE_VALUES = ("total", "threat", "risk", "harm", "confidence", "tier", "matrix_version")


def ocg_score_data(ocg: OCG) -> dict[str, Any]:
    """The current score as plain data, for the API (of an OCG loaded `with_scores`)."""
    score = ocg.current_scores[0] if ocg.current_scores else None
    values = None
    if score is not None:
        values = {name: getattr(score, name) for name in _SCORE_VALUES}
        values["computed_at"] = score.computed_at
    return _ocg_score_data(ocg, values, [(r.partition, r.rank) for r in ocg.ranking_rows])


def ocg_scores_data(ocgs: list[OCG]) -> dict[int, dict[str, Any]]:
    """`ocg_score_data` of each OCG of a page loaded without `with_scores`' prefetches: the
    current scores and the ranks read as values, a query each, not as model rows."""
    ids = [ocg.pk for ocg in ocgs]
    current: dict[int, dict[str, Any]] = {}
    # ocg__pk__in: the SQL of ocg_id__in, each id prepared in half the Python calls.
    for row in Score.objects.filter(ocg__pk__in=ids, is_current=True).values(
        "ocg_id", "computed_at", *_SCORE_VALUES
    ):
        current.setdefault(row["ocg_id"], row)  # the newest first, as `current_scores[0]`
    ranks: dict[int, list[tuple[str, int]]] = {}
    for ocg_id, partition, rank in Ranking.objects.filter(ocg__pk__in=ids).values_list(
        "ocg_id", "partition", "rank"
    ):
        ranks.setdefault(ocg_id, []).append((partition, rank))
    return {
        ocg.pk: _ocg_score_data(ocg, current.get(ocg.pk), ranks.get(ocg.pk, [])) for ocg in ocgs
    }


def _ocg_score_data(
    ocg: OCG, score: dict[str, Any] | None, ranks: list[tuple[str, int]]
) -> dict[str, Any]:
    """`score`: the current score's _SCORE_VALUES and computed_at; `ranks`: (partition, rank)
    of its rankings in their order (the last of each kind counts, as on the score panel)."""
    on_matrix = ocg.status in SCORED_OCG_STATUSES
    stale = ocg.score_stale_since is not None
    reason = "" if on_matrix else _ocg_not_scored_reason(ocg)
    if score is None:
        return {"score": None, "stale": stale, "on_matrix": on_matrix, "not_scored_reason": reason}
    force_rank = division_rank = None
    for partition, rank in ranks:
        if partition == FORCE_PARTITION:
            force_rank = rank
        else:
            division_rank = rank
    return {
        "score": score["total"],
        "threat": score["threat"],
        "risk": score["risk"],
        "harm": score["harm"],
        "confidence": score["confidence"],
        "tier": score["tier"],
        "matrix_version": score["matrix_version"],
        "scored_at": score["computed_at"],
        "rank": {"force": force_rank, "division": division_rank},
        "stale": stale,
        "on_matrix": on_matrix,
        "not_scored_reason": reason,
    }


# --- county lines -------------------------------------------------------------------------------


def _effective_rankings() -> QuerySet[Ranking]:
    """Only the ranking in the division where the line is worked now (its flex division while
    flexed); a flexed line can still hold a row in its home division's partition."""
    line = "county_line__"
    return Ranking.objects.filter(
        Q(division_id=Coalesce(F(f"{line}flexed_division_id"), F(f"{line}division_id")))
        | Q(
            division__isnull=True,
            partition=Coalesce(F(f"{line}flexed_division__code"), F(f"{line}division__code")),
        )
    ).select_related("division")


@cache
def _current_line_total() -> Subquery:
    # Built once per process: annotate() resolves a copy, never the kept expression.
    current_total = Score.objects.filter(county_line=OuterRef("pk"), is_current=True).values(
        "total"
    )[:1]
    return Subquery(current_total)


def line_with_score_total(queryset: QuerySet[CountyLine]) -> QuerySet[CountyLine]:
    return queryset.annotate(score_total=_current_line_total())


@cache
def _effective_rankings_query() -> QuerySet[Ranking]:
    return _effective_rankings()


def line_with_scores(
    queryset: QuerySet[CountyLine], *, breakdown: bool = False
) -> QuerySet[CountyLine]:
    return line_with_score_total(queryset).prefetch_related(
        _current_scores(breakdown=breakdown),
        Prefetch("rankings", queryset=_effective_rankings_query().all(), to_attr="ranking_rows"),
    )


def _line_current_score_rows(lines: Q) -> QuerySet[Score]:
    return _current_scores_query(True).filter(lines)


def _line_effective_ranking_rows(lines: Q) -> QuerySet[Ranking]:
    # The panel names the rank and top 30 of the line's division, never the ranking's own.
    return _effective_rankings().select_related(None).filter(lines)


def line_with_page_scores(line: CountyLine) -> None:
    """`current_scores` and `ranking_rows` of one line, as `line_with_scores(breakdown=True)`
    prefetches them but for the ranking's division, each compiled once per process
    (countylines.compiled): they read nothing but the line's id."""
    line.current_scores = instances_of_line(Score, _line_current_score_rows, line.pk)
    line.ranking_rows = instances_of_line(Ranking, _line_effective_ranking_rows, line.pk)


# What the API writes of a line's current score, by its field names there.
_LINE_SCORE_FIELDS = {
    "score": "total",
    "threat": "threat",
    "risk": "risk",
    "harm": "harm",
    "confidence": "confidence",
    "matrix_version": "matrix_version",
}


def _current_line_scores(lines: Q) -> QuerySet[Score]:
    return Score.objects.filter(lines, is_current=True).values_list(
        "county_line_id", *_LINE_SCORE_FIELDS.values()
    )


def _effective_line_ranks(lines: Q) -> QuerySet[Ranking]:
    return _effective_rankings().filter(lines).values_list("county_line_id", "rank", "top30")


def line_scores_data(ids: list[int]) -> dict[str, dict[int, Any]]:
    """The API's score fields (score, threat, risk, harm, confidence, matrix_version, rank,
    top30) of a page of lines, keyed by field then line id: the current scores and effective
    rankings read as values, a query each, in the order `line_with_scores` prefetches them. Both
    read nothing but the lines' ids, so each is compiled once per process (countylines.compiled):
    building and compiling them for fifty ids was most of what they cost."""
    current: dict[int, tuple[Any, ...]] = {}
    for line_id, *values in rows_of_lines(_current_line_scores, ids):
        current.setdefault(line_id, tuple(values))
    ranked: dict[int, tuple[int, bool]] = {}
    for line_id, rank, top30 in rows_of_lines(_effective_line_ranks, ids):
        ranked.setdefault(line_id, (rank, top30))
    data: dict[str, dict[int, Any]] = {name: {} for name in [*_LINE_SCORE_FIELDS, "rank", "top30"]}
    for pk in ids:
        score = current.get(pk)
        for position, name in enumerate(_LINE_SCORE_FIELDS):
            data[name][pk] = score[position] if score else None
        rank, top30 = ranked.get(pk, (None, False))
        data["rank"][pk] = rank
        data["top30"][pk] = bool(top30)
    return data


def line_current_score(line: CountyLine) -> Score | None:
    rows = getattr(line, "current_scores", None)
    return rows[0] if rows else None


def line_current_ranking(line: CountyLine) -> Ranking | None:
    rows = getattr(line, "ranking_rows", None)
    return rows[0] if rows else None


def line_in_top30() -> Exists:
    return Exists(Ranking.objects.filter(county_line=OuterRef("pk"), top30=True))


def _record_ids(breakdown: list[dict[str, Any]]) -> set[int]:
    return {
        pk
        for row in breakdown
        for pk in [*row.get("records", []), *row.get("unscorable_records", [])]
    }


def _visible_records(user: Any, ids: set[int]) -> dict[int, tuple[str, str]]:
    """(reference, grading) of those of the records the user may see: a link names the record's
    reference and grading, none of its text or other columns. Read as values, the statement
    compiled once per officer and day with the ids bound (reader_id_rows: the scope reads
    nothing but the officer's access and the day): building it and a dozen model rows, then
    compiling it on every request, cost more than the query."""
    rows = reader_id_rows(
        "matrix.score_records", user, lambda wanted: _record_labels(user, wanted), ids
    )
    return {
        pk: (reference, f"{source}{assessment}{handling}")
        for pk, reference, source, assessment, handling in rows
    }


def _record_labels(user: Any, ids: Any) -> QuerySet[IntelligenceRecord]:
    return (
        IntelligenceRecord.objects.visible_to(user)
        .filter(pk__in=ids)
        .order_by()
        .values_list(
            "id", "reference", "source_evaluation", "intelligence_assessment", "handling_code"
        )
    )


def _record_links(
    ids: list[int], found: dict[int, tuple[str, str]], scorable: bool, can_open: bool
) -> list:
    links = []
    for pk in ids:
        record = found.get(pk)
        links.append(
            {
                "id": pk,
                "label": f"{record[0]} ({record[1]})" if record else f"record {pk}",
                "url": record_url("intel:detail", pk) if record and can_open else "",
                "scorable": scorable,
            }
        )
    return links


def _line_not_scored_reason(line: CountyLine) -> str:
    if line.status == LineStatus.NOMINATED:
        missing = line_selectors.missing_criteria_labels(line)
        if missing:
            return f"Not scored: definition evidence missing for {', '.join(missing)}."
        return "Not scored yet: awaiting a supervisor's approval to go on the matrix."
    if line.status in (LineStatus.DISMANTLED, LineStatus.REJECTED):
        return f"Not scored: the line is {line.get_status_display().lower()}."
    return "Not scored yet: the score is being calculated."


def line_score_context(user: Any, line: CountyLine) -> dict[str, Any]:
    score = line_current_score(line) if line.status == LineStatus.ACTIVE else None
    ranking = line_current_ranking(line) if score else None
    stale = line.score_stale_since is not None
    rows = []
    if score:
        found = _visible_records(user, _record_ids(score.breakdown))
        can_open = can_open_records(user)
        for item in score.breakdown:
            rows.append(
                {
                    **item,
                    "links": _record_links(item.get("records", []), found, True, can_open)
                    + _record_links(item.get("unscorable_records", []), found, False, can_open),
                }
            )
    division = line.flexed_division if line.flexed_division_id else line.division
    return {
        "line": line,
        "score": score,
        "ranking": ranking,
        "score_rows": rows,
        "score_stale": stale,
        # Poll only while the worker has something to do for this line.
        "score_poll": stale and line.status in OPEN_STATUSES | {LineStatus.DISMANTLED},
        "rank_division": division,
        "not_scored_reason": "" if score else _line_not_scored_reason(line),
    }


def provide_hooks() -> None:
    """Called from MatrixConfig.ready()."""
    ocg_scores.with_scores.provide(ocg_with_scores)
    ocg_scores.with_page_scores.provide(ocg_with_page_scores)
    ocg_scores.with_score_total.provide(ocg_with_score_total)
    ocg_scores.with_score_columns.provide(ocg_with_score_columns)
    ocg_scores.score_view.provide(ocg_score_view)
    ocg_scores.score_data.provide(ocg_score_data)
    ocg_scores.scores_data.provide(ocg_scores_data)
    line_scores.with_scores.provide(line_with_scores)
    line_scores.with_score_total.provide(line_with_score_total)
    line_scores.with_page_scores.provide(line_with_page_scores)
    line_scores.scores_data.provide(line_scores_data)
    line_scores.current_score.provide(line_current_score)
    line_scores.current_ranking.provide(line_current_ranking)
    line_scores.in_top30.provide(line_in_top30)
    line_scores.score_context.provide(line_score_context)
