"""The demo password signs nobody in when DEBUG is off, even on a database seeded for the demo.
(tests/web/test_seed_demo.py checks seed_demo itself makes them unusable with DEBUG off.)"""

import pytest
from django.contrib.auth import authenticate
from django.test import Client, RequestFactory
from django.urls import reverse

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.models import AuditEvent
from kentsoc.demo import org as demo


@pytest.fixture
def seeded_with_debug_on(db, settings):
    """`make run` seeded this database with DEBUG on; now it is served with DEBUG off."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DEBUG = True
    demo.seed()
    settings.DEBUG = False
    return settings.KENTSOC_DEMO_PASSWORD


def test_demo_password_refused_when_debug_is_off(seeded_with_debug_on):
    assert (
        authenticate(
            RequestFactory().post("/login/"),
            username="coordinator.north",
            password=seeded_with_debug_on,
        )
        is None
    )
    response = Client().post(
        reverse("login"), {"username": "coordinator.north", "password": seeded_with_debug_on}
    )
    assert response.status_code == 200  # the sign-in form again, with its error
    assert "_auth_user_id" not in Client().session
    assert AuditEvent.objects.filter(
        action=AuditAction.LOGIN_FAILED, actor_username="coordinator.north"
    ).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN).exists()


def test_demo_password_refused_for_an_api_token(seeded_with_debug_on, client):
    response = client.post(
        reverse("api:auth-token"),
        {"username": "supervisor.north", "password": seeded_with_debug_on},
    )
    assert response.status_code == 400
    assert "token" not in response.json()


def test_demo_password_works_in_the_demo(seeded_with_debug_on, settings):
    settings.DEBUG = True
    user = authenticate(
        RequestFactory().post("/login/"),
        username="coordinator.north",
        password=seeded_with_debug_on,
    )
    assert user is not None and user.username == "coordinator.north"
