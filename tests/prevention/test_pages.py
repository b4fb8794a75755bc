"""The prevention pages: list, record, read and correct; each in words an officer reads."""

from __future__ import annotations

import pytest

from kentsoc.prevention.models import SchoolSession, StreetGroupIntervention
from tests import clients
from tests.factories import days_ago, make_intervention, make_session

pytestmark = pytest.mark.django_db


def test_a_clio_records_a_session_on_the_page(clio):
    web = clients.web(clio)
    listed = web.get("/prevention/school-sessions/").content.decode()
    assert 'href="/prevention/school-sessions/new/"' in listed
    form = web.get("/prevention/school-sessions/new/").content.decode()
    assert 'name="division"' not in form  # a CLIO's work is their division's
    bad = web.post(
        "/prevention/school-sessions/new/",
        {"school": "", "held_on": "2999-01-01", "audience": "0", "topic": ""},
    )
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "A session has an audience of at least one." in text
    assert "This field is required." in text
    assert not SchoolSession.objects.exists()
    done = web.post(
        "/prevention/school-sessions/new/",
        {
            "school": "Hollowmere Academy",
            "held_on": days_ago(1).isoformat(),
            "audience": "150",
            "topic": "County lines",
        },
    )
    session = SchoolSession.objects.get()
    assert (
        done.status_code == 302 and done["Location"] == f"/prevention/school-sessions/{session.pk}/"
    )
    shown = web.get(done["Location"]).content.decode()
    assert "School session at Hollowmere Academy" in shown and "150 young people" in shown
    assert "Hollowmere Academy" in web.get("/prevention/school-sessions/").content.decode()


def test_the_coordinator_is_asked_the_division(clio_coordinator):
    web = clients.web(clio_coordinator)
    assert 'name="division"' in web.get("/prevention/school-sessions/new/").content.decode()
    refused = web.post(
        "/prevention/school-sessions/new/",
        {
            "school": "Hollowmere Academy",
            "held_on": days_ago(1).isoformat(),
            "audience": "150",
            "topic": "County lines",
        },
    )
    assert refused.status_code == 400
    assert "Choose the division this work was done in." in refused.content.decode()


def test_correcting_a_session(clio):
    session = make_session(clio, audience=20)
    web = clients.web(clio)
    url = f"/prevention/school-sessions/{session.pk}/"
    values = {
        "school": session.school,
        "held_on": session.held_on.isoformat(),
        "topic": session.topic,
        "version": "1",
    }
    assert web.post(url, values | {"audience": "25"}).status_code == 302
    stale = web.post(url, values | {"audience": "30"})
    assert stale.status_code == 400 and "Someone else changed this record" in stale.content.decode()
    session.refresh_from_db()
    assert session.audience == 25


def test_a_supervisor_reads_but_is_not_offered_a_form(clio, supervisor, gang):
    session = make_session(clio)
    intervention = make_intervention(clio, gang)
    web = clients.web(supervisor)
    for url in (
        f"/prevention/school-sessions/{session.pk}/",
        f"/prevention/interventions/{intervention.pk}/",
    ):
        page = web.get(url)
        assert page.status_code == 200 and 'data-testid="edit-form"' not in page.content.decode()
        assert web.post(url, {"version": "1"}).status_code == 403
    assert "/new/" not in web.get("/prevention/school-sessions/").content.decode()


def test_a_clio_records_an_intervention_on_the_page(clio, gang, east_gang):
    web = clients.web(clio)
    form = web.get("/prevention/interventions/new/").content.decode()
    assert "Riverside Youngers" in form and "Harbour Crew" not in form
    bad = web.post(
        "/prevention/interventions/new/",
        {
            "gang": str(gang.pk),
            "held_on": days_ago(1).isoformat(),
            "young_people_engaged": "3",
            "referrals_made": "5",
        },
    )
    assert bad.status_code == 400
    assert "More referrals than young people engaged" in bad.content.decode()
    done = web.post(
        "/prevention/interventions/new/",
        {
            "gang": str(gang.pk),
            "held_on": days_ago(1).isoformat(),
            "young_people_engaged": "6",
            "referrals_made": "2",
            "outcome": "Agreed to a youth-club referral.",
        },
    )
    assert done.status_code == 302
    assert StreetGroupIntervention.objects.get().referrals_made == 2
    listed = web.get("/prevention/interventions/").content.decode()
    assert "Riverside Youngers" in listed


def test_the_clios_home_links_to_the_work(clio):
    make_session(clio, audience=40, held_on=days_ago(0))
    home = clients.web(clio).get("/").content.decode()
    assert 'data-testid="prevention-panel"' in home
    assert "1 school session" in home
    assert 'href="/prevention/school-sessions/new/"' in home
    assert 'href="/reports/clio-activity/"' in home
    assert 'href="/prevention/school-sessions/"' in home  # the navigation


def test_csv_downloads(clio, gang):
    make_session(clio, school="Hollowmere Academy")
    make_intervention(clio, gang)
    web = clients.web(clio)
    sessions = web.get("/prevention/school-sessions/", {"format": "csv"})
    assert b"Hollowmere Academy" in b"".join(sessions.streaming_content)
    interventions = web.get("/prevention/interventions/", {"format": "csv"})
    assert b"Riverside Youngers" in b"".join(interventions.streaming_content)
