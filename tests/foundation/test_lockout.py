"""django-axes: five failed sign-ins lock the account; the sixth try, even with the right
password, gets the locked-out page and no session."""

import pytest
from django.contrib.auth import SESSION_KEY

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.models import AuditEvent
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _sign_in(client, username, password, ip="192.0.2.10"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_five_failures_lock_the_account(client, coordinator, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for attempt in range(4):
        response = _sign_in(client, "coordinator", f"wrong-password-{attempt}")
        assert response.status_code == 200
        assert 'data-testid="login-error"' in response.content.decode()
    locking = _sign_in(client, "coordinator", "wrong-password-5")
    assert 'data-testid="locked-out"' in locking.content.decode()

    response = _sign_in(client, "coordinator", TEST_PASSWORD)

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


def test_the_lock_is_on_the_account_not_the_address(client, coordinator, researcher):
    for attempt in range(5):
        _sign_in(client, "coordinator", f"wrong-password-{attempt}", ip="192.0.2.20")

    # Another officer behind the same force proxy still signs in ...
    assert _sign_in(client, "researcher", TEST_PASSWORD, ip="192.0.2.20").status_code == 302
    client.logout()
    # ... while moving address does not unlock the attacked account.
    elsewhere = _sign_in(client, "coordinator", TEST_PASSWORD, ip="198.51.100.9")
    assert 'data-testid="locked-out"' in elsewhere.content.decode()


def test_fewer_failures_then_success_resets_the_count(client, coordinator):
    for attempt in range(4):
        _sign_in(client, "coordinator", f"wrong-password-{attempt}")
    assert _sign_in(client, "coordinator", TEST_PASSWORD).status_code == 302
    client.logout()
    for attempt in range(4):
        _sign_in(client, "coordinator", f"wrong-again-{attempt}")

    assert _sign_in(client, "coordinator", TEST_PASSWORD).status_code == 302
