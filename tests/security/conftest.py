"""A small world holding one record of every kind, so every <pk> route can be filled in.

Each record carries a marker string that appears nowhere else: a response that contains a marker
disclosed that record. Strangers are users with a role but no need to know about these records.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.utils import timezone

from countylines.choices import LineRole, LineStatus
from countylines.models import LineNominal, SafeguardingReferral
from disruptions.models import Operation
from kentsoc.audit.services import audit_view
from kentsoc.intel.models import DefinitionEvidence
from kentsoc.lifetime.choices import AttentionKind, Audience, PeriodStatus, ScpoStatus
from kentsoc.lifetime.models import AttentionItem, CustodyPeriod, Scpo, TrainingInput
from kentsoc.matrix.services import subject_rescore
from kentsoc.org.choices import Rank, Role, TeamKind
from kentsoc.sharing.models import Share
from kentsoc.trh.choices import RankedSubject
from ocg.choices import MembershipRole, OcgStatus, PlanStrand
from ocg.models import Membership, PlanAction
from tests.conftest import _officer
from tests.factories import (
    ForceFactory,
    RecordFactory,
    TeamFactory,
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

# One marker per record; fictional words that no template or reference data contains.
MARKERS = {
    "ocg": "Zephyrquill Syndicate",
    "nominal": "Quillfeatherby",
    "line": "NIGHTJARX",
    "record": "Pelicanwharf lock-up marker",
    "person": "Robinmarigold Example",
    "disruption": "Ospreymarker narrative",
    "operation": "Operation Kestrelmark",
    "training": "Marigoldhall Training Suite",
    "plan": "Plan action heronmarker",
    "evidence": "Evidence cormorantmarker",
    "conditions": "Conditions: not to be shared with Ternmarker council",
    "gang": "Sandpiperquill Crew",
    "school_session": "Gannetbrook Academy",
    "intervention": "Stonechatmarker youth outcome",
}


@dataclass
class World:
    users: dict[str, Any]
    objects: dict[str, Any] = field(default_factory=dict)
    # Session cookies of users signed in once for the test (tests/security/helpers.py sign_in).
    sessions: dict[str, str] = field(default_factory=dict)

    def pk(self, name: str) -> int:
        return self.objects[name].pk


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Every role fixture hashes a password; the production hasher would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(
    force, coordinator, researcher, lro, clgt_officer, clio, supervisor, analyst, auditor, outsider
) -> World:
    north = force["divisions"]["north"]
    teams = force["teams"]
    east_local = TeamFactory(
        code="EAST-LOCAL",
        name="East local team",
        kind=TeamKind.DIVISION_LOCAL,
        division=force["divisions"]["east"],
    )
    force["teams"]["east_local"] = east_local
    users = {
        "coordinator": coordinator,
        "researcher": researcher,
        "lro": lro,
        "clgt_officer": clgt_officer,
        "clio": clio,
        "supervisor": supervisor,
        "analyst": analyst,
        "auditor": auditor,
        "outsider": outsider,
        # An LRO of another division's team: leads nothing in this world.
        "lro_east": _officer(force, Role.LRO, "east_local", "lro_east", Rank.DS),
        # A CLGT officer of another division: sees the line, not its safeguarding records.
        "clgt_east": _officer(force, Role.CLGT_OFFICER, "clgt_east", "clgt_east", Rank.DC),
    }
    today = timezone.localdate()

    ocg = make_ocg(
        division=north,
        name=MARKERS["ocg"],
        status=OcgStatus.ADOPTED,
        members=1,
        managing_team=teams["north_local"],
        lead_responsible_officer=lro,
    )
    nominal = make_nominal(first_name="Alexis", last_name=MARKERS["nominal"])
    membership = Membership.objects.create(
        ocg=ocg, nominal=nominal, role=MembershipRole.LIEUTENANT, from_date=ocg.nominated_on
    )
    line = make_line(
        districts=[force["districts"]["medway"]],
        name=MARKERS["line"],
        status=LineStatus.ACTIVE,
        ocg=ocg,
    )
    link = LineNominal.objects.create(county_line=line, nominal=nominal, role=LineRole.RUNNER)
    # Handling code C: its conditions are for the owning team (North CLGT) and supervisors only.
    record = RecordFactory(
        summary=MARKERS["record"],
        handling_code="C",
        handling_conditions=MARKERS["conditions"],
        owning_team=teams["clgt_north"],
        ocgs=[ocg],
        county_lines=[line],
        nominals=[nominal],
    )
    evidence = DefinitionEvidence.objects.create(
        ocg=ocg, criterion="working_together", text=MARKERS["evidence"], created_by=coordinator
    )
    plan = PlanAction.objects.create(
        ocg=ocg,
        strand=PlanStrand.PURSUE,
        description=MARKERS["plan"],
        owner=lro,
        due_on=today + datetime.timedelta(days=30),
        created_by=lro,
    )
    disruption = make_disruption(
        author=clgt_officer,
        team=teams["clgt_north"],
        approver=supervisor,
        ocgs=[ocg],
        lines=[line],
        nominals=[nominal],
        narrative=MARKERS["disruption"],
    )
    court_result = make_sentence(disruption, nominal, 3, 6, clgt_officer)
    operation = Operation.objects.create(
        force=ForceFactory(),
        name=MARKERS["operation"],
        start_date=today - datetime.timedelta(days=10),
        end_date=today - datetime.timedelta(days=3),
        created_by=supervisor,
    )
    person = make_person(line, name=MARKERS["person"])
    # North's gang, run on the world's line by its nominal: North's CLGT, CLIOs and coordinators
    # see it, the east's CLGT and the LROs do not.
    gang = make_gang(north, name=MARKERS["gang"], members=[(nominal, "leader")], lines=[line])
    referral = SafeguardingReferral.objects.create(
        person=person, agency="mcet", referred_on=today - datetime.timedelta(days=5)
    )
    # North's prevention work: its CLIOs, supervisors and analysts read it, nobody else.
    school_session = make_session(clio, school=MARKERS["school_session"])
    intervention = make_intervention(clio, gang, outcome=MARKERS["intervention"])
    period = CustodyPeriod.objects.create(
        nominal=nominal,
        status=PeriodStatus.IN_PRISON,
        started_on=today - datetime.timedelta(days=400),
        sentence_date=today - datetime.timedelta(days=400),
        expected_release_date=today + datetime.timedelta(days=60),
        created_by=coordinator,
    )
    scpo = Scpo.objects.create(
        nominal=nominal,
        status=ScpoStatus.APPLIED,
        applied_on=today - datetime.timedelta(days=20),
        court="Maidstone Crown Court",
        created_by=coordinator,
    )
    training = TrainingInput.objects.create(
        force=ForceFactory(),
        held_on=today - datetime.timedelta(days=40),
        location=MARKERS["training"],
        trainer="DS Example",
        audience=Audience.LROS,
        created_by=coordinator,
    )
    attention = AttentionItem.objects.create(
        user=coordinator,
        kind=AttentionKind.RELEASE,
        nominal=nominal,
        period=period,
        due_on=period.expected_release_date,
        threshold_days=90,
    )
    # A second person (to compare with) and a merge into the world's person, for the merge pages.
    twin = make_nominal(first_name="Alexis", last_name="Twinrecord")
    merge = make_merge(nominal, by=coordinator)
    # On the matrix, so score panels, explanations, rankings and the dashboard have rows.
    subject_rescore(subject_type=RankedSubject.COUNTY_LINE, subject_id=line.pk)
    subject_rescore(subject_type=RankedSubject.OCG, subject_id=ocg.pk)
    audit_event = audit_view(actor=analyst, obj=ocg)
    # The line offered to another force, awaiting another supervisor's decision.
    share = Share.objects.create(
        county_line=line,
        owner_force=north.force,
        receiving_force=ForceFactory(code="ZZ", name="Zedshire Police (fictional)"),
        reason="The line exports from their area.",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=90),
        requested_by=supervisor,
    )
    return World(
        users=users,
        objects={
            "ocg": ocg,
            "nominal": nominal,
            "membership": membership,
            "line": line,
            "link": link,
            "record": record,
            "evidence": evidence,
            "plan": plan,
            "disruption": disruption,
            "court_result": court_result,
            "operation": operation,
            "person": person,
            "referral": referral,
            "period": period,
            "scpo": scpo,
            "training": training,
            "attention": attention,
            "audit_event": audit_event,
            "gang": gang,
            "gang_membership": gang.memberships.get(),
            "school_session": school_session,
            "intervention": intervention,
            "twin": twin,
            "merge": merge,
            "share": share,
            "division": north,
            "district": force["districts"]["medway"],
            "team": teams["clgt_north"],
            "officer": clgt_officer.officer,
        },
    )
