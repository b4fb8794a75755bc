"""The fictional demo force: divisions, Kent's districts, teams and one user per role per division.

Idempotent: every row is found by its natural key (code, username) and brought up to date, so a
second run changes nothing and duplicates nothing. Names and collar numbers are invented.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from kentsoc.org.choices import Rank, Role, TeamKind
from kentsoc.org.models import District, Division, Force, Officer, Team
from kentsoc.org.services import officer_sync_group

FORCE_CODE = "KS"

DIVISIONS = [
    # code, name, districts (code, name)
    (
        "NORTH",
        "North",
        [("MED", "Medway"), ("DAR", "Dartford"), ("GRA", "Gravesham"), ("SWA", "Swale")],
    ),
    (
        "EAST",
        "East",
        [
            ("CAN", "Canterbury"),
            ("THA", "Thanet"),
            ("DOV", "Dover"),
            ("FOL", "Folkestone & Hythe"),
            ("ASH", "Ashford"),
        ],
    ),
    (
        "WEST",
        "West",
        [
            ("MAI", "Maidstone"),
            ("TMA", "Tonbridge & Malling"),
            ("TUN", "Tunbridge Wells"),
            ("SEV", "Sevenoaks"),
        ],
    ),
]
CENTRAL = ("CENTRAL", "Central")

# Force-wide teams: code, name, kind.
FORCE_TEAMS = [
    ("SOC", "Serious Organised Crime", TeamKind.SOC),
    ("OCGMU", "OCG Management Unit", TeamKind.OCGMU),
    ("CLGT-C", "Central CLGT", TeamKind.CENTRAL_CLGT),
    ("MLT", "Money Laundering Team", TeamKind.MLT),
    ("MSHT", "Modern Slavery & Human Trafficking Team", TeamKind.MSHT),
    ("FI", "Financial Investigation", TeamKind.FI),
    ("NCA-ERSOU", "NCA / ERSOU", TeamKind.NCA_ERSOU),
    ("FIB", "Force Intelligence Bureau", TeamKind.FIB),
    ("ADMIN", "Administration", TeamKind.ADMINISTRATION),
]


def clgt_code(division_code: str) -> str:
    return f"CLGT-{division_code[0]}"


def local_code(division_code: str) -> str:
    return f"{division_code}-LOCAL"


@dataclass(frozen=True)
class DemoRole:
    role: str
    prefix: str  # the part of the username before the dot (a whole username if it has one)
    rank: str
    team: str  # "ocgmu", "clgt", "local" or "fib": resolved per division


DEMO_ROLES = [
    DemoRole(Role.COORDINATOR, "coordinator", Rank.DC, "ocgmu"),
    DemoRole(Role.RESEARCHER, "researcher", Rank.PC, "ocgmu"),
    DemoRole(Role.LRO, "lro", Rank.DS, "local"),
    DemoRole(Role.CLGT_OFFICER, "clgt", Rank.DC, "clgt"),
    DemoRole(Role.CLIO, "clio", Rank.PC, "clgt"),
    DemoRole(Role.SUPERVISOR, "supervisor", Rank.DI, "ocgmu"),
    DemoRole(Role.ANALYST, "analyst", Rank.STAFF, "fib"),
    DemoRole(Role.AUDITOR, "auditor", Rank.STAFF, "local"),
]

# Invented names, one per demo officer, in DEMO_ROLES order for North, East, West, then Central.
_NAMES = [
    ("Harriet", "Ashdown"),
    ("Tomasz", "Brackley"),
    ("Priya", "Culverden"),
    ("Gareth", "Dunmore"),
    ("Nia", "Elmstead"),
    ("Samuel", "Fairlight"),
    ("Jodie", "Gorsley"),
    ("Marcus", "Hallingbury"),
    ("Aisha", "Ivychurch"),
    ("Connor", "Jessup"),
    ("Bethany", "Kingsdown"),
    ("Oluwaseun", "Lenham"),
    ("Fiona", "Marden"),
    ("Rhys", "Nettlestead"),
    ("Grace", "Oakhurst"),
    ("Declan", "Penshurst"),
    ("Imogen", "Quarrington"),
    ("Kwame", "Ryarsh"),
    ("Laura", "Stelling"),
    ("Owen", "Trottiscliffe"),
    ("Zara", "Underriver"),
    ("Callum", "Vinters"),
    ("Megan", "Wrotham"),
    ("Idris", "Yalding"),
    ("Ellen", "Zennor"),
    # The staff the seed counts beyond one per role per division (see STAFF below).
    ("Hannah", "Aldington"),
    ("Joel", "Bilsington"),
    ("Maya", "Chillenden"),
    ("Tunde", "Densole"),
]

# The seed's staffing: the OCGMU has its coordinators, four Research & Development constables
# and a Detective Sergeant supervising the unit; the divisional CLGTs have five CLIOs and a CLIO
# coordinator. The per-division logins above give three researchers and three CLIOs: these make
# up the numbers. (username, role, rank, team: "ocgmu", "clgt" or "central", division code).
STAFF = [
    ("researcher.ocgmu", Role.RESEARCHER, Rank.PC, "ocgmu", None),
    ("clio.medway", Role.CLIO, Rank.PC, "clgt", "NORTH"),
    ("clio.thanet", Role.CLIO, Rank.PC, "clgt", "EAST"),
    # Coordinates the CLIOs of every division: a CLIO with no division of their own.
    ("clio.coordinator", Role.CLIO, Rank.PS, "central", None),
]
# The OCGMU's supervisor is a DS (supervisor.north); the other divisions' supervisors are DIs
# of their division's local team.
OCGMU_SUPERVISOR = "NORTH"

ADMIN_USERNAME = "admin"


def _supervisor_placement(demo_role: DemoRole, division_code: str) -> DemoRole:
    """One DS supervises the OCGMU; the other divisions' supervisors are DIs on Division."""
    if demo_role.role != Role.SUPERVISOR:
        return demo_role
    if division_code == OCGMU_SUPERVISOR:
        return DemoRole(demo_role.role, demo_role.prefix, Rank.DS, "ocgmu")
    return DemoRole(demo_role.role, demo_role.prefix, Rank.DI, "local")


