"""An OCG's journey in the browser (issue 5, journeys 1-5): a coordinator nominates and develops
it, a supervisor (a second browser context) approves it onto the matrix and has it adopted, and
the LRO finds it on their home page and starts the 4P plan.

Celery is eager here (`make test`), so the rescore runs in the request that approves the mapping;
the score panel still polls while a score is pending, and `expect` waits for it either way.
"""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from kentsoc.dates import today
from kentsoc.intel.choices import OcgCriterion
from ocg.models import OCG
from tests.e2e.conftest import login
from tests.factories import TEST_PASSWORD, make_nominal

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(signed_in, coordinator, supervisor, lro):
    return {
        "coordinator": signed_in(coordinator),
        "supervisor": signed_in(supervisor),
        "lro": signed_in(lro),
    }


def _nominate(page: Page) -> OCG:
    """Journey 1: two people, one found with the search-as-you-type field, one recorded here
    (and warned of as a likely duplicate of someone already recorded)."""
    page.goto("/ocgs/")
    page.get_by_role("link", name="Nominate").click()
    page.get_by_label("Name").first.fill("Quayside Syndicate")
    page.get_by_label("Drug supply").check()
    page.get_by_label("Firearms").check()
    page.get_by_label("Division").select_option(label="North")
    page.get_by_label("Summary").fill("Fictional: class A supply through the harbour.")

    search = page.get_by_test_id("member-search")
    search.fill("blackw")
    # Enter searches; it does not submit the half-filled nomination.
    search.press("Enter")
    expect(page.get_by_test_id("error-summary")).to_have_count(0)
    page.get_by_test_id("member-results").get_by_role("button", name="Add").click()
    picked = page.get_by_test_id("picked-members")
    expect(picked).to_contain_text("Morgan Blackwood")
    picked.get_by_label("Role of Morgan Blackwood").select_option("principal")

    new_person = page.get_by_test_id("new-person")
    new_person.get_by_label("First name").fill("Jess")
    new_person.get_by_label("Last name").fill("Okafor")
    new_person.get_by_label("Date of birth").fill("1990-06-01")
    new_person.get_by_test_id("new-person-add").click()
    expect(picked.get_by_test_id("picked-member")).to_have_count(2)
    expect(picked.get_by_test_id("duplicate-warning")).to_contain_text("Jessie Okafor")
    # The inline form is cleared for the next person.
    expect(new_person.get_by_label("First name")).to_have_value("")
    picked.get_by_label("Role of Jess Okafor").select_option("lieutenant")

    page.get_by_test_id("nominate-submit").click()
    expect(page.get_by_test_id("ocg-status")).to_have_text("Nominated")
    ocg = OCG.objects.get(name="Quayside Syndicate")
    expect(page.get_by_test_id("ocg-title")).to_contain_text(ocg.reference)
    return ocg


def _add_member(page: Page, ocg: OCG) -> None:
    page.get_by_test_id("tab-members").click()
    page.get_by_test_id("member-add-search").fill("Marsh")
    page.locator("#member-add-results").get_by_role("button", name="Choose").click()
    expect(page.get_by_test_id("member-chosen")).to_contain_text("Dana Marsh")
    page.get_by_label("Role").select_option("enabler")
    page.get_by_test_id("member-add-submit").click()
    expect(page.get_by_test_id("member-row")).to_have_count(3)
    expect(page.get_by_test_id("members-table")).to_contain_text("Enabler")


def _add_record(page: Page, ocg: OCG) -> str:
    """An intelligence record on the OCG, through the shared record form, with OCG factor
    claims; saving returns to the OCG."""
    page.get_by_test_id("tab-intelligence").click()
    page.get_by_test_id("add-record").click()
    form = page.get_by_test_id("record-form")
    expect(form.get_by_test_id("selected-subjects")).to_contain_text(ocg.reference)
    page.fill("#id_rms_reference", "ATH-24-004242")
    page.fill("#id_information_date", (today() - datetime.timedelta(days=3)).isoformat())
    page.fill("#id_summary", "Fictional: a handgun kept at a lock-up; a rival was shot at.")
    page.check('input[name="source_evaluation"][value="1"]')
    page.check('input[name="intelligence_assessment"][value="A"]')
    page.check('input[name="handling_code"][value="P"]')
    page.select_option("#id_claim_firearms", "2")
    page.select_option("#id_claim_violence", "3")
    page.get_by_test_id("save-record").click()
    expect(page.get_by_test_id("ocg-title")).to_contain_text(ocg.reference)
    row = page.get_by_test_id("record-row")
    expect(row).to_have_count(1)
    return row.get_attribute("data-reference")


