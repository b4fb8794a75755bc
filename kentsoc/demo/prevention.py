"""CLIO prevention work for `seed_demo`: school sessions, street-group interventions, and the
children met through them before any county line is known.

Each division's CLIO gives a session at one of its (invented) schools every two to three weeks
over the nine months before the story's last day, and works with the street groups and gangs the
gangs demo recorded in the division; a few young people met this way are recorded as at risk with
no line yet. Everything goes through the services (audit, checks), as the CLIO would.
Idempotent: if any school session exists, prevention work is already seeded.
"""

from __future__ import annotations

import datetime
import random
from typing import Any, TextIO

from django.db import transaction

from countylines.services.people import person_at_risk_create
from kentsoc.dates import add_months
from kentsoc.gangs.models import Gang
from kentsoc.org.choices import Role
from kentsoc.org.models import Officer
from kentsoc.prevention.models import SchoolSession
from kentsoc.prevention.services import intervention_create, school_session_create

# Invented schools and colleges, by division code; none is a real school.
SCHOOLS = {
    "NORTH": ["Hollowmere Academy", "Strandbrook School", "St Aldric's College", "Riverhythe High"],
    "EAST": ["Cliffgate Academy", "Tidewell School", "Saltmarsh Community College"],
    "WEST": ["Weldmoor Grammar", "Orchardleigh Academy", "Medbourne Valley School"],
}
TOPICS = [
    "County lines and criminal exploitation",
    "Knife crime: the reality",
    "Online grooming and exploitation",
    "Gangs, peer pressure and getting out",
    "Staying safe: exploitation and debt bondage",
]
OUTCOMES = [
    "Group receptive; youth worker to follow up at the estate's youth club.",
    "Two known to MCET already; referrals made for the others showing signs of grooming.",
    "Hostile at first; agreed to a second session with the detached youth team.",
    "Older members absent; younger ones engaged and took helpline cards.",
]
# Pseudonyms the CLIOs agreed for young people met at schools and in groups (fictional).
PSEUDONYMS = ["Pupil K (agreed pseudonym)", "Young person R (agreed pseudonym)"]


def _clios() -> dict[str, Any]:
    """Division code -> a CLIO who works in it."""
    found: dict[str, Any] = {}
    officers = Officer.objects.select_related("user", "division", "team__division")
    for officer in officers.filter(role=Role.CLIO).order_by("user__username"):
        division = officer.division or officer.team.division
        if division is not None and division.code in SCHOOLS:
            found.setdefault(division.code, officer.user)
    return found


@transaction.atomic
def seed(*, stdout: TextIO, story_end: datetime.date) -> None:
    if SchoolSession.objects.exists():
        stdout.write("  prevention work already seeded")
        return
    clios = _clios()
    if not clios:
        stdout.write("  no CLIOs: prevention work not seeded")
        return
    rng = random.Random(16)
    start = add_months(story_end.replace(day=1), -8)
    sessions = interventions = people = 0
    for code, clio in sorted(clios.items()):
        day = start + datetime.timedelta(days=rng.randint(0, 10))
        while day <= story_end:
            school_session_create(
                actor=clio,
                school=rng.choice(SCHOOLS[code]),
                held_on=day,
                audience=rng.choice([28, 30, 32, 60, 90, 120, 180, 240]),
                topic=rng.choice(TOPICS),
                notes="Delivered with the school's safeguarding lead.",
            )
            sessions += 1
            day += datetime.timedelta(days=rng.randint(14, 24))
        gangs = list(Gang.objects.visible_to(clio).filter(division__code=code).order_by("pk"))
        for gang in gangs:
            for _ in range(rng.randint(1, 3)):
                engaged = rng.randint(4, 14)
                intervention_create(
                    actor=clio,
                    gang=gang,
                    held_on=story_end - datetime.timedelta(days=rng.randint(5, 240)),
                    young_people_engaged=engaged,
                    referrals_made=rng.randint(0, min(4, engaged)),
                    outcome=rng.choice(OUTCOMES),
                )
                interventions += 1
        for name in PSEUDONYMS:
            met_at_school = name.startswith("Pupil") or not gangs
            person_at_risk_create(
                actor=clio,
                county_line=None,
                name=f"{name}, {code.title()}",
                kind="child",
                age_band=rng.choice(["12_14", "15_17"]),
                met_through="school" if met_at_school else "street_group",
                setting=rng.choice(SCHOOLS[code]) if met_at_school else "",
                street_group="" if met_at_school else gangs[0].name,
                engagement_status="engaging",
                notes="Met through prevention work; no county line known yet.",
            )
            people += 1
    stdout.write(
        f"  {sessions} school sessions, {interventions} street-group interventions, "
        f"{people} young people met with no county line"
    )
