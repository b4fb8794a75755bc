"""Gangs and street groups for `seed_demo`: two in each territorial division, recorded by that
division's CLGT officer, with members from the people on the division's lines, a link to one of
its lines (and that line's OCG), and graded intelligence in the months before the story's end.

Invented names in real Kent places, as the rest of the demo. Gangs are not scored: their records
claim no matrix factor, so the matrix figures the story tests read are unchanged. The division's
CLGT officer also records a few approved disruptions against its gangs (partner action, closure
orders, safeguarding): none arrests, charges, executes a warrant or seizes a weapon, so the CLGT
table the story tests read is unchanged too. Everything goes through the services (audit,
checks), as the officer and a supervisor would. Idempotent: if any gang exists, gangs are already
seeded; if any disruption names a gang, so are their disruptions (a demo seeded before gangs had
disruptions gains them on the next run).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from typing import Any, TextIO

from django.db import transaction

from countylines.models import CountyLine, LineNominal
from disruptions.choices import ImpactGrade, Strand, Tactic
from disruptions.models import Disruption
from disruptions.services import approvals
from disruptions.services.disruptions import disruption_create
from kentsoc.gangs.choices import GangKind, GangRole
from kentsoc.gangs.models import Gang
from kentsoc.gangs.services.gangs import gang_create
from kentsoc.gangs.services.links import gang_link
from kentsoc.gangs.services.members import gang_add_member
from kentsoc.intel.services.records import intelligence_create
from kentsoc.org.choices import Role
from kentsoc.org.models import Division, Officer


@dataclass(frozen=True)
class DemoGang:
    division: str
    name: str
    kind: str
    area: str
    description: str
    # Days before the story's end of each intelligence report on it: the list orders by these.
    reports: tuple[int, ...]


GANGS = [
    DemoGang(
        "NORTH",
        "Medway Kestrels",
        GangKind.GANG,
        "Chatham town centre and the Luton estate",
        "Older members supply the line's runners; a rivalry with a Gillingham group flares at "
        "weekends.",
        (6, 40, 95),
    ),
    DemoGang(
        "NORTH",
        "Riverside Youngers",
        GangKind.STREET_GROUP,
        "Strood riverside",
        "Teenagers who gather by the river path; two have been seen carrying for older dealers.",
        (20, 150),
    ),
    DemoGang(
        "EAST",
        "Tidewalkers",
        GangKind.GANG,
        "Margate seafront and Cliftonville",
        "Controls street supply for a London line's holder; known for cuckooing flats.",
        (12, 70),
    ),
    DemoGang(
        "EAST",
        "Harbour Street Lot",
        GangKind.STREET_GROUP,
        "Ramsgate harbour",
        "A loose group of young people; a CLIO is working with the youth service.",
        (200,),
    ),
    DemoGang(
        "WEST",
        "Weavers Crew",
        GangKind.GANG,
        "Maidstone town centre",
        "Moves cannabis and cocaine for an OCG; members carry blades.",
        (3, 33),
    ),
    DemoGang(
        "WEST",
        "Orchard Estate Youngers",
        GangKind.STREET_GROUP,
        "Tonbridge, the Orchard estate",
        "Younger boys drawn in by the Weavers Crew's runners.",
        (),
    ),
]
ROLES = [GangRole.LEADER, GangRole.ELDER, GangRole.MEMBER, GangRole.YOUNGER]


@dataclass(frozen=True)
class DemoDisruption:
    gang: str
    days_before_end: int
    tactic: str
    strand: str
    impact_grade: str
    narrative: str
    impact_rationale: str
    safeguarding_referrals: int = 0


DISRUPTIONS = [
    DemoDisruption(
        "Medway Kestrels",
        9,
        Tactic.PARTNER_ACTION,
        Strand.PREVENT,
        ImpactGrade.MINOR,
        "Joint patrols with the council's community wardens on the Luton estate at weekends.",
        "The group stopped gathering on the estate for three weekends; no arrests were needed.",
    ),
    DemoDisruption(
        "Medway Kestrels",
        48,
        Tactic.CLOSURE_ORDER,
        Strand.PROTECT,
        ImpactGrade.MODERATE,
        "Closure order on a Chatham flat the Kestrels used to meet and store drugs.",
        "The group lost its meeting place and the tenant was moved to safety.",
    ),
    DemoDisruption(
        "Riverside Youngers",
        25,
        Tactic.SAFEGUARDING_REFERRAL,
        Strand.PROTECT,
        ImpactGrade.MINOR,
        "Two younger members seen carrying for older dealers referred to MCET.",
        "Both now work with a youth worker; the group's link to the dealers is not yet broken.",
        safeguarding_referrals=2,
    ),
    DemoDisruption(
        "Tidewalkers",
        15,
        Tactic.PARTNER_ACTION,
        Strand.PROTECT,
        ImpactGrade.MODERATE,
        "Housing officers and the CLGT visited three cuckooed flats in Cliftonville.",
        "Three vulnerable tenants were moved to safety; the gang lost its storage addresses.",
    ),
    DemoDisruption(
        "Weavers Crew",
        5,
        Tactic.PARTNER_ACTION,
        Strand.PREVENT,
        ImpactGrade.MINOR,
        "Dispersal order and a knife-crime input with the council in Maidstone town centre.",
        "Fewer sightings of the crew in the town centre since; too early to call it lasting.",
    ),
]


def _clgt_officers() -> dict[str, Any]:
    """Division code -> that division's CLGT officer."""
    found: dict[str, Any] = {}
    officers = Officer.objects.select_related("user", "division", "team__division")
    for officer in officers.filter(role=Role.CLGT_OFFICER).order_by("user__username"):
        division = officer.division or officer.team.division
        if division is not None:
            found.setdefault(division.code, officer.user)
    return found


