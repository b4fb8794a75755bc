"""API tokens (django-rest-knox): stored hashed, shown once, expiring after a shift, listed and
revoked by their owner only, and dead when the officer signs out of the web, changes password or
is deactivated. Every issue and revocation is on the audit trail."""

from __future__ import annotations

import datetime
import json

import pytest
from django.contrib import admin
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.crypto import hash_token
from knox.models import AuthToken as KnoxAuthToken
from rest_framework.test import APIClient

from kentsoc.accounts.models import ApiToken
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.models import AuditEvent
from kentsoc.org.choices import Role
from tests.conftest import _officer
from tests.factories import TEST_PASSWORD
from tests.foundation.test_settings import PRODUCTION, _run
from tests.otp import code_for, confirmed_device, sign_in, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _api(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _works(key: str) -> bool:
    status = _api(key).get("/api/auth/tokens/").status_code
    assert status in (200, 401), status
    return status == 200


# --- Issue ----------------------------------------------------------------------------------------


def test_a_token_is_shown_once_stored_hashed_and_lasts_one_shift(analyst):
    before = timezone.now()
    key = token_for(analyst)

    token = ApiToken.objects.get(user=analyst)
    assert token.digest == hash_token(key) and key not in token.digest
    assert not ApiToken.objects.filter(digest=key).exists()
    # One shift (API_TOKEN_TTL_HOURS, default 8) from now.
    assert (
        before + datetime.timedelta(hours=8)
        <= token.expiry
        <= timezone.now() + datetime.timedelta(hours=8)
    )
    assert _works(key)
    issued = AuditEvent.objects.get(action=AuditAction.LOGIN, actor=analyst)
    assert issued.changes["via"] == "api token"
    assert issued.changes["token"] == token.public_id
    assert key not in json.dumps(issued.changes)


def test_the_response_keeps_token_and_adds_expiry(analyst):
    response = APIClient().post(
        "/api/auth/token/",
        {
            "username": "analyst",
            "password": TEST_PASSWORD,
            "otp": code_for(confirmed_device(analyst)),
        },
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expiry"}
    assert datetime.datetime.fromisoformat(body["expiry"]) == ApiToken.objects.get().expiry


def test_the_lifetime_is_configurable(analyst, settings):
    settings.REST_KNOX = {"TOKEN_TTL": datetime.timedelta(hours=2), "AUTH_HEADER_PREFIX": "Token"}
    token_for(analyst)
    expiry = ApiToken.objects.get().expiry
    assert expiry <= timezone.now() + datetime.timedelta(hours=2)
    assert expiry > timezone.now() + datetime.timedelta(hours=1, minutes=59)


def test_api_token_ttl_hours_comes_from_the_environment():
    probe = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.API_TOKEN_TTL_HOURS, s.REST_KNOX['TOKEN_TTL'].total_seconds(), s.REQUIRE_2FA)"
    )
    assert _run(["-c", probe], PRODUCTION).stdout.split() == ["8", "28800.0", "True"]
    custom = _run(["-c", probe], {**PRODUCTION, "API_TOKEN_TTL_HOURS": "12"})
    assert custom.stdout.split() == ["12", "43200.0", "True"]
    bad = _run(["-c", probe], {**PRODUCTION, "API_TOKEN_TTL_HOURS": "a shift"})
    assert bad.returncode != 0 and "API_TOKEN_TTL_HOURS must be a whole number" in bad.stderr


def test_an_expired_token_is_refused_and_removed(analyst):
    key = token_for(analyst)
    ApiToken.objects.update(expiry=timezone.now() - datetime.timedelta(seconds=1))

    assert not _works(key)
    assert not ApiToken.objects.exists()


def test_the_header_is_token_and_a_bad_key_is_401(analyst):
    key = token_for(analyst)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/api/divisions/").status_code == 401
    assert _api(key).get("/api/divisions/").status_code == 200
    assert (
        _api(key[:-1] + ("0" if key[-1] != "0" else "1")).get("/api/divisions/").status_code == 401
    )


def test_last_use_is_noted_at_most_once_a_minute(analyst):
    key = token_for(analyst)
    client = _api(key)
    assert ApiToken.objects.get().last_used_at is None
    client.get("/api/auth/tokens/")
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    client.get("/api/auth/tokens/")
    assert ApiToken.objects.get().last_used_at == first


