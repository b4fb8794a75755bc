"""Dashboard test data: lines, OCGs and disruptions straight into the database, then the real
engine (`recompute_all`) scores and ranks them, so the dashboard reads what the worker writes."""

from __future__ import annotations

import datetime
import itertools

from countylines.choices import LineStatus
from disruptions.choices import ImpactGrade, Tactic
from disruptions.models import Disruption
from ocg.choices import OcgStatus
from tests.factories import (
    UserFactory,
    days_ago,
    make_disruption,
    make_line,
    make_ocg,
    make_record,
)

_seq = itertools.count(1)


def scored_line(division, points: int = 1, **fields):
    """An active line whose score is `points` (1 to 3 from drug class; recency adds nothing
    because the record is old)."""
    line = make_line(
        division,
        activated_on=fields.pop("activated_on", days_ago(40)),
        **fields,
        status=LineStatus.ACTIVE,
        nominated_on=days_ago(365),
    )
    make_record(lines=[line], claims={"drug_class": points}, on=days_ago(200), grading="2B")
    return line


def scored_ocg(division, **fields):
    ocg = make_ocg(division, **fields, status=OcgStatus.MAPPED, nominated_on=days_ago(365))
    make_record(ocgs=[ocg], claims={"violence": 1}, on=days_ago(200), grading="2B")
    return ocg


def approved_disruption(
    force,
    on: datetime.date,
    *,
    grade: str = ImpactGrade.MODERATE,
    ocgs=(),
    lines=(),
    author=None,
    approver=None,
) -> Disruption:
    n = next(_seq)
    return make_disruption(
        author=author or UserFactory(username=f"author{n}"),
        approver=approver or UserFactory(username=f"approver{n}"),
        team=force["teams"]["clgt_north"],
        date=on,
        tactic=Tactic.ARREST,
        impact_grade=grade,
        arrests=1,
        ocgs=list(ocgs),
        lines=list(lines),
    )
