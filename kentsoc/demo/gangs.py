"""Gangs and street groups for `seed_demo`: two in each territorial division, recorded by that
division's CLGT officer, with members from the people on the division's lines, a link to one of
its lines (and that line's OCG), and graded intelligence in the months before the story's end.

Invented names in real Kent places, as the rest of the demo. Gangs are not scored: their records
claim no matrix factor, so the matrix figures the story tests read are unchanged. Everything goes
through the services (audit, checks), as the officer would. Idempotent: if any gang exists,
gangs are already seeded.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from typing import Any, TextIO

from django.db import transaction

from countylines.models import CountyLine, LineNominal
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
        return
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
