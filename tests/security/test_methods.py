"""Method safety: changes need POST (or PATCH/DELETE) and, with a session, a CSRF token; API tokens
work without one; the browsable API is not served in production."""

from __future__ import annotations

import json

from django.test import Client
from django.urls import reverse
from knox.crypto import hash_token

from kentsoc.accounts.models import ApiToken
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.models import AuditEvent
from tests.factories import TEST_PASSWORD
from tests.otp import code_for, confirmed_device, token_for
from tests.security.conftest import MARKERS
from tests.security.helpers import each
from tests.security.routes import ROUTES, checked_names

NAMES = sorted(n for n in checked_names() if n in ROUTES)
WRITE_NAMES = [n for n in NAMES if ROUTES[n].method != "GET"]
HTML_NAMES = [n for n in NAMES if not n.startswith("api:")]
API_WRITE_NAMES = [n for n in WRITE_NAMES if n.startswith("api:")]
# What a refused request may still leave on the trail: nothing that records a change.
CHANGES = [AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE]


def url(name: str, world) -> str:
    spec = ROUTES[name]
    return reverse(name, kwargs=spec.args(world) if spec.args else {})


def signed_in(world, who: str = "supervisor", **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(world.users[who])
    return client


def test_changes_refuse_get(world):
    client = signed_in(world)

    def check(name):
        assert client.get(url(name, world)).status_code == 405
        assert not AuditEvent.objects.filter(action__in=CHANGES).exists()

    each(WRITE_NAMES, check)


def test_html_post_without_csrf_token_is_refused(world):
    """Every page, the sign-in and sign-out forms included: a POST without the token is refused
    before any view runs (CsrfViewMiddleware), with the clean CSRF page."""
    client = signed_in(world, enforce_csrf_checks=True)

    def check(name):
        spec = ROUTES.get(name)
        response = client.post(reverse(name, kwargs=spec.args(world) if spec and spec.args else {}))
        assert response.status_code == 403, response.status_code
        assert "Your form expired or was sent from another site." in response.content.decode()
        assert not AuditEvent.objects.filter(action__in=CHANGES).exists()

    each([*HTML_NAMES, "login", "logout"], check)


def test_api_change_with_session_needs_csrf_token(world):
    client = signed_in(world, enforce_csrf_checks=True)

    def check(name):
        response = client.generic(
            ROUTES[name].method, url(name, world), json.dumps({}), content_type="application/json"
        )
        assert response.status_code == 403, response.status_code
        assert "CSRF" in response.json()["detail"]
        assert not AuditEvent.objects.filter(action__in=CHANGES).exists()

    each(API_WRITE_NAMES, check)


def test_api_token_works_without_csrf(world):
    coordinator = world.users["coordinator"]
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Token {token_for(coordinator)}")
    listed = client.get(reverse("api:ocg-list"))
    assert listed.status_code == 200
    assert MARKERS["ocg"] in listed.content.decode()
    nominal = world.objects["nominal"]
    changed = client.patch(
        reverse("api:nominal-detail", args=[nominal.pk]),
        json.dumps({"aliases": "Lex", "version": nominal.version}),
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    assert AuditEvent.objects.filter(actor=coordinator, action=AuditAction.UPDATE).count() == 1


def test_a_bad_token_is_401(world):
    client = Client(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get(reverse("api:ocg-list")).status_code == 401


def test_token_auth(world, client):
    """The one API route open signed out: a token for the right password only, audited."""
    url_ = reverse("api:auth-token")
    refused = client.post(url_, {"username": "coordinator", "password": "wrong-password-1"})
    assert refused.status_code == 400 and "token" not in refused.json()
    assert AuditEvent.objects.filter(
        action=AuditAction.LOGIN_FAILED, actor_username="coordinator"
    ).exists()
    code = code_for(confirmed_device(world.users["coordinator"]))
    issued = client.post(url_, {"username": "coordinator", "password": TEST_PASSWORD, "otp": code})
    assert issued.status_code == 200
    key = issued.json()["token"]
    # Stored hashed: the key is nowhere in the database, only its digest.
    assert not ApiToken.objects.filter(digest=key).exists()
    assert ApiToken.objects.get(user=world.users["coordinator"]).digest == hash_token(key)
    assert client.get(url_).status_code == 405


def test_no_browsable_api_in_production(world):
    """With DEBUG off the API answers JSON only: the browsable pages (forms, the schema of every
    field) are for development."""
    response = signed_in(world).get(reverse("api:ocg-list"), HTTP_ACCEPT="text/html")
    assert not response["Content-Type"].startswith("text/html")
    assert response.status_code in (200, 406)


def test_schema_and_docs_for_officers_only(world, client):
    for name in ("api:schema", "api:docs"):
        assert client.get(reverse(name)).status_code == 401
        assert signed_in(world, "outsider").get(reverse(name)).status_code == 403
        assert signed_in(world, "analyst").get(reverse(name)).status_code == 200


def test_no_open_redirect_after_a_form(world):
    from disruptions.choices import DisruptionStatus
    from tests.factories import make_disruption

    submitted = make_disruption(
        author=world.users["clgt_officer"],
        team=world.objects["team"],
        status=DisruptionStatus.SUBMITTED,
        narrative="Fictional warrant.",
    )
    client = signed_in(world)
    response = client.post(
        reverse("disruptions:approve", args=[submitted.pk]), {"next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("disruptions:detail", args=[submitted.pk])
    signed_out = Client()
    device = confirmed_device(world.users["supervisor"])
    response = signed_out.post(
        reverse("login") + "?next=https://evil.example/",
        {"username": "supervisor", "password": TEST_PASSWORD},
    )
    assert response["Location"] == reverse("login-code")
    response = signed_out.post(reverse("login-code"), {"otp": code_for(device)})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
