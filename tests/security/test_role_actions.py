"""Role × action: every write, every role, from one table (issue 13, "One rule, one place").

The table is README's "Who may write what" (between the role-actions markers): one row per write
action, a ✓ under each role that may take it. For every row this test checks that

1. `kentsoc/org/roles.py` grants the action's permission to exactly the ticked roles, so the
   documented table and the groups cannot drift apart;
2. the service lets each ticked role act and refuses every other role with PermissionDenied, so
   no door (page, API, shell) can be more generous than the rule;
3. the API (or the page, for actions without one) answers 2xx to each ticked role and 403 to
   every other role, or 404 where that role may not even see the record acted on.

Each role's attempt runs in a savepoint that is rolled back, so every role meets the same world.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from countylines.services.lifecycle import line_activate, line_flex
from countylines.services.lines import line_nominate
from countylines.services.people import person_at_risk_create, referral_create
from disruptions.choices import DisruptionStatus
from disruptions.services import approvals as disruption_approvals
from disruptions.services import disruptions as disruption_services
from disruptions.services import operations as disruption_operations
from kentsoc.dates import today
from kentsoc.gangs.services.gangs import gang_create
from kentsoc.intel.services import evidence as evidence_services
from kentsoc.intel.services import records as record_services
from kentsoc.lifetime.services.conditions import condition_add
from kentsoc.lifetime.services.scpos import scpo_apply
from kentsoc.lifetime.services.training import training_create
from kentsoc.org.choices import Rank, Role
from kentsoc.org.models import Division
from kentsoc.org.roles import ROLE_PERMISSIONS
from kentsoc.people.services import nominal_merge
from kentsoc.prevention.services import intervention_create, school_session_create
from ocg.choices import OcgStatus
from ocg.services import lifecycle as ocg_lifecycle
from ocg.services import memberships as ocg_memberships
from ocg.services import nominals as ocg_nominals
from ocg.services import nomination as ocg_nomination
from ocg.services import plan as ocg_plan
from tests.conftest import _officer
from tests.factories import (
    disruption_values,
    evidence_all,
    make_disruption,
    make_gang,
    make_line,
    make_nominal,
    make_ocg,
    make_person,
    make_record,
)

README = Path(settings.BASE_DIR) / "README.md"
COLUMNS = {
    "coordinator": Role.COORDINATOR,
    "researcher": Role.RESEARCHER,
    "LRO": Role.LRO,
    "CLGT": Role.CLGT_OFFICER,
    "CLIO": Role.CLIO,
    "supervisor": Role.SUPERVISOR,
    "analyst": Role.ANALYST,
    "auditor": Role.AUDITOR,
    "administrator": Role.ADMINISTRATOR,
}


def roles_table() -> dict[str, set[str]]:
    """README's role × action table: action → the roles ticked for it."""
    text = README.read_text()
    match = re.search(r"<!-- role-actions: begin -->\n(.*?)<!-- role-actions: end -->", text, re.S)
    assert match, "README.md lost its role-actions table"
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in match.group(1).strip().splitlines()
    ]
    header, body = rows[0], rows[2:]
    assert header[0] == "action" and header[1:] == list(COLUMNS), header
    return {
        row[0]: {
            COLUMNS[name] for name, cell in zip(header[1:], row[1:], strict=True) if cell == "✓"
        }
        for row in body
    }


# --- the world every role meets -------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def users(
    force, coordinator, researcher, lro, clgt_officer, clio, supervisor, analyst, auditor
) -> dict[str, Any]:
    administrator = _officer(force, Role.ADMINISTRATOR, "bureau", "administrator", Rank.STAFF)
    return {
        Role.COORDINATOR: coordinator,
        Role.RESEARCHER: researcher,
        Role.LRO: lro,
        Role.CLGT_OFFICER: clgt_officer,
        Role.CLIO: clio,
        Role.SUPERVISOR: supervisor,
        Role.ANALYST: analyst,
        Role.AUDITOR: auditor,
        Role.ADMINISTRATOR: administrator,
    }


