"""The search box in the browser (issue 17): a coordinator types a misspelt name into the header
box on any page, the person appears among the suggestions as they type, the keyboard reaches it,
and Enter opens the person's page; the full results page lists them under People."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import make_nominal

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_misspelt_name_in_the_header_box_opens_the_person(signed_in, coordinator):
    person = make_nominal("Muhammad", "Okonkwo")
    make_nominal("Martha", "Oakley")
    page = signed_in(coordinator)
    page.goto("/ocgs/")

    box = page.get_by_role("searchbox", name=re.compile("Search people"))
    box.focus()
    page.keyboard.type("mohamed okonkow", delay=30)
    choice = page.get_by_test_id(f"suggest-person-{person.pk}")
    expect(choice).to_be_visible()
    expect(choice).to_contain_text("Muhammad Okonkwo")
    page.keyboard.press("ArrowDown")
    expect(choice).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/nominals/{person.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Muhammad Okonkwo")


def test_enter_in_the_box_opens_the_results_page(signed_in, coordinator):
    person = make_nominal("William", "Ashdown")
    page = signed_in(coordinator)
    page.goto("/")
    box = page.get_by_role("searchbox", name=re.compile("Search people"))
    box.fill("bill ashdown")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=bill\+ashdown"))
    people = page.get_by_role("region", name="People")
    expect(people.get_by_test_id(f"result-person-{person.pk}")).to_contain_text("William Ashdown")
