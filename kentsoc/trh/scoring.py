"""The TRH matrix as pure functions: plain data in, a score out.

Nothing here touches the database, the clock or settings: the worker, `recompute_all` and the
tests all feed the same functions, so a score is reproducible from its inputs. The tables live in
`kentsoc.trh.factors`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from kentsoc.trh.choices import UNSCORABLE_ASSESSMENTS, UNSCORABLE_SOURCES, Confidence
from kentsoc.trh.factors import (
    COUNTY_LINE_FACTORS,
    COUNTY_LINE_MATRIX_VERSION,
    HARM,
    OCG_FACTORS,
    OCG_MATRIX_VERSION,
    OCG_TIER_THRESHOLDS,
    RECENCY_DAYS_HIGH,
    RECENCY_DAYS_LOW,
    RISK,
    RUNNERS_MAX_POINTS,
    THREAT,
    Factor,
)

HIGH_CONFIDENCE_GRADES = frozenset({"1A", "1B", "2A"})
MEDIUM_CONFIDENCE_GRADES = frozenset({"1C", "2B", "2C"})


@dataclass(frozen=True, slots=True)
class Claim:
    """One record's statement about one factor of one subject.

    A record that evidences no factor still matters (recency, the newest date): it is passed as a
    claim with `factor=None`.
    """

    record_id: int
    factor: str | None
    level: int
    source_evaluation: str
    intelligence_assessment: str
    deleted: bool = False
    information_date: datetime.date | None = None

    @property
    def scorable(self) -> bool:
        return not (
            self.deleted
            or self.source_evaluation in UNSCORABLE_SOURCES
            or self.intelligence_assessment in UNSCORABLE_ASSESSMENTS
        )

    @property
    def grade(self) -> str:
        return f"{self.source_evaluation}{self.intelligence_assessment}"


@dataclass(frozen=True)
class CountyLineInputs:
    claims: tuple[Claim, ...]
    as_of: datetime.date
    runners: int = 0
    ocg_mapped: bool = False  # linked to an OCG that is mapped or adopted


@dataclass(frozen=True)
class OcgInputs:
    claims: tuple[Claim, ...]
    as_of: datetime.date
    criminality_types: int = 0


@dataclass(frozen=True)
class ScoreResult:
    matrix_version: str
    total: int
    threat: int
    risk: int
    harm: int
    breakdown: list[dict] = field(hash=False)
    confidence: str
    tier: int | None
    newest_intelligence_on: datetime.date | None


def _in_view(claims: Iterable[Claim], as_of: datetime.date) -> list[Claim]:
    """Claims that existed on `as_of`: a record dated later says nothing about that day."""
    return [c for c in claims if c.information_date is None or c.information_date <= as_of]


def _entry(
    factor: Factor, level: int, records: Iterable[int] = (), unscorable: Iterable[int] = ()
) -> dict:
    return {
        "factor": factor.code,
        "label": factor.label,
        "part": factor.part,
        "level": level,
        "level_label": factor.levels[level],
        "points": factor.points[level],
        "from_data": factor.from_data,
        "records": sorted(set(records)),
        "unscorable_records": sorted(set(unscorable)),
    }


def _claimed_entries(table: dict[str, Factor], claims: list[Claim]) -> tuple[list[dict], set[str]]:
    """Breakdown entries of the claimable factors, and the grades of the supporting records."""
    entries: list[dict] = []
    supporting_grades: set[str] = set()
    # One pass over the claims (not one per factor), each claim's scorability decided once.
    by_factor: dict[str | None, list[tuple[Claim, bool]]] = {}
    for claim in claims:
        by_factor.setdefault(claim.factor, []).append((claim, claim.scorable))
    for code, factor in table.items():
        if factor.from_data:
            continue
        flagged = by_factor.get(code, ())
        mine = [c for c, _ in flagged]
        scorable = [c for c, ok in flagged if ok]
        # A level above the table's maximum cannot be stored by the intel services; clamp so a
        # bad row can never produce points the table does not have.
        level = min(max((c.level for c in scorable), default=0), factor.max_level)
        setters = [c for c in scorable if level > 0 and min(c.level, factor.max_level) == level]
        supporting_grades.update(c.grade for c in setters)
        entries.append(
            _entry(
                factor,
                level,
                (c.record_id for c in setters),
                (c.record_id for c in mine if not c.scorable),
            )
        )
    return entries, supporting_grades


def confidence_for(grades: Iterable[str]) -> str:
    grades = set(grades)
    if grades & HIGH_CONFIDENCE_GRADES:
        return Confidence.HIGH.value
    if grades & MEDIUM_CONFIDENCE_GRADES:
        return Confidence.MEDIUM.value
    return Confidence.LOW.value


def recency_level(newest: datetime.date | None, as_of: datetime.date) -> int:
    if newest is None:
        return 0
    age = (as_of - newest).days
    if age <= RECENCY_DAYS_HIGH:
        return 2
    if age <= RECENCY_DAYS_LOW:
        return 1
    return 0


def tier_for(total: int) -> int:
    for threshold, tier in OCG_TIER_THRESHOLDS:
        if total >= threshold:
            return tier
    return 3


def _newest(claims: list[Claim]) -> tuple[datetime.date | None, list[int]]:
    dated = [c for c in claims if c.information_date and c.scorable]
    if not dated:
        return None, []
    newest = max(c.information_date for c in dated)
    return newest, [c.record_id for c in dated if c.information_date == newest]


def _result(
    version: str,
    entries: list[dict],
    grades: set[str],
    newest: datetime.date | None,
    with_tier: bool,
) -> ScoreResult:
    parts = {THREAT: 0, RISK: 0, HARM: 0}
    for entry in entries:
        parts[entry["part"]] += entry["points"]
    total = sum(parts.values())
    return ScoreResult(
        matrix_version=version,
        total=total,
        threat=parts[THREAT],
        risk=parts[RISK],
        harm=parts[HARM],
        breakdown=entries,
        confidence=confidence_for(grades),
        tier=tier_for(total) if with_tier else None,
        newest_intelligence_on=newest,
    )


def score_county_line(inputs: CountyLineInputs) -> ScoreResult:
    claims = _in_view(inputs.claims, inputs.as_of)
    entries, grades = _claimed_entries(COUNTY_LINE_FACTORS, claims)
    newest, newest_ids = _newest(claims)
    table = COUNTY_LINE_FACTORS
    runners = min(max(inputs.runners, 0), RUNNERS_MAX_POINTS)
    entries.append(_entry(table["runners"], runners))
    entries.append(_entry(table["ocg_link"], 1 if inputs.ocg_mapped else 0))
    recency = recency_level(newest, inputs.as_of)
    entries.append(_entry(table["recency"], recency, newest_ids if recency else ()))
    return _result(COUNTY_LINE_MATRIX_VERSION, entries, grades, newest, with_tier=False)


_OCG_ORDER = {code: n for n, code in enumerate(OCG_FACTORS)}


def score_ocg(inputs: OcgInputs) -> ScoreResult:
    claims = _in_view(inputs.claims, inputs.as_of)
    entries, grades = _claimed_entries(OCG_FACTORS, claims)
    newest, _ = _newest(claims)
    multiple = min(max(inputs.criminality_types - 1, 0), 3)
    entries.append(_entry(OCG_FACTORS["multiple_criminality"], multiple))
    # Keep the table's order (threat, risk, harm) so the breakdown reads like the matrix.
    entries.sort(key=lambda e: _OCG_ORDER[e["factor"]])
    return _result(OCG_MATRIX_VERSION, entries, grades, newest, with_tier=True)
