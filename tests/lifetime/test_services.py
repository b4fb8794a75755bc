import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from disruptions.choices import Tactic
from kentsoc.audit.models import AuditEvent
from kentsoc.dates import add_months
from kentsoc.lifetime.choices import (
    ConditionKind,
    CustodyEventKind,
    Partner,
    PeriodStatus,
    ScpoStatus,
)
from kentsoc.lifetime.dates import age_on
from kentsoc.lifetime.models import Condition, CustodyEvent, CustodyPeriod, Scpo, ScpoBreach
from kentsoc.lifetime.services.conditions import condition_add
from kentsoc.lifetime.services.custody import custody_dates_update, custody_event_record
from kentsoc.lifetime.services.scpos import (
    scpo_apply,
    scpo_breach_record,
    scpo_expire,
    scpo_make,
    scpo_vary,
)
from kentsoc.lifetime.services.training import (
    training_attendance_record,
    training_create,
    training_partners_record,
)
from ocg.choices import CustodyStatus
from tests.lifetime.conftest import days

pytestmark = pytest.mark.django_db


def _errors(exc_info) -> dict:
    return exc_info.value.message_dict


def _sentence(actor, nominal, on_date, **kw):
    return custody_event_record(
        actor=actor, nominal=nominal, kind=CustodyEventKind.SENTENCED, on_date=on_date, **kw
    )


# --- dates helpers ---------------------------------------------------------------------------


def test_add_months_clamps_to_month_end():
    assert add_months(datetime.date(2024, 1, 31), 1) == datetime.date(2024, 2, 29)
    assert add_months(datetime.date(2024, 3, 15), 60) == datetime.date(2029, 3, 15)
    assert add_months(datetime.date(2024, 11, 30), 3) == datetime.date(2025, 2, 28)


def test_age_on_counts_whole_years():
    dob = datetime.date(2007, 6, 10)
    assert age_on(dob, datetime.date(2025, 6, 9)) == 17
    assert age_on(dob, datetime.date(2025, 6, 10)) == 18


# --- custody ---------------------------------------------------------------------------------


def test_custody_timeline_keeps_nominal_status_in_step(coordinator, member, today):
    custody_event_record(
        actor=coordinator,
        nominal=member,
        kind=CustodyEventKind.REMANDED,
        on_date=today - days(400),
        establishment="HMP Invented",
    )
    member.refresh_from_db()
    assert member.custody_status == CustodyStatus.REMANDED
    _sentence(coordinator, member, today - days(300))
    period = CustodyPeriod.objects.get(nominal=member)
    assert period.status == PeriodStatus.IN_PRISON
    assert period.sentence_date == today - days(300)
    member.refresh_from_db()
    assert member.custody_status == CustodyStatus.IN_PRISON

    period = custody_dates_update(
        actor=coordinator,
        period=period,
        version=period.version,
        sentence_date=today - days(300),
        expected_release_date=today - days(10),
        licence_end_date=today + days(300),
        establishment="HMP Invented",
    )
    custody_event_record(
        actor=coordinator,
        nominal=member,
        kind=CustodyEventKind.RELEASED_ON_LICENCE,
        on_date=today - days(10),
    )
    member.refresh_from_db()
    assert member.custody_status == CustodyStatus.ON_LICENCE
    custody_event_record(
        actor=coordinator, nominal=member, kind=CustodyEventKind.LICENCE_ENDED, on_date=today
    )
    period.refresh_from_db()
    member.refresh_from_db()
    assert period.status == PeriodStatus.ENDED and period.ended_on == today
    assert member.custody_status == CustodyStatus.AT_LIBERTY
    assert CustodyEvent.objects.filter(period=period).count() == 4
    assert AuditEvent.objects.filter(
        object_type="ocg.nominal", object_id=str(member.pk), action="update"
    ).exists()


def test_release_before_sentence_date_is_refused(coordinator, member, today):
    _sentence(coordinator, member, today - days(100))
    period = CustodyPeriod.objects.get(nominal=member)
    with pytest.raises(ValidationError) as exc:
        custody_dates_update(
            actor=coordinator,
            period=period,
            version=period.version,
            sentence_date=today - days(100),
            expected_release_date=today - days(101),
            licence_end_date=None,
        )
    assert "before the sentence date" in _errors(exc)["expected_release_date"][0]
    period.refresh_from_db()
    assert period.expected_release_date is None


def test_release_event_before_sentence_is_refused(coordinator, member, today):
    custody_event_record(
        actor=coordinator,
        nominal=member,
        kind=CustodyEventKind.REMANDED,
        on_date=today - days(50),
    )
    _sentence(coordinator, member, today - days(20))
    with pytest.raises(ValidationError) as exc:
        custody_event_record(
            actor=coordinator,
            nominal=member,
            kind=CustodyEventKind.RELEASED_ON_LICENCE,
            on_date=today - days(30),
        )
    assert "on_date" in _errors(exc)
    assert CustodyEvent.objects.filter(period__nominal=member).count() == 2


