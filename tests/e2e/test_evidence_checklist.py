"""The evidence checklist in the browser (issue 15 items 10 and 13): a coordinator opens it from
the OCG's Evidence tab and fills two criteria in place, one after the other, without leaving the
page. A criterion about the group's criminality is refused until a graded record is ticked; the
linked members already meet "two or more individuals"."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import axe_violations, describe
from tests.e2e.conftest import login
from tests.factories import TEST_PASSWORD, make_ocg, make_record

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_fills_two_criteria_in_place(browser, live_server, coordinator, force):
    ocg = make_ocg(division=force["divisions"]["north"], name="Harbour Crew", members=3)
    graded = make_record(ocgs=[ocg], grading="1B", summary="Fictional: seen at the lock-up.")
    make_record(ocgs=[ocg], grading="3E", summary="Fictional: a rumour of a handgun.")
    # axe is injected as a script: this context may bypass the pages' CSP.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    login(page, coordinator.username, TEST_PASSWORD)

    page.goto(f"/ocgs/{ocg.pk}/?tab=evidence")
    page.get_by_test_id("open-evidence-checklist").click()
    expect(page.locator("h1")).to_contain_text(f"Definition evidence for {ocg}")
    checklist_url = page.url
    # A mark on the window: a full page load would wipe it.
    page.evaluate("window.stillThisPage = true")
    expect(page.get_by_test_id("members-note")).to_have_text(
        re.compile(r"^Met: 3 members linked\.")
    )
    expect(page.get_by_test_id("criterion-planning_control_structure")).to_contain_text(
        "group decision-making"
    )
    assert axe_violations(page) == [], describe(axe_violations(page))

    # Text alone is refused, in the row, and the focus moves to what is wrong.
    row = page.get_by_test_id("criterion-working_together")
    row.locator('textarea[name="text"]').fill("Fictional: seen together at the lock-up, nightly.")
    row.get_by_test_id("save-evidence-working_together").click()
    problem = page.get_by_test_id("error-summary-working_together")
    expect(problem).to_contain_text("“Working together” needs a graded intelligence record")
    expect(problem).to_be_focused()
    assert axe_violations(page) == [], describe(axe_violations(page))

    # What was typed stayed; ticking the graded record saves it.
    row = page.get_by_test_id("criterion-working_together")
    expect(row.locator('textarea[name="text"]')).to_have_value(
        "Fictional: seen together at the lock-up, nightly."
    )
    row.get_by_label(re.compile(graded.reference)).check()
    row.get_by_test_id("save-evidence-working_together").click()
    row = page.get_by_test_id("criterion-working_together")
    expect(row).to_have_attribute("data-met", "true")
    expect(row.get_by_role("status")).to_have_text("Evidence recorded for “Working together”.")
    expect(row.get_by_role("status")).to_be_focused()
    expect(row.get_by_test_id("evidence-item")).to_contain_text(graded.reference)

    # The second criterion, on the same page.
    row = page.get_by_test_id("criterion-serious_crime")
    row.locator('textarea[name="text"]').fill("Fictional: class A supply across Medway.")
    row.get_by_label(re.compile(graded.reference)).check()
    row.get_by_test_id("save-evidence-serious_crime").click()
    expect(page.get_by_test_id("criterion-serious_crime")).to_have_attribute("data-met", "true")

    # Still the same page (filled in place), and the summary above followed each row.
    assert page.url == checklist_url and page.evaluate("window.stillThisPage") is True
    missing = page.get_by_test_id("checklist-missing")
    expect(missing).to_contain_text("Intent and capability")
    expect(missing).not_to_contain_text("Working together")
    expect(missing).not_to_contain_text("Serious crime")
    expect(missing).not_to_contain_text("Two or more individuals")

    # Back on the OCG's page, its Evidence tab reads the same.
    page.get_by_test_id("back-to-subject").click()
    expect(page.get_by_test_id("criterion-working_together")).to_have_attribute("data-met", "true")
    expect(page.get_by_test_id("criterion-two_or_more_individuals")).to_have_attribute(
        "data-met", "true"
    )
    context.close()
