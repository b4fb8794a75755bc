"""Small builders for matrix tests: rows straight into the database, no services, so the tests
set up exactly the state they describe."""

import datetime
import itertools

from django.utils import timezone

from countylines.choices import LineRole, LineStatus
from countylines.models import CountyLine, LineNominal
from kentsoc.intel.models import FactorClaim, IntelligenceRecord
from ocg.choices import OcgStatus
from ocg.models import OCG, CriminalityType, Nominal

_seq = itertools.count(1)


def today() -> datetime.date:
    return timezone.localdate()


def days_ago(n: int) -> datetime.date:
    return today() - datetime.timedelta(days=n)


def make_line(division, reference=None, status=LineStatus.ACTIVE, **fields) -> CountyLine:
    n = next(_seq)
    return CountyLine.objects.create(
        reference=reference or f"CL-T{n:04d}",
        name=fields.pop("name", f"BRAND{n}"),
        exporting_area="Fictional Borough",
        status=status,
        division=division,
        nominated_on=fields.pop("nominated_on", days_ago(365)),
        **fields,
    )


def make_ocg(division, reference=None, status=OcgStatus.MAPPED, criminality=(), **fields) -> OCG:
    n = next(_seq)
    ocg = OCG.objects.create(
        reference=reference or f"OCG-T{n:04d}",
        name=fields.pop("name", f"Group {n}"),
        status=status,
        division=division,
        nominated_on=fields.pop("nominated_on", days_ago(365)),
        **fields,
    )
    for code in criminality:
        ocg.criminality.add(
            CriminalityType.objects.get_or_create(code=code, defaults={"label": code})[0]
        )
    return ocg


def make_record(
    *,
    lines=(),
    ocgs=(),
    claims=None,
    grade="2B",
    on=None,
    deleted=False,
    reference=None,
) -> IntelligenceRecord:
    n = next(_seq)
    record = IntelligenceRecord.objects.create(
        reference=reference or f"INT-T{n:05d}",
        information_date=on or days_ago(200),
        summary="Fictional test intelligence.",
        source_evaluation=grade[0],
        intelligence_assessment=grade[1],
        handling_code="P",
        deleted_at=timezone.now() if deleted else None,
    )
    record.county_lines.set(lines)
    record.ocgs.set(ocgs)
    for factor, level in (claims or {}).items():
        FactorClaim.objects.create(record=record, factor=factor, level=level)
    return record


def add_runner(line, **fields) -> LineNominal:
    n = next(_seq)
    nominal = Nominal.objects.create(reference=f"NOM-T{n:04d}", first_name="Rio", last_name=f"R{n}")
    return LineNominal.objects.create(
        county_line=line, nominal=nominal, role=LineRole.RUNNER, **fields
    )
