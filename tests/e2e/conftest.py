"""Browser fixtures: Playwright (sync API) driving Debian's Chromium against live_server."""

import os
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between
# browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which("chromium") and not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium package.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Browser tests sign people in many times; the production hasher would dominate their time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _new_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    return context.new_page()


@pytest.fixture
def page(browser, live_server):
    page = _new_page(browser, live_server)
    yield page
    page.context.close()


@pytest.fixture
def signed_in(browser, live_server):
    """signed_in(user) -> a page in that person's own browser context (own cookies, session)."""
    from tests.factories import TEST_PASSWORD

    pages = []

    def sign_in(user):
        page = _new_page(browser, live_server)
        pages.append(page)
        login(page, user.username, TEST_PASSWORD)
        return page

    yield sign_in
    for page in pages:
        page.context.close()


def login(page, username: str, password: str) -> None:
    """Sign in through the real forms: the password, then (outside the demo) the code the
    officer's authenticator app shows, computed from a known key as the app would."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from tests.otp import code_for, confirmed_device

    device = None
    if settings.REQUIRE_2FA:
        device = confirmed_device(get_user_model().objects.get(username=username))
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    if device is not None:
        page.wait_for_selector("[data-testid=code-form]")
        page.fill("#id_otp", code_for(device))
        page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=greeting]")


@pytest.fixture
def e2e_login():
    return login
