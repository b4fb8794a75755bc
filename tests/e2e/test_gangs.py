"""A gang in the browser: a CLGT officer records one, adds a member with the person picker, links
the division's line with the line picker, and finds it at the top of the gang list by its latest
intelligence; and finds a gang in the disruption form's search to log a disruption against it."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page, expect

from kentsoc.gangs.models import Gang
from tests.e2e.conftest import login
from tests.factories import TEST_PASSWORD, make_gang, make_line, make_nominal, make_record

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _pick(page: Page, field: str, text: str, choice: str) -> None:
    """Type into a picker's search box and choose the suggestion: choosing submits its form."""
    page.fill(f"input[name={field}_find]", text)
    page.get_by_test_id(f"picker-options-{field}").get_by_role("link", name=choice).click()


def test_a_clgt_officer_records_a_gang_adds_a_member_and_opens_it_from_the_list(
    page: Page, force, clgt_officer
):
    north = force["divisions"]["north"]
    make_nominal("Tyrone", "Fictionalson")
    make_line(north, name="KESTREL")
    # An older gang of the division, with intelligence a year ago: the new one's is newer.
    older = make_gang(north, name="Aardvark Old Boys", area="Gillingham")
    make_record(lines=[make_line(north, name="OLDLINE")], on=datetime.date(2021, 1, 5)).gangs.add(
        older
    )

    login(page, clgt_officer.username, TEST_PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="Gangs").click()
    page.get_by_test_id("add-gang").click()

    # Nothing filled in: every field says what it needs, nothing is saved.
    page.get_by_test_id("gang-save").click()
    expect(page.get_by_test_id("error-summary")).to_contain_text("Name")
    page.fill("#id_name", "Medway Kestrels")
    page.select_option("#id_kind", "street_group")
    page.fill("#id_area", "Chatham, the Luton estate")
    expect(page.locator("#id_division")).to_have_value(str(north.pk))
    page.get_by_test_id("gang-save").click()

    gang = Gang.objects.get(name="Medway Kestrels")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{gang.reference} Medway Kestrels")
    expect(page.get_by_test_id("gang-summary")).to_contain_text("Street group")

    # A member: the role first, then the person, chosen from the picker's suggestions.
    page.select_option("#id_role", "leader")
    _pick(page, "nominal", "Fictionalson", "Tyrone Fictionalson")
    members = page.get_by_test_id("gang-members")
    expect(members).to_contain_text("Tyrone Fictionalson")
    expect(members).to_contain_text("Leader")

    # The line it runs for, with the line picker.
    _pick(page, "county_line", "KESTREL", "KESTREL")
    expect(page.get_by_test_id("gang-links")).to_contain_text("KESTREL")

    # Intelligence on it makes it the most recent: first in the list, and opened from there.
    make_record(lines=[make_line(north, name="NEWLINE")], on=datetime.date(2022, 10, 1)).gangs.add(
        gang
    )
    page.goto("/gangs/")
    rows = page.get_by_test_id("gang-row")
    expect(rows.first).to_contain_text("Medway Kestrels")
    expect(rows.first).to_contain_text("1 Oct 2022")
    expect(rows.nth(1)).to_contain_text("Aardvark Old Boys")
    rows.first.get_by_role("link", name=gang.reference).click()
    expect(page.get_by_test_id("gang-members")).to_contain_text("Tyrone Fictionalson")
    expect(page.get_by_test_id("subject-records")).to_contain_text("1 Oct 2022")


def test_a_clgt_officer_finds_a_gang_in_the_disruption_forms_search_and_logs_against_it(
    page: Page, force, clgt_officer
):
    gang = make_gang(force["divisions"]["north"], name="Medway Kestrels", area="Chatham")
    make_gang(force["divisions"]["east"], name="Kestrel Tidewalkers", area="Margate")

    login(page, clgt_officer.username, TEST_PASSWORD)
    page.goto("/disruptions/new/")
    form = page.get_by_test_id("disruption-form")
    expect(form.get_by_label("Find OCGs, county lines, gangs or nominals")).to_be_visible()
    search = page.get_by_test_id("subject-search")
    search.fill("kestrel")
    options = page.get_by_test_id("subject-options")
    # Only the officer's own division's gang: East's is not theirs to see.
    expect(options.get_by_role("option")).to_have_count(1)
    expect(options.get_by_role("option", name=f"Gang: {gang}")).to_be_visible()
    search.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("subject-chips")).to_contain_text(f"Gang: {gang}")

    form.locator("#id_strand").select_option("prevent")
    form.locator("#id_tactic").select_option("partner_action")
    form.locator("#id_impact_grade").select_option("minor")
    form.locator("#id_impact_rationale").fill("Fictional: the group left the estate for a week.")
    form.get_by_test_id("save-draft").click()

    expect(page.get_by_test_id("status")).to_contain_text("Draft")
    assert list(gang.disruptions.values_list("tactic", flat=True)) == ["partner_action"]
    page.goto(f"/gangs/{gang.pk}/")
    expect(page.get_by_test_id("subject-disruptions")).to_contain_text("Partner action")
