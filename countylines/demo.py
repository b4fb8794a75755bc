"""County lines for `seed_demo`: ~40 fictional lines across the demo force's districts.

Most are active with all four definition criteria evidenced and graded intelligence with factor
claims, so the matrix ranks them; two are flexed (one to the Central CLGT); a few are nominated,
dismantled or rejected. The seed story's line, CHASE, was dismantled within a month of its
nomination. Every line is made through the services, as officers would, so its history, audit
trail and stale-marking are real. Idempotent: a brand that already exists is left alone.
All names, places of exploitation and numbers (07700 900xxx) are invented.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from typing import Any, TextIO

from django.db import transaction

from countylines import services
from countylines.models import CountyLine
from kentsoc.intel.choices import CountyLineCriterion
from kentsoc.org.choices import Role, TeamKind
from kentsoc.org.models import District, Division, Officer

BRANDS = [
    "BLAZE", "VIPER", "ZOOM", "ACE", "TANGO", "DEXTER", "SKY", "RICO", "MANNY", "KENZO",
    "BIGZ", "JOKER", "LUCKY", "GHOST", "STORM", "TITAN", "NOVA", "RAVEN", "COBRA", "FLASH",
    "SNOOP", "JAY", "BOLT", "ROCKY", "CHICO", "MARLEY", "DIAMOND", "SPIKE", "FROSTY", "KING",
    "PRINCE", "ECHO", "LIMA", "ORBIT", "PHANTOM", "RIPPLE", "CHASE", "MILO", "OZZY", "REX",
]  # fmt: skip
BOROUGHS = [
    "Lambeth", "Southwark", "Croydon", "Hackney", "Lewisham", "Brent", "Newham",
    "Tower Hamlets", "Haringey", "Islington", "Greenwich", "Enfield", "Camden", "Waltham Forest",
]  # fmt: skip
FIRST = ["Jayden", "Tyler", "Kai", "Reece", "Mason", "Leon", "Callum", "Dion", "Ashton", "Rio"]
LAST = ["Ambrose", "Blackwood", "Carrow", "Denholm", "Eastleigh", "Fenwick", "Garside", "Holt"]
GRADINGS = [("1", "A"), ("1", "B"), ("2", "A"), ("2", "B"), ("2", "C"), ("3", "C"), ("1", "E")]
FACTOR_LEVELS = {
    "child_exploitation": 2,
    "vulnerable_adult_exploitation": 2,
    "cuckooing": 1,
    "violence": 3,
    "weapons": 2,
    "drug_class": 3,
    "line_activity": 3,
}
SETTINGS = ["Fictional Academy", "Example Pupil Referral Unit", "Invented College", ""]

ACTIVE, NOMINATED, DISMANTLED, REJECTED = "active", "nominated", "dismantled", "rejected"
STORY_BRAND = "CHASE"


@dataclass(frozen=True)
class Cast:
    clgt: dict[int, Any]  # division id -> a CLGT officer of that division
    supervisor: Any
    clio: Any


def _plan(index: int) -> str:
    if index < 32:
        return ACTIVE
    if index < 36:
        return NOMINATED
    return REJECTED if index == 39 else DISMANTLED


def _cast() -> Cast | None:
    officers = Officer.objects.select_related("user", "team")
    clgt = {}
    for officer in officers.filter(role=Role.CLGT_OFFICER, team__kind=TeamKind.CLGT):
        clgt.setdefault(officer.team.division_id, officer.user)
    supervisor = officers.filter(role=Role.SUPERVISOR).first()
    clio = officers.filter(role=Role.CLIO).first()
    if not clgt or supervisor is None or clio is None:
        return None
    return Cast(clgt=clgt, supervisor=supervisor.user, clio=clio.user)


def _nominals(actor: Any, rng: random.Random, runners: int) -> list[dict[str, Any]]:
    from ocg.services import nominal_create

    people = [{"role": "line_holder"}] + [{"role": "runner"} for _ in range(runners)]
    for person in people:
        born = datetime.date(rng.randint(1988, 2006), rng.randint(1, 12), rng.randint(1, 28))
        created = nominal_create(
            actor=actor,
            first_name=rng.choice(FIRST),
            last_name=rng.choice(LAST),
            date_of_birth=born,
        )
        person["nominal"] = created.nominal.pk
    return people


def _intelligence(
    actor: Any, line: CountyLine, rng: random.Random, start: datetime.date, end: datetime.date
) -> list[Any]:
    from kentsoc.intel.services import intelligence_create

    records = []
    for n in range(rng.randint(2, 4)):
        # The newest record is recent for most lines, so recency points vary across the matrix.
        days_back = (
            rng.choice([3, 10, 20, 45, 120]) if n == 0 else rng.randint(0, (end - start).days)
        )
        on = max(start, end - datetime.timedelta(days=days_back))
        source, assessment = rng.choice(GRADINGS if n else GRADINGS[:5])
        factors = rng.sample(sorted(FACTOR_LEVELS), rng.randint(2, 4))
        records.append(
            intelligence_create(
                actor=actor,
                rms_reference=f"ATH-{rng.randint(100000, 999999)}",
                information_date=on,
                summary=f"Fictional report on {line.name}'s activity in its importing area.",
                source_evaluation=source,
                intelligence_assessment=assessment,
                handling_code="P",
                county_lines=[line.pk],
                factor_claims=[
                    {"factor": f, "level": rng.randint(1, FACTOR_LEVELS[f])} for f in factors
                ],
            )
        )
    return records


def _evidence(actor: Any, line: CountyLine, records: list[Any], skip: int = 0) -> None:
    from kentsoc.intel.services import evidence_add

    texts = {
        CountyLineCriterion.EXPORTING_NETWORK: f"Network run from {line.exporting_area}.",
        CountyLineCriterion.IMPORTING_AREA: "Drugs supplied into the importing district(s).",
        CountyLineCriterion.DEAL_LINE: "Bulk marketing texts sent from the deal line.",
        CountyLineCriterion.DRUG_SUPPLY: "Test purchases of class A drugs.",
    }
    for criterion, text in list(texts.items())[: len(texts) - skip]:
        evidence_add(
            actor=actor,
            county_line=line,
            criterion=criterion,
            text=text,
            records=[records[0].pk] if records else [],
        )


def _safeguarding(cast: Cast, line: CountyLine, rng: random.Random, on: datetime.date) -> None:
    for n in range(rng.randint(1, 2)):
        child = n == 0
        person = services.person_at_risk_create(
            actor=cast.clio,
            county_line=line,
            name=f"{rng.choice(['Sam', 'Alex', 'Jo', 'Charlie'])} {rng.choice(LAST)} (pseudonym)",
            kind="child" if child else "vulnerable_adult",
            age_band=rng.choice(["12_14", "15_17"]) if child else rng.choice(["25_39", "40_plus"]),
            setting=rng.choice(SETTINGS) if child else "Supported housing (fictional)",
            engagement_status=rng.choice(["engaging", "partially_engaging", "not_yet_contacted"]),
            notes="Fictional demo record.",
        )
        agency = "mcet" if child else "partner"
        services.referral_create(
            actor=cast.clio,
            person=person,
            agency=agency,
            partner_name="" if child else "Adult social care (fictional)",
            referred_on=on,
            outcome="Strategy meeting held; support plan agreed." if rng.random() < 0.6 else "",
            outcome_on=on + datetime.timedelta(days=7) if rng.random() < 0.6 else None,
        )


def _seed_line(
    index: int,
    brand: str,
    cast: Cast,
    districts: list[District],
    rng: random.Random,
    story_end: datetime.date,
    ocgs: list[Any],
) -> CountyLine:
    plan = _plan(index)
    primary = districts[index % len(districts)]
    others = [d for d in rng.sample(districts, 2) if d != primary][: rng.randint(0, 1)]
    officer = cast.clgt.get(primary.division_id) or next(iter(cast.clgt.values()))
    if brand == STORY_BRAND:
        nominated_on = story_end - datetime.timedelta(days=40)
    else:
        nominated_on = story_end - datetime.timedelta(days=rng.randint(60, 540))
    numbers = [f"07700 900{index * 3:03d}"] + (
        [f"07700 900{index * 3 + 1:03d}"] if rng.random() < 0.4 else []
    )
    if index == 33:
        numbers.append("07700 900000")  # shared with BLAZE's handset: flagged on both lines
    line = services.line_nominate(
        actor=officer,
        name=brand,
        exporting_area=BOROUGHS[index % len(BOROUGHS)],
        importing_districts=[primary.pk, *[d.pk for d in others]],
        deal_lines=numbers,
        nominals=_nominals(officer, rng, runners=rng.randint(0, 3)),
        ocg=ocgs[index % len(ocgs)].pk if ocgs and index % 5 == 0 else None,
        nominated_on=nominated_on,
    )
    if plan == REJECTED:
        services.line_reject(
            actor=cast.supervisor, line=line, reason="Local dealing, not a county line."
        )
        return line
    activated_on = min(nominated_on + datetime.timedelta(days=rng.randint(10, 30)), story_end)
    records = _intelligence(officer, line, rng, nominated_on, story_end)
    if plan == NOMINATED:
        _evidence(officer, line, records, skip=index % 3)
        return line
    _evidence(officer, line, records)
    services.line_activate(actor=cast.supervisor, line=line, effective_on=activated_on)
    if plan == DISMANTLED:
        days = 24 if brand == STORY_BRAND else rng.randint(60, 200)
        services.line_dismantle(
            actor=officer,
            line=line,
            date=min(nominated_on + datetime.timedelta(days=days), story_end),
            reason="Line holder arrested and charged; deal line closed.",
        )
    elif index in (7, 18):
        central = Division.objects.filter(is_central=True).first()
        target = (
            central
            if index == 7
            else Division.objects.filter(is_central=False).exclude(pk=line.division_id).first()
        )
        if target is not None:
            services.line_flex(
                actor=cast.supervisor,
                line=line,
                division=target,
                reason="Cross-border supply: worked by another CLGT.",
            )
    if plan == ACTIVE and index % 6 == 1:
        _safeguarding(cast, line, rng, activated_on + datetime.timedelta(days=5))
    return line


def seed(stdout: TextIO, story_end: datetime.date) -> None:
    from ocg.choices import SCORED_OCG_STATUSES
    from ocg.models import OCG

    cast = _cast()
    districts = list(District.objects.filter(division__is_central=False).order_by("code"))
    if cast is None or not districts:
        stdout.write("  county lines: skipped (no demo force or officers)\n")
        return
    ocgs = list(OCG.objects.filter(status__in=SCORED_OCG_STATUSES).order_by("id"))
    existing = set(CountyLine.objects.filter(name__in=BRANDS).values_list("name", flat=True))
    made = 0
    for index, brand in enumerate(BRANDS):
        if brand in existing:
            continue
        # Each line draws from its own seed: reproducible, and unaffected by lines skipped.
        line_rng = random.Random(f"{brand}-{index}")
        with transaction.atomic():
            _seed_line(index, brand, cast, districts, line_rng, story_end, ocgs)
        made += 1
    total = CountyLine.objects.filter(name__in=BRANDS).count()
    stdout.write(f"  county lines: {made} created, {total} demo lines in all\n")
