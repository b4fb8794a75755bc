"""Safeguarding records: who may see them (per role), and the services that write them."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from countylines.models import PersonAtRisk, SafeguardingReferral
from countylines.services.lifecycle import line_flex
from countylines.services.people import (
    person_at_risk_create,
    person_at_risk_update,
    referral_create,
    referral_record_outcome,
)
from kentsoc.audit.models import AuditEvent
from tests import clients
from tests.factories import make_line, make_person

# The child is on a North line: North's CLIO, supervisor and CLGT. Who else sees children (the
# flex, other divisions, the Central CLGT) is in test_child_need_to_know.py.
ALLOWED = ["clio", "supervisor", "clgt_officer"]
DENIED = ["east_clgt_officer", "analyst", "coordinator", "researcher", "lro", "auditor", "outsider"]


@pytest.fixture
def child(line):
    return make_person(line, name="Sam Example", kind="child", age_band="15_17")


@pytest.mark.parametrize("role", ALLOWED)
def test_allowed_roles_see_child_records(request, role, child, line):
    user = request.getfixturevalue(role)
    assert clients.web(user).get(f"/county-lines/people-at-risk/{child.pk}/").status_code == 200
    assert (
        "Sam Example"
        in clients.web(user).get(f"/county-lines/{line.pk}/safeguarding/").content.decode()
    )
    assert [p["id"] for p in clients.api(user).get("/api/people-at-risk/").json()["results"]] == [
        child.pk
    ]
    assert clients.api(user).get(f"/api/people-at-risk/{child.pk}/").status_code == 200
    assert "Sam Example" in clients.web(user).get("/county-lines/people-at-risk/").content.decode()
    reads = AuditEvent.objects.filter(actor=user, object_type="countylines.personatrisk")
    assert reads.filter(action="view", object_id=str(child.pk)).count() == 2  # page, API detail
    # tab, people list, API list: one event each naming the ids shown
    assert reads.filter(action="list", changes__ids=[child.pk]).count() == 3


@pytest.mark.parametrize("role", DENIED)
def test_other_roles_get_404_and_no_rows(request, role, child, line):
    user = request.getfixturevalue(role)
    web, api = clients.web(user), clients.api(user)
    assert web.get(f"/county-lines/people-at-risk/{child.pk}/").status_code == 404
    assert web.get(f"/county-lines/{line.pk}/safeguarding/").status_code == 404
    people_page = web.get("/county-lines/people-at-risk/")
    assert people_page.status_code == 403 or "Sam Example" not in people_page.content.decode()
    assert api.get(f"/api/people-at-risk/{child.pk}/").status_code == 404
    listed = api.get("/api/people-at-risk/")
    assert listed.status_code in (200, 403)
    if listed.status_code == 200:
        assert listed.json()["results"] == []
    detail = web.get(f"/county-lines/{line.pk}/").content.decode()
    assert "Sam Example" not in detail and 'data-testid="tab-safeguarding"' not in detail
    # Their empty lists are on the trail (count 0); nothing of theirs names the child.
    reads = AuditEvent.objects.filter(actor=user, object_type="countylines.personatrisk")
    assert not reads.filter(object_id=str(child.pk)).exists()
    assert not reads.filter(changes__ids__contains=[child.pk]).exists()
    assert all(event.changes["count"] == 0 for event in reads)


def test_line_clgt_follows_the_flex(
    force, line, child, clgt_officer, east_clgt_officer, supervisor
):
    east = force["divisions"]["east"]
    line_flex(actor=supervisor, line=line, division=east, reason="Worked by East")
    assert clients.api(east_clgt_officer).get(f"/api/people-at-risk/{child.pk}/").status_code == 200
    assert clients.api(clgt_officer).get(f"/api/people-at-risk/{child.pk}/").status_code == 404


def test_people_list_page_only_for_allowed(force, clio, child):
    other = make_line(districts=[force["districts"]["thanet"]], name="VIPER")
    make_person(other, name="Alex Sample", kind="vulnerable_adult", age_band="25_39")
    body = (
        clients.web(clio).get("/county-lines/people-at-risk/", {"kind": "child"}).content.decode()
    )
    assert "Sam Example" in body and "Alex Sample" not in body


class TestServices:
    def test_clio_records_a_person_and_referrals(self, line, clio):
        person = person_at_risk_create(
            actor=clio,
            county_line=line,
            name="Jo Madeup",
            kind="child",
            age_band="12_14",
            setting="Fictional Academy",
        )
        assert AuditEvent.objects.filter(action="create", object_id=str(person.pk)).exists()
        referral = referral_create(
            actor=clio,
            person=person,
            agency="partner",
            partner_name="Youth Offending Service",
            referred_on=datetime.date.today(),
        )
        referral_record_outcome(
            actor=clio,
            referral=referral,
            outcome="Accepted; key worker assigned",
            outcome_on=datetime.date.today(),
        )
        referral.refresh_from_db()
        assert referral.outcome.startswith("Accepted")
        person_at_risk_update(actor=clio, person=person, version=1, engagement_status="engaging")
        with pytest.raises(ValidationError, match="Someone else changed"):
            person_at_risk_update(actor=clio, person=person, version=1, notes="stale")

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"kind": "child", "age_band": "25_39"}, "age_band"),
            ({"kind": "vulnerable_adult", "age_band": "12_14"}, "age_band"),
            ({"kind": "adult", "age_band": "25_39"}, "kind"),
            ({"kind": "child", "age_band": "15_17", "name": " "}, "name"),
        ],
    )
    def test_bad_person_input(self, line, clio, kwargs, field):
        kwargs = {"name": "Jo Madeup"} | kwargs
        with pytest.raises(ValidationError) as exc:
            person_at_risk_create(actor=clio, county_line=line, **kwargs)
        assert field in exc.value.message_dict
        assert not PersonAtRisk.objects.exists()

    def test_bad_referral_input(self, child, clio):
        today = datetime.date.today()
        cases = [
            ({"agency": "partner", "referred_on": today}, "partner_name"),
            ({"agency": "mcet", "referred_on": today + datetime.timedelta(days=2)}, "referred_on"),
            ({"agency": "mcet", "referred_on": None}, "referred_on"),
            ({"agency": "police", "referred_on": today}, "agency"),
            (
                {
                    "agency": "mcet",
                    "referred_on": today,
                    "outcome_on": today - datetime.timedelta(days=1),
                },
                "outcome_on",
            ),
        ]
        for kwargs, field in cases:
            with pytest.raises(ValidationError) as exc:
                referral_create(actor=clio, person=child, **kwargs)
            assert field in exc.value.message_dict, kwargs
        assert not SafeguardingReferral.objects.exists()

    def test_only_clios_write(self, line, child, supervisor, clgt_officer):
        for user in (supervisor, clgt_officer):
            with pytest.raises(PermissionDenied, match="Only CLIOs"):
                person_at_risk_create(
                    actor=user, county_line=line, name="X", kind="child", age_band="under_12"
                )
            with pytest.raises(PermissionDenied):
                referral_create(
                    actor=user, person=child, agency="mcet", referred_on=datetime.date.today()
                )


class TestApiAndPages:
    def test_api_create_update_and_refer(self, line, clio):
        api = clients.api(clio)
        created = api.post(
            "/api/people-at-risk/",
            {"county_line": line.pk, "name": "Jo Madeup", "kind": "child", "age_band": "under_12"},
            format="json",
        )
        assert created.status_code == 201, created.json()
        pk = created.json()["id"]
        bad = api.post(
            "/api/people-at-risk/",
            {"county_line": line.pk, "name": "Jo", "kind": "child", "age_band": "40_plus"},
            format="json",
        )
        assert bad.status_code == 400 and "age_band" in bad.json()
        patched = api.patch(
            f"/api/people-at-risk/{pk}/",
            {"version": 1, "setting": "Fictional Primary"},
            format="json",
        )
        assert patched.json()["setting"] == "Fictional Primary"
        referred = api.post(
            f"/api/people-at-risk/{pk}/referrals/",
            {"agency": "childrens_services", "referred_on": datetime.date.today().isoformat()},
            format="json",
        )
        assert referred.status_code == 201
        referral_id = referred.json()["referrals"][0]["id"]
        outcome = api.patch(
            f"/api/safeguarding-referrals/{referral_id}/",
            {"outcome": "Strategy meeting held", "outcome_on": datetime.date.today().isoformat()},
            format="json",
        )
        assert outcome.status_code == 200 and outcome.json()["outcome"] == "Strategy meeting held"

    def test_supervisor_cannot_create_via_api(self, line, supervisor):
        response = clients.api(supervisor).post(
            "/api/people-at-risk/",
            {"county_line": line.pk, "name": "Jo", "kind": "child", "age_band": "under_12"},
            format="json",
        )
        assert response.status_code == 403

    def test_pages_create_and_refer(self, line, clio):
        web = clients.web(clio)
        bad = web.post(
            f"/county-lines/{line.pk}/safeguarding/",
            {
                "name": "Jo Madeup",
                "kind": "vulnerable_adult",
                "age_band": "12_14",
                "engagement_status": "engaging",
            },
        )
        assert bad.status_code == 400 and "18 or over" in bad.content.decode()
        ok = web.post(
            f"/county-lines/{line.pk}/safeguarding/",
            {
                "name": "Jo Madeup",
                "kind": "child",
                "age_band": "12_14",
                "engagement_status": "engaging",
            },
        )
        person = PersonAtRisk.objects.get()
        assert (
            ok.status_code == 302 and ok["Location"] == f"/county-lines/people-at-risk/{person.pk}/"
        )
        viewed = AuditEvent.objects.filter(action="view", object_id=str(person.pk))
        before = viewed.count()
        bad = web.post(
            f"/county-lines/people-at-risk/{person.pk}/referrals/",
            {"agency": "partner", "referred_on": "2020-01-01"},
        )
        assert bad.status_code == 400 and "Name the partner agency." in bad.content.decode()
        assert viewed.count() == before + 1  # the page shown again is a view, audited
        ok = web.post(
            f"/county-lines/people-at-risk/{person.pk}/referrals/",
            {"agency": "mcet", "referred_on": datetime.date.today().isoformat()},
        )
        assert ok.status_code == 302
        referral = SafeguardingReferral.objects.get()
        bad = web.post(
            f"/county-lines/referrals/{referral.pk}/outcome/", {"outcome": "", "outcome_on": ""}
        )
        assert bad.status_code == 400 and "Describe the outcome" in bad.content.decode()


def test_audit_trail_never_names_the_person(line, clio, auditor):
    """Auditors read the whole audit trail; a child's name must not reach it."""
    web = clients.web(clio)
    web.post(
        f"/county-lines/{line.pk}/safeguarding/",
        {
            "name": "Jo Madeup",
            "kind": "child",
            "age_band": "12_14",
            "engagement_status": "engaging",
        },
    )
    person = PersonAtRisk.objects.get()
    web.get(f"/county-lines/people-at-risk/{person.pk}/")
    web.post(
        f"/county-lines/people-at-risk/{person.pk}/referrals/",
        {"agency": "mcet", "referred_on": datetime.date.today().isoformat()},
    )
    clients.api(clio).get(f"/api/people-at-risk/{person.pk}/")
    events = AuditEvent.objects.filter(object_type__startswith="countylines.")
    assert events.filter(object_id=str(person.pk), action="view").count() == 2
    assert events.filter(object_type="countylines.safeguardingreferral").exists()
    page = clients.web(auditor).get("/audit/").content.decode()
    assert f"#{person.pk}" in page and "Jo Madeup" not in page
    api_rows = clients.api(auditor).get("/api/audit/")
    assert api_rows.status_code == 200 and "Jo Madeup" not in api_rows.content.decode()
    csv = clients.web(auditor).get("/audit/", {"format": "csv"})
    assert "Jo Madeup" not in b"".join(csv.streaming_content).decode()


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = fn()
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_safeguarding_lists_query_counts_are_constant(force, line, clio):
    web, api = clients.web(clio), clients.api(clio)
    # A second North line: a North CLIO sees the children on both.
    other = make_line(districts=[force["districts"]["dartford"]], name="VIPER")
    lists = {
        "page": lambda: web.get("/county-lines/people-at-risk/"),
        "tab": lambda: web.get(f"/county-lines/{line.pk}/safeguarding/"),
        "api": lambda: api.get("/api/people-at-risk/"),
    }

    def add_people(n: int) -> None:
        for i in range(n):
            person = make_person(line if i % 2 else other, name=f"Person {i}")
            for agency in ("mcet", "childrens_services"):
                SafeguardingReferral.objects.create(
                    person=person, agency=agency, referred_on=datetime.date.today()
                )

    add_people(2)
    for fn in lists.values():
        fn()  # warm per-process caches (content types, permissions)
    few = {name: _count(fn) for name, fn in lists.items()}
    add_people(10)
    assert {name: _count(fn) for name, fn in lists.items()} == few
    page = lists["page"]().content.decode()
    assert all(f"Person {i}" in page for i in range(10))  # the counts are of full lists
    listed = AuditEvent.objects.filter(actor=clio, action="list").latest("id")
    assert len(listed.changes["ids"]) == 12  # the API list just read: every row audited
