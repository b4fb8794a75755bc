"""A synthetic national-scale data set for the benchmarks (all fictional).

45 forces x 3 divisions; DESIGN.md's national figures for what the dashboard reads (5,000 OCGs,
60,000 nominals, about 2,000 active county lines of 3,000, 200,000 disruptions) and issue 4's
100,000 intelligence records with factor claims for the matrix engine. Status history, a few
flexed lines and two years of daily force snapshots make the dashboard's movement, days on the
matrix and trend charts real work. Written with bulk_create in one transaction; a seeded random
generator gives the same data set every time.
"""

from __future__ import annotations

import datetime
import itertools
import random
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from countylines.choices import LineRole, LineStatus
from countylines.models import CountyLine, CountyLineDistrict, CountyLineStatusChange, LineNominal
from disruptions.choices import DisruptionStatus, ImpactGrade, Strand, Tactic
from disruptions.models import Disruption
from disruptions.services.approvals import lines_last_disruption_refresh
from kentsoc.intel.models import FactorClaim, IntelligenceRecord
from kentsoc.matrix.models import ForceSnapshot
from kentsoc.org.choices import TeamKind
from kentsoc.org.models import District, Division, Force, Team
from kentsoc.trh.factors import claimable_factors
from ocg.choices import OcgStatus
from ocg.models import OCG, CriminalityType, Nominal, OcgStatusChange

BATCH = 5000


@dataclass(frozen=True)
class Scale:
    forces: int = 45
    lines: int = 3000
    ocgs: int = 5000
    nominals: int = 60_000
    records: int = 100_000
    disruptions: int = 200_000
    snapshot_days: int = 730

    @classmethod
    def for_forces(cls, forces: int) -> Scale:
        """The national set's figures per force, for `forces` forces: each force holds as much as
        at 45, so what one force's officer reads stays the same while the country grows (the
        bench's 5/45/90-force runs). 45 gives the national set itself."""
        base = cls()
        return cls(
            forces=forces,
            **{
                name: round(getattr(base, name) * forces / base.forces)
                for name in ("lines", "ocgs", "nominals", "records", "disruptions")
            },
        )


def _bulk(model, rows: list) -> list:
    return model.objects.bulk_create(rows, batch_size=BATCH)


def _copy(model, rows: list[dict[str, Any]]) -> list[int]:
    """Write rows (attribute name -> value) with COPY, the columns a row leaves out taking the
    model's defaults; returns the new primary keys in order. For the biggest tables: model
    instances and bulk_create cost minutes at this scale."""
    meta = model._meta
    now = timezone.now()
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    defaults = {
        f.attname: now
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        # Without a default, a text column defaults to "" and any other to NULL.
        else f.get_default()
        for f in fields
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(rows)],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
        columns = ", ".join(f'"{c}"' for c in [meta.pk.column, *(f.column for f in fields)])
        with cursor.cursor.copy(f'COPY "{meta.db_table}" ({columns}) FROM STDIN') as copy:
            for pk, row in zip(ids, rows, strict=True):
                copy.write_row([pk, *(row.get(f.attname, defaults[f.attname]) for f in fields)])
    return ids


