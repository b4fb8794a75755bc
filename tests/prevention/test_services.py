"""The prevention services: what a CLIO records, where it is kept, and what is refused."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kentsoc.audit.models import AuditEvent
from kentsoc.dates import today
from kentsoc.prevention.models import SchoolSession, StreetGroupIntervention
from kentsoc.prevention.services import (
    intervention_create,
    intervention_update,
    school_session_create,
    school_session_update,
)
from tests.factories import days_ago, make_intervention, make_session

pytestmark = pytest.mark.django_db


def _session(actor, **changes):
    values = {
        "school": "Hollowmere Academy",
        "held_on": days_ago(2),
        "audience": 120,
        "topic": "County lines and exploitation",
    }
    return school_session_create(actor=actor, **(values | changes))


class TestSchoolSessions:
    def test_a_clio_records_a_session_in_their_division(self, clio, force):
        session = _session(clio, notes="  Year 9 assembly  ")
        assert session.division == force["divisions"]["north"]
        assert session.officer == clio and session.created_by == clio
        assert session.notes == "Year 9 assembly"
        event = AuditEvent.objects.get(action="create", object_type="prevention.schoolsession")
        assert event.object_id == str(session.pk)
        assert event.changes["audience"] == 120

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"school": "  "}, "school"),
            ({"topic": ""}, "topic"),
            ({"audience": 0}, "audience"),
            ({"audience": -5}, "audience"),
            ({"audience": None}, "audience"),
            ({"audience": True}, "audience"),
            ({"audience": 3001}, "audience"),
            ({"held_on": None}, "held_on"),
            ({"held_on": lambda: today() + datetime.timedelta(days=1)}, "held_on"),
        ],
    )
    def test_bad_input_is_refused_at_its_field(self, clio, changes, field):
        # A date is passed as the function that works it out, called now, not at collection.
        changes = {name: value() if callable(value) else value for name, value in changes.items()}
        with pytest.raises(ValidationError) as refused:
            _session(clio, **changes)
        assert field in refused.value.error_dict
        assert not SchoolSession.objects.exists()

    def test_only_clios_record_sessions(self, supervisor, analyst, clgt_officer, coordinator):
        for user in (supervisor, analyst, clgt_officer, coordinator):
            with pytest.raises(PermissionDenied):
                _session(user)
        assert not SchoolSession.objects.exists()

    def test_a_clio_records_in_their_own_division_only(self, clio, force):
        with pytest.raises(PermissionDenied):
            _session(clio, division=force["divisions"]["east"])
        assert _session(clio, division=force["divisions"]["north"]).division.code == "NORTH"

    def test_the_clio_coordinator_names_the_division(self, clio_coordinator, force):
        with pytest.raises(ValidationError) as refused:
            _session(clio_coordinator)
        assert "division" in refused.value.error_dict
        with pytest.raises(ValidationError):
            _session(clio_coordinator, division=force["divisions"]["central"])
        session = _session(clio_coordinator, division=force["divisions"]["east"])
        assert session.division.code == "EAST"

    def test_an_update_is_versioned_and_audited(self, clio):
        session = make_session(clio, audience=30)
        school_session_update(actor=clio, session=session, version=1, audience=45)
        session.refresh_from_db()
        assert (session.audience, session.version) == (45, 2)
        event = AuditEvent.objects.get(action="update", object_type="prevention.schoolsession")
        assert event.changes == {"audience": [30, 45]}
        with pytest.raises(ValidationError) as stale:
            school_session_update(actor=clio, session=session, version=1, audience=50)
        assert "version" in stale.value.error_dict
        with pytest.raises(ValidationError):
            school_session_update(actor=clio, session=session, version=2, division=None)

    def test_another_divisions_clio_cannot_change_it(self, clio, east_clio):
        session = make_session(clio)
        with pytest.raises(PermissionDenied):
            school_session_update(actor=east_clio, session=session, version=1, audience=5)


class TestInterventions:
    def test_a_clio_records_an_intervention_with_a_group_of_their_division(self, clio, gang):
        done = intervention_create(
            actor=clio,
            gang=gang,
            held_on=days_ago(1),
            young_people_engaged=9,
            referrals_made=3,
            outcome="Two agreed to youth club sessions.",
        )
        assert (done.division, done.officer) == (gang.division, clio)
        event = AuditEvent.objects.get(
            action="create", object_type="prevention.streetgroupintervention"
        )
        assert event.changes["gang"] == gang.pk

    def test_a_group_the_clio_may_not_see_is_refused(self, clio, east_gang):
        with pytest.raises(ValidationError) as refused:
            intervention_create(
                actor=clio, gang=east_gang, held_on=days_ago(1), young_people_engaged=4
            )
        assert "gang" in refused.value.error_dict

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"young_people_engaged": 0}, "young_people_engaged"),
            ({"young_people_engaged": 501}, "young_people_engaged"),
            ({"referrals_made": -1}, "referrals_made"),
            ({"referrals_made": 9}, "referrals_made"),
            ({"held_on": None}, "held_on"),
        ],
    )
    def test_bad_counts_are_refused(self, clio, gang, changes, field):
        values = {"held_on": days_ago(1), "young_people_engaged": 8, "referrals_made": 1}
        with pytest.raises(ValidationError) as refused:
            intervention_create(actor=clio, gang=gang, **(values | changes))
        assert field in refused.value.error_dict
        assert not StreetGroupIntervention.objects.exists()

    def test_an_update_checks_the_counts_together(self, clio, gang):
        done = make_intervention(clio, gang, young_people_engaged=6, referrals_made=2)
        with pytest.raises(ValidationError) as refused:
            intervention_update(actor=clio, intervention=done, version=1, referrals_made=7)
        assert "referrals_made" in refused.value.error_dict
        intervention_update(actor=clio, intervention=done, version=1, young_people_engaged=10)
        done.refresh_from_db()
        assert (done.young_people_engaged, done.referrals_made, done.version) == (10, 2, 2)

    def test_only_clios_record_interventions(self, supervisor, clgt_officer, gang):
        for user in (supervisor, clgt_officer):
            with pytest.raises(PermissionDenied):
                intervention_create(
                    actor=user, gang=gang, held_on=days_ago(1), young_people_engaged=3
                )
