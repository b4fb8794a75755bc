"""The second factor (django-otp TOTP) outside DEBUG: the session is authenticated only after the
password *and* a code; the first sign-in enrols the authenticator app and shows ten recovery codes
once; a recovery code works once instead of the app's code; wrong codes are audited and count
towards the lockout; the token endpoint asks for `otp` too. The demo keeps one-step logins."""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from kentsoc.accounts.models import ApiToken
from kentsoc.accounts.views import PENDING
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.models import AuditEvent
from tests.factories import TEST_PASSWORD
from tests.otp import code_for, confirmed_device, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _password(client: Client, username: str = "analyst", password: str = TEST_PASSWORD, **kw):
    return client.post("/login/", {"username": username, "password": password}, **kw)


def _signed_in(client: Client, user) -> bool:
    return client.session.get(SESSION_KEY) == str(user.pk)


def _step_failures(username: str) -> list[dict]:
    return [
        e.changes
        for e in AuditEvent.objects.filter(
            action=AuditAction.LOGIN_FAILED, actor_username=username
        ).order_by("pk")
    ]


# --- Sign-in with an enrolled app -----------------------------------------------------------------


def test_the_password_alone_does_not_sign_in(settings, analyst):
    assert settings.REQUIRE_2FA  # DEBUG is off in the tests, as in production
    confirmed_device(analyst)
    client = Client()

    response = _password(client)

    assert response.status_code == 302 and response["Location"] == "/login/code/"
    assert SESSION_KEY not in client.session
    home = client.get("/")
    assert home.status_code == 302 and home["Location"].startswith("/login/")
    assert client.get("/api/auth/tokens/").status_code in (401, 403)
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN).exists()


def test_the_code_from_the_app_completes_the_sign_in(analyst):
    device = confirmed_device(analyst)
    client = Client()
    _password(client, HTTP_X_REQUEST_ID="req-2fa")
    page = client.get("/login/code/").content.decode()
    assert 'autocomplete="one-time-code"' in page and "recovery code" in page

    response = client.post("/login/code/", {"otp": code_for(device)})

    assert response.status_code == 302 and response["Location"] == "/"
    assert _signed_in(client, analyst)
    assert client.get("/").status_code == 200
    login = AuditEvent.objects.get(action=AuditAction.LOGIN, actor=analyst)
    assert login.changes == {"second_factor": "TOTP device"}
    assert PENDING not in client.session


def test_the_next_page_survives_the_second_step(analyst):
    device = confirmed_device(analyst)
    client = Client()
    client.post("/login/?next=/ocgs/", {"username": "analyst", "password": TEST_PASSWORD})
    response = client.post("/login/code/", {"otp": code_for(device)})
    assert response["Location"] == "/ocgs/"


def test_a_wrong_code_is_refused_and_audited(analyst):
    confirmed_device(analyst)
    client = Client()
    _password(client)

    response = client.post("/login/code/", {"otp": "000000"})

    assert response.status_code == 200
    assert 'data-testid="code-error"' in response.content.decode()
    assert not _signed_in(client, analyst)
    assert _step_failures("analyst") == [{"step": "second factor"}]
    assert "000000" not in str(AccessAttempt.objects.get().post_data)


def test_a_code_is_accepted_once(analyst):
    device = confirmed_device(analyst)
    code = code_for(device)
    first, second = Client(), Client()
    _password(first)
    _password(second)

    assert first.post("/login/code/", {"otp": code})["Location"] == "/"
    replay = second.post("/login/code/", {"otp": code})

    assert replay.status_code == 200 and not _signed_in(second, analyst)


def test_a_recovery_code_works_once_instead_of_the_app(analyst):
    confirmed_device(analyst)
    recovery = StaticDevice.objects.create(user=analyst, name="Recovery codes")
    recovery.token_set.create(token="abcd2345")
    client = Client()
    _password(client)

    response = client.post("/login/code/", {"otp": "ABCD 2345"})

    assert response["Location"] == "/" and _signed_in(client, analyst)
    assert AuditEvent.objects.get(action=AuditAction.LOGIN).changes == {
        "second_factor": "static device"
    }
    again = Client()
    _password(again)
    assert again.post("/login/code/", {"otp": "abcd2345"}).status_code == 200
    assert not _signed_in(again, analyst)


