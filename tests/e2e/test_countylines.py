"""A county line's journey in the browser: a CLGT officer nominates it and evidences the
definition, a supervisor (a second browser context) approves it onto the matrix and flexes it.

Celery is eager here (`make test`), so the rescore runs in the request that commits the change;
the score panel still polls while a score is stale, and `expect` waits for it either way.
"""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from countylines.choices import LineStatus
from countylines.models import CountyLine
from tests.e2e.conftest import login
from tests.factories import TEST_PASSWORD, make_line, make_nominal, make_ocg

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OTHER_LINE_NUMBER = "07700900777"


@pytest.fixture
def officer_page(page: Page, clgt_officer) -> Page:
    login(page, clgt_officer.username, TEST_PASSWORD)
    return page


@pytest.fixture
def supervisor_page(signed_in, supervisor):
    return signed_in(supervisor)


def _nominate(page: Page, *, ocg_label: str) -> CountyLine:
    page.goto("/county-lines/")
    page.get_by_test_id("nominate-line").click()
    page.fill("#id_name", "KESTREL")
    page.fill("#id_exporting_area", "Lewisham")
    page.select_option("#id_primary_district", label="Medway")
    page.get_by_label("Dartford").check()

    # The deal-line numbers are checked as they are typed: one new, one already on VIPER.
    page.fill("#id_deal_lines", "07700 900555\n07700 900777")
    check = page.get_by_test_id("deal-line-check")
    expect(check).to_contain_text("07700 900555")
    expect(check.get_by_test_id("duplicate-link")).to_contain_text("VIPER")

    page.fill("#nominal-search", "Fictional")
    page.get_by_test_id("nominal-results").get_by_role("button", name="Add").click()
    chosen = page.get_by_test_id("chosen-nominals")
    expect(chosen).to_contain_text("Riley Fictional")
    chosen.get_by_role("combobox").select_option("runner")
    page.select_option("#id_ocg", label=ocg_label)
    page.get_by_test_id("submit-nomination").click()

    expect(page.get_by_test_id("line-status")).to_have_text("Nominated")
    return CountyLine.objects.get(name="KESTREL")


def _add_record(page: Page, line: CountyLine) -> None:
    """An intelligence record on the line, through the shared record form, with county-line
    factor claims; saving returns to the line's page."""
    page.get_by_test_id("add-record").click()
    form = page.get_by_test_id("record-form")
    expect(form.get_by_test_id("selected-subjects")).to_contain_text(line.reference)
    page.fill("#id_rms_reference", "ATH-24-000123")
    page.fill("#id_information_date", datetime.date.today().isoformat())
    page.fill(
        "#id_summary",
        "Fictional: a 15-year-old runs class A from a cuckooed flat; threats and an assault.",
    )
    page.check('input[name="source_evaluation"][value="1"]')
    page.check('input[name="intelligence_assessment"][value="A"]')
    page.check('input[name="handling_code"][value="P"]')
    page.select_option("#id_claim_child_exploitation", "2")
    page.select_option("#id_claim_violence", "2")
    page.select_option("#id_claim_drug_class", "2")
    page.get_by_test_id("save-record").click()
    expect(page.get_by_test_id("line-title")).to_contain_text(line.reference)
    expect(page.get_by_test_id("record-row")).to_have_count(1)


def _add_evidence(page: Page, criterion: str, text: str) -> None:
    """Fill one criterion in place on the line's evidence checklist (opened from its page)."""
    if page.get_by_test_id("open-evidence-checklist").count():
        page.get_by_test_id("open-evidence-checklist").click()
    row = page.get_by_test_id(f"criterion-{criterion}")
    row.locator('textarea[name="text"]').fill(text)
    row.locator('input[name="records"]').first.check()
    row.get_by_test_id(f"save-evidence-{criterion}").click()
    expect(page.get_by_test_id(f"criterion-{criterion}")).to_have_attribute("data-met", "true")


