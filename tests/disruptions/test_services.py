import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from disruptions.choices import CourtOutcome, DisruptionStatus
from disruptions.models import CourtResult, Disruption, DrugSeizure, Operation, WeaponSeizure
from disruptions.services import approvals, court_results, operations
from disruptions.services import disruptions as disruption_services
from kentsoc.audit.models import AuditEvent
from kentsoc.dates import today
from tests.factories import disruption_values, make_disruption, make_ocg

pytestmark = pytest.mark.django_db


def _log(actor, team, line, **overrides):
    return disruption_services.disruption_create(
        actor=actor, values=disruption_values(team, **overrides), county_lines=[line]
    )


def test_create_saves_a_draft_with_outcomes_and_audit(clgt_officer, force, line):
    d = disruption_services.disruption_create(
        actor=clgt_officer,
        values=disruption_values(None),
        county_lines=[line],
        weapons=[{"kind": "bladed", "count": 2}],
        drugs=[
            {
                "drug_class": "A",
                "drug": "crack cocaine",
                "amount": Decimal("28.5"),
                "unit": "g",
                "estimated_value": Decimal("2800"),
            }
        ],
    )
    assert d.status == DisruptionStatus.DRAFT
    assert d.team == force["teams"]["clgt_north"]  # defaults to the author's team
    assert d.officer == clgt_officer and d.created_by == clgt_officer
    assert list(d.county_lines.all()) == [line]
    assert WeaponSeizure.objects.get(disruption=d).count == 2
    assert DrugSeizure.objects.get(disruption=d).amount == Decimal("28.5")
    event = AuditEvent.objects.get(object_type="disruptions.disruption", object_id=str(d.pk))
    assert event.action == "create" and event.changes["arrests"] == 2


@pytest.mark.parametrize(
    ("overrides", "rows", "field"),
    [
        ({"arrests": -1}, {}, "arrests"),
        ({"cash_seized": Decimal("-5")}, {}, "cash_seized"),
        ({"impact_rationale": "   "}, {}, "impact_rationale"),
        ({"date": lambda: today() + datetime.timedelta(days=1)}, {}, "date"),
        ({"impact_grade": "huge"}, {}, "impact_grade"),
        (
            {},
            {
                "drugs": [
                    {
                        "drug": "heroin",
                        "amount": Decimal(3),
                        "unit": "g",
                        "estimated_value": Decimal(300),
                    }
                ]
            },
            "drugs",
        ),
        ({}, {"weapons": [{"kind": "bladed", "count": 0}]}, "weapons"),
    ],
)
def test_bad_input_is_refused_with_a_field_message_and_nothing_saved(
    clgt_officer, line, overrides, rows, field
):
    # A date is passed as the function that works it out, called now, not at collection.
    overrides = {name: value() if callable(value) else value for name, value in overrides.items()}
    with pytest.raises(ValidationError) as exc:
        disruption_services.disruption_create(
            actor=clgt_officer,
            values=disruption_values(None, **overrides),
            county_lines=[line],
            **rows,
        )
    assert field in exc.value.message_dict
    assert exc.value.message_dict[field][0]
    assert not Disruption.objects.exists()
    assert not AuditEvent.objects.filter(object_type="disruptions.disruption").exists()


def test_drug_row_without_class_names_the_class(clgt_officer, line):
    with pytest.raises(ValidationError) as exc:
        disruption_services.disruption_create(
            actor=clgt_officer,
            values=disruption_values(None),
            county_lines=[line],
            drugs=[{"drug": "heroin", "amount": Decimal(3), "unit": "g"}],
        )
    assert "drug class" in exc.value.message_dict["drugs"][0]


def test_a_subject_is_required(clgt_officer):
    with pytest.raises(ValidationError) as exc:
        disruption_services.disruption_create(actor=clgt_officer, values=disruption_values(None))
    assert "subjects" in exc.value.message_dict


def test_cannot_log_against_a_subject_one_cannot_see(lro, force):
    # Not the LRO's OCG.
    other = make_ocg(
        force["divisions"]["east"], status="mapped", nominated_on=datetime.date(2021, 1, 1)
    )
    with pytest.raises(ValidationError) as exc:
        disruption_services.disruption_create(
            actor=lro, values=disruption_values(None), ocgs=[other]
        )
    assert "ocgs" in exc.value.message_dict


