"""The shell in a real browser: a demo coordinator signs in, is greeted by rank and name, uses
the navigation on a phone-sized screen, and signs out."""

import re

import pytest
from playwright.sync_api import expect

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.models import AuditEvent
from kentsoc.demo import org as demo
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo_force(settings):
    """The demo force as `make run` serves it: with DEBUG on, the only time the demo password
    signs anyone in (kentsoc.org.backends.DemoPasswordGuard)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DEBUG = True
    # REQUIRE_2FA defaults to `not DEBUG`: the demo keeps one-step logins.
    settings.REQUIRE_2FA = False
    demo.seed()
    return settings.KENTSOC_DEMO_PASSWORD


def _no_horizontal_overflow(page) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"page is {width}px wide on a {PHONE['width']}px screen"


def test_a_coordinator_signs_in_is_greeted_and_signs_out(page, demo_force):
    login(page, "coordinator.north", demo_force)

    expect(page.get_by_test_id("greeting")).to_have_text("Good day, DC Harriet Ashdown")
    expect(page.locator(".lead")).to_contain_text("OCG coordinator")
    expect(page.locator(".lead")).to_contain_text("OCG Management Unit (North)")
    expect(page.locator(".duties")).to_contain_text("Nominate, develop, map and score OCGs")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="OCGs")).to_be_visible()
    expect(nav.get_by_role("link", name="Audit")).to_have_count(0)
    assert AuditEvent.objects.filter(
        action=AuditAction.LOGIN, actor_username="coordinator.north"
    ).exists()

    page.get_by_test_id("logout").click()

    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    assert AuditEvent.objects.filter(
        action=AuditAction.LOGOUT, actor_username="coordinator.north"
    ).exists()


def test_the_home_page_and_navigation_work_on_a_phone(page, demo_force):
    login(page, "coordinator.north", demo_force)
    page.set_viewport_size(PHONE)
    page.goto("/")

    expect(page.get_by_test_id("greeting")).to_be_visible()
    _no_horizontal_overflow(page)
    nav = page.get_by_role("navigation", name="Main")
    links = nav.get_by_role("link")
    assert links.count() >= 5
    for i in range(links.count()):
        link = links.nth(i)
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1, link.inner_text()
    expect(page.get_by_test_id("logout")).to_be_in_viewport()

    nav.get_by_role("link", name="OCGs").click()

    expect(page).to_have_url(re.compile(r"/ocgs/$"))
    expect(nav.get_by_role("link", name="OCGs")).to_have_attribute("aria-current", "page")
    _no_horizontal_overflow(page)


def test_the_sign_in_page_fits_a_phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    try:
        page.goto("/login/")
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        _no_horizontal_overflow(page)
    finally:
        context.close()