@pytest.fixture
def world(force, users) -> dict[str, Any]:
    north = force["divisions"]["north"]
    medway = force["districts"]["medway"]
    lro = users[Role.LRO]
    # Adopted and led by the LRO, so the LRO acts on it and its members; a line hangs off it.
    adopted = make_ocg(
        division=north,
        name="Adopted Crew",
        status=OcgStatus.ADOPTED,
        managing_team=force["teams"]["north_local"],
        lead_responsible_officer=lro,
        mapped_on=today(),
        adopted_on=today(),
    )
    line = make_line(districts=[medway], name="BLAZE", ocg=adopted)
    ready_line = make_line(districts=[medway], name="VIPER", ocg=adopted)
    evidence_all(ready_line)
    developing = make_ocg(division=north, name="Developing Crew", status=OcgStatus.IN_DEVELOPMENT)
    submitted = make_ocg(
        division=north,
        name="Submitted Crew",
        status=OcgStatus.IN_DEVELOPMENT,
        mapping_submitted_at=timezone.now(),
    )
    evidence_all(submitted)
    # Definition evidence links a graded record (issue 15 item 13).
    graded = make_record(ocgs=[developing], lines=[line], grading="1B")
    disruption = make_disruption(
        author=users[Role.CLGT_OFFICER],
        team=force["teams"]["clgt_north"],
        status=DisruptionStatus.SUBMITTED,
        lines=[line],
        date=today() - datetime.timedelta(days=3),
    )
    return {
        "north": north,
        "medway": medway,
        "adopted": adopted,
        "member": adopted.memberships.first().nominal,
        "line": line,
        "ready_line": ready_line,
        "developing": developing,
        "submitted": submitted,
        "newcomer": make_nominal("Newcomer"),
        "child": make_person(line, name="Sam Example", kind="child", age_band="15_17"),
        "disruption": disruption,
        "lro": lro,
        "graded": graded,
        "gang": make_gang(north, name="Riverside Youngers", area="Strood", lines=[line]),
    }


# --- the actions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Door:
    """How a client asks for the action: `api` (JSON) or `web` (a form post)."""

    kind: str
    method: str
    url: Callable[[dict], str]
    body: Callable[[dict], dict]


@dataclass(frozen=True)
class Action:
    perm: str | None  # the permission roles.py must grant to exactly the ticked roles
    service: Callable[[Any, dict], Any]
    doors: tuple[Door, ...]
    subject: Callable[[dict], Any] | None = None  # the record acted on: invisible → 404 allowed


def api(method: str, url: Callable[[dict], str], body: Callable[[dict], dict]) -> Door:
    return Door("api", method, url, body)


def web(url: Callable[[dict], str], body: Callable[[dict], dict]) -> Door:
    return Door("web", "post", url, body)


def _no_body(w: dict) -> dict:
    return {}


def _evidence_body(kind: str, criterion: str) -> Callable[[dict], dict]:
    def body(w: dict) -> dict:
        subject = w["developing"] if kind == "ocg" else w["line"]
        return {
            kind: subject.pk,
            "criterion": criterion,
            "text": "Seen together on CCTV",
            "records": [w["graded"].pk],
        }

    return body


def _line_body(w: dict) -> dict:
    return {
        "name": "COBRA",
        "exporting_area": "Lambeth",
        "importing_districts": [w["medway"].pk],
        "deal_lines": ["07700900555"],
    }


def _intel_body(w: dict) -> dict:
    return {
        "information_date": (today() - datetime.timedelta(days=1)).isoformat(),
        "summary": "Fictional: runners seen at the station",
        "source_evaluation": "2",
        "intelligence_assessment": "B",
        "handling_code": "P",
        "county_lines": [w["line"].pk],
    }


def _disruption_body(w: dict) -> dict:
    return {
        "date": (today() - datetime.timedelta(days=2)).isoformat(),
        "strand": "pursue",
        "tactic": "arrest",
        "impact_grade": "moderate",
        "impact_rationale": "Two runners arrested",
        "county_lines": [w["line"].pk],
    }


def _disruption_values(w: dict) -> dict:
    values = disruption_values(team=None, date=today() - datetime.timedelta(days=2))
    values.pop("team")
    return values


def _plan_body(w: dict) -> dict:
    return {
        "strand": "pursue",
        "description": "Warrant at the trap house",
        "owner": w["lro"].pk,
        "due_on": (today() + datetime.timedelta(days=30)).isoformat(),
    }


def _condition_body(w: dict) -> dict:
    return {
        "condition-kind": "licence",
        "condition-text": "Not to enter Medway",
        "condition-imposed_on": today().isoformat(),
        "condition-partner": "prison_probation",
    }


def _training_body(w: dict) -> dict:
    return {
        "held_on": today().isoformat(),
        "location": "Fictional HQ",
        "trainer": "DS Example",
        "audience": "lros",
    }


def _merge_body(w: dict) -> dict:
    return {"survivor": w["member"].pk, "merged": w["newcomer"].pk, "reason": "Same PNC number"}


def _gang_body(w: dict) -> dict:
    return {"name": "Station Road Lot", "area": "Gillingham", "division": w["north"].pk}