def test_nominate_evidence_approve_and_flex(
    force, officer_page: Page, supervisor_page: Page, live_server
):
    d = force["districts"]
    ocg = make_ocg(division=force["divisions"]["north"], name="Harbour Crew", members=0)
    # CLGT officers see the OCGs behind lines; this one already runs VIPER.
    make_line(districts=[d["thanet"]], name="VIPER", numbers=[OTHER_LINE_NUMBER], ocg=ocg)
    make_nominal("Riley", "Fictional")

    officer = officer_page
    line = _nominate(officer, ocg_label=str(ocg))
    summary = officer.get_by_test_id("line-summary")
    expect(summary).to_contain_text("Medway primary, Dartford")
    expect(summary).to_contain_text(str(ocg))
    expect(officer.get_by_test_id("line-nominals")).to_contain_text("Runner")
    expect(officer.get_by_test_id("deal-line-warnings")).to_contain_text("VIPER")
    expect(officer.get_by_test_id("not-scored")).to_contain_text("definition evidence missing")

    _add_record(officer, line)
    _add_evidence(officer, "exporting_network", "Controlled from Lewisham (fictional).")
    _add_evidence(officer, "importing_area", "Supplies Medway and Dartford (fictional).")
    _add_evidence(officer, "deal_line", "Bulk texts from 07700 900555 (fictional).")
    expect(officer.get_by_test_id("checklist-missing")).to_contain_text("Drug supply")

    # The supervisor tries too early: refused, naming what is missing; nothing changes.
    boss = supervisor_page
    boss.goto(f"/county-lines/{line.pk}/")
    boss.get_by_test_id("activate").click()
    expect(boss.get_by_test_id("activate-errors")).to_contain_text(
        "definition evidence is missing for Drug supply"
    )
    expect(boss.get_by_test_id("line-status")).to_have_text("Nominated")

    _add_evidence(officer, "drug_supply", "Class A deals recorded on the line (fictional).")
    expect(officer.get_by_test_id("checklist-complete")).to_be_visible()
    officer.get_by_test_id("back-to-subject").click()
    expect(officer.get_by_test_id("awaiting-approval")).to_be_visible()

    boss.goto(f"/county-lines/{line.pk}/")
    expect(boss.get_by_test_id("evidence-item")).to_have_count(4)
    boss.get_by_test_id("activate").click()
    expect(boss.get_by_test_id("line-status")).to_have_text("Active (on the matrix)")
    # 6 child exploitation + 3 violence (threat) + 2 class A + 1 runner + 2 recency (risk).
    expect(boss.get_by_test_id("score-total")).to_contain_text("14")
    expect(boss.get_by_test_id("score-trh")).to_have_text("3 / 5 / 6")
    expect(boss.get_by_test_id("score-confidence")).to_have_text("High")
    expect(boss.get_by_test_id("score-panel")).to_contain_text("Rank in North")
    expect(boss.get_by_test_id("score-rank")).to_have_text("1")
    expect(boss.get_by_test_id("score-top30")).to_have_text("Yes")
    expect(boss.get_by_test_id("explain-child_exploitation")).to_contain_text("6")

    # Flex: refused without a reason, then done with one.
    boss.select_option("#id_flex-division", label="East")
    boss.get_by_test_id("flex-submit").click()
    expect(boss.locator("#field-flex-reason")).to_contain_text("Give the reason for the flex.")
    boss.select_option("#id_flex-division", label="East")
    boss.fill("#id_flex-reason", "Line now run from Thanet addresses (fictional).")
    boss.get_by_test_id("flex-submit").click()
    expect(boss.get_by_test_id("flexed-tag")).to_have_text("flexed to East")
    expect(boss.get_by_test_id("flexed-to")).to_contain_text("flexed to East")
    expect(boss.get_by_test_id("score-panel")).to_contain_text("Rank in East")
    expect(boss.get_by_test_id("score-rank")).to_contain_text(re.compile(r"^1\s+flexed$"))

    boss.goto("/matrix/")
    boss.locator("#tab-lines-EAST").click()
    row = boss.get_by_test_id("line-top30-EAST").locator(f'[data-reference="{line.reference}"]')
    expect(row).to_contain_text("flexed from North")
    boss.locator("#tab-lines-NORTH").click()
    flexed_out = boss.get_by_test_id("flexed-out-NORTH")
    expect(flexed_out).to_contain_text(f"{line.reference} KESTREL")
    expect(flexed_out).to_contain_text("flexed to East")

    line.refresh_from_db()
    assert line.status == LineStatus.ACTIVE and line.flexed_division.code == "EAST"
    assert line.ocg_id == ocg.pk