@dataclass(frozen=True)
class DemoLogin:
    username: str
    name: str
    role: str
    team: str


class _DemoPassword:
    """Sets the demo password on each demo user, hashing it once per run: the hasher is slow by
    design (about half a second here), and doing it per user made seed_demo mostly hashing."""

    def __init__(self) -> None:
        self.encoded: str | None = None
        self.verified: set[str] = set()

    def apply(self, user) -> None:
        # Demo logins are for the local demo only: with DEBUG off nobody can sign in with them.
        if not settings.DEBUG:
            user.set_unusable_password()
            return
        if user.password in self.verified:
            return
        # A new user has no password yet; checking one would still hash (Django evens out timing).
        if user.password and user.check_password(settings.KENTSOC_DEMO_PASSWORD):
            self.verified.add(user.password)
            return
        if self.encoded is None:
            self.encoded = make_password(settings.KENTSOC_DEMO_PASSWORD)
            self.verified.add(self.encoded)
        user.password = self.encoded


def _user(username: str, first: str, last: str, password: _DemoPassword):
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=username)
    user.first_name, user.last_name = first, last
    user.email = f"{username}@kent-shire.example"
    user.is_active = True
    # Staff status follows the role (officer_sync_group); a demo database seeded before
    # superusers were stripped of their powers is brought into line too.
    user.is_superuser = False
    password.apply(user)
    user.save()
    return user