def _session_body(w: dict) -> dict:
    return {
        "school": "Hollowmere Academy",
        "held_on": today().isoformat(),
        "audience": 60,
        "topic": "County lines and criminal exploitation",
    }


def _intervention_body(w: dict) -> dict:
    return {"gang": w["gang"].pk, "held_on": today().isoformat(), "young_people_engaged": 6}


ACTIONS: dict[str, Action] = {
    "nominate an OCG": Action(
        perm="ocg.add_ocg",
        service=lambda u, w: ocg_nomination.ocg_nominate(
            actor=u,
            name="New Crew",
            criminality=["drug_supply"],
            division=w["north"].pk,
            members=[
                {"nominal": w["newcomer"].pk, "role": "principal"},
                {"nominal": w["member"].pk, "role": "member"},
            ],
        ),
        doors=(
            api(
                "post",
                lambda w: "/api/ocgs/",
                lambda w: {
                    "name": "New Crew",
                    "criminality": ["drug_supply"],
                    "division": w["north"].pk,
                    "members": [
                        {"nominal": w["newcomer"].pk, "role": "principal"},
                        {"nominal": w["member"].pk, "role": "member"},
                    ],
                },
            ),
        ),
    ),
    "add a member to an OCG": Action(
        perm="ocg.change_ocg",
        service=lambda u, w: ocg_memberships.membership_add(
            actor=u, ocg=w["developing"], nominal=w["newcomer"].pk, role="member"
        ),
        doors=(
            api(
                "post",
                lambda w: f"/api/ocgs/{w['developing'].pk}/members/",
                lambda w: {"nominal": w["newcomer"].pk, "role": "member"},
            ),
        ),
        subject=lambda w: w["developing"],
    ),
    "record OCG definition evidence": Action(
        perm="intel.add_ocg_evidence",
        service=lambda u, w: evidence_services.evidence_add(
            actor=u,
            ocg=w["developing"],
            criterion="serious_crime",
            text="Class A supply",
            records=[w["graded"].pk],
        ),
        doors=(
            api(
                "post",
                lambda w: f"/api/ocgs/{w['developing'].pk}/evidence/",
                lambda w: {
                    "criterion": "serious_crime",
                    "text": "Class A supply",
                    "records": [w["graded"].pk],
                },
            ),
            web(lambda w: "/intelligence/evidence/", _evidence_body("ocg", "serious_crime")),
        ),
        subject=lambda w: w["developing"],
    ),
    "approve an OCG onto the matrix": Action(
        perm="ocg.approve_ocg",
        service=lambda u, w: ocg_lifecycle.ocg_approve_mapping(actor=u, ocg=w["submitted"]),
        doors=(api("post", lambda w: f"/api/ocgs/{w['submitted'].pk}/approve-mapping/", _no_body),),
        subject=lambda w: w["submitted"],
    ),
    "keep an adopted OCG's 4P plan": Action(
        # Coordinators and supervisors by role, the LRO by leading this OCG: no one permission.
        perm=None,
        service=lambda u, w: ocg_plan.plan_action_add(
            actor=u,
            ocg=w["adopted"],
            strand="pursue",
            description="Warrant at the trap house",
            owner=w["lro"].pk,
            due_on=today() + datetime.timedelta(days=30),
        ),
        doors=(api("post", lambda w: f"/api/ocgs/{w['adopted'].pk}/plan/", _plan_body),),
        subject=lambda w: w["adopted"],
    ),
    "record a nominal": Action(
        perm="ocg.add_nominal",
        service=lambda u, w: ocg_nominals.nominal_create(
            actor=u, first_name="Jordan", last_name="Madeup"
        ),
        doors=(
            api(
                "post",
                lambda w: "/api/nominals/",
                lambda w: {"first_name": "Jordan", "last_name": "Madeup"},
            ),
        ),
    ),
    "nominate a county line": Action(
        perm="countylines.add_countyline",
        service=lambda u, w: line_nominate(actor=u, **_line_body(w)),
        doors=(api("post", lambda w: "/api/county-lines/", _line_body),),
    ),
    "record county-line definition evidence": Action(
        perm="intel.add_line_evidence",
        service=lambda u, w: evidence_services.evidence_add(
            actor=u,
            county_line=w["line"],
            criterion="deal_line",
            text="Test purchase",
            records=[w["graded"].pk],
        ),
        doors=(
            api(
                "post",
                lambda w: f"/api/county-lines/{w['line'].pk}/evidence/",
                lambda w: {
                    "criterion": "deal_line",
                    "text": "Test purchase",
                    "records": [w["graded"].pk],
                },
            ),
            web(lambda w: "/intelligence/evidence/", _evidence_body("county_line", "deal_line")),
        ),
        subject=lambda w: w["line"],
    ),
    "put a county line on the matrix": Action(
        perm="countylines.approve_countyline",
        service=lambda u, w: line_activate(actor=u, line=w["ready_line"]),
        doors=(
            api("post", lambda w: f"/api/county-lines/{w['ready_line'].pk}/activate/", _no_body),
        ),
        subject=lambda w: w["ready_line"],
    ),
    "flex a county line": Action(
        perm="countylines.approve_countyline",
        service=lambda u, w: line_flex(
            actor=u,
            line=w["line"],
            division=Division.objects.get(code="EAST"),
            reason="Worked from East",
        ),
        doors=(
            api(
                "post",
                lambda w: f"/api/county-lines/{w['line'].pk}/flex/",
                lambda w: {"division": "EAST", "reason": "Worked from East"},
            ),
        ),
        subject=lambda w: w["line"],
    ),
    "create an intelligence record": Action(
        perm="intel.add_intelligencerecord",
        service=lambda u, w: record_services.intelligence_create(
            actor=u,
            information_date=today() - datetime.timedelta(days=1),
            summary="Fictional: runners seen at the station",
            source_evaluation="2",
            intelligence_assessment="B",
            handling_code="P",
            county_lines=[w["line"].pk],
        ),
        doors=(api("post", lambda w: "/api/intelligence/", _intel_body),),
    ),
    "log a disruption": Action(
        perm="disruptions.add_disruption",
        service=lambda u, w: disruption_services.disruption_create(
            actor=u, values=_disruption_values(w), county_lines=[w["line"]]
        ),
        doors=(api("post", lambda w: "/api/disruptions/", _disruption_body),),
    ),
    "approve a disruption": Action(
        perm="disruptions.approve_disruption",
        service=lambda u, w: disruption_approvals.disruption_approve(
            actor=u, disruption=w["disruption"]
        ),
        doors=(api("post", lambda w: f"/api/disruptions/{w['disruption'].pk}/approve/", _no_body),),
        subject=lambda w: w["disruption"],
    ),
    "create an operation": Action(
        perm="disruptions.add_operation",
        service=lambda u, w: disruption_operations.operation_create(
            actor=u, name="Operation Example", start_date=today(), end_date=today()
        ),
        doors=(
            api(
                "post",
                lambda w: "/api/operations/",
                lambda w: {
                    "name": "Operation Example",
                    "start_date": today().isoformat(),
                    "end_date": today().isoformat(),
                },
            ),
        ),
    ),
    "record a person at risk": Action(
        perm="countylines.add_personatrisk",
        service=lambda u, w: person_at_risk_create(
            actor=u, county_line=w["line"], name="Jo Madeup", kind="child", age_band="12_14"
        ),
        doors=(
            api(
                "post",
                lambda w: "/api/people-at-risk/",
                lambda w: {
                    "county_line": w["line"].pk,
                    "name": "Jo Madeup",
                    "kind": "child",
                    "age_band": "12_14",
                },
            ),
        ),
        subject=lambda w: w["line"],
    ),
    "record a safeguarding referral": Action(
        perm="countylines.add_safeguardingreferral",
        service=lambda u, w: referral_create(
            actor=u, person=w["child"], agency="mcet", referred_on=today()
        ),
        doors=(
            api(
                "post",
                lambda w: f"/api/people-at-risk/{w['child'].pk}/referrals/",
                lambda w: {"agency": "mcet", "referred_on": today().isoformat()},
            ),
        ),
        subject=lambda w: w["child"],
    ),
    "record prison or licence conditions": Action(
        perm="lifetime.manage_lifetime",
        service=lambda u, w: condition_add(
            actor=u,
            nominal=w["member"],
            kind="licence",
            text="Not to enter Medway",
            imposed_on=today(),
            partner="prison_probation",
        ),
        doors=(web(lambda w: f"/lifetime/nominals/{w['member'].pk}/conditions/", _condition_body),),
        subject=lambda w: w["member"],
    ),
    "apply for an SCPO": Action(
        perm="lifetime.manage_lifetime",
        service=lambda u, w: scpo_apply(actor=u, nominal=w["member"], applied_on=today()),
        doors=(
            web(
                lambda w: f"/lifetime/nominals/{w['member'].pk}/scpos/",
                lambda w: {"scpo-applied_on": today().isoformat()},
            ),
        ),
        subject=lambda w: w["member"],
    ),
    "record LRO training": Action(
        perm="lifetime.add_traininginput",
        service=lambda u, w: training_create(
            actor=u, held_on=today(), location="Fictional HQ", trainer="DS Example", audience="lros"
        ),
        doors=(web(lambda w: "/lifetime/training/new/", _training_body),),
    ),
    "merge two records of one person": Action(
        perm="people.merge_nominals",
        service=lambda u, w: nominal_merge(
            actor=u, survivor=w["member"].pk, merged=w["newcomer"].pk, reason="Same PNC number"
        ),
        doors=(api("post", lambda w: "/api/people/merge/", _merge_body),),
    ),
    "record a gang": Action(
        perm="gangs.add_gang",
        service=lambda u, w: gang_create(actor=u, **_gang_body(w)),
        doors=(api("post", lambda w: "/api/gangs/", _gang_body),),
    ),
    "record a school session": Action(
        perm="prevention.add_schoolsession",
        service=lambda u, w: school_session_create(
            actor=u,
            school="Hollowmere Academy",
            held_on=today(),
            audience=60,
            topic="County lines and criminal exploitation",
        ),
        doors=(api("post", lambda w: "/api/prevention/school-sessions/", _session_body),),
    ),
    "record a street-group intervention": Action(
        perm="prevention.add_streetgroupintervention",
        service=lambda u, w: intervention_create(
            actor=u, gang=w["gang"], held_on=today(), young_people_engaged=6
        ),
        doors=(api("post", lambda w: "/api/prevention/interventions/", _intervention_body),),
        subject=lambda w: w["gang"],
    ),
}


