"""django-axes locks a username *from one address*: five failed sign-ins from address A lock that
officer's name at A (the sixth try, even with the right password, gets the locked-out page and
no session), while the officer signing in from address B is not locked out by a stranger, on the
web form and on the token endpoint alike."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from rest_framework.test import APIClient

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.models import AuditEvent
from tests.factories import TEST_PASSWORD
from tests.otp import code_for, confirmed_device, sign_in

pytestmark = pytest.mark.django_db

ADDRESS_A = "192.0.2.10"
ADDRESS_B = "198.51.100.9"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Dozens of password checks per test: the production hasher would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _password_step(client, username, password, ip=ADDRESS_A):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def _lock(client, username, ip=ADDRESS_A):
    for attempt in range(5):
        _password_step(client, username, f"wrong-password-{attempt}", ip=ip)


def _token(username, password, ip, otp=""):
    return APIClient().post(
        "/api/auth/token/",
        {"username": username, "password": password, "otp": otp},
        format="json",
        REMOTE_ADDR=ip,
    )


def test_five_failures_lock_the_account_at_that_address(client, coordinator, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    for attempt in range(4):
        response = _password_step(client, "coordinator", f"wrong-password-{attempt}")
        assert response.status_code == 200
        assert 'data-testid="login-error"' in response.content.decode()
    locking = _password_step(client, "coordinator", "wrong-password-5")
    assert 'data-testid="locked-out"' in locking.content.decode()

    response = _password_step(client, "coordinator", TEST_PASSWORD)

    html = response.content.decode()
    assert response.status_code == 429
    assert 'data-testid="locked-out"' in html
    assert "Account temporarily locked" in html
    assert SESSION_KEY not in client.session
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN).exists()
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.LOGIN_FAILED, actor_username="coordinator"
        ).count()
        == 6
    )


def test_a_stranger_elsewhere_cannot_lock_the_officer_out_of_the_web(coordinator):
    _lock(Client(), "coordinator", ip=ADDRESS_A)

    officer = Client()
    response = sign_in(officer, coordinator, REMOTE_ADDR=ADDRESS_B)

    assert response.status_code == 302 and response["Location"] == "/"
    assert officer.session[SESSION_KEY] == str(coordinator.pk)
    # ... while the address that guessed is still locked, right password or not.
    again = _password_step(Client(), "coordinator", TEST_PASSWORD, ip=ADDRESS_A)
    assert again.status_code == 429
    assert 'data-testid="locked-out"' in again.content.decode()


def test_a_stranger_elsewhere_cannot_lock_the_officer_out_of_the_api(coordinator):
    device = confirmed_device(coordinator)
    for attempt in range(5):
        refused = _token("coordinator", f"wrong-password-{attempt}", ADDRESS_A)
        assert refused.status_code in (400, 429)

    from_b = _token("coordinator", TEST_PASSWORD, ADDRESS_B, otp=code_for(device))

    assert from_b.status_code == 200, from_b.content
    assert from_b.json()["token"]
    from_a = _token("coordinator", TEST_PASSWORD, ADDRESS_A, otp=code_for(device))
    assert from_a.status_code == 429
    assert "locked" in from_a.json()["detail"]
    assert "token" not in from_a.json()


def test_a_locked_address_does_not_lock_other_officers_behind_it(coordinator, researcher):
    # Officers share force proxies: one name guessed at does not lock the station out.
    _lock(Client(), "coordinator", ip=ADDRESS_A)
    response = sign_in(Client(), researcher, REMOTE_ADDR=ADDRESS_A)
    assert response.status_code == 302 and response["Location"] == "/"


def test_the_address_is_the_client_behind_the_trusted_proxy(client, coordinator, settings):
    """With PROXY_COUNT=1 the client is the last X-Forwarded-For hop (the one the proxy added),
    as on the audit trail: two clients behind one proxy are two addresses."""
    settings.AXES_IPWARE_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.5"}
    for attempt in range(5):
        client.post(
            "/login/",
            {"username": "coordinator", "password": f"wrong-{attempt}"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.99, {ADDRESS_A}",
            **proxy,
        )
    failed = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).first()
    assert failed.ip_address == ADDRESS_A

    officer = Client()
    response = sign_in(officer, coordinator, HTTP_X_FORWARDED_FOR=ADDRESS_B, **proxy)
    assert response.status_code == 302 and response["Location"] == "/"
    # A forged first hop does not move the stranger to another address.
    locked = client.post(
        "/login/",
        {"username": "coordinator", "password": TEST_PASSWORD},
        HTTP_X_FORWARDED_FOR=f"203.0.113.1, {ADDRESS_A}",
        **proxy,
    )
    assert locked.status_code == 429


def test_fewer_failures_then_success_resets_the_count(client, coordinator):
    for attempt in range(4):
        _password_step(client, "coordinator", f"wrong-password-{attempt}")
    assert sign_in(client, coordinator, REMOTE_ADDR=ADDRESS_A)["Location"] == "/"
    client.logout()
    for attempt in range(4):
        _password_step(client, "coordinator", f"wrong-again-{attempt}")

    assert sign_in(client, coordinator, REMOTE_ADDR=ADDRESS_A)["Location"] == "/"