# --- Sign out, list, revoke -----------------------------------------------------------------------


def test_logout_revokes_only_the_presented_token(analyst):
    first, second = token_for(analyst), token_for(analyst)

    assert _api(first).post("/api/auth/logout/").status_code == 204

    assert not _works(first)
    assert _works(second)
    revoked = AuditEvent.objects.get(action=AuditAction.DELETE, object_type="accounts.apitoken")
    assert revoked.actor == analyst
    assert revoked.changes == {"tokens": [hash_token(first)[:16]], "reason": "signed out (API)"}


def test_logout_all_revokes_every_token_of_the_caller_only(analyst, supervisor):
    mine = [token_for(analyst), token_for(analyst)]
    theirs = token_for(supervisor)

    assert _api(mine[0]).post("/api/auth/logout-all/").status_code == 204

    assert not any(_works(k) for k in mine)
    assert _works(theirs)
    event = AuditEvent.objects.get(action=AuditAction.DELETE, object_type="accounts.apitoken")
    assert len(event.changes["tokens"]) == 2


def test_logout_needs_a_token_not_a_session(analyst):
    client = Client()
    client.force_login(analyst)
    assert client.post("/api/auth/logout/").status_code == 401
    assert client.post("/api/auth/logout-all/").status_code == 401


def test_owners_list_only_their_own_tokens_without_keys(analyst, supervisor):
    mine = [token_for(analyst), token_for(analyst)]
    token_for(supervisor)

    response = _api(mine[1]).get("/api/auth/tokens/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    rows = body["results"]
    assert {r["id"] for r in rows} == {hash_token(k)[:16] for k in mine}
    assert set(rows[0]) == {"id", "created", "expiry", "last_used", "current"}
    assert [r["current"] for r in rows] == [True, False]  # newest first; this request's token
    text = response.content.decode()
    for key in mine:
        assert key not in text and hash_token(key) not in text


def test_owners_revoke_their_own_token_and_nobody_elses(analyst, supervisor):
    mine, theirs = token_for(analyst), token_for(supervisor)
    their_id = hash_token(theirs)[:16]

    assert _api(mine).delete(f"/api/auth/tokens/{their_id}/").status_code == 404
    assert _works(theirs)
    assert _api(mine).delete("/api/auth/tokens/not-an-id/").status_code == 404

    assert _api(theirs).delete(f"/api/auth/tokens/{their_id}/").status_code == 204
    assert not _works(theirs)
    assert _works(mine)


def test_the_administrator_cannot_list_or_mint_anyone_elses_token(force, analyst, settings):
    administrator = _officer(force, Role.ADMINISTRATOR, "bureau", "administrator")
    token_for(analyst)
    admin_key = token_for(administrator)

    listed = _api(admin_key).get("/api/auth/tokens/").json()
    assert listed["count"] == 1  # their own
    # No admin page for tokens (knox's, ours or DRF's) or second-factor devices.
    for model in (ApiToken, KnoxAuthToken, TOTPDevice, StaticDevice):
        assert not admin.site.is_registered(model), model
    assert "rest_framework.authtoken" not in settings.INSTALLED_APPS


# --- The tokens page ------------------------------------------------------------------------------


def test_the_tokens_page_creates_shows_once_lists_and_revokes(analyst, supervisor):
    token_for(supervisor)
    client = Client()
    client.force_login(analyst)

    page = client.get("/account/tokens/")
    assert page.status_code == 200
    assert 'data-testid="no-tokens"' in page.content.decode()

    created = client.post("/account/tokens/new/")
    html = created.content.decode()
    assert created.status_code == 200
    assert "no-store" in created["Cache-Control"]
    token = ApiToken.objects.get(user=analyst)
    key = html.split('data-testid="new-token-key">')[1].split("<")[0]
    assert hash_token(key) == token.digest and _works(key)
    assert html.count('data-testid="new-token-tag"') == 1
    assert AuditEvent.objects.get(action=AuditAction.CREATE, actor=analyst).object_id == (
        token.public_id
    )

    again = client.get("/account/tokens/").content.decode()
    assert key not in again  # shown once
    assert token.public_id in again
    assert "supervisor" not in again and again.count('data-testid="token-row"') == 1

    other = ApiToken.objects.get(user=supervisor)
    assert client.post(f"/account/tokens/{other.public_id}/revoke/").status_code == 404
    assert ApiToken.objects.filter(pk=other.pk).exists()
    revoked = client.post(f"/account/tokens/{token.public_id}/revoke/")
    assert revoked.status_code == 302 and revoked["Location"] == "/account/tokens/"
    assert not _works(key)
    assert client.get("/account/tokens/new/").status_code == 405


def test_the_tokens_page_is_for_signed_in_users(client):
    response = client.get("/account/tokens/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert client.post("/account/tokens/new/").status_code == 302
    assert not ApiToken.objects.exists()


def test_the_user_menu_links_to_the_tokens_page(analyst):
    client = Client()
    client.force_login(analyst)
    assert 'href="/account/tokens/"' in client.get("/").content.decode()


# --- Tokens die with the credentials -------------------------------------------------------------


def test_signing_out_of_the_web_kills_every_token(analyst):
    keys = [token_for(analyst), token_for(analyst)]
    client = Client()
    client.force_login(analyst)

    assert client.post("/logout/").status_code == 302

    assert not any(_works(k) for k in keys)
    event = AuditEvent.objects.get(action=AuditAction.DELETE, object_type="accounts.apitoken")
    assert event.changes["reason"] == "signed out of the web"
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT, actor=analyst).exists()


def test_a_password_change_kills_tokens_and_other_sessions(analyst):
    key = token_for(analyst)
    elsewhere = Client()
    assert sign_in(elsewhere, analyst)["Location"] == "/"
    assert _works(key), "signing in on the web does not touch the tokens"
    assert elsewhere.get("/").status_code == 200

    analyst.set_password("a-brand-new-passphrase-77")
    analyst.save()

    assert not _works(key)
    assert elsewhere.get("/").status_code == 302  # signed out at its next request
    assert SESSION_KEY not in elsewhere.session
    event = AuditEvent.objects.get(action=AuditAction.DELETE, object_type="accounts.apitoken")
    assert event.changes["reason"] == "password changed"


def test_the_changepassword_command_kills_tokens_too(analyst, monkeypatch):
    key = token_for(analyst)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "another-new-passphrase-88")
    call_command("changepassword", "analyst")
    assert not _works(key)