@transaction.atomic
def seed(*, stdout: TextIO, story_end: datetime.date) -> None:
    if Gang.objects.exists():
        stdout.write("  gangs already seeded")
    else:
        _gangs(stdout=stdout, story_end=story_end)
    if Disruption.objects.filter(gangs__isnull=False).exists():
        stdout.write("  disruptions against gangs already seeded")
    else:
        _disruptions(stdout=stdout, story_end=story_end)


def _gangs(*, stdout: TextIO, story_end: datetime.date) -> None:
    rng = random.Random(16)
    officers = _clgt_officers()
    made = 0
    for spec in GANGS:
        actor = officers.get(spec.division)
        if actor is None:
            continue
        lines = list(CountyLine.objects.filter(division__code=spec.division).order_by("reference"))
        gang = gang_create(
            actor=actor,
            name=spec.name,
            kind=spec.kind,
            area=spec.area,
            division=lines[0].division_id if lines else _division_id(spec.division),
            description=spec.description,
        )
        made += 1
        if not lines:
            continue
        # A gang works for an OCG's line where the division has one; a street group any line.
        with_ocg = [line for line in lines if line.ocg_id] if spec.kind == GangKind.GANG else []
        choices = with_ocg or lines
        line = choices[(made * 3) % len(choices)]
        gang_link(actor=actor, gang=gang, kind="county_lines", target=line.pk)
        if line.ocg_id and spec.kind == GangKind.GANG:
            gang_link(actor=actor, gang=gang, kind="ocgs", target=line.ocg_id)
        people = list(
            LineNominal.objects.filter(county_line__division__code=spec.division)
            .order_by("nominal_id")
            .values_list("nominal_id", flat=True)
            .distinct()
        )
        for i, nominal in enumerate(rng.sample(people, min(len(people), 3))):
            gang_add_member(actor=actor, gang=gang, nominal=nominal, role=ROLES[i])
        for days in spec.reports:
            intelligence_create(
                actor=actor,
                rms_reference=f"ATH-{rng.randint(100000, 999999)}",
                information_date=story_end - datetime.timedelta(days=days),
                summary=f"Fictional report: {spec.name} seen together in {spec.area}.",
                source_evaluation="2",
                intelligence_assessment="B",
                handling_code="P",
                gangs=[gang.pk],
            )
    stdout.write(f"  {made} gangs and street groups")


def _division_id(code: str) -> int:
    return Division.objects.get(code=code).pk


def _supervisor() -> Any:
    """A supervisor to approve the CLGT officers' disruptions (they read every division's)."""
    officer = (
        Officer.objects.filter(role=Role.SUPERVISOR)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    return officer.user if officer else None


def _disruptions(*, stdout: TextIO, story_end: datetime.date) -> None:
    officers = _clgt_officers()
    supervisor = _supervisor()
    gangs = {gang.name: gang for gang in Gang.objects.select_related("division")}
    made = 0
    for spec in DISRUPTIONS:
        gang = gangs.get(spec.gang)
        actor = officers.get(gang.division.code) if gang else None
        if actor is None or supervisor is None:
            continue
        disruption = disruption_create(
            actor=actor,
            values={
                "date": story_end - datetime.timedelta(days=spec.days_before_end),
                "team": actor.officer.team,
                "strand": spec.strand,
                "tactic": spec.tactic,
                "narrative": spec.narrative,
                "impact_grade": spec.impact_grade,
                "impact_rationale": spec.impact_rationale,
                "safeguarding_referrals": spec.safeguarding_referrals,
            },
            gangs=[gang],
            submit=True,
        )
        approvals.disruption_approve(actor=supervisor, disruption=disruption)
        made += 1
    stdout.write(f"  {made} disruptions against gangs")