def test_lro_logs_against_own_ocg(lro, force):
    mine = make_ocg(
        force["divisions"]["north"],
        status="adopted",
        nominated_on=datetime.date(2021, 1, 1),
        lead_responsible_officer=lro,
        managing_team=force["teams"]["north_local"],
    )
    d = disruption_services.disruption_create(
        actor=lro, values=disruption_values(None), ocgs=[mine]
    )
    assert d.team == force["teams"]["north_local"]


@pytest.mark.parametrize("who", ["auditor", "outsider", "analyst"])
def test_roles_that_do_not_log_are_refused(request, who, line):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        disruption_services.disruption_create(
            actor=user, values=disruption_values(None), county_lines=[line]
        )


def test_submit_then_approve(clgt_officer, supervisor, line):
    d = _log(clgt_officer, None, line)
    d = disruption_services.disruption_submit(actor=clgt_officer, disruption=d)
    assert d.status == DisruptionStatus.SUBMITTED and d.submitted_by == clgt_officer
    d = approvals.disruption_approve(actor=supervisor, disruption=d)
    d.refresh_from_db()
    assert d.status == DisruptionStatus.APPROVED
    assert d.approved_by == supervisor and d.approved_at is not None


def test_a_supervisor_never_approves_their_own(supervisor, supervisor2, line, force):
    d = disruption_services.disruption_create(
        actor=supervisor, values=disruption_values(force["teams"]["ocgmu"]), county_lines=[line]
    )
    d = disruption_services.disruption_submit(actor=supervisor, disruption=d)
    with pytest.raises(PermissionDenied, match="another supervisor"):
        approvals.disruption_approve(actor=supervisor, disruption=d)
    d.refresh_from_db()
    assert d.status == DisruptionStatus.SUBMITTED
    approvals.disruption_approve(actor=supervisor2, disruption=d)
    d.refresh_from_db()
    assert d.status == DisruptionStatus.APPROVED


def test_a_supervisor_named_as_officer_cannot_approve(clgt_officer, supervisor, line):
    d = disruption_services.disruption_create(
        actor=clgt_officer, values=disruption_values(None, officer=supervisor), county_lines=[line]
    )
    disruption_services.disruption_submit(actor=clgt_officer, disruption=d)
    with pytest.raises(PermissionDenied):
        approvals.disruption_approve(actor=supervisor, disruption=d)


def test_only_supervisors_approve(clgt_officer, coordinator, line):
    d = _log(clgt_officer, None, line)
    disruption_services.disruption_submit(actor=clgt_officer, disruption=d)
    with pytest.raises(PermissionDenied, match="supervisor"):
        approvals.disruption_approve(actor=coordinator, disruption=d)


def test_a_draft_cannot_be_approved(clgt_officer, supervisor, line):
    d = _log(clgt_officer, None, line)
    with pytest.raises(ValidationError) as exc:
        approvals.disruption_approve(actor=supervisor, disruption=d)
    assert "status" in exc.value.message_dict


def test_returned_then_edited_and_resubmitted(clgt_officer, supervisor, line):
    d = _log(clgt_officer, None, line)
    disruption_services.disruption_submit(actor=clgt_officer, disruption=d)
    with pytest.raises(ValidationError) as exc:
        approvals.disruption_return(actor=supervisor, disruption=d, reason=" ")
    assert "reason" in exc.value.message_dict
    d = approvals.disruption_return(
        actor=supervisor, disruption=d, reason="Add the custody numbers."
    )
    assert d.status == DisruptionStatus.RETURNED
    from disruptions.selectors import disruption_my_drafts

    drafts = list(disruption_my_drafts(user=clgt_officer))
    assert drafts == [d] and drafts[0].return_reason == "Add the custody numbers."

    d = disruption_services.disruption_update(
        actor=clgt_officer, disruption=d, version=d.version, values={"charges": 4}
    )
    assert d.charges == 4 and d.status == DisruptionStatus.RETURNED
    d = disruption_services.disruption_submit(actor=clgt_officer, disruption=d)
    assert d.status == DisruptionStatus.SUBMITTED
    d = approvals.disruption_approve(actor=supervisor, disruption=d)
    assert d.status == DisruptionStatus.APPROVED and d.return_reason == ""
    statuses = [
        e.changes.get("status")
        for e in AuditEvent.objects.filter(object_id=str(d.pk)).order_by("id")
        if "status" in e.changes
    ]
    assert statuses[-4:] == [
        ["draft", "submitted"],
        ["submitted", "returned"],
        ["returned", "submitted"],
        ["submitted", "approved"],
    ]


