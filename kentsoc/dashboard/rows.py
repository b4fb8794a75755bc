"""The rows of the dashboard's matrices: one per ranked line or OCG, built from plain values.

At national scale the dashboard reads thousands of rows, so subjects, officers and scores are read
as values (one query each, see kentsoc/dashboard/rankings.py) and rows are small dataclasses.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse

from countylines.models import CountyLine
from kentsoc.dashboard import compiled
from kentsoc.org.choices import SCD_TEAM_KINDS
from kentsoc.org.models import Division, Officer
from kentsoc.trh.choices import FORCE_PARTITION, Confidence, RankedSubject
from kentsoc.trh.factors import TOP_N
from ocg.models import OCG

MOVEMENT_DAYS = 7  # "movement since last week"
QUIET_DAYS = 28  # a top-30 line with no disruption for this long needs attention


@dataclass(frozen=True)
class Movement:
    label: str
    css: str
    text: str


@lru_cache(maxsize=8192)  # thousands of rows share a few hundred (rank, previous) pairs
def movement(rank: int, previous: int | None) -> Movement:
    """Where a subject stands against its rank `MOVEMENT_DAYS` ago in the same partition."""
    if previous is None:
        return Movement("new", "tag--blue", f"not ranked here {MOVEMENT_DAYS} days ago")
    if previous > rank:
        places = previous - rank
        return Movement(f"↑{places}", "tag--green", f"up {places} from {previous}")
    if previous < rank:
        places = rank - previous
        return Movement(f"↓{places}", "tag--red", f"down {places} from {previous}")
    return Movement("=", "tag--grey", "no change")


@dataclass
class MatrixRow:
    rank: int
    subject_id: int
    reference: str
    name: str
    url: str | None
    total: int
    threat: int | None
    risk: int | None
    harm: int | None
    confidence: str | None
    movement: Movement
    officer: str
    top30: bool
    # Lines
    days_on_matrix: int | None = None
    last_disruption: datetime.date | None = None
    flexed: bool = False
    home_division: str = ""
    home_division_code: str = ""
    quiet: bool = False
    # OCGs
    tier: int | None = None
    managed_by: str = ""
    managing_team: str = ""
    division: str = ""


@dataclass
class Partition:
    code: str
    name: str
    top: list[MatrixRow] = field(default_factory=list)
    rest: list[MatrixRow] = field(default_factory=list)
    # Lines of this division flexed to another one: (that division's name, the row there).
    flexed_out: list[tuple[str, MatrixRow]] = field(default_factory=list)
    count: int = 0  # ranked here; the rows may be left unread (see matrix_rankings)


@dataclass
class Totals:
    active_lines: int | None
    total_trh: int | None
    mapped_ocgs: int | None
    ocgs_on_division: int | None
    ocgs_with_scd: int | None
    # The SCD figure by adopting unit: (unit, label, OCGs), adding up to ocgs_with_scd.
    scd_units: list[tuple[str, str, int]] = field(default_factory=list)


@dataclass
class Rankings:
    as_of: datetime.date
    is_current: bool
    token: str
    lines: list[Partition]
    ocgs: list[Partition]
    totals: Totals
    stale_lines: int = 0
    stale_ocgs: int = 0
    stale_since: datetime.datetime | None = None
    stale_behind: int = 0

    @property
    def stale(self) -> int:
        return self.stale_lines + self.stale_ocgs

    @property
    def quiet_lines(self) -> list[tuple[str, MatrixRow]]:
        return [(p.name, row) for p in self.lines for row in p.top if row.quiet]


@lru_cache(maxsize=4096)  # a few hundred officers name thousands of rows
def _officer_name(
    first_name: str | None, last_name: str | None, rank: str | None, officer_user_id: int | None
) -> str:
    """The name a row shows for a user read as plain values (see _person): the officer's
    display name, or the user's full name when they are not an officer; "" for no user."""
    if first_name is None:  # a required column: no user at all
        return ""
    user = get_user_model()(first_name=first_name, last_name=last_name)
    if officer_user_id is None:
        return user.get_full_name()
    return Officer(user=user, rank=rank).display_name


@lru_cache(maxsize=8)
def _url_pattern(name: str) -> str | None:
    # Reversed once, not once per row: a matrix can have thousands of rows.
    try:
        return reverse(name, kwargs={"pk": 987654321})
    except NoReverseMatch:
        return None


def detail_url(name: str, pk: int) -> str | None:
    pattern = _url_pattern(name)
    return pattern.replace("987654321", str(pk)) if pattern else None


# Each subject is loaded once with just what its row shows (an OCG ranks twice: force-wide and
# in its division), as plain values like the ranking rows: at national scale the dashboard reads
# thousands of rows, and model instances for every subject and its joined rows cost more than
# the queries.
_OFFICER_FIELDS = ("first_name", "last_name", "officer__rank", "officer__user_id")


def _person(prefix: str) -> list[str]:
    return [f"{prefix}__{f}" for f in _OFFICER_FIELDS]


@dataclass(frozen=True)
class _Line:
    pk: int
    reference: str | None
    name: str
    activated_on: datetime.date | None
    division_code: str
    division_name: str
    officer: str  # the LRO of the line's OCG, else who created the line
    last_disruption: datetime.date | None  # the latest approved one, kept on the line


@dataclass(frozen=True)
class _OCG:
    pk: int
    reference: str | None
    name: str
    division_name: str
    team_name: str | None
    team_kind: str | None
    officer: str  # the lead responsible officer