@transaction.atomic
def generate(scale: Scale, *, users: dict[str, Any], seed: int = 20221031) -> dict[str, int]:
    """`users`: "author" and "approver" (two different people: nobody approves their own)."""
    rnd = random.Random(seed)
    today = timezone.localdate()
    # The first may exist already: the bench's officers work for it (bench/run.py).
    forces = [
        Force.objects.get_or_create(code=f"F{i:02d}", defaults={"name": f"Force {i:02d}"})[0]
        for i in range(scale.forces)
    ]
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
        [
            Team(code=f"SOC-{f.code}", name=f"SOC {f.code}", kind=TeamKind.SOC, force=f)
            for f in forces
        ]
        + [
            Team(
                code=f"LOC-{d.code}",
                name=f"Local {d.code}",
                kind=TeamKind.DIVISION_LOCAL,
                division=d,
                force_id=d.force_id,
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
        OcgStatusChange,
        [
            OcgStatusChange(
                ocg=o,
                from_status=OcgStatus.NOMINATED,
                to_status=OcgStatus.MAPPED,
                effective_on=o.nominated_on + datetime.timedelta(days=60),
            )
            for o in ocgs
            if o.status == OcgStatus.MAPPED
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
        status = rnd.choice(line_statuses)
        nominated_on = today - datetime.timedelta(days=rnd.randint(100, 900))
        flexed = status == LineStatus.ACTIVE and rnd.random() < 0.05
        line_rows.append(
            CountyLine(
                reference=f"BCL-{i:05d}",
                name=f"BENCH{i}",
                exporting_area="Fictional Borough",
                status=status,
                division_id=district.division_id,
                flexed_division=rnd.choice(divisions) if flexed else None,
                flex_reason="Fictional: a neighbouring CLGT leads" if flexed else "",
                ocg=rnd.choice(ocgs) if rnd.random() < 0.3 else None,
                nominated_on=nominated_on,
                activated_on=(
                    None
                    if status == LineStatus.NOMINATED
                    else nominated_on + datetime.timedelta(days=30)
                ),
                closed_on=(
                    today - datetime.timedelta(days=rnd.randint(1, 60))
                    if status == LineStatus.DISMANTLED
                    else None
                ),
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
                effective_on=line.activated_on,
            )
            for line in lines
            if line.activated_on
        ]
        + [
            CountyLineStatusChange(
                county_line=line,
                from_status=LineStatus.ACTIVE,
                to_status=LineStatus.DISMANTLED,
                effective_on=line.closed_on,
            )
            for line in lines
            if line.closed_on
        ],
    )
    nominals = _copy(
        Nominal,
        [
            {
                "reference": f"BN-{i:06d}",
                "first_name": "Bench",
                "last_name": f"Person{i}",
                "force_id": forces[i % len(forces)].pk,
            }
            for i in range(scale.nominals)
        ],
    )
    _copy(
        LineNominal,
        [
            {"county_line_id": line.pk, "nominal_id": n, "role": LineRole.RUNNER.value}
            for line in lines
            for n in rnd.sample(nominals, rnd.randint(0, 4))
        ],
    )

    line_factors = list(claimable_factors("county_line").values())
    ocg_factors = list(claimable_factors("ocg").values())
    records = []
    subjects = []
    force_of_division = {d.pk: d.force_id for d in divisions}
    for i in range(scale.records):
        on_line = rnd.random() < 0.7
        subject = rnd.choice(lines) if on_line else rnd.choice(ocgs)
        records.append(
            {
                "reference": f"BINT-{i:06d}",
                "information_date": today - datetime.timedelta(days=rnd.randint(0, 720)),
                "summary": "Fictional benchmark intelligence.",
                "source_evaluation": rnd.choice("1122223"),
                "intelligence_assessment": rnd.choice("ABBCCDE"),
                "handling_code": "P",
                "force_id": force_of_division[subject.division_id],
            }
        )
        subjects.append(subject)
    record_ids = _copy(IntelligenceRecord, records)
    line_links, ocg_links, claims = [], [], []
    for record_id, subject in zip(record_ids, subjects, strict=True):
        is_line = isinstance(subject, CountyLine)
        if is_line:
            line_links.append({"intelligencerecord_id": record_id, "countyline_id": subject.pk})
        else:
            ocg_links.append({"intelligencerecord_id": record_id, "ocg_id": subject.pk})
        table = line_factors if is_line else ocg_factors
        for factor in rnd.sample(table, rnd.randint(0, 2)):
            claims.append(
                {
                    "record_id": record_id,
                    "factor": factor.code,
                    "level": rnd.randint(1, factor.max_level),
                }
            )
    _copy(IntelligenceRecord.county_lines.through, line_links)
    _copy(IntelligenceRecord.ocgs.through, ocg_links)
    _copy(FactorClaim, claims)
    disruptions = _disruptions(rnd, scale, teams, lines, ocgs, users, today)
    _snapshots(rnd, scale, today, forces)
    return {
        "divisions": len(divisions),
        "lines": len(lines),
        "active_lines": sum(1 for line in lines if line.status == LineStatus.ACTIVE),
        "ocgs": len(ocgs),
        "nominals": len(nominals),
        "records": len(record_ids),
        "claims": len(claims),
        "disruptions": disruptions,
    }


def _disruptions(rnd, scale: Scale, teams, lines, ocgs, users, today) -> int:
    """Two years of disruptions, mostly approved, each against a line or an OCG."""
    statuses = [DisruptionStatus.APPROVED] * 18 + [
        DisruptionStatus.SUBMITTED,
        DisruptionStatus.DRAFT,
    ]
    now = timezone.now()
    rows, subjects = [], []
    for _ in range(scale.disruptions):
        status = rnd.choice(statuses)
        approved = status == DisruptionStatus.APPROVED
        team = rnd.choice(teams)
        rows.append(
            {
                "date": today - datetime.timedelta(days=rnd.randint(0, 730)),
                "team_id": team.pk,
                "force_id": team.force_id,
                "officer_id": users["author"].pk,
                "created_by_id": users["author"].pk,
                "strand": rnd.choice(Strand.values),
                "tactic": rnd.choice(Tactic.values),
                "impact_grade": rnd.choice(ImpactGrade.values),
                "impact_rationale": "Fictional benchmark rationale.",
                "arrests": rnd.randint(0, 3),
                "charges": rnd.randint(0, 3),
                "status": status.value,
                "approved_by_id": users["approver"].pk if approved else None,
                "approved_at": now if approved else None,
            }
        )
        subjects.append(rnd.choice(lines) if rnd.random() < 0.6 else rnd.choice(ocgs))
        # Set after the draw: drawing the subject earlier would change every later random value.
        rows[-1]["against_ocg"] = isinstance(subjects[-1], OCG)
    ids = _copy(Disruption, rows)
    _copy(
        Disruption.county_lines.through,
        [
            {"disruption_id": d, "countyline_id": s.pk}
            for d, s in zip(ids, subjects, strict=True)
            if isinstance(s, CountyLine)
        ],
    )
    _copy(
        Disruption.ocgs.through,
        [
            {"disruption_id": d, "ocg_id": s.pk}
            for d, s in zip(ids, subjects, strict=True)
            if isinstance(s, OCG)
        ],
    )
    # Copied past the approval service, which keeps each line's latest approved disruption.
    lines_last_disruption_refresh(line_ids=[line.pk for line in lines])
    return len(ids)


def _snapshots(rnd, scale: Scale, today, forces) -> None:
    """Each force's daily totals before today (today's and last week's come from
    recompute_all)."""
    lines, ocgs = 2200 // len(forces) + 1, 2600 // len(forces) + 1
    rows = []
    for n, force in itertools.product(range(scale.snapshot_days, 0, -1), forces):
        lines = max(1, lines + rnd.randint(-1, 1))
        ocgs = ocgs + rnd.randint(0, 1)
        rows.append(
            ForceSnapshot(
                force=force,
                on=today - datetime.timedelta(days=n),
                active_lines=lines,
                total_trh=lines * 9 + rnd.randint(0, 500),
                mapped_ocgs=ocgs,
                ocgs_on_division=ocgs // 3,
                ocgs_with_scd=ocgs - ocgs // 3,
            )
        )
    _bulk(ForceSnapshot, rows)