def test_licence_end_before_release_is_refused(coordinator, member, today):
    _sentence(coordinator, member, today - days(100))
    period = CustodyPeriod.objects.get(nominal=member)
    with pytest.raises(ValidationError) as exc:
        custody_dates_update(
            actor=coordinator,
            period=period,
            version=period.version,
            sentence_date=today - days(100),
            expected_release_date=today + days(50),
            licence_end_date=today + days(49),
        )
    assert "cannot be before the release date" in _errors(exc)["licence_end_date"][0]


def test_overlapping_custody_periods_are_refused(coordinator, member, today):
    _sentence(coordinator, member, today - days(300))
    custody_event_record(
        actor=coordinator, nominal=member, kind=CustodyEventKind.RELEASED, on_date=today - days(100)
    )
    with pytest.raises(ValidationError) as exc:
        _sentence(coordinator, member, today - days(150))
    assert "overlaps the custody period" in _errors(exc)["on_date"][0]
    # A second remand while the first is open is refused too: one open period per person.
    _sentence(coordinator, member, today - days(50))
    with pytest.raises(ValidationError) as exc:
        custody_event_record(
            actor=coordinator, nominal=member, kind=CustodyEventKind.REMANDED, on_date=today
        )
    assert "kind" in _errors(exc)
    assert CustodyPeriod.objects.filter(nominal=member).count() == 2


def test_stale_version_is_refused(coordinator, member, today):
    _sentence(coordinator, member, today - days(100))
    period = CustodyPeriod.objects.get(nominal=member)
    with pytest.raises(ValidationError) as exc:
        custody_dates_update(
            actor=coordinator,
            period=period,
            version=period.version - 1,
            sentence_date=None,
            expected_release_date=today,
            licence_end_date=None,
        )
    assert "Someone else changed" in exc.value.messages[0]


def test_future_custody_change_is_refused(coordinator, member, today):
    with pytest.raises(ValidationError) as exc:
        _sentence(coordinator, member, today + days(1))
    assert "future" in _errors(exc)["on_date"][0]


# --- conditions ------------------------------------------------------------------------------


def test_conditions_with_no_text_are_refused(coordinator, member, today):
    with pytest.raises(ValidationError) as exc:
        condition_add(
            actor=coordinator,
            nominal=member,
            kind=ConditionKind.LICENCE,
            text="   ",
            imposed_on=today,
            partner=Partner.PRISON_PROBATION,
        )
    assert "cannot be blank" in _errors(exc)["text"][0]
    assert not Condition.objects.exists()


@pytest.mark.parametrize(
    ("kind", "tactic"),
    [
        (ConditionKind.LICENCE, Tactic.LICENCE_CONDITIONS),
        (ConditionKind.PRISON, Tactic.PRISON_CONDITIONS),
    ],
)
def test_conditions_also_recorded_as_a_disruption_in_one_step(
    coordinator, member, lro_ocg, today, kind, tactic
):
    _sentence(coordinator, member, today - days(100))
    condition = condition_add(
        actor=coordinator,
        nominal=member,
        kind=kind,
        text="No contact with named associates; curfew 19:00–07:00.",
        imposed_on=today,
        partner=Partner.PRISON_PROBATION,
        record_disruption=True,
        impact_grade="moderate",
        impact_rationale="Restricts contact with the group on release.",
    )
    assert condition.period == CustodyPeriod.objects.get(nominal=member)
    disruption = condition.disruption
    assert disruption.tactic == tactic and disruption.date == today
    assert disruption.status == "draft" and disruption.created_by == coordinator
    assert list(disruption.nominals.all()) == [member]
    assert list(disruption.ocgs.all()) == [lro_ocg]


def test_disruption_errors_save_nothing(coordinator, member, today):
    with pytest.raises(ValidationError) as exc:
        condition_add(
            actor=coordinator,
            nominal=member,
            kind=ConditionKind.PRISON,
            text="Monitored calls only.",
            imposed_on=today,
            partner=Partner.PRISON_PROBATION,
            record_disruption=True,
            impact_grade="",
            impact_rationale="",
        )
    assert {"impact_grade", "impact_rationale"} <= set(_errors(exc))
    assert not Condition.objects.exists()


# --- SCPOs -----------------------------------------------------------------------------------


def _make(actor, scpo, **overrides):
    values = {
        "court": "Invented Crown Court",
        "made_on": scpo.applied_on + days(30),
        "duration_months": 60,
        "conditions": "Not to possess more than one mobile phone.",
        "impact_grade": "major",
        "impact_rationale": "Limits the principal's control of the group.",
    }
    values.update(overrides)
    return scpo_make(actor=actor, scpo=scpo, version=scpo.version, **values)