def lines_by_id(ids: set[int], reads: compiled.Reads) -> Callable[[], dict[int, _Line]]:
    """The lines' values, read with `reads` (the function gives them once it has run)."""
    if not ids:
        return dict
    wanted = sorted(ids)
    found = reads.add(
        ("lines_by_id", tuple(wanted)),
        lambda: (
            CountyLine.objects.filter(pk__in=wanted)
            .order_by()
            .values_list(
                "pk",
                "reference",
                "name",
                "activated_on",
                "division__code",
                "division__name",
                "last_approved_disruption_on",
                *_person("ocg__lead_responsible_officer"),
                *_person("created_by"),
            )
        ),
    )
    return lambda: _lines(found())


def _lines(rows: list[tuple]) -> dict[int, _Line]:
    lines = {}
    for row in rows:
        lro, creator = row[7:11], row[11:15]
        officer = lro if lro[0] is not None else creator
        pk, reference, name, activated_on, code, division, last = row[:7]
        lines[pk] = _Line(
            pk,
            reference,
            name,
            compiled.day(activated_on),
            code,
            division,
            officer=_officer_name(*officer),
            last_disruption=compiled.day(last),
        )
    return lines


def ocgs_by_id(ids: set[int], reads: compiled.Reads) -> Callable[[], dict[int, _OCG]]:
    """The OCGs' values, read with `reads` (the function gives them once it has run)."""
    if not ids:
        return dict
    wanted = sorted(ids)
    found = reads.add(
        ("ocgs_by_id", tuple(wanted)),
        lambda: (
            OCG.objects.filter(pk__in=wanted)
            .order_by()
            .values_list(
                "pk",
                "reference",
                "name",
                "division__name",
                "managing_team__name",
                "managing_team__kind",
                *_person("lead_responsible_officer"),
            )
        ),
    )
    return lambda: {row[0]: _OCG(*row[:6], officer=_officer_name(*row[6:])) for row in found()}


@dataclass(frozen=True)
class Entry:
    """One ranking (or rank history) row; the score's parts only for the current matrix."""

    partition: str
    rank: int
    total: int
    subject_id: int
    threat: int | None = None
    risk: int | None = None
    harm: int | None = None
    confidence: str | None = None
    tier: int | None = None


_SCORE_PARTS = ("score__threat", "score__risk", "score__harm", "score__confidence", "score__tier")


def entries(ranked: QuerySet, with_score: bool) -> tuple[list[Entry], list[Entry]]:
    """The ranked lines' and OCGs' entries, in partition and rank order, from one query."""
    fields = ["partition", "rank", "total", "county_line_id", "ocg_id"]
    if with_score:
        fields += _SCORE_PARTS
    labels = dict(Confidence.choices())
    lines: list[Entry] = []
    ocgs: list[Entry] = []
    for partition, rank, total, line_id, ocg_id, *score in ranked.order_by(
        "partition", "rank"
    ).values_list(*fields):
        if with_score:
            threat, risk, harm, confidence, tier = score
            parts = (threat, risk, harm, labels[confidence], tier)
        else:
            parts = ()
        entry = Entry(partition, rank, total, line_id or ocg_id, *parts)
        (lines if line_id else ocgs).append(entry)
    return lines, ocgs


def line_row(
    entry: Entry,
    line: _Line,
    as_of: datetime.date,
    previous: dict,
    last: datetime.date | None,
) -> MatrixRow:
    activated = line.activated_on if line.activated_on and line.activated_on <= as_of else None
    top30 = entry.rank <= TOP_N
    return MatrixRow(
        rank=entry.rank,
        subject_id=line.pk,
        reference=line.reference or "",
        name=line.name,
        url=detail_url("countylines:detail", line.pk),
        total=entry.total,
        threat=entry.threat,
        risk=entry.risk,
        harm=entry.harm,
        confidence=entry.confidence,
        movement=movement(
            entry.rank, previous.get((RankedSubject.COUNTY_LINE, entry.partition, line.pk))
        ),
        officer=line.officer,
        top30=top30,
        days_on_matrix=(as_of - activated).days if activated else None,
        last_disruption=last,
        flexed=entry.partition != line.division_code,
        home_division=line.division_name,
        home_division_code=line.division_code,
        quiet=top30 and (last is None or (as_of - last).days > QUIET_DAYS),
    )


def ocg_row(entry: Entry, ocg: _OCG, previous: dict) -> MatrixRow:
    if ocg.team_kind is None:
        managed_by = ""
    else:
        managed_by = "SCD" if ocg.team_kind in SCD_TEAM_KINDS else "Division"
    return MatrixRow(
        rank=entry.rank,
        subject_id=ocg.pk,
        reference=ocg.reference or "",
        name=ocg.name,
        url=detail_url("ocg:detail", ocg.pk),
        total=entry.total,
        threat=entry.threat,
        risk=entry.risk,
        harm=entry.harm,
        confidence=entry.confidence,
        movement=movement(entry.rank, previous.get((RankedSubject.OCG, entry.partition, ocg.pk))),
        officer=ocg.officer,
        top30=entry.rank <= TOP_N,
        tier=entry.tier,
        managed_by=managed_by,
        managing_team=ocg.team_name or "",
        division=ocg.division_name,
    )


def partitions(
    divisions: list[Division],
    rows: dict[str, list[MatrixRow]],
    force: bool,
    counts: Counter | None = None,
) -> list[Partition]:
    named = [(FORCE_PARTITION, "Force")] if force else []
    named += [(d.code, d.name) for d in divisions]
    out = []
    for code, name in named:
        ranked = sorted(rows.get(code, []), key=lambda r: r.rank)
        count = counts[code] if counts is not None else len(ranked)
        out.append(Partition(code, name, ranked[:TOP_N], ranked[TOP_N:], count=count))
    return out