def test_update_rules(clgt_officer, clio, supervisor, line, force):
    d = _log(clgt_officer, None, line)
    with pytest.raises(PermissionDenied):
        disruption_services.disruption_update(
            actor=supervisor, disruption=d, version=d.version, values={}
        )
    with pytest.raises(ValidationError) as exc:
        disruption_services.disruption_update(
            actor=clgt_officer, disruption=d, version=d.version + 5
        )
    assert "version" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        disruption_services.disruption_update(
            actor=clgt_officer, disruption=d, version=d.version, values={"arrests": -3}
        )
    assert "arrests" in exc.value.message_dict
    d.refresh_from_db()
    assert d.arrests == 2
    d = disruption_services.disruption_submit(actor=clgt_officer, disruption=d)
    with pytest.raises(ValidationError) as exc:
        disruption_services.disruption_update(
            actor=clgt_officer, disruption=d, version=d.version, values={"arrests": 3}
        )
    assert "status" in exc.value.message_dict


def test_update_replaces_outcome_rows(clgt_officer, line):
    d = disruption_services.disruption_create(
        actor=clgt_officer,
        values=disruption_values(None),
        county_lines=[line],
        weapons=[{"kind": "bladed", "count": 1}],
    )
    disruption_services.disruption_update(
        actor=clgt_officer,
        disruption=d,
        version=d.version,
        weapons=[{"kind": "firearm", "count": 1}, {"kind": "ammunition", "count": 12}],
    )
    assert sorted(d.weapons.values_list("kind", flat=True)) == ["ammunition", "firearm"]


def test_court_results(clgt_officer, supervisor, line, nominal, force):
    d = make_disruption(author=clgt_officer, team=force["teams"]["clgt_north"], approver=supervisor)
    when = d.date + datetime.timedelta(days=90)
    with pytest.raises(ValidationError) as exc:
        court_results.court_result_add(
            actor=clgt_officer,
            disruption=d,
            nominal=nominal,
            court="Maidstone Crown Court",
            offences="PWITS class A",
            outcome=CourtOutcome.CUSTODIAL,
            sentence_years=3,
            sentence_months=12,
            result_date=when,
        )
    assert "sentence_months" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        court_results.court_result_add(
            actor=clgt_officer,
            disruption=d,
            nominal=nominal,
            court="  ",
            offences="Possession",
            outcome=CourtOutcome.NON_CUSTODIAL,
            result_date=timezone.localdate() + datetime.timedelta(days=2),
        )
    # A result names its court ("Maidstone Crown Court"): blank is refused with the others.
    assert {"court", "non_custodial_kind", "result_date"} <= set(exc.value.message_dict)
    assert not CourtResult.objects.exists()
    result = court_results.court_result_add(
        actor=clgt_officer,
        disruption=d,
        nominal=nominal,
        court=" Maidstone Crown Court ",
        offences="PWITS class A",
        outcome=CourtOutcome.CUSTODIAL,
        sentence_years=4,
        sentence_months=6,
        result_date=when,
    )
    assert result.sentence_display == "4yrs 6 months"
    assert result.court == "Maidstone Crown Court"


def test_court_result_needs_a_role_that_logs(analyst, clgt_officer, supervisor, nominal, force):
    d = make_disruption(author=clgt_officer, team=force["teams"]["clgt_north"], approver=supervisor)
    with pytest.raises(PermissionDenied):
        court_results.court_result_add(
            actor=analyst,
            disruption=d,
            nominal=nominal,
            court="Canterbury Crown Court",
            offences="x",
            outcome=CourtOutcome.ACQUITTED,
            result_date=d.date,
        )


