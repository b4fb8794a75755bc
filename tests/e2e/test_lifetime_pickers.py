"""The lifetime lists' OCG filter in the browser: a type-ahead (the OCGs' picker), not a select of
every OCG. A coordinator types part of an OCG's name on "In prison", picks the suggestion with
the keyboard alone, and the list shows only that OCG's people in custody, the OCG named in the
box, even after a reload."""

from __future__ import annotations

import datetime
import os
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kentsoc.lifetime.choices import CustodyEventKind
from kentsoc.lifetime.services.custody import custody_event_record
from tests.factories import MembershipFactory, make_ocg

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("KENTSOC_SHOTS", "")


def _in_prison(actor, ocg, last_name):
    nominal = MembershipFactory(ocg=ocg, nominal__last_name=last_name).nominal
    custody_event_record(
        actor=actor,
        nominal=nominal,
        kind=CustodyEventKind.SENTENCED,
        on_date=timezone.localdate() - datetime.timedelta(days=30),
    )
    return nominal


def test_pick_an_ocg_by_keyboard_and_the_in_prison_list_filters(signed_in, coordinator, force):
    north = force["divisions"]["north"]
    medway = make_ocg(north, reference="OCG-0003", name="Medway Boys")
    thanet = make_ocg(north, reference="OCG-0004", name="Thanet Crew")
    kept = _in_prison(coordinator, medway, "Keptwell")
    dropped = _in_prison(coordinator, thanet, "Droppington")
    page = signed_in(coordinator)
    page.goto("/lifetime/in-prison/")
    table = page.locator("#list-table")
    expect(table).to_contain_text(dropped.last_name)
    expect(page.locator("select[name=ocg]")).to_have_count(0)

    box = page.get_by_role("searchbox", name="OCG")
    box.focus()
    page.keyboard.type("medw", delay=40)
    choice = page.locator("[data-testid=picker-options-ocg] a", has_text="Medway Boys")
    expect(choice).to_be_visible()
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "in-prison-ocg-picker.png"), full_page=True)
    page.keyboard.press("ArrowDown")
    expect(choice).to_be_focused()
    page.keyboard.press("Enter")

    expect(table).not_to_contain_text(dropped.last_name)
    expect(table).to_contain_text(kept.last_name)
    expect(page).to_have_url(re.compile(rf"[?&]ocg={medway.pk}(&|$)"))
    expect(box).to_have_value("OCG-0003 Medway Boys")

    page.reload()
    expect(page.get_by_role("searchbox", name="OCG")).to_have_value("OCG-0003 Medway Boys")
    expect(table).not_to_contain_text(dropped.last_name)
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "in-prison-ocg-chosen.png"), full_page=True)