def test_scpo_made_is_a_linked_disruption_with_expiry(coordinator, member, today):
    scpo = scpo_apply(actor=coordinator, nominal=member, applied_on=today - days(60))
    scpo = _make(coordinator, scpo, made_on=today - days(30), duration_months=24)
    assert scpo.status == ScpoStatus.MADE
    assert scpo.expires_on == add_months(today - days(30), 24)
    assert scpo.disruption.tactic == Tactic.SCPO
    assert list(scpo.disruption.nominals.all()) == [member]


def test_scpo_refused_for_a_person_aged_17(coordinator, member, today):
    made_on = today - days(10)
    member.date_of_birth = made_on.replace(year=made_on.year - 17)
    member.save()
    scpo = scpo_apply(actor=coordinator, nominal=member, applied_on=today - days(60))
    with pytest.raises(ValidationError) as exc:
        _make(coordinator, scpo, made_on=made_on)
    assert "was 17" in _errors(exc)["made_on"][0]
    assert "18 or over" in _errors(exc)["made_on"][0]
    scpo.refresh_from_db()
    assert scpo.status == ScpoStatus.APPLIED and scpo.disruption is None


def test_scpo_allowed_on_the_18th_birthday(coordinator, member, today):
    made_on = today - days(10)
    member.date_of_birth = made_on.replace(year=made_on.year - 18)
    member.save()
    scpo = scpo_apply(actor=coordinator, nominal=member, applied_on=today - days(60))
    assert _make(coordinator, scpo, made_on=made_on).status == ScpoStatus.MADE


def test_scpo_over_five_years_is_refused(coordinator, member, today):
    scpo = scpo_apply(actor=coordinator, nominal=member, applied_on=today - days(60))
    with pytest.raises(ValidationError) as exc:
        _make(coordinator, scpo, duration_months=61)
    assert "at most 5 years" in _errors(exc)["duration_months"][0]
    assert Scpo.objects.get().status == ScpoStatus.APPLIED


def test_scpo_vary_keeps_history_and_breach_then_expire(coordinator, member, today):
    scpo = scpo_apply(actor=coordinator, nominal=member, applied_on=today - days(90))
    scpo = _make(coordinator, scpo, made_on=today - days(60), duration_months=12)
    variation = scpo_vary(
        actor=coordinator,
        scpo=scpo,
        version=scpo.version,
        varied_on=today - days(5),
        conditions="Not to enter Invented Estate.",
        duration_months=36,
        reason="Court extended on application.",
    )
    scpo.refresh_from_db()
    assert variation.previous_duration_months == 12
    assert scpo.expires_on == add_months(today - days(60), 36)
    with pytest.raises(ValidationError) as exc:
        scpo_vary(
            actor=coordinator,
            scpo=scpo,
            version=scpo.version,
            varied_on=today,
            conditions="x",
            duration_months=72,
            reason="y",
        )
    assert "duration_months" in _errors(exc)
    with pytest.raises(ValidationError) as exc:
        scpo_breach_record(
            actor=coordinator, scpo=scpo, breached_on=today - days(2), action_taken=" "
        )
    assert "action_taken" in _errors(exc)
    scpo_breach_record(
        actor=coordinator, scpo=scpo, breached_on=today - days(2), action_taken="Arrested."
    )
    assert ScpoBreach.objects.filter(scpo=scpo).count() == 1
    scpo = scpo_expire(actor=coordinator, scpo=scpo, version=scpo.version, expired_on=today)
    assert scpo.status == ScpoStatus.EXPIRED


# --- permissions -----------------------------------------------------------------------------


def test_lro_acts_on_own_ocg_members_only(lro, member, stranger, today):
    _sentence(lro, member, today - days(10))
    with pytest.raises(PermissionDenied):
        _sentence(lro, stranger, today - days(10))
    assert not CustodyPeriod.objects.filter(nominal=stranger).exists()


@pytest.mark.parametrize("role_user", ["analyst", "researcher", "clgt_officer", "outsider"])
def test_other_roles_cannot_act(request, role_user, member, today):
    with pytest.raises(PermissionDenied):
        _sentence(request.getfixturevalue(role_user), member, today)


# --- training --------------------------------------------------------------------------------


def test_training_and_attendance(coordinator, lro, today):
    with pytest.raises(ValidationError) as exc:
        training_create(actor=coordinator, held_on=None, location=" ", trainer="", audience="x")
    assert set(_errors(exc)) == {"held_on", "location", "trainer", "audience"}
    training = training_create(
        actor=coordinator,
        held_on=today,
        location="Invented HQ",
        trainer="DS Example",
        audience="lros",
    )
    training_attendance_record(actor=coordinator, training=training, officer=lro)
    with pytest.raises(ValidationError):
        training_attendance_record(actor=coordinator, training=training, officer=lro)
    training_partners_record(
        actor=coordinator, training=training, organisation="Prison and Probation", headcount=4
    )
    with pytest.raises(PermissionDenied):
        training_create(actor=lro, held_on=today, location="X", trainer="Y", audience="lros")
