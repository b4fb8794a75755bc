"""Disruptions in the browser (issue 7): an LRO logs a disruption against the OCG they lead and
its county line, with a drugs line and a PACE s.18 warrant, saves the draft and submits it; a
supervisor (a second browser context) approves it from the queue, and the activity summary's
figures move by exactly what was logged. A returned disruption shows its reason in the author's
drafts.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from disruptions.choices import DisruptionStatus, DrugClass, DrugUnit, Tactic
from disruptions.models import Disruption, DrugSeizure
from disruptions.services import disruptions as disruption_services
from ocg.choices import OcgStatus
from tests.e2e.conftest import login
from tests.factories import TEST_PASSWORD, disruption_values, make_disruption, make_line, make_ocg

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(signed_in, lro, supervisor):
    return {"lro": signed_in(lro), "supervisor": signed_in(supervisor)}


@pytest.fixture
def subjects(force, lro):
    """An adopted OCG led by the LRO and a county line run by it (so the LRO may see both)."""
    ocg = make_ocg(
        force["divisions"]["north"],
        name="Harbourside Firm",
        status=OcgStatus.ADOPTED,
        nominated_on=datetime.date(2021, 1, 1),
        managing_team=force["teams"]["north_local"],
        lead_responsible_officer=lro,
    )
    line = make_line(
        force["divisions"]["north"],
        name="KINGFISHER",
        status="active",
        nominated_on=datetime.date(2021, 1, 1),
        ocg=ocg,
    )
    return ocg, line


HEADLINE = [
    "Arrests",
    "Prisoners dealt with",
    "Warrants executed (Inc S32/18)",
    "Charges-Total",
    "Weapon Seizures",
]


def _report_figures(page: Page) -> dict[str, int]:
    """The headline figures of the activity summary (default period: the nine months to today)."""
    page.goto("/reports/")
    table = page.get_by_test_id("headline")
    expect(table).to_be_visible()
    figures = {}
    for row, label in enumerate(HEADLINE, start=1):
        expect(table.locator("tbody tr").nth(row - 1).locator("td").first).to_have_text(label)
        figures[label] = int(page.get_by_test_id(f"row-{row}").inner_text())
    # The CSV and print links are offered with a summary.
    expect(page.get_by_test_id("report-csv")).to_be_visible()
    expect(page.get_by_test_id("report-print")).to_be_visible()
    return figures


def _pick_subject(page: Page, typed: str, option_text: str) -> None:
    """Search as you type, then choose with the keyboard (Down, Enter)."""
    search = page.get_by_test_id("subject-search")
    search.fill(typed)
    options = page.get_by_test_id("subject-options")
    expect(options.get_by_role("option", name=option_text)).to_be_visible()
    search.press("ArrowDown")
    expect(options.get_by_role("option", name=option_text)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("subject-chips")).to_contain_text(option_text.split(": ", 1)[1])


def test_lro_logs_supervisor_approves_and_the_report_changes(
    people, subjects, lro, coordinator, supervisor, force
):
    ocg, line = subjects
    lro_page, sup_page = people["lro"], people["supervisor"]
    # Something already approved in the period, so "before" is not all zeros.
    make_disruption(
        author=coordinator,
        team=force["teams"]["ocgmu"],
        approver=supervisor,
        date=timezone.localdate(),
        tactic=Tactic.ARREST,
        ocgs=[ocg],
        arrests=3,
        charges=1,
    )
    before = _report_figures(sup_page)
    assert before["Arrests"] == 3

    # --- the LRO logs it ------------------------------------------------------------------
    lro_page.goto("/disruptions/new/")
    form = lro_page.get_by_test_id("disruption-form")
    _pick_subject(lro_page, "Harbour", f"OCG: {ocg}")
    _pick_subject(lro_page, "KINGF", f"Line: {line}")
    # The officer defaults to the LRO and the team to theirs; the date to today.
    expect(form.locator("#id_officer")).to_have_value(str(lro.pk))
    form.locator("#id_strand").select_option("pursue")
    form.locator("#id_tactic").select_option(Tactic.WARRANT.value)
    form.locator("#id_narrative").fill("Fictional: warrant at a trap house on the estate.")
    form.locator("#id_impact_grade").select_option("major")
    form.locator("#id_impact_rationale").fill("Line holder remanded; deal line went quiet.")
    form.locator("#id_arrests").fill("2")
    form.locator("#id_prisoners_dealt_with").fill("2")
    form.locator("#id_warrants_executed").fill("1")
    form.locator("#id_warrant_power").select_option("s18")
    form.locator("#id_charges").fill("3")
    form.locator("#id_cash_seized").fill("1250.00")
    form.locator("#id_weapons-0-kind").select_option("bladed")
    form.locator("#id_weapons-0-count").fill("1")
    form.locator("#id_drugs-0-drug_class").select_option("A")
    form.locator("#id_drugs-0-drug").fill("crack cocaine")
    form.locator("#id_drugs-0-amount").fill("14")
    form.locator("#id_drugs-0-unit").select_option("g")
    form.locator("#id_drugs-0-estimated_value").fill("1400")
    form.get_by_test_id("save-draft").click()

    expect(lro_page.get_by_test_id("status")).to_contain_text("Draft")
    logged = Disruption.objects.get(tactic=Tactic.WARRANT, created_by__username="lro")
    assert logged.status == DisruptionStatus.DRAFT
    assert logged.warrant_power == "s18"
    assert list(logged.ocgs.all()) == [ocg] and list(logged.county_lines.all()) == [line]
    drug = logged.drugs.get()
    assert (drug.drug_class, drug.amount, drug.unit) == ("A", 14, "g")
    assert logged.weapons.get().count == 1
    outcomes = lro_page.get_by_test_id("outcomes")
    expect(outcomes).to_contain_text("PACE s.18")

    # A draft counts for nothing yet.
    assert _report_figures(sup_page) == before

    lro_page.get_by_test_id("submit").click()
    expect(lro_page.get_by_test_id("status")).to_contain_text("Submitted")

    # --- the supervisor approves it from the queue -----------------------------------------
    sup_page.goto("/disruptions/approvals/")
    item = sup_page.get_by_test_id("queue-item").filter(has_text=logged.reference)
    expect(item).to_contain_text("Line holder remanded")
    item.get_by_test_id(f"approve-{logged.pk}").click()
    expect(item.get_by_test_id("decision-result")).to_contain_text(f"{logged.reference} approved")
    logged.refresh_from_db()
    assert logged.status == DisruptionStatus.APPROVED

    after = _report_figures(sup_page)
    assert after == {
        "Arrests": before["Arrests"] + 2,
        "Prisoners dealt with": before["Prisoners dealt with"] + 2,
        "Warrants executed (Inc S32/18)": before["Warrants executed (Inc S32/18)"] + 1,
        "Charges-Total": before["Charges-Total"] + 3,
        "Weapon Seizures": before["Weapon Seizures"] + 1,
    }
    expect(sup_page.get_by_test_id("activity-summary")).to_contain_text("Class A")

    # The OCG's page lists it, with the six-month count.
    lro_page.goto(f"/ocgs/{ocg.pk}/")
    on_ocg = lro_page.get_by_test_id("subject-disruptions")
    expect(on_ocg).to_contain_text(logged.reference)
    expect(on_ocg.get_by_test_id("disruptions-6m")).to_have_text("2")


def test_returned_disruption_shows_the_reason_in_the_authors_drafts(people, subjects, lro, force):
    ocg, _ = subjects
    draft = disruption_services.disruption_create(
        actor=lro, values=disruption_values(None, date=timezone.localdate()), ocgs=[ocg]
    )
    disruption_services.disruption_submit(actor=lro, disruption=draft)
    sup_page, lro_page = people["supervisor"], people["lro"]

    sup_page.goto("/disruptions/approvals/")
    item = sup_page.get_by_test_id("queue-item").filter(has_text=draft.reference)
    item.get_by_test_id(f"reason-{draft.pk}").fill("Add the custody record numbers.")
    item.get_by_test_id(f"return-{draft.pk}").click()
    expect(item.get_by_test_id("decision-result")).to_contain_text("returned to its author")

    lro_page.goto("/disruptions/mine/")
    row = lro_page.get_by_test_id("drafts-table").locator("tr", has_text=draft.reference)
    expect(row).to_contain_text("Returned")
    expect(row).to_contain_text("Add the custody record numbers.")
    row.get_by_role("link", name="Change").click()
    expect(lro_page.get_by_test_id("return-reason")).to_contain_text(
        "Add the custody record numbers."
    )


def test_the_activity_summary_print_view_is_one_a4_page(page, supervisor, coordinator, force):
    """The worst case the page can hold: every drug class in every unit, every impact grade and
    strand counted, printed through the print CSS (@page A4) by Chromium itself."""
    line = make_line(
        force["divisions"]["north"], status="active", nominated_on=datetime.date(2021, 1, 1)
    )
    today = timezone.localdate()
    for drug_class in DrugClass.values:
        for unit in DrugUnit.values:
            d = make_disruption(
                author=coordinator,
                team=force["teams"]["ocgmu"],
                approver=supervisor,
                date=today,
                lines=[line],
                arrests=1,
                weapons=1,
            )
            DrugSeizure.objects.create(
                disruption=d,
                drug_class=drug_class,
                drug="fictional substance",
                amount=Decimal("1234.567"),
                unit=unit,
                estimated_value=Decimal("987654.32"),
            )
    login(page, supervisor.username, TEST_PASSWORD)
    page.goto(f"/reports/?from={today.isoformat()}&to={today.isoformat()}&print=1")
    expect(page.get_by_test_id("activity-summary")).to_contain_text("Class C")
    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    counts = [int(n) for n in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", pdf)]
    counts += [int(n) for n in re.findall(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", pdf)]
    assert counts and max(counts) == 1, counts
