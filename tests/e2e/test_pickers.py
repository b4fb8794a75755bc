"""A list filter's picker in the browser (issue 15): an analyst types part of an OCG's name into
the intelligence list's OCG filter, picks the suggestion with the keyboard alone, and the list
shows only that OCG's records, with the OCG named (not its id) in the box, even after a reload."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import make_ocg, make_record

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_pick_an_ocg_by_keyboard_and_the_list_filters(signed_in, analyst, force):
    north = force["divisions"]["north"]
    medway = make_ocg(north, reference="OCG-0003", name="Medway Boys")
    thanet = make_ocg(north, reference="OCG-0004", name="Thanet Crew")
    kept = make_record(ocgs=[medway])
    dropped = make_record(ocgs=[thanet])
    page = signed_in(analyst)
    page.goto("/intelligence/")
    table = page.locator("#record-table")
    expect(table).to_contain_text(dropped.reference)

    box = page.get_by_role("searchbox", name="OCG")
    box.focus()
    page.keyboard.type("medw", delay=40)
    choice = page.locator("[data-testid=picker-options-ocg] a", has_text="Medway Boys")
    expect(choice).to_be_visible()
    page.keyboard.press("ArrowDown")
    expect(choice).to_be_focused()
    page.keyboard.press("Enter")

    expect(table).not_to_contain_text(dropped.reference)
    expect(table).to_contain_text(kept.reference)
    expect(page).to_have_url(re.compile(rf"[?&]ocg={medway.pk}(&|$)"))
    expect(box).to_have_value("OCG-0003 Medway Boys")
    expect(box).to_be_focused()

    page.reload()
    expect(page.get_by_role("searchbox", name="OCG")).to_have_value("OCG-0003 Medway Boys")
    expect(table).not_to_contain_text(dropped.reference)
