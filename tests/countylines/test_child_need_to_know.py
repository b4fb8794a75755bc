"""Need-to-know for children (issue 13): a child's safeguarding record is seen by the CLIOs and
supervisors of the division(s) the line is worked in and by the CLGT working the line, nobody
else; vulnerable adults keep the wider safeguarding rule.

The child sits on a North line. Each reader is checked at every door that could show the record:
the person page and API detail (404), the referral (404), the people list page, the API list and
the line's safeguarding tab (no row).
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from countylines.models import PersonAtRisk, SafeguardingReferral
from countylines.services.lifecycle import line_flex
from countylines.services.people import (
    person_at_risk_create,
    person_at_risk_update,
    referral_create,
    referral_record_outcome,
)
from kentsoc.org.choices import Rank, Role
from kentsoc.org.models import Division
from tests import clients
from tests.conftest import _officer
from tests.factories import TeamFactory, make_person

CHILD = "Robinmarigold Childmarker"
ADULT = "Alderwick Adultmarker"


@pytest.fixture
def people(line, clio):
    child = make_person(line, name=CHILD, kind="child", age_band="12_14")
    adult = make_person(line, name=ADULT, kind="vulnerable_adult", age_band="25_39")
    referral = SafeguardingReferral.objects.create(
        person=child, agency="mcet", referred_on=datetime.date.today(), created_by=clio
    )
    return {"child": child, "adult": adult, "referral": referral}


@pytest.fixture
def west_clio(force):
    force["teams"]["clgt_west"] = TeamFactory(
        code="CLGT-W", name="West CLGT", kind="clgt", division=force["divisions"]["west"]
    )
    return _officer(force, Role.CLIO, "clgt_west", "clio_west", Rank.PC)


def _sees_child(user, line, people) -> bool:
    """Whether the child shows at any door; asserts every door agrees."""
    child, referral = people["child"], people["referral"]
    web, api = clients.web(user), clients.api(user)
    detail = web.get(f"/county-lines/people-at-risk/{child.pk}/").status_code
    api_detail = api.get(f"/api/people-at-risk/{child.pk}/").status_code
    outcome = api.patch(
        f"/api/safeguarding-referrals/{referral.pk}/",
        {"outcome": "Seen", "outcome_on": datetime.date.today().isoformat()},
        format="json",
    ).status_code
    listed = api.get("/api/people-at-risk/")
    api_rows = [row["id"] for row in listed.json()["results"]] if listed.status_code == 200 else []
    page = web.get("/county-lines/people-at-risk/")
    tab = web.get(f"/county-lines/{line.pk}/safeguarding/")
    line_page = web.get(f"/county-lines/{line.pk}/").content.decode()
    in_pages = [CHILD in r.content.decode() for r in (page, tab) if r.status_code == 200] + [
        CHILD in line_page
    ]
    if detail == 200:
        assert api_detail == 200 and child.pk in api_rows and all(in_pages[:2]), user
        # Outcome is a CLIO's write: other readers are refused it by role, not by scope.
        assert outcome in (200, 403)
        return True
    assert (detail, api_detail) == (404, 404), user
    assert outcome in (403, 404), user  # 403 only for roles that may never write it
    assert child.pk not in api_rows and not any(in_pages), user
    return False


def test_the_lines_division_sees_the_child(line, people, clio, supervisor, clgt_officer):
    for user in (clio, supervisor, clgt_officer):
        assert _sees_child(user, line, people), user.username


def test_other_divisions_and_force_wide_roles_do_not(
    line,
    people,
    east_clio,
    west_clio,
    east_supervisor,
    force_supervisor,
    east_clgt_officer,
    central_clgt_officer,
    analyst,
    coordinator,
):
    for user in (
        east_clio,
        west_clio,
        east_supervisor,
        force_supervisor,
        east_clgt_officer,
        central_clgt_officer,
        analyst,
        coordinator,
    ):
        assert not _sees_child(user, line, people), user.username
    # Vulnerable adults keep the wider rule: any CLIO, any supervisor, the Central CLGT.
    for user in (east_clio, west_clio, east_supervisor, central_clgt_officer):
        rows = [r["id"] for r in clients.api(user).get("/api/people-at-risk/").json()["results"]]
        assert rows == [people["adult"].pk], user.username


def test_flexing_adds_the_flex_division_and_moves_the_clgt(
    line,
    people,
    clio,
    supervisor,
    clgt_officer,
    east_clio,
    east_supervisor,
    east_clgt_officer,
    west_clio,
):
    east = Division.objects.get(code="EAST")
    line_flex(actor=supervisor, line=line, division=east, reason="Worked by East")
    line.refresh_from_db()
    # The line is now worked in East as well: East's CLIOs, supervisors and CLGT see the child.
    for user in (east_clio, east_supervisor, east_clgt_officer):
        assert _sees_child(user, line, people), user.username
    # North keeps its CLIOs and supervisors (the child still lives there), but its CLGT no
    # longer works the line.
    for user in (clio, supervisor):
        assert _sees_child(user, line, people), user.username
    for user in (clgt_officer, west_clio):
        assert not _sees_child(user, line, people), user.username

    line_flex(actor=supervisor, line=line, division=None, reason="")
    line.refresh_from_db()
    for user in (east_clio, east_supervisor, east_clgt_officer):
        assert not _sees_child(user, line, people), user.username
    assert _sees_child(clgt_officer, line, people)


def test_a_line_flexed_to_the_central_clgt(line, people, supervisor, central_clgt_officer):
    assert not _sees_child(central_clgt_officer, line, people)
    central = Division.objects.get(code="CENTRAL")
    line_flex(actor=supervisor, line=line, division=central, reason="Central team")
    line.refresh_from_db()
    assert _sees_child(central_clgt_officer, line, people)


class TestWrites:
    """The services keep the same rule: a CLIO writes a child's record only where they may read
    it, whatever door the write came through."""

    def test_another_divisions_clio_cannot_record_a_child_on_the_line(self, line, east_clio):
        with pytest.raises(PermissionDenied, match="children"):
            person_at_risk_create(
                actor=east_clio, county_line=line, name="X", kind="child", age_band="under_12"
            )
        refused = clients.api(east_clio).post(
            "/api/people-at-risk/",
            {"county_line": line.pk, "name": "X", "kind": "child", "age_band": "under_12"},
            format="json",
        )
        assert refused.status_code == 403
        page = clients.web(east_clio).post(
            f"/county-lines/{line.pk}/safeguarding/",
            {"name": "X", "kind": "child", "age_band": "under_12", "engagement_status": "engaging"},
        )
        assert page.status_code == 403
        assert not PersonAtRisk.objects.exists()
        # A vulnerable adult on the same line is still theirs to record.
        adult = person_at_risk_create(
            actor=east_clio, county_line=line, name="Y", kind="vulnerable_adult", age_band="25_39"
        )
        # ... but not to re-class as a child, which would hide it from themselves.
        with pytest.raises(PermissionDenied):
            person_at_risk_update(
                actor=east_clio, person=adult, version=1, kind="child", age_band="15_17"
            )

    def test_another_divisions_clio_cannot_touch_the_childs_record(self, people, east_clio):
        child, referral = people["child"], people["referral"]
        with pytest.raises(PermissionDenied):
            person_at_risk_update(actor=east_clio, person=child, version=1, notes="x")
        with pytest.raises(PermissionDenied):
            referral_create(
                actor=east_clio, person=child, agency="mcet", referred_on=datetime.date.today()
            )
        with pytest.raises(PermissionDenied):
            referral_record_outcome(
                actor=east_clio, referral=referral, outcome="x", outcome_on=datetime.date.today()
            )
        child.refresh_from_db()
        assert child.version == 1 and SafeguardingReferral.objects.count() == 1

    def test_the_lines_clio_records_a_child(self, line, clio):
        person = person_at_risk_create(
            actor=clio, county_line=line, name="Z", kind="child", age_band="12_14"
        )
        referral_create(actor=clio, person=person, agency="mcet", referred_on=datetime.date.today())
        assert person.referrals.count() == 1
