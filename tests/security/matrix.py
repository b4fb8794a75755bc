"""The world of the role x endpoint x method matrix (tests/security/test_leak_matrix.py).

Two forces: Kent-shire's North and East divisions and another force's South, each division with
every role of the roles table (its administrator included), plus two superusers (one with no
officer profile, one with an administrator profile). Each division holds one record of every
kind; nobody of one force may see anything of the other (issue 19), not even its reference data
(the South division's name is a marker too); each restricted field carries a marker string that
appears nowhere else, so a response containing a marker disclosed that field. `may_see` states,
from DOMAIN.md and issue 13, who may legitimately see each marker; the test fails on any other.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone

from countylines.choices import LineRole, LineStatus
from countylines.models import LineNominal, SafeguardingReferral
from disruptions.models import Operation
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record
from kentsoc.intel.models import DefinitionEvidence
from kentsoc.lifetime.choices import AttentionKind, Audience, PeriodStatus, ScpoStatus
from kentsoc.lifetime.models import AttentionItem, CustodyPeriod, Scpo, TrainingInput
from kentsoc.matrix.services import subject_rescore
from kentsoc.org.choices import Rank, Role, TeamKind
from kentsoc.org.scoping import CONTRIBUTE
from kentsoc.sharing.choices import ShareState
from kentsoc.sharing.models import Share
from kentsoc.sharing.services import share_approve, share_offer, share_refuse, share_revoke
from kentsoc.trh.choices import RankedSubject
from ocg.choices import MembershipRole, OcgStatus, PlanStrand
from ocg.models import Membership, PlanAction
from tests.factories import (
    DistrictFactory,
    DivisionFactory,
    ForceFactory,
    OfficerFactory,
    RecordFactory,
    TeamFactory,
    UserFactory,
    make_disruption,
    make_gang,
    make_intervention,
    make_line,
    make_merge,
    make_nominal,
    make_ocg,
    make_person,
    make_sentence,
    make_session,
)

DIVISIONS = ("north", "east", "south")
# South is another force's division: the same roles and records, nothing to share.
FORCE_OF = {"north": "KS", "east": "KS", "south": "WX"}
# Every role of kentsoc/org/roles.py, in each division.
ROLES = (
    Role.COORDINATOR,
    Role.RESEARCHER,
    Role.LRO,
    Role.CLGT_OFFICER,
    Role.CLIO,
    Role.SUPERVISOR,
    Role.ANALYST,
    Role.AUDITOR,
    Role.ADMINISTRATOR,
)

# Markers per division: plain ASCII words (nothing HTML or JSON would escape), none a substring
# of another. The nominals share "Quillfeather" so the search routes of routes.py find both.
_MARKERS = {
    "north": {
        "ocg": "Zephyrquill Northsyndicate",
        # A group in development the division's nominal is also a member of, and its disruption
        # is also against (below).
        "side_ocg": "Razorbillside Northgroup",
        "nominal": "Quillfeatherby",
        "line": "NIGHTJARX",
        "record": "Pelicanwharf northern lockup",
        "conditions": "Ternmarker council may not be told",
        "evidence": "Cormorantnorth evidence text",
        "plan": "Heronmarker north plan action",
        "disruption": "Ospreynorth warrant narrative",
        "operation": "Operation Kestrelnorth",
        "person": "Robinmarigold Northchild",
        "person_notes": "Wrenhollow school notes",
        "referral": "Puffinreferral north outcome",
        "custody": "HMP Gannetnorth",
        "gang": "Whimbrelnorth crew",
        # The division CLIO's prevention work: the school a session was given at, and what came
        # of work with a street group.
        "school_session": "Sandmartinnorth Academy",
        "intervention": "Yellowhammer north outcome",
        # Code P, chosen for North's live share with the other force (below).
        "shared_record": "Avocetlent north tipoff",
        # The surname of North's supervisor, who offers that share (below).
        "officer": "Goldcrestnorthsup",
    },
    "east": {
        "ocg": "Albatrossvane Eastcrew",
        "side_ocg": "Razorbillside Eastgroup",
        "nominal": "Quillfeatherton",
        "line": "SKYLARKQ",
        "record": "Plovergate eastern garage",
        "conditions": "Guillemotmarker partners excluded",
        "evidence": "Cormoranteast evidence text",
        "plan": "Egretmarker east plan action",
        "disruption": "Harriereast seizure narrative",
        "operation": "Operation Kestreleast",
        "person": "Linnetbramble Eastchild",
        "person_notes": "Siskinvale college notes",
        "referral": "Shearwater referral east outcome",
        "custody": "HMP Fulmareast",
        "gang": "Whimbreleast crew",
        "school_session": "Sandmartineast Academy",
        "intervention": "Yellowhammer east outcome",
        # Chosen for East's shares, none of them live: pending, refused, revoked, expired.
        "shared_record": "Avocetlent east tipoff",
        # The surname of East's supervisor, who approves North's live share (below).
        "officer": "Goldcresteastsup",
    },
    "south": {
        "ocg": "Cormorantsound Southring",
        "side_ocg": "Razorbillside Southgroup",
        "nominal": "Quillfeatherham",
        "line": "WAGTAILZ",
        "record": "Sanderling south boatyard",
        "conditions": "Redshankmarker force only",
        "evidence": "Cormorantsouth evidence text",
        "plan": "Bitternmarker south plan action",
        "disruption": "Merlinsouth cash narrative",
        "operation": "Operation Kestrelsouth",
        "person": "Chiffchaff Southchild",
        "person_notes": "Whinchatmoor school notes",
        "referral": "Dipperreferral south outcome",
        "custody": "HMP Skuasouth",
        "gang": "Whimbrelsouth crew",
        "school_session": "Sandmartinsouth Academy",
        "intervention": "Yellowhammer south outcome",
        # Chosen for South's expired share with Kent-shire.
        "shared_record": "Avocetlent south tipoff",
        # What South's CLGT added to North's line under North's live share.
        "contribution": "Grebecontrib south sighting",
        # Reference data of the other force: its division's name (its teams are named after it).
        "reference": "Sandpiperdale",
    },
}
# Markers of the force as a whole.
TRAINING = "Marigoldhall Training Suite"
AUDIT = "Auditmarker Nightheron entry"
# A child on a North line flexed to East: the line is worked in both divisions.
FLEX_CHILD = "Dunnockflex Crosschild"

# Shares (issue 19 item 2). North's line is lent to the other force with the right to add to it,
# with North's code-P record; East's shares of its line with that force are pending, refused,
# revoked and expired, and South's with Kent-shire expired: they lend nothing. What the live one
# lends, each receiving role reads as its model's `share_roles` say (kentsoc.org.scoping).
LENT = {"north": "WX"}
LENT_TO: dict[str, frozenset[str]] = {
    "line": frozenset(
        {
            Role.SUPERVISOR,
            Role.ANALYST,
            Role.CLGT_OFFICER,
            Role.CLIO,
            Role.COORDINATOR,
            Role.RESEARCHER,
        }
    ),
    "shared_record": frozenset(
        {Role.SUPERVISOR, Role.ANALYST, Role.CLGT_OFFICER, Role.COORDINATOR, Role.RESEARCHER}
    ),
    "disruption": frozenset(
        {
            Role.SUPERVISOR,
            Role.ANALYST,
            Role.CLGT_OFFICER,
            Role.CLIO,
            Role.COORDINATOR,
            Role.RESEARCHER,
        }
    ),
}

# Safeguarding: children's records, the most restricted data there is.
CHILD_KINDS = ("person", "person_notes", "referral")
# A school session's and an intervention's markers, and probes.py's kind for either record.
PREVENTION_KINDS = ("school_session", "intervention", "prevention")
# What must never be on the audit trail at all (it would reach every reader of the trail).
NEVER_ON_TRAIL = (*CHILD_KINDS, "flex_child", "conditions", "record")

# Roles whose job is reading case data across the force (DOMAIN.md: analysts "read everything in
# scope"; supervisors review everything) and the OCGMU, which works OCGs force-wide.
_CASE_READERS = {Role.COORDINATOR, Role.RESEARCHER, Role.SUPERVISOR, Role.ANALYST}
_LINE_TEAMS = {Role.CLGT_OFFICER, Role.CLIO}


@dataclass(frozen=True)
class Who:
    key: str
    role: str | None  # None: a superuser with no officer profile
    division: str | None
    superuser: bool = False

    def __str__(self) -> str:
        return self.key


def may_see(who: Who, kind: str, division: str | None) -> bool:
    """Whether `who` may see the marker `kind` of `division` (None: a force-wide marker).

    From DOMAIN.md, issue 13 and the scoping rules of each model's `scope()`: the Administrator
    and superusers see no police data; auditors the audit trail only; code-C conditions the
    owning team (the division's CLGT) and supervisors; children's records the CLIOs and the CLGT
    of the division the line is worked in, and that division's supervisors. An LRO sees what
    belongs to the OCGs they lead (their division's)."""
    role = who.role
    force = FORCE_OF.get(who.division or "", "KS")
    if kind == "officer":
        # A supervisor's name: their own force's officers may see it (officer lists,
        # attribution, the audit trail); never the other force's, not even on the share they
        # decided (kentsoc.sharing.selectors.who names them by their force).
        return role is not None and force == FORCE_OF[division or "north"]
    if kind == "share":
        # Acting on a share (a write's target): the supervisors of either force.
        return role == Role.SUPERVISOR and force in (FORCE_OF[division], LENT.get(division))
    if kind == "contribution":
        # The contributing force's readers of intelligence, and the owning force's: it is
        # evidence on the owner's line.
        return role in _CASE_READERS | {Role.CLGT_OFFICER}
    if LENT.get(division or "") == force and kind in LENT_TO:
        return role in LENT_TO[kind]
    if kind == "reference" and division == "south" and force == "KS":
        # The record South's CLGT added to North's lent line names its owning team (attribution),
        # whose name carries South's division's: its readers in Kent-shire see that, no more.
        return role in _CASE_READERS | {Role.CLGT_OFFICER}
    if role is None or force != FORCE_OF.get(division or "", "KS"):
        # Another force's: nothing at all (issue 19). Force-wide markers are Kent-shire's.
        return False
    if kind == "reference":
        return True
    if role == Role.ADMINISTRATOR:
        return False
    own = who.division == division
    if kind == "audit":
        return role in (Role.AUDITOR, Role.SUPERVISOR)
    if role == Role.AUDITOR:
        return False
    lro_own = role == Role.LRO and own
    if kind == "side_ocg":
        # Led by no LRO, behind no line, not yet scored: the OCGMU's and the force-wide
        # readers' only. Its member's LRO reads the member's lifetime and person pages, which
        # must not name it (need to know).
        return role in _CASE_READERS
    if kind in ("ocg", "evidence", "plan", "nominal", "line", "disruption"):
        return role in _CASE_READERS | _LINE_TEAMS or lro_own
    if kind == "gang":
        # Gangs are their division's: its CLGT, CLIOs and coordinators; supervisors and analysts
        # read across the force (kentsoc.gangs.models.gangs_q).
        return role in (Role.SUPERVISOR, Role.ANALYST) or (
            own and role in (Role.CLGT_OFFICER, Role.CLIO, Role.COORDINATOR)
        )
    if kind in PREVENTION_KINDS:
        # A division's prevention work: its CLIOs; supervisors and analysts read across the force
        # (kentsoc.prevention.models.prevention_q).
        return role in (Role.SUPERVISOR, Role.ANALYST) or (own and role == Role.CLIO)
    if kind == "record":
        return role in _CASE_READERS | {Role.CLGT_OFFICER} or lro_own
    if kind == "shared_record":
        # On the line only (no OCG): the force's readers of intelligence, not its LROs.
        return role in _CASE_READERS | {Role.CLGT_OFFICER}
    if kind == "conditions":
        return role == Role.SUPERVISOR or (role == Role.CLGT_OFFICER and own)
    if kind == "operation":
        return role in _CASE_READERS | _LINE_TEAMS | {Role.LRO}
    if kind in CHILD_KINDS:
        return role in (Role.CLIO, Role.CLGT_OFFICER, Role.SUPERVISOR) and own
    if kind == "flex_child":
        # CLIOs and supervisors of both divisions; the CLGT working it now is East's.
        return role in (Role.CLIO, Role.SUPERVISOR) or (
            role == Role.CLGT_OFFICER and who.division == "east"
        )
    if kind == "custody":
        return role in _CASE_READERS - {Role.RESEARCHER} or lro_own
    if kind == "training":
        return role in _CASE_READERS - {Role.RESEARCHER} | {Role.LRO}
    raise KeyError(kind)


# Who may change what, by area (DOMAIN.md's roles table, kentsoc/org/roles.py). A user outside
# an operation's writers must be refused and leave the database as it was; the Administrator,
# superusers and auditors are outside every one.
WRITERS: dict[str, frozenset[str]] = {
    "intelligence": frozenset(
        {Role.COORDINATOR, Role.RESEARCHER, Role.CLGT_OFFICER, Role.SUPERVISOR, Role.ANALYST}
    ),
    "nominal": frozenset({Role.COORDINATOR, Role.RESEARCHER, Role.CLGT_OFFICER, Role.SUPERVISOR}),
    "ocg": frozenset({Role.COORDINATOR, Role.RESEARCHER, Role.SUPERVISOR}),
    # Issue 13 item 4: definition evidence by the subject's owner roles only.
    "ocg_evidence": frozenset({Role.COORDINATOR, Role.RESEARCHER, Role.SUPERVISOR}),
    "ocg_plan": frozenset({Role.LRO, Role.SUPERVISOR, Role.COORDINATOR}),
    "line": frozenset({Role.CLGT_OFFICER, Role.SUPERVISOR}),
    "line_evidence": frozenset({Role.CLGT_OFFICER, Role.SUPERVISOR}),
    "safeguarding": frozenset({Role.CLIO}),
    "disruption": frozenset({Role.COORDINATOR, Role.LRO, Role.CLGT_OFFICER, Role.SUPERVISOR}),
    "approval": frozenset({Role.SUPERVISOR}),
    "operation": frozenset({Role.COORDINATOR, Role.SUPERVISOR}),
    "court_result": frozenset({Role.COORDINATOR, Role.LRO, Role.CLGT_OFFICER, Role.SUPERVISOR}),
    "lifetime": frozenset({Role.COORDINATOR, Role.SUPERVISOR, Role.LRO}),
    "training": frozenset({Role.COORDINATOR, Role.SUPERVISOR}),
    # Merging two records of one person, and undoing it (kentsoc.people).
    "merge": frozenset({Role.COORDINATOR, Role.SUPERVISOR}),
    # Gangs and street groups (kentsoc.gangs): the CLGTs' remit with county lines.
    "gang": frozenset({Role.CLGT_OFFICER, Role.SUPERVISOR}),
    # School sessions and street-group interventions (kentsoc.prevention): CLIOs record them.
    "prevention": frozenset({Role.CLIO}),
    # Shares with other forces (kentsoc.sharing): supervisors ask, offer, decide and revoke.
    "share": frozenset({Role.SUPERVISOR}),
    # A person's own attention list.
    "attention": frozenset(set(Role.values) - {Role.ADMINISTRATOR, Role.AUDITOR}),
}


@dataclass
class DivisionView:
    """One division's records, shaped like tests/security/conftest.py's World so the `args` and
    `query` callables of tests/security/routes.py fill in routes from it."""

    name: str
    objects: dict[str, Any]
    users: dict[str, Any] = field(default_factory=dict)

    def pk(self, name: str) -> int:
        return self.objects[name].pk


@dataclass
class MatrixWorld:
    people: list[Who]
    users: dict[str, Any]
    divisions: dict[str, DivisionView]
    markers: dict[tuple[str, str | None], str]

    def allowed(self, who: Who) -> set[str]:
        return {m for (kind, div), m in self.markers.items() if may_see(who, kind, div)}


def _officer(key: str, role: str, team: Any, division: Any, *, superuser: bool = False) -> Any:
    user = UserFactory(username=key, is_superuser=superuser, is_staff=superuser)
    rank = {Role.SUPERVISOR: Rank.DS, Role.LRO: Rank.DS}.get(role, Rank.DC)
    return OfficerFactory(user=user, role=role, rank=rank, team=team, division=division).user


def build_world() -> MatrixWorld:
    # Users only ever sign in with force_login here: the production hasher would dominate.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        return _build()


def _build() -> MatrixWorld:
    today = timezone.localdate()
    other = ForceFactory(code="WX", name="Wessex-shire Police (fictional)")
    divisions = {
        "north": DivisionFactory(code="NORTH", name="North"),
        "east": DivisionFactory(code="EAST", name="East"),
        "south": DivisionFactory(code="SOUTH", name=_MARKERS["south"]["reference"], force=other),
    }
    districts = {
        "north": DistrictFactory(code="MED", name="Medway", division=divisions["north"]),
        "east": DistrictFactory(code="CAN", name="Canterbury", division=divisions["east"]),
        "south": DistrictFactory(code="WXD", name="Wessex Downs", division=divisions["south"]),
    }
    ocgmu = TeamFactory(code="OCGMU", name="OCG Management Unit", kind=TeamKind.OCGMU)
    bureau = TeamFactory(code="FIB", name="Force Intelligence Bureau", kind=TeamKind.FIB)
    # The other force's own force-wide teams.
    force_teams = {
        "KS": (ocgmu, bureau),
        "WX": (
            TeamFactory(code="WX-OCGMU", name="OCG Unit", kind=TeamKind.OCGMU, force=other),
            TeamFactory(code="WX-FIB", name="Intelligence Bureau", kind=TeamKind.FIB, force=other),
        ),
    }
    people: list[Who] = []
    users: dict[str, Any] = {}
    views: dict[str, DivisionView] = {}
    markers: dict[tuple[str, str | None], str] = {}
    for div in DIVISIONS:
        division = divisions[div]
        clgt = TeamFactory(
            code=f"CLGT-{div[0].upper()}",
            name=f"{division.name} CLGT",
            kind=TeamKind.CLGT,
            division=division,
        )
        local = TeamFactory(
            code=f"{div.upper()}-LOCAL",
            name=f"{division.name} local team",
            kind=TeamKind.DIVISION_LOCAL,
            division=division,
        )
        ocgmu, bureau = force_teams[FORCE_OF[div]]
        team_of = {
            Role.COORDINATOR: ocgmu,
            Role.RESEARCHER: ocgmu,
            Role.LRO: local,
            Role.CLGT_OFFICER: clgt,
            Role.CLIO: clgt,
            Role.SUPERVISOR: local,
            Role.ANALYST: bureau,
            Role.AUDITOR: bureau,
            Role.ADMINISTRATOR: bureau,
        }
        mine: dict[str, Any] = {}
        for role in ROLES:
            key = f"{role}_{div}"
            mine[role] = users[key] = _officer(key, role, team_of[role], division)
            people.append(Who(key, role, div))
        m = _MARKERS[div]
        if "officer" in m:
            mine[Role.SUPERVISOR].last_name = m["officer"]
            mine[Role.SUPERVISOR].save(update_fields=["last_name"])
        markers.update({(kind, div): text for kind, text in m.items()})

        ocg = make_ocg(
            division=division,
            name=m["ocg"],
            status=OcgStatus.ADOPTED,
            members=0,
            managing_team=local,
            lead_responsible_officer=mine[Role.LRO],
        )
        nominal = make_nominal(first_name="Alexis", last_name=m["nominal"], force=division.force)
        membership = Membership.objects.create(
            ocg=ocg, nominal=nominal, role=MembershipRole.PRINCIPAL, from_date=ocg.nominated_on
        )
        side_ocg = make_ocg(
            division=division,
            name=m["side_ocg"],
            status=OcgStatus.IN_DEVELOPMENT,
            members=0,
            managing_team=ocgmu,
        )
        Membership.objects.create(
            ocg=side_ocg,
            nominal=nominal,
            role=MembershipRole.ASSOCIATE,
            from_date=side_ocg.nominated_on,
        )
        line = make_line(
            districts=[districts[div]], name=m["line"], status=LineStatus.ACTIVE, ocg=ocg
        )
        link = LineNominal.objects.create(county_line=line, nominal=nominal, role=LineRole.RUNNER)
        # The division's gang, run on its line by its nominal.
        gang = make_gang(division, name=m["gang"], members=[(nominal, "member")], lines=[line])
        record = RecordFactory(
            summary=m["record"],
            handling_code="C",
            handling_conditions=m["conditions"],
            owning_team=clgt,
            ocgs=[ocg],
            county_lines=[line],
            nominals=[nominal],
        )
        evidence = DefinitionEvidence.objects.create(
            ocg=ocg,
            criterion="working_together",
            text=m["evidence"],
            created_by=mine["coordinator"],
        )
        plan = PlanAction.objects.create(
            ocg=ocg,
            strand=PlanStrand.PURSUE,
            description=m["plan"],
            owner=mine[Role.LRO],
            due_on=today + datetime.timedelta(days=30),
            created_by=mine[Role.LRO],
        )
        # Against the group in development too: its readers (the line's CLGT and CLIOs, the
        # OCG's LRO) see the disruption through the line or the OCG, and must not see that group
        # named with it.
        disruption = make_disruption(
            author=mine[Role.CLGT_OFFICER],
            team=clgt,
            approver=mine[Role.SUPERVISOR],
            ocgs=[ocg, side_ocg],
            lines=[line],
            nominals=[nominal],
            narrative=m["disruption"],
        )
        court_result = make_sentence(disruption, nominal, 3, 6, mine[Role.CLGT_OFFICER])
        operation = Operation.objects.create(
            force=division.force,
            name=m["operation"],
            start_date=today - datetime.timedelta(days=10),
            end_date=today - datetime.timedelta(days=3),
            created_by=mine[Role.SUPERVISOR],
        )
        twin = make_nominal(first_name="Alexis", last_name=f"Twin{div}", force=division.force)
        merge = make_merge(nominal, by=mine[Role.COORDINATOR])
        person = make_person(line, name=m["person"], notes=m["person_notes"])
        # The division CLIO's prevention work (names no one: the school and the group only).
        school_session = make_session(
            mine[Role.CLIO], division=division, school=m["school_session"]
        )
        intervention = make_intervention(
            mine[Role.CLIO], make_gang(division), division=division, outcome=m["intervention"]
        )
        referral = SafeguardingReferral.objects.create(
            person=person,
            agency="mcet",
            referred_on=today - datetime.timedelta(days=5),
            outcome=m["referral"],
            outcome_on=today - datetime.timedelta(days=1),
        )
        period = CustodyPeriod.objects.create(
            nominal=nominal,
            status=PeriodStatus.IN_PRISON,
            started_on=today - datetime.timedelta(days=400),
            sentence_date=today - datetime.timedelta(days=400),
            expected_release_date=today + datetime.timedelta(days=60),
            establishment=m["custody"],
            created_by=mine[Role.COORDINATOR],
        )
        scpo = Scpo.objects.create(
            nominal=nominal,
            status=ScpoStatus.APPLIED,
            applied_on=today - datetime.timedelta(days=20),
            court="Maidstone Crown Court",
            created_by=mine[Role.COORDINATOR],
        )
        attention = AttentionItem.objects.create(
            user=mine[Role.COORDINATOR],
            kind=AttentionKind.RELEASE,
            nominal=nominal,
            period=period,
            due_on=period.expected_release_date,
            threshold_days=90,
        )
        subject_rescore(subject_type=RankedSubject.COUNTY_LINE, subject_id=line.pk)
        subject_rescore(subject_type=RankedSubject.OCG, subject_id=ocg.pk)
        # An audit event whose own text is the marker; its object is named by reference only.
        audit_event = audit_record(
            actor=mine[Role.ANALYST],
            action=AuditAction.VIEW,
            object_type="intel.intelligencerecord",
            object_id=record.pk,
            object_repr=record.reference,
            reason=f"{AUDIT} {div}",
        )
        views[div] = DivisionView(
            name=div,
            objects={
                "ocg": ocg,
                "nominal": nominal,
                "membership": membership,
                "line": line,
                "link": link,
                "gang": gang,
                "gang_membership": gang.memberships.get(),
                "record": record,
                "evidence": evidence,
                "plan": plan,
                "disruption": disruption,
                "court_result": court_result,
                "operation": operation,
                "person": person,
                "school_session": school_session,
                "intervention": intervention,
                "referral": referral,
                "period": period,
                "scpo": scpo,
                "attention": attention,
                "audit_event": audit_event,
                "twin": twin,
                "merge": merge,
                "division": division,
                "district": districts[div],
                "team": clgt,
                "officer": mine[Role.CLGT_OFFICER].officer,
            },
            users=mine,
        )
        markers[("audit", div)] = f"{AUDIT} {div}"
    training = TrainingInput.objects.create(
        force=divisions["north"].force,
        held_on=today - datetime.timedelta(days=40),
        location=TRAINING,
        trainer="DS Example",
        audience=Audience.LROS,
        created_by=views["north"].users[Role.COORDINATOR],
    )
    for view in views.values():
        view.objects["training"] = training
    markers[("training", None)] = TRAINING
    _share(views, today)
    flexed = make_line(
        districts=[districts["north"]],
        name="KITEFLEX",
        status=LineStatus.ACTIVE,
        flexed_division=divisions["east"],
    )
    make_person(flexed, name=FLEX_CHILD)
    markers[("flex_child", None)] = FLEX_CHILD

    User = get_user_model()
    users["superuser"] = User.objects.create_superuser("superuser", "", None)
    people.append(Who("superuser", None, None, superuser=True))
    users["superuser_admin"] = _officer(
        "superuser_admin", Role.ADMINISTRATOR, force_teams["KS"][1], None, superuser=True
    )
    people.append(Who("superuser_admin", Role.ADMINISTRATOR, None, superuser=True))
    return MatrixWorld(people=people, users=users, divisions=views, markers=markers)


def _share(views: dict[str, DivisionView], today: datetime.date) -> None:
    """Each division's share (`objects["share"]`, for the routes) and the records they lend."""
    chosen = {}
    for div, view in views.items():
        chosen[div] = RecordFactory(
            summary=_MARKERS[div]["shared_record"],
            force=view.objects["division"].force,
            county_lines=[view.objects["line"]],
        )
    north, east, south = views["north"], views["east"], views["south"]
    wx = south.objects["division"].force
    sup = {div: view.users[Role.SUPERVISOR] for div, view in views.items()}

    def offer(div: str, access: str = "read") -> Share:
        return share_offer(
            actor=sup[div],
            subject=views[div].objects["line"],
            receiving_force=wx,
            access=access,
            records=[chosen[div].pk],
            reason=f"Share probe {div}",
        )

    north.objects["share"] = share_approve(actor=sup["east"], share=offer("north", CONTRIBUTE))
    share_refuse(actor=sup["north"], share=offer("east"), reason="Not needed")
    revoked = share_approve(actor=sup["north"], share=offer("east"))
    share_revoke(actor=sup["east"], share=revoked, reason="Operation over")
    expired = share_approve(actor=sup["north"], share=offer("east"))
    Share.objects.filter(pk=expired.pk).update(
        starts_on=today - datetime.timedelta(days=100), ends_on=today - datetime.timedelta(days=10)
    )
    east.objects["share"] = offer("east")
    south.objects["share"] = Share.objects.create(
        county_line=south.objects["line"],
        owner_force=wx,
        receiving_force=north.objects["division"].force,
        reason="Share probe south",
        state=ShareState.APPROVED,
        starts_on=today - datetime.timedelta(days=100),
        ends_on=today - datetime.timedelta(days=1),
        requested_by=sup["south"],
        decided_by=sup["south"],
    )
    south.objects["share"].records.set([chosen["south"]])
    # South's CLGT adds to North's lent line: a South record, read by North as its evidence.
    RecordFactory(
        summary=_MARKERS["south"]["contribution"],
        force=wx,
        owning_team=south.objects["team"],
        county_lines=[north.objects["line"]],
    )
    subject_rescore(subject_type=RankedSubject.COUNTY_LINE, subject_id=north.objects["line"].pk)


# Tables whose rows a read or a refused write may legitimately add to: the audit trail (every
# read is audited), sign-in bookkeeping (sessions, lockout, tokens, second factor).
_VOLATILE_PREFIXES = ("audit_", "django_session", "axes_", "knox_", "otp_", "authtoken_")


def fingerprint_sql() -> str:
    """One statement summing a hash of every row of every other table: any insert, update or
    delete anywhere changes it."""
    tables = [
        t
        for t in connection.introspection.table_names()
        if not t.startswith(_VOLATILE_PREFIXES) and t != "django_migrations"
    ]
    quote = connection.ops.quote_name
    # Table names from the database's own catalogue, quoted: nothing from outside.
    parts = [
        f"SELECT '{t}' AS t, count(*) AS n, "  # noqa: S608
        f"coalesce(sum(hashtext(x::text)::bigint), 0) AS h FROM {quote(t)} x"
        for t in sorted(tables)
    ]
    return " UNION ALL ".join(parts)


def fingerprint(sql: str) -> dict[str, tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {t: (n, h) for t, n, h in cursor.fetchall()}
