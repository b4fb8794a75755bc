"""Disruption test data. Subjects (OCGs, lines, nominals) are made minimally here so these tests do
not depend on other apps' factories."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from countylines.choices import LineStatus
from countylines.models import CountyLine
from disruptions.choices import CourtOutcome, DisruptionStatus, ImpactGrade, Strand, Tactic
from disruptions.models import CourtResult, Disruption, WeaponSeizure
from ocg.choices import OcgStatus
from ocg.models import OCG, Nominal

_seq = iter(range(1, 1_000_000))


def make_ocg(division: Any, **kwargs: Any) -> OCG:
    n = next(_seq)
    defaults = {
        "reference": f"TOCG{n:05d}",
        "name": f"Test OCG {n}",
        "status": OcgStatus.MAPPED,
        "division": division,
        "nominated_on": datetime.date(2021, 1, 1),
    }
    return OCG.objects.create(**{**defaults, **kwargs})


def make_line(division: Any, **kwargs: Any) -> CountyLine:
    n = next(_seq)
    defaults = {
        "reference": f"TCL{n:05d}",
        "name": f"BRAND{n}",
        "exporting_area": "Lambeth",
        "status": LineStatus.ACTIVE,
        "division": division,
        "nominated_on": datetime.date(2021, 1, 1),
    }
    return CountyLine.objects.create(**{**defaults, **kwargs})


def make_nominal(**kwargs: Any) -> Nominal:
    n = next(_seq)
    defaults = {"reference": f"TN{n:05d}", "first_name": "Sam", "last_name": f"Example{n}"}
    return Nominal.objects.create(**{**defaults, **kwargs})


def make_disruption(
    *,
    author: Any,
    team: Any,
    status: str = DisruptionStatus.APPROVED,
    approver: Any = None,
    date: datetime.date | None = None,
    lines: list | None = None,
    ocgs: list | None = None,
    nominals: list | None = None,
    weapons: int = 0,
    **counts: Any,
) -> Disruption:
    """A disruption row written directly (for selector and report tests; services have their own
    tests). `approver` is needed for an approved one."""
    now = timezone.now()
    fields: dict[str, Any] = {
        "date": date or datetime.date(2022, 6, 15),
        "team": team,
        "officer": author,
        "created_by": author,
        "strand": Strand.PURSUE,
        "tactic": Tactic.WARRANT,
        "impact_grade": ImpactGrade.MODERATE,
        "impact_rationale": "Supply interrupted for a week.",
        "status": status,
        **counts,
    }
    if status == DisruptionStatus.APPROVED:
        fields.update(approved_by=approver, approved_at=now, submitted_at=now)
    if status == DisruptionStatus.RETURNED:
        fields.update(return_reason="Add the custody numbers.")
    d = Disruption.objects.create(**fields)
    d.county_lines.set(lines or [])
    d.ocgs.set(ocgs or [])
    d.nominals.set(nominals or [])
    if weapons:
        WeaponSeizure.objects.create(disruption=d, kind="bladed", count=weapons)
    return d


def make_sentence(
    disruption: Disruption, nominal: Nominal, years: int, months: int, author: Any
) -> CourtResult:
    return CourtResult.objects.create(
        disruption=disruption,
        nominal=nominal,
        offences="Possession with intent to supply class A",
        outcome=CourtOutcome.CUSTODIAL,
        sentence_years=years,
        sentence_months=months,
        result_date=disruption.date + datetime.timedelta(days=60),
        created_by=author,
    )


def base_values(team: Any, **overrides: Any) -> dict[str, Any]:
    values = {
        "date": datetime.date(2022, 6, 15),
        "team": team,
        "strand": Strand.PURSUE,
        "tactic": Tactic.WARRANT,
        "narrative": "Warrant executed at a trap house.",
        "impact_grade": ImpactGrade.MAJOR,
        "impact_rationale": "Line holder arrested and deal line closed.",
        "arrests": 2,
        "prisoners_dealt_with": 2,
        "warrants_executed": 1,
        "warrant_power": "s18",
        "charges": 3,
        "cash_seized": Decimal("1250.00"),
    }
    values.update(overrides)
    return values