def test_deactivation_kills_tokens_and_sessions(analyst):
    key = token_for(analyst)
    session = Client()
    session.force_login(analyst)

    analyst.is_active = False
    analyst.save()

    assert not ApiToken.objects.exists()
    assert not _works(key)
    assert session.get("/").status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.DELETE, object_type="accounts.apitoken")
    assert event.changes["reason"] == "account deactivated"


def test_knox_refuses_an_inactive_users_token_even_if_a_row_survived(analyst):
    key = token_for(analyst)
    # QuerySet.update() sends no signal: the token row survives, knox still refuses it.
    type(analyst).objects.filter(pk=analyst.pk).update(is_active=False)
    assert not _works(key)


def test_other_saves_of_the_user_leave_tokens_alone(analyst):
    key = token_for(analyst)
    analyst.first_name = "Renamed"
    analyst.save()
    analyst.last_login = timezone.now()
    analyst.save(update_fields=["last_login"])
    assert _works(key)
    assert not AuditEvent.objects.filter(action=AuditAction.DELETE).exists()


# --- Schema ---------------------------------------------------------------------------------------


def test_the_schema_documents_the_auth_endpoints(analyst, tmp_path):
    target = tmp_path / "schema.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(target))
    schema = json.loads(target.read_text())
    paths = schema["paths"]
    obtain = paths["/api/auth/token/"]["post"]
    assert {"200", "400", "403", "429"} <= set(obtain["responses"])
    body = obtain["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    assert set(schema["components"]["schemas"][body]["properties"]) == {
        "username",
        "password",
        "otp",
    }
    issued = obtain["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert set(schema["components"]["schemas"][issued.split("/")[-1]]["properties"]) == {
        "token",
        "expiry",
    }
    for path in ("/api/auth/logout/", "/api/auth/logout-all/"):
        assert "204" in paths[path]["post"]["responses"]
    assert "get" in paths["/api/auth/tokens/"]
    assert "204" in paths["/api/auth/tokens/{public_id}/"]["delete"]["responses"]
    assert schema["components"]["securitySchemes"]["tokenAuth"]["name"] == "Authorization"