def _add_evidence(page: Page, criterion: str) -> None:
    """Fill one criterion in place on the OCG's evidence checklist."""
    row = page.get_by_test_id(f"criterion-{criterion}")
    row.locator('textarea[name="text"]').fill(f"Fictional evidence: {criterion.replace('_', ' ')}.")
    row.locator('input[name="records"]').first.check()
    row.get_by_test_id(f"save-evidence-{criterion}").click()
    expect(page.get_by_test_id(f"criterion-{criterion}")).to_have_attribute("data-met", "true")


def test_nominate_develop_map_explain_adopt_and_plan(force, people, lro):
    make_nominal("Morgan", "Blackwood", date_of_birth=datetime.date(1988, 3, 4))
    make_nominal("Jessie", "Okafor", date_of_birth=datetime.date(1990, 6, 1))
    make_nominal("Dana", "Marsh")
    coordinator, boss, lro_page = people["coordinator"], people["supervisor"], people["lro"]

    # 1. Nominate.
    ocg = _nominate(coordinator)

    # 2. Develop: a member, a graded record with factor claims, definition evidence.
    _add_member(coordinator, ocg)
    reference = _add_record(coordinator, ocg)

    # 3. Submitting too early is refused, naming what is missing.
    coordinator.get_by_test_id("tab-summary").click()
    coordinator.get_by_test_id("submit-mapping").click()
    messages = coordinator.locator(".messages")
    expect(messages).to_contain_text("definition evidence missing for")
    expect(messages).to_contain_text("Planning, control")
    expect(coordinator.get_by_test_id("awaiting")).to_have_count(0)

    coordinator.get_by_test_id("tab-evidence").click()
    coordinator.get_by_test_id("open-evidence-checklist").click()
    # The three members linked prove "two or more individuals"; the rest are filled in place.
    expect(coordinator.get_by_test_id("members-note")).to_have_text(
        re.compile(r"^Met: 3 members linked\.")
    )
    for criterion in OcgCriterion.values[1:]:
        _add_evidence(coordinator, criterion)
    expect(coordinator.get_by_test_id("checklist-complete")).to_be_visible()
    coordinator.get_by_test_id("back-to-subject").click()
    coordinator.get_by_test_id("tab-summary").click()
    coordinator.get_by_test_id("submit-mapping").click()
    expect(coordinator.get_by_test_id("awaiting")).to_be_visible()

    # The supervisor finds it waiting on their home page and approves it.
    boss.goto("/")
    waiting = boss.get_by_test_id("panel-approvals")
    waiting.get_by_role("link", name=re.compile(ocg.reference)).click()
    boss.get_by_test_id("approve-mapping").click()
    expect(boss.get_by_test_id("ocg-status")).to_have_text("Mapped")

    # The worker's score appears: firearms 2x3 + violence 3x3 = 15 threat, two criminality
    # types = 1 risk; graded 1A, so high confidence; the only OCG on the matrix.
    panel = boss.get_by_test_id("score-panel")
    expect(panel.get_by_test_id("score-total")).to_have_text("16")
    expect(panel.get_by_test_id("score-tier")).to_have_text("Tier 3")
    expect(panel.get_by_test_id("score-trh")).to_have_text("15 / 1 / 0")
    expect(panel.get_by_test_id("score-confidence")).to_contain_text("High")
    expect(panel.get_by_test_id("rank-force")).to_have_text("1")
    expect(panel.get_by_test_id("rank-division")).to_have_text("1")

    # 4. Explain: each factor with its level, points and the records that set it, as links.
    firearms = panel.get_by_test_id("factor-firearms")
    expect(firearms).to_contain_text("6")
    expect(panel.get_by_test_id("factor-violence")).to_contain_text("3 — high")
    expect(panel.get_by_test_id("factor-violence")).to_contain_text("9")
    firearms.get_by_role("link", name=reference).click()
    expect(boss).to_have_url(re.compile(r"/intelligence/\d+/$"))
    expect(boss.locator("h1")).to_contain_text(reference)
    boss.go_back()

    # 5. Adopt: a managing team and an LRO.
    boss.get_by_test_id("adopt").click()
    boss.get_by_label("Managing team").select_option(label="North local team")
    lro_name = _officer_label(lro)
    boss.get_by_label("Lead Responsible Officer").select_option(label=lro_name)
    boss.get_by_test_id("transition-submit").click()
    expect(boss.get_by_test_id("ocg-status")).to_have_text("Adopted")
    expect(boss.get_by_test_id("managing-team")).to_have_text("North local team")

    # The LRO sees it on their home page and adds a 4P action.
    lro_page.goto("/")
    panel = lro_page.get_by_test_id("panel-your-ocgs")
    expect(panel).to_contain_text(ocg.reference)
    expect(panel).to_contain_text("up to date")
    panel.get_by_role("link", name=re.compile(ocg.reference)).click()
    lro_page.get_by_test_id("tab-plan").click()
    plan = lro_page.get_by_test_id("plan-form")
    plan.get_by_label("Strand").select_option("pursue")
    # The LRO is offered as the action's owner.
    expect(plan.get_by_label("Owner").locator("option:checked")).to_contain_text(lro_name)
    plan.get_by_label("Due").fill((today() + datetime.timedelta(days=14)).isoformat())
    plan.get_by_label("Description").fill("Warrant at the lock-up (fictional).")
    plan.get_by_role("button", name="Add action").click()
    action = lro_page.get_by_test_id("plan-pursue").get_by_test_id("plan-action")
    expect(action).to_contain_text("Warrant at the lock-up")
    expect(action).to_contain_text(lro.get_full_name())
    expect(action).to_have_attribute("data-overdue", "false")


