"""The second factor in a real browser, with DEBUG off: the first sign-in enrols an authenticator
app from the key on the page, shows ten recovery codes once, then signs in; later sign-ins take
the app's code, or a recovery code instead. No step breaks the Content-Security-Policy."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD
from tests.otp import code_for, confirmed_device

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _password_step(page, username: str) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")


def _sign_out(page) -> None:
    page.get_by_test_id("logout").click()
    expect(page).to_have_url(re.compile(r"/login/$"))


def test_enrol_then_sign_in_with_the_app_and_with_a_recovery_code(page, analyst, settings):
    assert settings.REQUIRE_2FA
    violations = []
    page.on(
        "console",
        lambda msg: (
            violations.append(msg.text)
            if re.search("Content.Security.Policy", msg.text, re.I)
            else None
        ),
    )

    _password_step(page, "analyst")

    expect(page).to_have_url(re.compile(r"/login/enrol/$"))
    qr = page.get_by_test_id("enrol-qr")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0"), "the QR image renders"
    secret = page.get_by_test_id("enrol-secret").inner_text()
    key = b32decode(secret.replace(" ", ""))
    page.fill("#id_otp", f"{totp(key):06d}")
    page.get_by_role("button", name="Confirm").click()

    # The confirmation is a full page load; wait for it rather than read the enrolment page.
    code_cells = page.get_by_test_id("recovery-codes").locator("code")
    expect(code_cells).to_have_count(10)
    codes = code_cells.all_inner_texts()
    page.get_by_test_id("continue").click()
    expect(page.get_by_test_id("greeting")).to_be_visible()
    _sign_out(page)

    # The app's code.
    _password_step(page, "analyst")
    expect(page).to_have_url(re.compile(r"/login/code/$"))
    page.fill("#id_otp", code_for(TOTPDevice.objects.get(user=analyst)))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("greeting")).to_be_visible()
    _sign_out(page)

    # A recovery code instead, which is then used up.
    _password_step(page, "analyst")
    page.fill("#id_otp", codes[0])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("greeting")).to_be_visible()
    assert not StaticToken.objects.filter(token=codes[0]).exists()
    assert StaticToken.objects.count() == 9
    assert violations == []


def test_a_wrong_code_says_so_and_does_not_sign_in(page, analyst):
    confirmed_device(analyst)
    _password_step(page, "analyst")
    page.fill("#id_otp", "000000")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_test_id("code-error")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