def test_the_code_step_needs_a_recent_password_step(analyst):
    device = confirmed_device(analyst)
    client = Client()
    assert client.get("/login/code/")["Location"] == "/login/"
    assert client.post("/login/code/", {"otp": code_for(device)})["Location"] == "/login/"
    assert not _signed_in(client, analyst)

    _password(client)
    session = client.session
    session[PENDING] = {**session[PENDING], "at": session[PENDING]["at"] - 301}
    session.save()
    assert client.post("/login/code/", {"otp": code_for(device)})["Location"] == "/login/"
    assert not _signed_in(client, analyst)


def test_a_password_changed_between_the_steps_voids_the_first(analyst):
    device = confirmed_device(analyst)
    client = Client()
    _password(client)
    analyst.set_password("changed-in-between-42")
    analyst.save()

    assert client.post("/login/code/", {"otp": code_for(device)})["Location"] == "/login/"
    assert not _signed_in(client, analyst)


def test_wrong_codes_count_towards_the_lockout_of_that_address(analyst, settings):
    settings.AXES_FAILURE_LIMIT = 3
    # Only the lockout here; django-otp's own back-off is test_wrong_codes_slow_down_the_app.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = confirmed_device(analyst)
    client = Client(REMOTE_ADDR="192.0.2.50")
    _password(client)
    for _ in range(2):
        assert client.post("/login/code/", {"otp": "111111"}).status_code == 200
    locking = client.post("/login/code/", {"otp": "222222"})
    assert locking.status_code == 429

    locked = client.post("/login/code/", {"otp": code_for(device)})

    assert locked.status_code == 429 and 'data-testid="locked-out"' in locked.content.decode()
    assert not _signed_in(client, analyst)
    # From another address the officer still signs in.
    elsewhere = Client(REMOTE_ADDR="198.51.100.50")
    _password(elsewhere)
    assert elsewhere.post("/login/code/", {"otp": code_for(device)})["Location"] == "/"


def test_wrong_codes_slow_down_the_app(analyst):
    """django-otp's back-off: after a wrong code the next one is refused for a second, then two,
    four...: six digits cannot be walked through even from many addresses."""
    device = confirmed_device(analyst)
    client = Client()
    _password(client)
    client.post("/login/code/", {"otp": "000000"})

    too_soon = client.post("/login/code/", {"otp": code_for(device)})

    assert too_soon.status_code == 200 and not _signed_in(client, analyst)
    assert "Wait a few seconds" in too_soon.content.decode()


# --- Enrolment on the first sign-in ---------------------------------------------------------------


def _enrolment_key(html: str) -> bytes:
    secret = re.search(r'data-testid="enrol-secret">([A-Z2-7 ]+)<', html).group(1)
    return b32decode(secret.replace(" ", ""))


def test_the_first_sign_in_enrols_the_app_then_shows_recovery_codes_once(analyst, settings):
    # django-otp's back-off after a wrong code (1 s, 2 s, ...) is not what this test is about.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    client = Client()
    response = _password(client)
    assert response["Location"] == "/login/enrol/"

    page = client.get("/login/enrol/")
    html = page.content.decode()
    assert page.status_code == 200 and not _signed_in(client, analyst)
    key = _enrolment_key(html)
    assert 'src="data:image/svg+xml' in html  # the QR code, an image: no script
    assert "<script>" not in html and "otpauth://totp/kentsoc%3Aanalyst?secret=" in html
    assert _enrolment_key(client.get("/login/enrol/").content.decode()) == key, "same key on reload"

    wrong = client.post("/login/enrol/", {"otp": "123456"})
    assert wrong.status_code == 200 and 'data-testid="code-error"' in wrong.content.decode()
    assert _step_failures("analyst") == [{"step": "second factor enrolment"}]

    shown = client.post("/login/enrol/", {"otp": f"{totp(key):06d}"})

    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", shown.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert not _signed_in(client, analyst), "signed in only after the codes were shown"
    assert "no-store" in shown["Cache-Control"]
    device = TOTPDevice.objects.get(user=analyst)
    assert device.confirmed
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(codes)
    enrolled = AuditEvent.objects.get(action=AuditAction.CREATE, actor=analyst)
    assert enrolled.changes == {"second_factor": "enrolled", "recovery_codes": 10}
    assert not any(code in str(enrolled.changes) for code in codes)
    # Shown once: reloading shows no codes.
    reload = client.get("/login/enrol/").content.decode()
    assert not any(code in reload for code in codes)

    done = client.post("/login/continue/")

    assert done["Location"] == "/" and _signed_in(client, analyst)
    later = Client()
    _password(later)
    assert later.post("/login/code/", {"otp": codes[3]})["Location"] == "/"