# --- the checks -----------------------------------------------------------------------------------


class _Rollback(Exception):
    pass


def _attempt(fn: Callable[..., Any], *args: Any) -> Any:
    """Run fn(*args) in a savepoint that is always rolled back; return what it returned or
    raised."""
    outcome: Any = None
    try:
        with transaction.atomic():
            try:
                outcome = fn(*args)
            except Exception as exc:  # the refusal is the result being tested
                outcome = exc
            raise _Rollback
    except _Rollback:
        pass
    return outcome


def _visible(subject: Any, user: Any) -> bool:
    if subject is None:
        return True
    return type(subject).objects.visible_to(user).filter(pk=subject.pk).exists()


def _clients(user: Any) -> dict[str, Any]:
    """One signed-in client per door kind, made outside the savepoints so their sessions last."""
    api_client = APIClient()
    api_client.force_authenticate(user)
    web_client = Client()
    web_client.force_login(user)
    return {"api": api_client, "web": web_client}


def _call(door: Door, clients: dict[str, Any], w: dict) -> int:
    client = clients[door.kind]
    if door.kind == "api":
        return getattr(client, door.method)(door.url(w), door.body(w), format="json").status_code
    return client.post(door.url(w), door.body(w)).status_code


def test_the_readme_table_names_every_action_once():
    assert set(roles_table()) == set(ACTIONS)


