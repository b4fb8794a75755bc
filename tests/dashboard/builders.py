"""Dashboard test data: lines, OCGs and disruptions straight into the database, then the real
engine (`recompute_all`) scores and ranks them, so the dashboard reads what the worker writes."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from countylines.choices import LineStatus
from disruptions.choices import DisruptionStatus, ImpactGrade, Strand, Tactic
from disruptions.models import Disruption
from ocg.choices import OcgStatus
from tests.factories import OfficerFactory, UserFactory, days_ago, make_line, make_ocg, make_record

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
    author = author or UserFactory(username=f"author{n}")
    approver = approver or UserFactory(username=f"approver{n}")
    disruption = Disruption.objects.create(
        date=on,
        team=force["teams"]["clgt_north"],
        officer=author,
        created_by=author,
        strand=Strand.PURSUE,
        tactic=Tactic.ARREST,
        impact_grade=grade,
        impact_rationale="Fictional test rationale.",
        arrests=1,
        status=DisruptionStatus.APPROVED,
        approved_by=approver,
        approved_at=timezone.now(),
    )
    disruption.ocgs.set(ocgs)
    disruption.county_lines.set(lines)
    return disruption


def officer_user(force, role, username, team="ocgmu"):
    return OfficerFactory(
        user=UserFactory(username=username), role=role, team=force["teams"][team]
    ).user
