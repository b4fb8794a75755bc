"""CLIO prevention work in the browser (issue 16): from their home page a CLIO records a school
session (a bad audience is refused at the field first), finds it in the school sessions list, and
sees it counted in the CLIO activity summary; then records a young person met at that school with
no county line yet, and finds them among the people at risk."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from countylines.models import PersonAtRisk
from kentsoc.prevention.models import SchoolSession
from tests.e2e.conftest import login
from tests.factories import TEST_PASSWORD, make_session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clio_page(page: Page, clio) -> Page:
    # An earlier session this month, so the summary's count visibly moves from 1 to 2.
    make_session(clio, audience=40, held_on=timezone.localdate().replace(day=1))
    login(page, clio.username, TEST_PASSWORD)
    return page


def test_a_clio_records_a_school_session_and_sees_it_counted(clio_page, clio):
    page = clio_page
    today = timezone.localdate()
    period = {"from": today.replace(day=1).isoformat(), "to": today.isoformat()}
    summary_url = f"/reports/clio-activity/?from={period['from']}&to={period['to']}"

    page.goto(summary_url)
    expect(page.get_by_test_id("clio-row-1")).to_have_text("1")
    expect(page.get_by_test_id("clio-row-2")).to_have_text("40")

    page.goto("/")
    expect(page.get_by_test_id("prevention-panel")).to_contain_text("1 school session")
    page.get_by_role("link", name="Record a school session").first.click()
    form = page.get_by_test_id("prevention-form")
    form.get_by_label("School, college or setting").fill("Tidewell School")
    form.get_by_label("Date of the session").fill(today.isoformat())
    form.get_by_label("Audience size").fill("0")
    form.get_by_label("Topic").fill("County lines and criminal exploitation")
    form.get_by_role("button", name="Save").click()
    expect(page.locator("#field-audience")).to_contain_text(
        "A session has an audience of at least one."
    )
    assert SchoolSession.objects.count() == 1

    form = page.get_by_test_id("prevention-form")
    form.get_by_label("Audience size").fill("210")
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="School session at Tidewell School")).to_be_visible()
    expect(page.get_by_test_id("session-details")).to_contain_text("210 young people")

    page.get_by_role("link", name="School sessions").first.click()
    expect(page.get_by_test_id("session-table")).to_contain_text("Tidewell School")

    page.get_by_role("link", name="CLIO activity summary").click()
    page.get_by_label("From").fill(period["from"])
    page.get_by_label("To").fill(period["to"])
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("clio-row-1")).to_have_text("2")
    expect(page.get_by_test_id("clio-row-2")).to_have_text("250")

    # A pupil met at the session, with no county line yet.
    page.goto("/county-lines/people-at-risk/")
    page.get_by_test_id("person-new").click()
    form = page.get_by_test_id("person-new-form")
    form.get_by_label("At a school or setting").check()
    form.get_by_role("textbox", name="School or setting").fill("Tidewell School")
    form.get_by_label("Name", exact=True).fill("Pupil T (agreed pseudonym)")
    form.get_by_label("Child or vulnerable adult").select_option("child")
    form.get_by_label("Age band").select_option("12_14")
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("no-line")).to_have_text("None known yet")
    person = PersonAtRisk.objects.get()
    assert person.county_line is None and person.division.code == "NORTH"
    assert person.created_at.date() <= datetime.date.today()

    page.goto(summary_url)
    expect(page.get_by_test_id("clio-row-6")).to_have_text("1")
    expect(page.get_by_test_id("clio-row-7")).to_have_text("1")
