"""Every OCG transition and its refusals: gate, permissions, invalid moves, stale versions."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from countylines.choices import LineStatus
from kentsoc.audit.models import AuditEvent
from kentsoc.dates import today
from kentsoc.intel.models import DefinitionEvidence
from kentsoc.matrix.models import Score
from kentsoc.org.choices import Rank, Role
from ocg.choices import OcgStatus, PlanActionStatus
from ocg.models import OCG, Membership, Nominal, OcgStatusChange
from ocg.services import lifecycle, memberships, nominals, nomination, plan
from tests.conftest import _officer
from tests.factories import evidence_all, make_line, make_nominal, make_ocg, make_record


def _errors(exc_info) -> dict:
    return exc_info.value.message_dict


# --- nominals -----------------------------------------------------------------------------------


def test_nominal_create_gives_reference_and_warns_of_duplicates(coordinator):
    first = nominals.nominal_create(
        actor=coordinator,
        first_name="Dana",
        last_name="Okafor",
        date_of_birth=datetime.date(1990, 2, 3),
    )
    assert first.nominal.reference == f"NOM-{first.nominal.pk:06d}"
    assert first.possible_duplicates == []
    second = nominals.nominal_create(
        actor=coordinator,
        first_name="dana",
        last_name="OKAFOR",
        date_of_birth=datetime.date(1990, 2, 3),
    )
    assert second.possible_duplicates == [first.nominal]
    event = AuditEvent.objects.get(object_type="ocg.nominal", object_id=str(second.nominal.pk))
    assert event.changes["possible_duplicates"] == [first.nominal.reference]


def test_nominal_create_namesake_with_other_birth_date_is_not_a_duplicate(coordinator):
    nominals.nominal_create(
        actor=coordinator,
        first_name="Sam",
        last_name="Reed",
        date_of_birth=datetime.date(1980, 1, 1),
    )
    created = nominals.nominal_create(
        actor=coordinator,
        first_name="Sam",
        last_name="Reed",
        date_of_birth=datetime.date(1999, 9, 9),
    )
    assert created.possible_duplicates == []


def test_nominal_create_bad_input_saves_nothing(coordinator):
    with pytest.raises(ValidationError) as exc:
        nominals.nominal_create(
            actor=coordinator,
            first_name=" ",
            last_name="",
            date_of_birth=today() + datetime.timedelta(days=1),
            custody_status="on_holiday",
        )
    assert set(_errors(exc)) == {"first_name", "last_name", "date_of_birth", "custody_status"}
    assert not Nominal.objects.exists()


def test_nominal_create_needs_permission(lro):
    with pytest.raises(PermissionDenied):
        nominals.nominal_create(actor=lro, first_name="A", last_name="B")


def test_nominal_update_refuses_stale_version(coordinator, researcher):
    nominal = make_nominal()
    nominals.nominal_update(
        actor=coordinator, nominal=nominal, version=1, custody_status="in_prison"
    )
    with pytest.raises(ValidationError) as exc:
        nominals.nominal_update(actor=researcher, nominal=nominal, version=1, aliases="Ghost")
    assert "Someone else changed" in _errors(exc)["version"][0]
    nominal.refresh_from_db()
    assert nominal.custody_status == "in_prison" and nominal.aliases == ""


# --- nomination ---------------------------------------------------------------------------------


def _members(n=2):
    return [{"nominal": make_nominal().pk, "role": "member"} for _ in range(n)]


def test_nominate_creates_a_nominated_ocg_with_history_and_audit(coordinator, north):
    ocg = nomination.ocg_nominate(
        actor=coordinator,
        name="  Riverside Firm ",
        criminality=["drug_supply", "firearms"],
        division=north.pk,
        summary="Fictional group",
        members=_members(2),
    )
    assert ocg.reference == f"OCG-{ocg.pk:04d}"
    assert ocg.name == "Riverside Firm" and ocg.status == OcgStatus.NOMINATED
    assert sorted(ocg.criminality.values_list("code", flat=True)) == ["drug_supply", "firearms"]
    assert ocg.memberships.count() == 2
    change = OcgStatusChange.objects.get(ocg=ocg)
    assert (change.from_status, change.to_status, change.changed_by) == (
        "",
        OcgStatus.NOMINATED,
        coordinator,
    )
    assert AuditEvent.objects.filter(object_type="ocg.ocg", action="create").count() == 1


def test_nominate_with_one_person_is_refused(coordinator, north):
    one = _members(1)
    with pytest.raises(ValidationError) as exc:
        nomination.ocg_nominate(
            actor=coordinator,
            name="Solo",
            criminality=["fraud"],
            division=north.pk,
            members=one + one,
        )
    assert "more than once" in " ".join(_errors(exc)["members"])
    with pytest.raises(ValidationError) as exc:
        nomination.ocg_nominate(
            actor=coordinator, name="Solo", criminality=["fraud"], division=north.pk, members=one
        )
    assert "at least 2 different people (1 given)" in _errors(exc)["members"][0]
    assert not OCG.objects.exists()


def test_nominate_missing_fields_named(coordinator, force):
    with pytest.raises(ValidationError) as exc:
        nomination.ocg_nominate(
            actor=coordinator,
            name="",
            criminality=["not_a_crime"],
            division=force["divisions"]["central"].pk,
            members=[{"nominal": 999999, "role": "boss"}],
        )
    errors = _errors(exc)
    assert set(errors) == {"name", "criminality", "division", "members"}
    assert "Central CLGT" in errors["division"][0]
    assert not OCG.objects.exists()


def test_researcher_cannot_nominate(researcher, north):
    with pytest.raises(PermissionDenied):
        nomination.ocg_nominate(
            actor=researcher, name="X", criminality=["fraud"], division=north.pk, members=_members()
        )


def test_update_stale_version_is_refused_and_first_save_kept(coordinator, researcher, ocg):
    nomination.ocg_update(actor=coordinator, ocg=ocg, version=1, name="New name")
    with pytest.raises(ValidationError) as exc:
        nomination.ocg_update(actor=researcher, ocg=ocg, version=1, summary="Other change")
    assert "Someone else changed this record" in _errors(exc)["version"][0]
    ocg.refresh_from_db()
    assert ocg.name == "New name" and ocg.summary == "" and ocg.version == 2


def test_update_criminality_marks_score_stale(coordinator, mapped_ocg):
    nomination.ocg_update(
        actor=coordinator, ocg=mapped_ocg, criminality=["drug_supply", "fraud", "cyber"]
    )
    mapped_ocg.refresh_from_db()
    assert mapped_ocg.score_stale_since is not None


# --- members ------------------------------------------------------------------------------------


def test_membership_add_starts_development_and_refuses_duplicates(researcher, ocg):
    person = make_nominal()
    memberships.membership_add(actor=researcher, ocg=ocg, nominal=person.pk, role="enabler")
    ocg.refresh_from_db()
    assert ocg.status == OcgStatus.IN_DEVELOPMENT
    with pytest.raises(ValidationError) as exc:
        memberships.membership_add(actor=researcher, ocg=ocg, nominal=person.pk, role="member")
    assert "already a current member" in _errors(exc)["nominal"][0]


def test_membership_dates_in_order(researcher, ocg):
    with pytest.raises(ValidationError) as exc:
        memberships.membership_add(
            actor=researcher,
            ocg=ocg,
            nominal=make_nominal().pk,
            role="member",
            from_date=datetime.date(2024, 5, 1),
            to_date=datetime.date(2024, 4, 1),
        )
    assert "on or after the start date" in _errors(exc)["to_date"][0]
    membership = ocg.memberships.first()
    with pytest.raises(ValidationError):
        memberships.membership_end(
            actor=researcher,
            membership=membership,
            to_date=membership.from_date - datetime.timedelta(days=1),
        )
    memberships.membership_end(actor=researcher, membership=membership, to_date=today())
    assert Membership.objects.get(pk=membership.pk).to_date == today()


# --- lifecycle ----------------------------------------------------------------------------------


def test_start_development_only_from_nominated(researcher, ocg, mapped_ocg):
    lifecycle.ocg_start_development(actor=researcher, ocg=ocg)
    assert OCG.objects.get(pk=ocg.pk).status == OcgStatus.IN_DEVELOPMENT
    with pytest.raises(ValidationError):
        lifecycle.ocg_start_development(actor=researcher, ocg=mapped_ocg)


def test_submit_refused_naming_missing_criteria(researcher, ocg):
    evidence_all(ocg, except_=("working_together", "serious_crime"))
    with pytest.raises(ValidationError) as exc:
        lifecycle.ocg_submit_for_mapping(actor=researcher, ocg=ocg)
    message = exc.value.messages[0]
    assert "Working together" in message and "Serious crime" in message
    assert "Intent" not in message
    assert OCG.objects.get(pk=ocg.pk).mapping_submitted_at is None


def test_submit_needs_two_current_members(researcher, north):
    ocg = make_ocg(division=north, members=1)
    evidence_all(ocg)
    with pytest.raises(ValidationError) as exc:
        lifecycle.ocg_submit_for_mapping(actor=researcher, ocg=ocg)
    assert "Two or more individuals" in exc.value.messages[0]


def test_submit_approve_maps_and_scores(
    researcher, supervisor, north, django_capture_on_commit_callbacks
):
    ocg = make_ocg(division=north, criminality=("drug_supply", "firearms"))
    evidence_all(ocg)
    make_record(ocgs=[ocg], claims=[("violence", 2)], grading="1BP")
    lifecycle.ocg_submit_for_mapping(actor=researcher, ocg=ocg)
    ocg.refresh_from_db()
    # Submitting straight from nominated records the move into development.
    assert ocg.status == OcgStatus.IN_DEVELOPMENT and ocg.mapping_submitted_at is not None
    with pytest.raises(ValidationError):
        lifecycle.ocg_submit_for_mapping(actor=researcher, ocg=ocg)
    with pytest.raises(PermissionDenied):
        lifecycle.ocg_approve_mapping(actor=researcher, ocg=ocg)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.ocg_approve_mapping(actor=supervisor, ocg=ocg)
    ocg.refresh_from_db()
    assert ocg.status == OcgStatus.MAPPED and ocg.mapped_on == today()
    assert ocg.mapping_submitted_at is None
    score = Score.objects.get(ocg=ocg, is_current=True)
    # violence level 2 x3 = 6, multiple criminality (2 types - 1) x1 = 1.
    assert score.total == 7 and score.tier == 3
    assert ocg.score_stale_since is None
    moves = list(OcgStatusChange.objects.filter(ocg=ocg).values_list("from_status", "to_status"))
    assert moves == [("nominated", "in_development"), ("in_development", "mapped")]


def test_approve_refused_unless_submitted(supervisor, evidenced_ocg):
    with pytest.raises(ValidationError) as exc:
        lifecycle.ocg_approve_mapping(actor=supervisor, ocg=evidenced_ocg)
    assert "must first be submitted" in exc.value.messages[0]


def test_approve_refused_if_evidence_withdrawn_since(researcher, supervisor, evidenced_ocg):
    lifecycle.ocg_submit_for_mapping(actor=researcher, ocg=evidenced_ocg)
    DefinitionEvidence.objects.filter(ocg=evidenced_ocg, criterion="continuing_basis").delete()
    with pytest.raises(ValidationError) as exc:
        lifecycle.ocg_approve_mapping(actor=supervisor, ocg=evidenced_ocg)
    assert "On a continuing basis" in exc.value.messages[0]


def test_return_needs_reason_and_goes_back_to_development(researcher, supervisor, evidenced_ocg):
    lifecycle.ocg_submit_for_mapping(actor=researcher, ocg=evidenced_ocg)
    with pytest.raises(ValidationError) as exc:
        lifecycle.ocg_return(actor=supervisor, ocg=evidenced_ocg, reason="  ")
    assert "reason" in _errors(exc)
    lifecycle.ocg_return(actor=supervisor, ocg=evidenced_ocg, reason="More on structure please")
    evidenced_ocg.refresh_from_db()
    assert evidenced_ocg.status == OcgStatus.IN_DEVELOPMENT
    assert evidenced_ocg.mapping_submitted_at is None
    last = OcgStatusChange.objects.filter(ocg=evidenced_ocg).last()
    assert last.reason == "Returned: More on structure please" and last.changed_by == supervisor


def test_mapping_marks_linked_county_lines_stale(researcher, supervisor, evidenced_ocg, force):
    line = make_line(
        districts=[force["districts"]["medway"]], status=LineStatus.ACTIVE, ocg=evidenced_ocg
    )
    lifecycle.ocg_submit_for_mapping(actor=researcher, ocg=evidenced_ocg)
    lifecycle.ocg_approve_mapping(actor=supervisor, ocg=evidenced_ocg)
    line.refresh_from_db()
    assert line.score_stale_since is not None


def test_adopt_assigns_team_and_lro(supervisor, lro, mapped_ocg, force):
    lifecycle.ocg_adopt(
        actor=supervisor,
        ocg=mapped_ocg,
        managing_team=force["teams"]["north_local"].pk,
        lead_responsible_officer=lro.pk,
    )
    mapped_ocg.refresh_from_db()
    assert mapped_ocg.status == OcgStatus.ADOPTED
    assert mapped_ocg.lead_responsible_officer == lro and mapped_ocg.adopted_on == today()
    event = AuditEvent.objects.filter(object_type="ocg.ocg").last()
    assert event.changes["status"] == ["mapped", "adopted"]
    assert event.changes["lead_responsible_officer"] == lro.pk


def test_adopt_refuses_non_lro_and_wrong_team(supervisor, analyst, mapped_ocg, force):
    with pytest.raises(ValidationError) as exc:
        lifecycle.ocg_adopt(
            actor=supervisor,
            ocg=mapped_ocg,
            managing_team=force["teams"]["clgt_north"].pk,
            lead_responsible_officer=analyst.pk,
        )
    errors = _errors(exc)
    assert "is not a Lead Responsible Officer" in errors["lead_responsible_officer"][0]
    assert "cannot manage OCGs" in errors["managing_team"][0]
    assert OCG.objects.get(pk=mapped_ocg.pk).status == OcgStatus.MAPPED


def test_adopt_refuses_an_lro_of_a_team_without_permission(supervisor, mapped_ocg, force):
    clgt_lro = _officer(force, Role.LRO, "clgt_north", "lro_clgt", Rank.DS)
    with pytest.raises(ValidationError) as exc:
        lifecycle.ocg_adopt(
            actor=supervisor,
            ocg=mapped_ocg,
            managing_team=force["teams"]["north_local"].pk,
            lead_responsible_officer=clgt_lro.pk,
        )
    message = _errors(exc)["lead_responsible_officer"][0]
    assert "North CLGT" in message and "without permission to manage OCGs" in message
    assert OCG.objects.get(pk=mapped_ocg.pk).status == OcgStatus.MAPPED


def test_adopt_needs_supervisor_and_mapped(coordinator, supervisor, lro, evidenced_ocg, force):
    with pytest.raises(PermissionDenied):
        lifecycle.ocg_adopt(
            actor=coordinator,
            ocg=evidenced_ocg,
            managing_team=force["teams"]["soc"].pk,
            lead_responsible_officer=lro.pk,
        )
    with pytest.raises(ValidationError) as exc:
        lifecycle.ocg_adopt(
            actor=supervisor,
            ocg=evidenced_ocg,
            managing_team=force["teams"]["soc"].pk,
            lead_responsible_officer=lro.pk,
        )
    assert "Only a mapped OCG can be adopted" in exc.value.messages[0]


def test_close_validates_date_and_reason(supervisor, mapped_ocg):
    for date, field in (
        (today() + datetime.timedelta(days=1), "date"),
        (mapped_ocg.nominated_on - datetime.timedelta(days=1), "date"),
    ):
        with pytest.raises(ValidationError) as exc:
            lifecycle.ocg_close(
                actor=supervisor, ocg=mapped_ocg, status="dismantled", date=date, reason="Done"
            )
        assert field in _errors(exc)
    with pytest.raises(ValidationError) as exc:
        lifecycle.ocg_close(
            actor=supervisor, ocg=mapped_ocg, status="gone", date=today(), reason=""
        )
    assert set(_errors(exc)) == {"status", "reason"}
    lifecycle.ocg_close(
        actor=supervisor, ocg=mapped_ocg, status="dismantled", date=today(), reason="All charged"
    )
    mapped_ocg.refresh_from_db()
    assert mapped_ocg.status == OcgStatus.DISMANTLED and mapped_ocg.closed_on == today()
    assert mapped_ocg.score_stale_since is not None


def test_close_refused_for_nomination(supervisor, ocg):
    with pytest.raises(ValidationError):
        lifecycle.ocg_close(actor=supervisor, ocg=ocg, status="archived", date=today(), reason="x")


def test_reject_from_nomination_with_reason_only(coordinator, researcher, ocg, mapped_ocg):
    with pytest.raises(PermissionDenied):
        lifecycle.ocg_reject(actor=researcher, ocg=ocg, reason="No")
    with pytest.raises(ValidationError):
        lifecycle.ocg_reject(actor=coordinator, ocg=ocg, reason="")
    with pytest.raises(ValidationError):
        lifecycle.ocg_reject(actor=coordinator, ocg=mapped_ocg, reason="Too late")
    lifecycle.ocg_reject(actor=coordinator, ocg=ocg, reason="Not organised")
    ocg.refresh_from_db()
    assert ocg.status == OcgStatus.REJECTED and ocg.closure_reason == "Not organised"


def test_closed_ocg_cannot_be_edited(coordinator, ocg):
    lifecycle.ocg_reject(actor=coordinator, ocg=ocg, reason="Not organised")
    with pytest.raises(ValidationError):
        nomination.ocg_update(actor=coordinator, ocg=ocg, name="Back again")


def test_lro_cannot_touch_an_ocg_they_cannot_see(lro, other_lro, mapped_ocg, supervisor, force):
    lifecycle.ocg_adopt(
        actor=supervisor,
        ocg=mapped_ocg,
        managing_team=force["teams"]["north_local"].pk,
        lead_responsible_officer=lro.pk,
    )
    with pytest.raises(PermissionDenied):
        plan.plan_action_add(
            actor=other_lro,
            ocg=mapped_ocg,
            strand="pursue",
            description="x",
            owner=other_lro.pk,
            due_on=today(),
        )


# --- 4P plan ------------------------------------------------------------------------------------


@pytest.fixture
def adopted_ocg(supervisor, lro, mapped_ocg, force):
    return lifecycle.ocg_adopt(
        actor=supervisor,
        ocg=mapped_ocg,
        managing_team=force["teams"]["north_local"].pk,
        lead_responsible_officer=lro.pk,
    )


def test_lro_keeps_the_plan_and_overdue_is_flagged(lro, adopted_ocg):
    action = plan.plan_action_add(
        actor=lro,
        ocg=adopted_ocg,
        strand="pursue",
        description="Warrant at the lock-up",
        owner=lro.pk,
        due_on=today() - datetime.timedelta(days=1),
    )
    assert action.is_overdue
    plan.plan_action_update(actor=lro, action=action, version=1, status="done")
    action.refresh_from_db()
    assert action.status == PlanActionStatus.DONE and not action.is_overdue
    with pytest.raises(ValidationError) as exc:
        plan.plan_action_update(actor=lro, action=action, version=1, status="open")
    assert "version" in _errors(exc)


def test_plan_input_checked(lro, adopted_ocg):
    with pytest.raises(ValidationError) as exc:
        plan.plan_action_add(
            actor=lro, ocg=adopted_ocg, strand="punish", description="", owner=None, due_on=None
        )
    assert set(_errors(exc)) == {"strand", "description", "owner", "due_on"}


def test_plan_only_for_adopted(coordinator, mapped_ocg):
    with pytest.raises(ValidationError):
        plan.plan_action_add(
            actor=coordinator,
            ocg=mapped_ocg,
            strand="prevent",
            description="x",
            owner=coordinator.pk,
            due_on=today(),
        )


def test_researcher_cannot_keep_plan(researcher, adopted_ocg):
    with pytest.raises(PermissionDenied):
        plan.plan_action_add(
            actor=researcher,
            ocg=adopted_ocg,
            strand="prevent",
            description="x",
            owner=researcher.pk,
            due_on=today(),
        )