def test_every_role_has_a_column():
    assert set(COLUMNS.values()) == set(Role.values) == set(ROLE_PERMISSIONS)


# The 4P plan has no single permission (coordinators and supervisors by role, an LRO by leading
# the OCG): its service decides, and the service test below holds it to the table.
@pytest.mark.parametrize("name", [name for name, action in ACTIONS.items() if action.perm])
def test_roles_py_grants_each_action_to_exactly_its_roles(name):
    action = ACTIONS[name]
    holders = {role for role, perms in ROLE_PERMISSIONS.items() if action.perm in perms}
    assert holders == roles_table()[name], name


@pytest.mark.parametrize("name", list(ACTIONS))
def test_the_service_and_every_door_follow_the_table(name, users, world):
    action, allowed = ACTIONS[name], roles_table()[name]
    subject = action.subject(world) if action.subject else None
    wrong: list[str] = []
    for role, user in users.items():
        result = _attempt(action.service, user, world)
        if role in allowed and isinstance(result, Exception):
            wrong.append(f"service refused {role}: {result!r}")
        elif role not in allowed and not isinstance(result, PermissionDenied):
            wrong.append(f"service let {role} through (got {result!r})")
        refusals = {403} if _visible(subject, user) else {403, 404}
        clients = _clients(user)
        for door in action.doors:
            code = _attempt(_call, door, clients, world)
            success = {200, 201} if door.kind == "api" else {302}
            ok = code in success if role in allowed else code in refusals
            if not ok:
                wrong.append(f"{door.kind} {door.url(world)} answered {code} to {role}")
    assert not wrong, "\n".join(wrong)