def _officer_label(user) -> str:
    """How the officer pickers name an officer."""
    from ocg.forms import AdoptForm

    return AdoptForm().fields["lead_responsible_officer"].label_from_instance(user)


def test_find_filter_export_network_and_nominal_page(force, coordinator, page: Page):
    """Journeys 7 and 8: the list filters (htmx) with a CSV of the filtered rows; the network
    chart draws the members and their other groups and lines, and a node opens its page; the
    person's page lists every OCG, line and record they appear in."""
    from countylines.models import LineNominal
    from ocg.models import Membership
    from tests.factories import make_line, make_ocg, make_record

    north, east = force["divisions"]["north"], force["divisions"]["east"]
    harbour = make_ocg(division=north, name="Harbour Crew", criminality=("drug_supply",))
    make_ocg(division=east, name="Eastern Front", criminality=("fraud",))
    other = make_ocg(division=east, name="Coastal Firm", members=1)
    shared = harbour.memberships.order_by("pk").first().nominal
    Membership.objects.create(ocg=other, nominal=shared, role="enabler")
    line = make_line(districts=[force["districts"]["medway"]], name="KESTREL")
    LineNominal.objects.create(county_line=line, nominal=shared, role="runner")
    record = make_record(ocgs=[harbour])
    record.nominals.add(shared)

    login(page, coordinator.username, TEST_PASSWORD)
    page.goto("/ocgs/")
    rows = page.get_by_test_id("ocg-row")
    expect(rows).to_have_count(3)
    filters = page.get_by_test_id("ocg-filters")
    filters.get_by_label("Division").select_option(label="East")
    expect(rows).to_have_count(2)
    expect(page).to_have_url(re.compile(rf"division={east.pk}"))
    filters.get_by_label("Criminality").select_option(label="Fraud")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Eastern Front")
    with page.expect_download() as download:
        page.get_by_test_id("csv").click()
    with open(download.value.path(), encoding="utf-8") as csv_file:
        body = csv_file.read()
    assert "Eastern Front" in body and "Harbour Crew" not in body and "Coastal" not in body

    # The network of Harbour Crew: its members, the other OCG and the line of the shared person.
    page.goto(f"/ocgs/{harbour.pk}/?tab=members")
    chart = page.get_by_test_id("network-chart")
    expect(chart).to_have_attribute("data-ready", "true")
    expect(chart.locator("canvas").first).to_be_visible()
    node_ids = page.evaluate(
        "() => document.getElementById('ocg-network').cy.nodes().map(n => n.id())"
    )
    assert set(node_ids) >= {
        f"ocg-{harbour.pk}",
        f"ocg-{other.pk}",
        f"nominal-{shared.pk}",
        f"line-{line.pk}",
    }
    # Click the shared person's node where the chart drew it (a position within the chart).
    point = page.evaluate(
        "(id) => document.getElementById('ocg-network').cy.getElementById(id).renderedPosition()",
        f"nominal-{shared.pk}",
    )
    # Cytoscape learns where its canvas is from scroll events, which arrive a frame after the
    # scroll: let them land before clicking, as they would for a person.
    chart.scroll_into_view_if_needed()
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    chart.click(position={"x": point["x"], "y": point["y"]})
    expect(page.get_by_test_id("nominal-title")).to_contain_text(shared.reference)

    # The person's page: every OCG, line and record they appear in.
    expect(page.get_by_test_id("nominal-ocgs")).to_contain_text("Harbour Crew")
    expect(page.get_by_test_id("nominal-ocgs")).to_contain_text("Coastal Firm")
    expect(page.get_by_test_id("nominal-lines")).to_contain_text("KESTREL")
    expect(page.get_by_test_id("subject-records")).to_contain_text(record.reference)