def test_enrolment_cannot_replace_an_enrolled_app(analyst):
    device = confirmed_device(analyst)
    client = Client()
    _password(client)
    assert client.get("/login/enrol/")["Location"] == "/login/code/"
    assert client.post("/login/continue/")["Location"] == "/login/"
    assert TOTPDevice.objects.get(user=analyst) == device
    assert not _signed_in(client, analyst)


def test_enrolment_needs_the_password_step(analyst, client):
    assert client.get("/login/enrol/")["Location"] == "/login/"
    assert not TOTPDevice.objects.exists()


def test_reset_second_factor_makes_the_officer_enrol_again(analyst):
    confirmed_device(analyst)
    key = token_for(analyst)
    StaticDevice.objects.create(user=analyst, name="Recovery codes")

    call_command("reset_second_factor", "analyst", reason="lost phone, desk ticket 4411")

    assert not TOTPDevice.objects.exists() and not StaticDevice.objects.exists()
    assert not ApiToken.objects.exists()
    assert APIClient(HTTP_AUTHORIZATION=f"Token {key}").get("/api/divisions/").status_code == 401
    reset = AuditEvent.objects.get(object_type="otp_totp.totpdevice", action=AuditAction.DELETE)
    assert reset.reason == "lost phone, desk ticket 4411"
    assert _password(Client())["Location"] == "/login/enrol/"


# --- The demo, and tests that force a session -----------------------------------------------------


def test_the_demo_keeps_one_step_logins(analyst, settings):
    settings.REQUIRE_2FA = False
    client = Client()
    assert _password(client)["Location"] == "/"
    assert _signed_in(client, analyst)


def test_force_login_is_unaffected(analyst, client):
    client.force_login(analyst)
    assert client.get("/").status_code == 200


# --- The token endpoint ---------------------------------------------------------------------------


def _token(**data):
    return APIClient().post(
        "/api/auth/token/", {"username": "analyst", "password": TEST_PASSWORD, **data}
    )


def test_the_token_endpoint_needs_the_code_too(analyst, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the right code straight after a wrong one
    device = confirmed_device(analyst)

    missing = _token()
    assert missing.status_code == 400 and list(missing.json()) == ["otp"]
    wrong = _token(otp="999999")
    assert wrong.status_code == 400 and list(wrong.json()) == ["otp"]
    assert _step_failures("analyst") == [{"step": "second factor"}]
    right = _token(otp=code_for(device))
    assert right.status_code == 200 and right.json()["token"]


def test_the_token_endpoint_sends_the_unenrolled_to_the_web(analyst):
    response = _token(otp="123456")
    assert response.status_code == 403
    assert "sign in on the web" in response.json()["detail"]
    assert not ApiToken.objects.exists()
    assert not TOTPDevice.objects.exists()


def test_the_token_endpoint_in_the_demo_needs_no_code(analyst, settings):
    settings.REQUIRE_2FA = False
    assert _token().status_code == 200


# --- The admin's own sign-in form ----------------------------------------------------------------


def test_the_admin_signs_in_through_the_two_steps_too(force, analyst):
    from kentsoc.org.choices import Role
    from tests.conftest import _officer

    administrator = _officer(force, Role.ADMINISTRATOR, "bureau", "administrator")
    administrator.is_staff = True  # what the role gives (kentsoc.org.services.officer_sync_group)
    administrator.save()
    client = Client()
    form = client.get("/admin/login/?next=/admin/org/team/")
    assert form.status_code == 302 and form["Location"] == "/login/?next=%2Fadmin%2Forg%2Fteam%2F"
    posted = client.post("/admin/login/", {"username": "administrator", "password": TEST_PASSWORD})
    assert posted.status_code == 302 and not _signed_in(client, administrator)

    device = confirmed_device(administrator)
    client.post("/login/?next=/admin/", {"username": "administrator", "password": TEST_PASSWORD})
    assert client.post("/login/code/", {"otp": code_for(device)})["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/login/")["Location"] == "/admin/"

    officer = Client()
    officer.force_login(analyst)
    assert officer.get("/admin/login/?next=/admin/").status_code == 403  # no redirect loop
