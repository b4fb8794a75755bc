"""County-line test data built straight through the ORM (fast); behaviour goes through services."""

from __future__ import annotations

import datetime
import itertools

from countylines.choices import LineStatus
from countylines.models import CountyLine, CountyLineDistrict, DealLine, PersonAtRisk
from kentsoc.intel.choices import CountyLineCriterion
from kentsoc.intel.models import DefinitionEvidence
from ocg.models import Nominal
from tests.factories import UserFactory

_numbers = itertools.count(100)


def make_line(
    *,
    districts,
    name: str = "BLAZE",
    status: str = LineStatus.NOMINATED,
    nominated_on: datetime.date | None = None,
    numbers: list[str] | None = None,
    flexed_division=None,
    **extra,
) -> CountyLine:
    nominated_on = nominated_on or datetime.date.today() - datetime.timedelta(days=60)
    line = CountyLine.objects.create(
        name=name,
        exporting_area="Lambeth",
        division=districts[0].division,
        status=status,
        nominated_on=nominated_on,
        activated_on=nominated_on if status == LineStatus.ACTIVE else None,
        flexed_division=flexed_division,
        flex_reason="Cross-border work" if flexed_division else "",
        **extra,
    )
    line.reference = f"CL-{line.pk:04d}"
    line.save(update_fields=["reference"])
    for i, district in enumerate(districts):
        CountyLineDistrict.objects.create(
            county_line=line, district=district, is_primary=i == 0, position=i
        )
    for number in numbers if numbers is not None else [f"07700900{next(_numbers):03d}"]:
        DealLine.objects.create(county_line=line, number=number, active_from=nominated_on)
    return line


def make_nominal(first_name: str = "Jordan", last_name: str = "Testcase") -> Nominal:
    nominal = Nominal.objects.create(first_name=first_name, last_name=last_name)
    nominal.reference = f"N-{nominal.pk:05d}"
    nominal.save(update_fields=["reference"])
    return nominal


def evidence_all(line: CountyLine, *, except_: tuple[str, ...] = (), by=None) -> None:
    by = by or UserFactory(username="evidence-officer")
    for code in CountyLineCriterion.values:
        if code not in except_:
            DefinitionEvidence.objects.create(
                county_line=line, criterion=code, text=f"Evidence for {code}", created_by=by
            )


def make_person(line: CountyLine, *, kind: str = "child", age_band: str = "15_17", **extra):
    return PersonAtRisk.objects.create(
        county_line=line,
        name=extra.pop("name", "Sam Example"),
        kind=kind,
        age_band=age_band,
        **extra,
    )
