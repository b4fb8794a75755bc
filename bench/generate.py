"""A synthetic national-scale data set for the matrix benchmark (all fictional).

45 forces x 3 divisions, a few thousand county lines (two thirds active), OCGs, nominals with
runner links, and about 100,000 intelligence records with factor claims, written with
bulk_create. Seeded random generator: the same data set every time.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from countylines.choices import LineRole, LineStatus
from countylines.models import CountyLine, CountyLineDistrict, CountyLineStatusChange, LineNominal
from kentsoc.intel.models import FactorClaim, IntelligenceRecord
from kentsoc.matrix.factors import claimable_factors
from kentsoc.org.choices import TeamKind
from kentsoc.org.models import District, Division, Force, Team
from ocg.choices import OcgStatus
from ocg.models import OCG, CriminalityType, Nominal

BATCH = 5000


@dataclass(frozen=True)
class Scale:
    forces: int = 45
    lines: int = 3000
    ocgs: int = 2000
    nominals: int = 12000
    records: int = 100_000


def _bulk(model, rows: list) -> list:
    return model.objects.bulk_create(rows, batch_size=BATCH)


@transaction.atomic
def generate(scale: Scale, *, seed: int = 20221031) -> dict[str, int]:
    rnd = random.Random(seed)
    today = timezone.localdate()
    forces = _bulk(
        Force, [Force(code=f"F{i:02d}", name=f"Force {i:02d}") for i in range(scale.forces)]
    )
    divisions = _bulk(
        Division,
        [
            Division(force=f, code=f"{f.code}-{d}", name=f"{f.name} {d}")
            for f in forces
            for d in ("N", "E", "W")
        ],
    )
    districts = _bulk(
        District,
        [
            District(division=d, code=f"{d.code}{k}", name=f"District {d.code}{k}")
            for d in divisions
            for k in (1, 2)
        ],
    )
    teams = _bulk(
        Team,
        [Team(code=f"SOC-{f.code}", name=f"SOC {f.code}", kind=TeamKind.SOC) for f in forces]
        + [
            Team(
                code=f"LOC-{d.code}",
                name=f"Local {d.code}",
                kind=TeamKind.DIVISION_LOCAL,
                division=d,
            )
            for d in divisions
        ],
    )
    kinds = list(CriminalityType.objects.all())

    ocg_statuses = [OcgStatus.MAPPED] * 3 + [OcgStatus.NOMINATED, OcgStatus.IN_DEVELOPMENT]
    ocgs = _bulk(
        OCG,
        [
            OCG(
                reference=f"BOCG-{i:05d}",
                name=f"Bench group {i}",
                status=rnd.choice(ocg_statuses),
                division=rnd.choice(divisions),
                managing_team=rnd.choice(teams),
                nominated_on=today - datetime.timedelta(days=rnd.randint(100, 900)),
            )
            for i in range(scale.ocgs)
        ],
    )
    _bulk(
        OCG.criminality.through,
        [
            OCG.criminality.through(ocg_id=o.pk, criminalitytype_id=k.pk)
            for o in ocgs
            for k in rnd.sample(kinds, rnd.randint(1, 4))
        ],
    )
    line_statuses = [LineStatus.ACTIVE] * 4 + [LineStatus.NOMINATED, LineStatus.DISMANTLED]
    line_rows = []
    for i in range(scale.lines):
        district = rnd.choice(districts)
        line_rows.append(
            CountyLine(
                reference=f"BCL-{i:05d}",
                name=f"BENCH{i}",
                exporting_area="Fictional Borough",
                status=rnd.choice(line_statuses),
                division_id=district.division_id,
                ocg=rnd.choice(ocgs) if rnd.random() < 0.3 else None,
                nominated_on=today - datetime.timedelta(days=rnd.randint(100, 900)),
            )
        )
        line_rows[-1]._district = district
    lines = _bulk(CountyLine, line_rows)
    _bulk(
        CountyLineDistrict,
        [
            CountyLineDistrict(county_line=line, district=row._district, is_primary=True)
            for line, row in zip(lines, line_rows, strict=True)
        ],
    )
    _bulk(
        CountyLineStatusChange,
        [
            CountyLineStatusChange(
                county_line=line,
                from_status=LineStatus.NOMINATED,
                to_status=LineStatus.ACTIVE,
                effective_on=line.nominated_on + datetime.timedelta(days=30),
            )
            for line in lines
            if line.status != LineStatus.NOMINATED
        ],
    )
    nominals = _bulk(
        Nominal,
        [
            Nominal(reference=f"BN-{i:06d}", first_name="Bench", last_name=f"Person{i}")
            for i in range(scale.nominals)
        ],
    )
    _bulk(
        LineNominal,
        [
            LineNominal(county_line=line, nominal=n, role=LineRole.RUNNER)
            for line in lines
            for n in rnd.sample(nominals, rnd.randint(0, 4))
        ],
    )

    line_factors = list(claimable_factors("county_line").values())
    ocg_factors = list(claimable_factors("ocg").values())
    records = []
    subjects = []
    for i in range(scale.records):
        on_line = rnd.random() < 0.7
        records.append(
            IntelligenceRecord(
                reference=f"BINT-{i:06d}",
                information_date=today - datetime.timedelta(days=rnd.randint(0, 720)),
                summary="Fictional benchmark intelligence.",
                source_evaluation=rnd.choice("1122223"),
                intelligence_assessment=rnd.choice("ABBCCDE"),
                handling_code="P",
            )
        )
        subjects.append(rnd.choice(lines) if on_line else rnd.choice(ocgs))
    records = _bulk(IntelligenceRecord, records)
    line_links, ocg_links, claims = [], [], []
    for record, subject in zip(records, subjects, strict=True):
        is_line = isinstance(subject, CountyLine)
        if is_line:
            line_links.append(
                IntelligenceRecord.county_lines.through(
                    intelligencerecord_id=record.pk, countyline_id=subject.pk
                )
            )
        else:
            ocg_links.append(
                IntelligenceRecord.ocgs.through(intelligencerecord_id=record.pk, ocg_id=subject.pk)
            )
        table = line_factors if is_line else ocg_factors
        for factor in rnd.sample(table, rnd.randint(0, 2)):
            claims.append(
                FactorClaim(
                    record=record, factor=factor.code, level=rnd.randint(1, factor.max_level)
                )
            )
    _bulk(IntelligenceRecord.county_lines.through, line_links)
    _bulk(IntelligenceRecord.ocgs.through, ocg_links)
    _bulk(FactorClaim, claims)
    return {
        "divisions": len(divisions),
        "lines": len(lines),
        "active_lines": sum(1 for line in lines if line.status == LineStatus.ACTIVE),
        "ocgs": len(ocgs),
        "records": len(records),
        "claims": len(claims),
    }