def test_two_people_editing_the_same_ocg(force, people):
    """The second save of a form loaded before the first save is refused, saying why, and what
    the second person typed is still on the page."""
    from tests.factories import make_ocg

    ocg = make_ocg(division=force["divisions"]["north"], name="Harbour Crew")
    first, second = people["coordinator"], people["supervisor"]
    for page in (first, second):
        page.goto(f"/ocgs/{ocg.pk}/edit/")
    first.get_by_label("Summary").fill("Seen at the marina (fictional).")
    first.get_by_role("button", name="Save").click()
    expect(first.get_by_test_id("ocg-title")).to_be_visible()

    second.get_by_label("Summary").fill("My careful rewrite (fictional).")
    second.get_by_role("button", name="Save").click()
    expect(second.get_by_test_id("error-summary")).to_contain_text(
        "Someone else changed this record while you were editing it"
    )
    expect(second.get_by_label("Summary")).to_have_value("My careful rewrite (fictional).")
    ocg.refresh_from_db()
    assert ocg.summary == "Seen at the marina (fictional)."


def test_score_panel_updates_itself_when_the_worker_finishes(
    force, researcher, supervisor, page, monkeypatch
):
    """With the worker behind, the approved OCG's panel says it is calculating and polls; when the
    score is written it appears without a reload, and the polling stops."""
    from kentsoc.matrix import tasks
    from kentsoc.matrix.services import subject_rescore
    from ocg.choices import OcgStatus
    from ocg.services import lifecycle
    from tests.factories import evidence_all, make_ocg, make_record

    ocg = make_ocg(division=force["divisions"]["north"], status=OcgStatus.IN_DEVELOPMENT)
    evidence_all(ocg)
    make_record(ocgs=[ocg], claims=[("corruption", 2)], grading="2BP")
    lifecycle.ocg_submit_for_mapping(actor=researcher, ocg=ocg)
    # The worker is busy elsewhere: nothing runs the rescore until the test does.
    monkeypatch.setattr(tasks.rescore_subject, "delay", lambda **kwargs: None)

    login(page, supervisor.username, TEST_PASSWORD)
    page.goto(f"/ocgs/{ocg.pk}/")
    page.get_by_test_id("approve-mapping").click()
    panel = page.get_by_test_id("score-panel")
    expect(panel.get_by_test_id("score-pending")).to_be_visible()
    expect(panel).to_have_attribute("data-polling", "true")

    subject_rescore(subject_type="ocg", subject_id=ocg.pk)
    expect(panel.get_by_test_id("score-total")).to_have_text("4")
    expect(panel.get_by_test_id("score-confidence")).to_contain_text("Medium")
    expect(panel).not_to_have_attribute("data-polling", "true")
