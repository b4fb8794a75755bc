"""Lifetime management in the browser (issue 9): from a nominal's page an OCG coordinator records
a sentence and the expected release and licence end dates on the custody timeline (a licence end
before the release is refused at the field), adds licence conditions recorded as a disruption in
the same step, applies for and makes an SCPO, and then finds the person in "releases in the next
90 days" with licence conditions and an SCPO shown as in place.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from disruptions.choices import DisruptionStatus, Tactic
from kentsoc.lifetime.choices import ScpoStatus
from kentsoc.lifetime.models import Condition, CustodyPeriod, Scpo
from kentsoc.web import people
from ocg.choices import CustodyStatus, OcgStatus
from tests.e2e.conftest import login
from tests.factories import TEST_PASSWORD, MembershipFactory, OcgFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def coordinator_page(page: Page, coordinator) -> Page:
    login(page, coordinator.username, TEST_PASSWORD)
    return page


@pytest.fixture
def member(force, lro):
    ocg = OcgFactory(
        name="Invented Quay Crew",
        division=force["divisions"]["north"],
        status=OcgStatus.ADOPTED,
        managing_team=force["teams"]["north_local"],
        lead_responsible_officer=lro,
    )
    # Born 1990: old enough for the SCPO the test records.
    return MembershipFactory(
        ocg=ocg,
        nominal__first_name="Rowan",
        nominal__last_name="Fictionson",
        nominal__date_of_birth=datetime.date(1990, 5, 17),
    ).nominal


def _iso(day: datetime.date) -> str:
    return day.isoformat()


def _shown(day: datetime.date) -> str:
    return people.day(day)


def test_coordinator_records_release_conditions_and_scpo_then_finds_the_release(
    coordinator_page, member
):
    page = coordinator_page
    today = timezone.localdate()
    sentenced = today - datetime.timedelta(days=200)
    release = today + datetime.timedelta(days=45)
    licence_end = release + datetime.timedelta(days=365)

    # From the person's page to their lifetime management.
    page.goto(f"/nominals/{member.pk}/")
    page.get_by_role("link", name=f"Open lifetime management for {member.full_name}").click()
    expect(page.get_by_test_id("custody-status")).to_have_text("At liberty")

    # The custody timeline: a sentence opens a custody period.
    custody = page.get_by_test_id("custody-form")
    custody.locator("#id_custody-kind").select_option("sentenced")
    custody.locator("#id_custody-on_date").fill(_iso(sentenced))
    custody.locator("#id_custody-establishment").fill("HMP Invented")
    custody.get_by_role("button", name="Record change").click()
    expect(page.get_by_test_id("custody-status")).to_have_text("In prison")
    expect(page.get_by_test_id("custody-period")).to_contain_text("Sentenced: in prison")

    # A licence end before the release is refused at the field, and nothing is saved.
    dates = page.get_by_test_id("dates-form")
    expect(dates.locator("#id_dates-sentence_date")).to_have_value(_iso(sentenced))
    dates.locator("#id_dates-expected_release_date").fill(_iso(release))
    dates.locator("#id_dates-licence_end_date").fill(_iso(release - datetime.timedelta(days=1)))
    dates.get_by_role("button", name="Save dates").click()
    field = page.locator("#field-dates-licence_end_date")
    expect(field.locator(".error-message")).to_contain_text("cannot be before the release date")
    assert CustodyPeriod.objects.get(nominal=member).expected_release_date is None

    dates = page.get_by_test_id("dates-form")
    dates.locator("#id_dates-licence_end_date").fill(_iso(licence_end))
    dates.get_by_role("button", name="Save dates").click()
    expect(page.get_by_test_id("expected-release")).to_have_text(_shown(release))

    # Licence conditions, recorded as a disruption in the same step.
    conditions = page.get_by_test_id("condition-form")
    conditions.locator("#id_condition-kind").select_option("licence")
    conditions.locator("#id_condition-text").fill(
        "Fictional: no contact with named associates; curfew 19:00 to 07:00."
    )
    conditions.locator("#id_condition-imposed_on").fill(_iso(today))
    conditions.locator("#id_condition-partner").select_option("prison_probation")
    conditions.locator("#id_condition-record_disruption").check()
    conditions.locator("#id_condition-impact_grade").select_option("moderate")
    conditions.locator("#id_condition-impact_rationale").fill(
        "Restricts contact with the group on release."
    )
    conditions.get_by_role("button", name="Add conditions").click()
    table = page.get_by_test_id("conditions")
    expect(table).to_contain_text("curfew 19:00 to 07:00")
    condition = Condition.objects.get(nominal=member)
    expect(table).to_contain_text(condition.disruption.reference)
    assert condition.disruption.tactic == Tactic.LICENCE_CONDITIONS
    assert condition.disruption.status == DisruptionStatus.DRAFT

    # An SCPO: applied for, then made (court, date, duration, conditions).
    apply = page.get_by_test_id("scpo-apply-form")
    apply.locator("#id_scpo-applied_on").fill(_iso(today - datetime.timedelta(days=30)))
    apply.get_by_role("button", name="Record application").click()
    scpo = Scpo.objects.get(nominal=member)
    card = page.get_by_test_id("scpo")
    expect(card).to_contain_text("Applied for")
    card.locator("summary", has_text="Record the order as made").click()
    make = card.get_by_test_id("scpo-make-form")
    prefix = f"#id_scpo{scpo.pk}-make-"
    make.locator(f"{prefix}court").fill("Invented Crown Court")
    make.locator(f"{prefix}made_on").fill(_iso(today - datetime.timedelta(days=2)))
    make.locator(f"{prefix}duration_months").fill("36")
    make.locator(f"{prefix}conditions").fill("Fictional: not to hold more than one mobile phone.")
    make.locator(f"{prefix}impact_grade").select_option("major")
    make.locator(f"{prefix}impact_rationale").fill("Limits his control of the deal lines.")
    make.locator("button[type=submit]").click()
    card = page.get_by_test_id("scpo")
    expect(card.locator(".tag")).to_have_text("Made")
    scpo.refresh_from_db()
    assert scpo.status == ScpoStatus.MADE and scpo.duration_months == 36
    expect(card.get_by_test_id("scpo-expires")).to_have_text(_shown(scpo.expires_on))
    expect(card).to_contain_text(scpo.disruption.reference)
    assert scpo.disruption.tactic == Tactic.SCPO

    # The coordinator's list: releases in the next 90 days.
    page.goto("/lifetime/")
    expect(page.get_by_role("heading", name="Releases due")).to_be_visible()
    expect(page.locator("#id_within")).to_have_value("90")
    row = page.get_by_test_id("releases-table").locator("tbody tr", has_text=member.full_name)
    expect(row).to_have_count(1)
    cells = row.locator("td")
    expect(cells.nth(0)).to_have_text(_shown(release))
    expect(cells.nth(3)).to_have_text("HMP Invented")
    expect(cells.nth(4)).to_contain_text("Invented Quay Crew")
    expect(cells.nth(5)).to_have_text("Yes")  # licence conditions in place
    expect(cells.nth(6)).to_have_text("Yes")  # an SCPO in force
    member.refresh_from_db()
    assert member.custody_status == CustodyStatus.IN_PRISON
