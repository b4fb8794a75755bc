"""A person at risk met through a school or a street group, with no county line yet (issue 16).

With no line to be worked in, the record is kept in the division the CLIO met them in (the
recording CLIO's): that division's CLIOs and supervisors see it, and nobody else — no CLGT until
a line is linked, no CLIO of another division, no force-wide role. Each reader is checked at every
door, as in test_child_need_to_know.py.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from countylines.models import PersonAtRisk, SafeguardingReferral
from countylines.services.people import (
    person_at_risk_create,
    person_at_risk_update,
    referral_create,
)
from kentsoc.audit.models import AuditEvent
from tests import clients
from tests.factories import make_person

CHILD = "Larkspur Schoolmarker"


@pytest.fixture
def met_at_school(clio):
    child = person_at_risk_create(
        actor=clio,
        county_line=None,
        name=CHILD,
        kind="child",
        age_band="12_14",
        met_through="school",
        setting="Hollowmere Academy",
    )
    referral = referral_create(
        actor=clio, person=child, agency="mcet", referred_on=datetime.date.today()
    )
    return child, referral


def _sees(user, child, referral) -> bool:
    web, api = clients.web(user), clients.api(user)
    detail = web.get(f"/county-lines/people-at-risk/{child.pk}/")
    api_detail = api.get(f"/api/people-at-risk/{child.pk}/").status_code
    listed = api.get("/api/people-at-risk/")
    rows = [r["id"] for r in listed.json()["results"]] if listed.status_code == 200 else []
    page = web.get("/county-lines/people-at-risk/")
    on_page = page.status_code == 200 and CHILD in page.content.decode()
    referrals = api.get("/api/safeguarding-referrals/").status_code  # no list: never shown
    assert referrals in (403, 404, 405)
    if detail.status_code == 200:
        assert api_detail == 200 and child.pk in rows and on_page, user
        assert SafeguardingReferral.objects.visible_to(user).filter(pk=referral.pk).exists()
        return True
    assert (detail.status_code, api_detail) == (404, 404), user
    assert child.pk not in rows and not on_page, user
    assert not SafeguardingReferral.objects.visible_to(user).filter(pk=referral.pk).exists()
    return False


def test_the_record_is_kept_in_the_recording_clios_division(met_at_school, clio, force):
    child, _ = met_at_school
    assert child.county_line is None and child.division == force["divisions"]["north"]
    assert (child.met_through, child.setting) == ("school", "Hollowmere Academy")
    event = AuditEvent.objects.get(action="create", object_type="countylines.personatrisk")
    assert event.changes["county_line"] is None and event.changes["met_through"] == "school"
    assert CHILD not in str(event.changes) and CHILD not in event.object_repr


def test_that_divisions_clios_and_supervisors_see_it(met_at_school, clio, supervisor):
    for user in (clio, supervisor):
        assert _sees(user, *met_at_school), user.username


def test_nobody_else_does(
    met_at_school,
    east_clio,
    clio_coordinator,
    east_supervisor,
    force_supervisor,
    clgt_officer,
    central_officer,
    analyst,
    coordinator,
    lro,
):
    for user in (
        east_clio,
        clio_coordinator,
        east_supervisor,
        force_supervisor,
        clgt_officer,
        central_officer,
        analyst,
        coordinator,
        lro,
    ):
        assert not _sees(user, *met_at_school), user.username


def test_a_vulnerable_adult_with_no_line_follows_the_same_rule(clio, east_clio, supervisor):
    adult = person_at_risk_create(
        actor=clio,
        county_line=None,
        name="Yarrow Adultmarker",
        kind="vulnerable_adult",
        age_band="18_24",
        met_through="street_group",
        street_group="Riverside Youngers",
    )
    assert PersonAtRisk.objects.visible_to(supervisor).filter(pk=adult.pk).exists()
    assert not PersonAtRisk.objects.visible_to(east_clio).filter(pk=adult.pk).exists()


class TestRefusals:
    def _create(self, actor, **changes):
        values = {
            "county_line": None,
            "name": "Tansy Example",
            "kind": "child",
            "age_band": "15_17",
            "met_through": "street_group",
            "street_group": "Harbour Crew",
        }
        return person_at_risk_create(actor=actor, **(values | changes))

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"met_through": ""}, "county_line"),
            ({"met_through": "line"}, "county_line"),
            ({"met_through": "somewhere"}, "met_through"),
            ({"street_group": "  "}, "street_group"),
            ({"met_through": "school", "setting": ""}, "setting"),
        ],
    )
    def test_where_they_were_met_must_be_said(self, clio, changes, field):
        with pytest.raises(ValidationError) as refused:
            self._create(clio, **changes)
        assert field in refused.value.error_dict
        assert not PersonAtRisk.objects.exists()

    def test_a_clio_with_no_division_cannot_keep_one(self, clio_coordinator):
        with pytest.raises(PermissionDenied, match="division"):
            self._create(clio_coordinator)

    def test_roles_that_are_not_clios_cannot(self, supervisor, clgt_officer):
        for user in (supervisor, clgt_officer):
            with pytest.raises(PermissionDenied):
                self._create(user)

    def test_another_divisions_clio_cannot_change_it(self, met_at_school, east_clio):
        child, _ = met_at_school
        with pytest.raises(PermissionDenied):
            person_at_risk_update(actor=east_clio, person=child, version=1, notes="x")

    def test_an_update_cannot_claim_a_line_it_does_not_have(self, met_at_school, clio):
        child, _ = met_at_school
        with pytest.raises(ValidationError) as refused:
            person_at_risk_update(actor=clio, person=child, version=1, met_through="line")
        assert "met_through" in refused.value.error_dict
        person_at_risk_update(actor=clio, person=child, version=1, engagement_status="engaging")
        child.refresh_from_db()
        assert (child.engagement_status, child.version) == ("engaging", 2)


class TestDoors:
    def test_the_api_records_someone_with_no_line(self, clio, force):
        answer = clients.api(clio).post(
            "/api/people-at-risk/",
            {
                "name": "Sorrel Example",
                "kind": "child",
                "age_band": "12_14",
                "met_through": "school",
                "setting": "St Aldhelm's College",
            },
            format="json",
        )
        assert answer.status_code == 201, answer.content
        body = answer.json()
        assert body["county_line"] is None and body["division"] == force["divisions"]["north"].pk
        assert (body["met_through"], body["setting"]) == ("school", "St Aldhelm's College")
        refused = clients.api(clio).post(
            "/api/people-at-risk/",
            {"name": "X", "kind": "child", "age_band": "12_14"},
            format="json",
        )
        assert refused.status_code == 400 and "county_line" in refused.json()

    def test_the_page_records_someone_with_no_line(self, clio):
        web = clients.web(clio)
        page = web.get("/county-lines/people-at-risk/")
        assert 'href="/county-lines/people-at-risk/new/"' in page.content.decode()
        form = web.get("/county-lines/people-at-risk/new/")
        assert form.status_code == 200
        bad = web.post(
            "/county-lines/people-at-risk/new/",
            {"name": "Sorrel Example", "kind": "child", "age_band": "12_14"},
        )
        assert bad.status_code == 400
        assert "Say whether they were met at a school or through a group." in bad.content.decode()
        no_school = web.post(
            "/county-lines/people-at-risk/new/",
            {
                "name": "Sorrel Example",
                "kind": "child",
                "age_band": "12_14",
                "met_through": "school",
                "engagement_status": "engaging",
            },
        )
        assert no_school.status_code == 400
        assert "Name the school or setting they were met at." in no_school.content.decode()
        assert not PersonAtRisk.objects.exists()
        done = web.post(
            "/county-lines/people-at-risk/new/",
            {
                "name": "Sorrel Example",
                "kind": "child",
                "age_band": "12_14",
                "met_through": "street_group",
                "street_group": "Riverside Youngers",
                "engagement_status": "engaging",
            },
        )
        person = PersonAtRisk.objects.get()
        assert done.status_code == 302 and done["Location"].endswith(f"/{person.pk}/")
        shown = web.get(done["Location"]).content.decode()
        assert "None known yet" in shown and "Riverside Youngers" in shown
        listed = web.get("/county-lines/people-at-risk/?no_line=true").content.decode()
        assert "No line yet" in listed and "Sorrel Example" in listed

    def test_only_clios_may_open_the_form(self, supervisor, clgt_officer):
        for user in (supervisor, clgt_officer):
            assert clients.web(user).get("/county-lines/people-at-risk/new/").status_code == 403

    def test_a_person_on_a_line_is_unchanged(self, clio, force):
        from tests.factories import make_line

        line = make_line(districts=[force["districts"]["medway"]])
        person = make_person(line, name="Campion Example")
        assert person.met_through == "line" and person.division is None
        answer = clients.api(clio).get(f"/api/people-at-risk/{person.pk}/").json()
        assert answer["county_line"] == line.pk and answer["met_through"] == "line"
