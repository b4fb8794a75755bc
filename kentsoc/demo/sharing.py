"""Other forces and what Kent-shire shares with them (issue 19): the county lines export from
London, so a Metropolitan-like force of the exporting borough and British Transport Police (the
railway the runners use) work them too, and a regional unit works the OCGs Kent-shire's NCA/ERSOU
team adopts. Each gets one officer per role it needs, and the shares go through the services:
offered by one Kent-shire supervisor, approved by another, one asked for and awaiting a decision.
Safe to run again: a force, officer or share that exists is left as it is."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TextIO

from countylines.choices import LineStatus
from countylines.models import CountyLine
from kentsoc.demo.org import DemoLogin, _DemoPassword, _user
from kentsoc.intel.models import IntelligenceRecord
from kentsoc.org.choices import Rank, Role, TeamKind
from kentsoc.org.models import District, Division, Force, Officer, Team
from kentsoc.org.scoping import CONTRIBUTE, READ
from kentsoc.org.services import officer_sync_group
from kentsoc.sharing.models import Share
from kentsoc.sharing.services import share_approve, share_ask, share_offer
from ocg.choices import OcgStatus
from ocg.models import OCG


@dataclass(frozen=True)
class OtherForce:
    code: str
    name: str
    division: str
    district: str
    # (username, first, last, role, rank, team kind)
    officers: tuple[tuple[str, str, str, str, str, str], ...]


FORCES = (
    OtherForce(
        "MX",
        "Metro-shire Police Service (fictional)",
        "Southbank",
        "Riverside Borough",
        (
            ("supervisor.mx", "Adaeze", "Brixworth", Role.SUPERVISOR, Rank.DI, TeamKind.CLGT),
            ("clgt.mx", "Ravi", "Camberley", Role.CLGT_OFFICER, Rank.DC, TeamKind.CLGT),
            ("analyst.mx", "Tess", "Dulwich", Role.ANALYST, Rank.STAFF, TeamKind.FIB),
        ),
    ),
    OtherForce(
        "BTP",
        "British Transit Police (fictional)",
        "London & South East",
        "Railway network",
        (
            ("supervisor.btp", "Owen", "Ewell", Role.SUPERVISOR, Rank.DS, TeamKind.CLGT),
            ("clgt.btp", "Lena", "Farnham", Role.CLGT_OFFICER, Rank.DC, TeamKind.CLGT),
        ),
    ),
    OtherForce(
        "ERSOU",
        "Eastern Region Special Operations Unit (fictional)",
        "Eastern Region",
        "Eastern region",
        (
            ("supervisor.ersou", "Maria", "Girton", Role.SUPERVISOR, Rank.DI, TeamKind.NCA_ERSOU),
            ("coordinator.ersou", "Sol", "Histon", Role.COORDINATOR, Rank.DC, TeamKind.NCA_ERSOU),
            ("analyst.ersou", "Ava", "Ickleton", Role.ANALYST, Rank.STAFF, TeamKind.FIB),
        ),
    ),
)
TEAM_NAMES = {
    TeamKind.CLGT: "County Lines Taskforce",
    TeamKind.FIB: "Intelligence Bureau",
    TeamKind.NCA_ERSOU: "Regional Organised Crime Unit",
}


def _force(spec: OtherForce, password: _DemoPassword) -> tuple[Force, list[DemoLogin]]:
    force, _ = Force.objects.get_or_create(code=spec.code, defaults={"name": spec.name})
    division, _ = Division.objects.get_or_create(
        code=f"{spec.code}-1", defaults={"name": spec.division, "force": force}
    )
    District.objects.get_or_create(
        code=f"{spec.code}-D1", defaults={"name": spec.district, "division": division}
    )
    logins = []
    for number, (username, first, last, role, rank, kind) in enumerate(spec.officers, start=1):
        team, _ = Team.objects.get_or_create(
            code=f"{spec.code}-{kind.upper()}",
            defaults={
                "name": f"{spec.code} {TEAM_NAMES[kind]}",
                "kind": kind,
                "force": force,
                "division": division if kind == TeamKind.CLGT else None,
            },
        )
        user = _user(username, first, last, password)
        officer, _ = Officer.objects.update_or_create(
            user=user,
            defaults={
                "collar_number": f"{spec.code}{7000 + number}",
                "rank": rank,
                "role": role,
                "team": team,
                "division": division if kind == TeamKind.CLGT else None,
            },
        )
        officer_sync_group(officer=officer)
        logins.append(
            DemoLogin(username, officer.display_name, officer.get_role_display(), team.name)
        )
    return force, logins


def _shareable(subject: CountyLine | OCG) -> list[int]:
    link = {"ocgs": subject} if isinstance(subject, OCG) else {"county_lines": subject}
    return list(
        IntelligenceRecord.objects.filter(
            handling_code="P", deleted_at__isnull=True, force_id=subject.division.force_id, **link
        )
        .order_by("-information_date")
        .values_list("pk", flat=True)[:3]
    )


def seed(*, stdout: TextIO, story_end: datetime.date) -> list[DemoLogin]:
    password = _DemoPassword()
    forces: dict[str, Force] = {}
    logins: list[DemoLogin] = []
    for spec in FORCES:
        forces[spec.code], made = _force(spec, password)
        logins += made
    if Share.objects.exists():
        stdout.write("  shares already seeded")
        return logins
    # Two of Kent-shire's supervisors: one offers, the other approves.
    offerer = Officer.objects.get(user__username="supervisor.north").user
    approver = Officer.objects.get(user__username="supervisor.east").user
    lines = CountyLine.objects.filter(
        status=LineStatus.ACTIVE, division__force__code="KS"
    ).order_by("reference")
    line = lines.first()
    if line is None:
        return logins
    for code, access, why in (
        ("MX", CONTRIBUTE, f"{line.name} exports from their borough: a joint operation."),
        ("BTP", READ, f"{line.name}'s runners travel by rail from London."),
    ):
        share = share_offer(
            actor=offerer,
            subject=line,
            receiving_force=forces[code],
            access=access,
            records=_shareable(line),
            reason=why,
        )
        share_approve(actor=approver, share=share, reason="Agreed at the tasking meeting.")
    adopted = (
        OCG.objects.filter(status=OcgStatus.ADOPTED, managing_team__kind=TeamKind.NCA_ERSOU)
        .order_by("reference")
        .first()
    )
    if adopted is not None:
        share = share_offer(
            actor=offerer,
            subject=adopted,
            receiving_force=forces["ERSOU"],
            access=CONTRIBUTE,
            records=_shareable(adopted),
            reason="Adopted by the NCA/ERSOU team: the regional unit works it with us.",
        )
        share_approve(actor=approver, share=share, reason="Regional adoption.")
    # The exporting force asks for a second line, awaiting a Kent-shire supervisor's decision.
    second = lines.exclude(pk=line.pk).first()
    if second is not None:
        share_ask(
            actor=Officer.objects.get(user__username="supervisor.mx").user,
            reference=second.reference,
            access=READ,
            reason=f"{second.name}'s deal line is answered in our borough.",
        )
    stdout.write(f"  {Share.objects.count()} shares with {len(forces)} other forces")
    return logins