@transaction.atomic
def seed(*, stdout: TextIO | None = None) -> list[DemoLogin]:
    """Create or update the demo force; return the demo logins."""
    force, _ = Force.objects.update_or_create(
        code=FORCE_CODE, defaults={"name": settings.KENTSOC_FORCE_NAME}
    )
    divisions: dict[str, Division] = {}
    for code, name, districts in DIVISIONS:
        division, _ = Division.objects.update_or_create(
            code=code, defaults={"name": name, "force": force, "is_central": False}
        )
        divisions[code] = division
        for district_code, district_name in districts:
            District.objects.update_or_create(
                code=district_code, defaults={"name": district_name, "division": division}
            )
    # The Central CLGT's matrix: a division with no districts that lines reach only by flex.
    central, _ = Division.objects.update_or_create(
        code=CENTRAL[0], defaults={"name": CENTRAL[1], "force": force, "is_central": True}
    )

    teams: dict[str, Team] = {}
    for code, name, kind in FORCE_TEAMS:
        teams[code], _ = Team.objects.update_or_create(
            code=code, defaults={"name": name, "kind": kind, "division": None, "force": force}
        )
    for code, name, _districts in DIVISIONS:
        division = divisions[code]
        teams[clgt_code(code)], _ = Team.objects.update_or_create(
            code=clgt_code(code),
            defaults={
                "name": f"{name} CLGT",
                "kind": TeamKind.CLGT,
                "division": division,
                "force": force,
            },
        )
        teams[local_code(code)], _ = Team.objects.update_or_create(
            code=local_code(code),
            defaults={
                "name": f"{name} Division local team",
                "kind": TeamKind.DIVISION_LOCAL,
                "division": division,
                "force": force,
            },
        )

    logins: list[DemoLogin] = []
    names = iter(_NAMES)
    password = _DemoPassword()
    placements: list[tuple[DemoRole, str, Division]] = [
        (demo_role, code, divisions[code]) for code, _n, _d in DIVISIONS for demo_role in DEMO_ROLES
    ]
    placements = [
        (_supervisor_placement(demo_role, code), code, division)
        for demo_role, code, division in placements
    ]
    # The Central CLGT has its own officer: its disruptions are the force's headline table.
    placements.append(
        (DemoRole(Role.CLGT_OFFICER, "clgt", Rank.DC, "central"), CENTRAL[0], central)
    )
    staff: list[tuple[DemoRole, str, Division | None]] = [
        (DemoRole(role, username, rank, team), code or "", divisions.get(code or ""))
        for username, role, rank, team, code in STAFF
    ]
    for number, (demo_role, division_code, division) in enumerate(placements + staff, start=1):
        team = {
            "ocgmu": teams["OCGMU"],
            "fib": teams["FIB"],
            "clgt": teams.get(clgt_code(division_code)) if division_code else None,
            "local": teams.get(local_code(division_code)) if division_code else None,
            "central": teams["CLGT-C"],
        }[demo_role.team]
        first, last = next(names)
        username = (
            demo_role.prefix
            if "." in demo_role.prefix
            else f"{demo_role.prefix}.{division_code.lower()}"
        )
        user = _user(username, first, last, password)
        officer, _ = Officer.objects.update_or_create(
            user=user,
            defaults={
                "collar_number": f"KS{4000 + number}",
                "rank": demo_role.rank,
                "role": demo_role.role,
                "team": team,
                "division": division,
            },
        )
        officer_sync_group(officer=officer)
        logins.append(
            DemoLogin(username, officer.display_name, officer.get_role_display(), team.name)
        )

    # The administrator is an officer like any other, in the Administration team: users, teams
    # and reference data in /admin/, and no police data anywhere.
    admin_team = teams["ADMIN"]
    admin_user = _user(ADMIN_USERNAME, "Demo", "Administrator", password)
    admin_officer, _ = Officer.objects.update_or_create(
        user=admin_user,
        defaults={
            "collar_number": "KS4000",
            "rank": Rank.STAFF,
            "role": Role.ADMINISTRATOR,
            "team": admin_team,
            "division": None,
            "must_change_password": False,
        },
    )
    officer_sync_group(officer=admin_officer)
    logins.append(
        DemoLogin(
            ADMIN_USERNAME,
            admin_officer.display_name,
            admin_officer.get_role_display(),
            admin_team.name,
        )
    )
    if stdout is not None:
        stdout.write(
            f"Demo force: {force.name}: {len(divisions)} divisions + Central, "
            f"{District.objects.count()} districts, {Team.objects.count()} teams, "
            f"{len(logins)} demo users.\n"
        )
    return logins