def test_operations_and_tagging(supervisor, clgt_officer, coordinator, line, force):
    with pytest.raises(ValidationError) as exc:
        operations.operation_create(
            actor=supervisor,
            name="Op Test",
            start_date=datetime.date(2022, 5, 10),
            end_date=datetime.date(2022, 5, 1),
        )
    assert "end_date" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        operations.operation_create(
            actor=clgt_officer,
            name="Op Test",
            start_date=datetime.date(2022, 5, 1),
            end_date=datetime.date(2022, 5, 7),
        )
    op = operations.operation_create(
        actor=supervisor,
        name="Op Test",
        start_date=datetime.date(2022, 5, 1),
        end_date=datetime.date(2022, 5, 7),
        teams=[force["teams"]["clgt_north"]],
    )
    with pytest.raises(ValidationError) as exc:
        operations.operation_create(
            actor=coordinator,
            name="op test",
            start_date=datetime.date(2022, 5, 1),
            end_date=datetime.date(2022, 5, 7),
        )
    assert "name" in exc.value.message_dict
    d = _log(clgt_officer, None, line, date=datetime.date(2022, 5, 3), operation=op)
    assert d.operation == op
    with pytest.raises(ValidationError) as exc:
        _log(clgt_officer, None, line, date=datetime.date(2022, 6, 3), operation=op)
    assert "operation" in exc.value.message_dict
    late = _log(clgt_officer, None, line, date=datetime.date(2022, 6, 3))
    with pytest.raises(ValidationError):
        disruption_services.disruption_tag_operation(
            actor=clgt_officer, disruption=late, operation=op
        )
    with pytest.raises(ValidationError) as exc:
        operations.operation_update(
            actor=supervisor,
            operation=op,
            version=op.version,
            values={"end_date": datetime.date(2022, 5, 2)},
        )
    assert "start_date" in exc.value.message_dict  # a tagged disruption would fall outside
    op = operations.operation_update(
        actor=supervisor,
        operation=op,
        version=op.version,
        values={"description": "Intensification week"},
    )
    with pytest.raises(ValidationError) as exc:
        operations.operation_update(actor=supervisor, operation=op, version=1, values={})
    assert "version" in exc.value.message_dict
    assert Operation.objects.get().description == "Intensification week"


def test_an_operation_name_is_unique_within_its_force_only(supervisor, force):
    """Another force's operation of the same name neither blocks one nor is revealed by it."""
    from kentsoc.org.choices import Rank, Role
    from tests.factories import OfficerFactory, UserFactory, other_force

    elsewhere = other_force()
    theirs = OfficerFactory(
        user=UserFactory(username="wx-supervisor"),
        role=Role.SUPERVISOR,
        rank=Rank.DI,
        team=elsewhere["teams"]["soc"],
    ).user
    dates = {"start_date": datetime.date(2022, 5, 1), "end_date": datetime.date(2022, 5, 7)}
    operations.operation_create(actor=theirs, name="Op Fictional Harbour", **dates)
    mine = operations.operation_create(actor=supervisor, name="Op Fictional Harbour", **dates)
    assert mine.force_id != elsewhere["force"].pk
    with pytest.raises(ValidationError) as exc:
        operations.operation_create(actor=supervisor, name="op fictional harbour", **dates)
    assert "name" in exc.value.message_dict


def test_a_disruption_is_its_teams_forces_whoever_saves_it(clgt_officer, supervisor, force, line):
    """The force column that a force's lists read is the logging team's, on every save."""
    from tests.factories import other_force

    home = force["teams"]["soc"].force_id
    logged = _log(clgt_officer, None, line)
    assert logged.force_id == logged.team.force_id == home
    written = make_disruption(author=clgt_officer, team=force["teams"]["soc"], approver=supervisor)
    assert written.force_id == home
    # A team never moves force in the app; were a row moved to another force's team, the force
    # would follow it, and only that force would list it.
    elsewhere = other_force()
    written.team = elsewhere["teams"]["soc"]
    written.save(update_fields=["team"])
    assert Disruption.objects.get(pk=written.pk).force_id == elsewhere["force"].pk
    assert not Disruption.objects.visible_to(supervisor).filter(pk=written.pk).exists()
