"""Access control over the whole URL conf: signed out, signed in without a role, and signed in
with a role but no need to know. Deny by default; a record the user may not see is "not found"
exactly like one that does not exist, so its existence is not disclosed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from tests.security.conftest import MARKERS
from tests.security.routes import (
    EXEMPT,
    MISSING_PK,
    NOT_FOR,
    ROUTES,
    Route,
    checked_names,
    url_names,
)

NAMES = sorted(checked_names())
OBJECT_NAMES = [n for n in NAMES if n in ROUTES and ROUTES[n].args]
HIDDEN_CASES = [
    (name, who)
    for name in NAMES
    if name in ROUTES and ROUTES[name].args
    for who in ROUTES[name].hidden_from
]
LIST_CASES = [
    (name, who)
    for name in NAMES
    if name in ROUTES and ROUTES[name].method == "GET" and not ROUTES[name].args
    for who in NOT_FOR
]
GET_NAMES = [n for n in NAMES if n in ROUTES and ROUTES[n].method == "GET" and ROUTES[n].viewer]


def is_api(name: str) -> bool:
    return name.startswith("api:")


def url_for(name: str, world: Any, *, missing: bool = False) -> str:
    spec = ROUTES[name]
    kwargs = spec.args(world) if spec.args else {}
    if missing:
        kwargs = {k: (MISSING_PK if isinstance(v, int) else v) for k, v in kwargs.items()}
    return reverse(name, kwargs=kwargs)


def call(client: Client, name: str, world: Any, *, missing: bool = False, method: str = ""):
    spec: Route = ROUTES[name]
    url = url_for(name, world, missing=missing)
    method = method or spec.method
    if is_api(name) and method != "GET":
        return client.generic(method, url, json.dumps({}), content_type="application/json")
    if method == "POST":
        return client.post(url, {})
    return client.get(url, spec.params(world))


def body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def assert_no_markers(response, markers: list[str] | None = None) -> None:
    markers = list(MARKERS.values()) if markers is None else markers
    text = body(response)
    leaked = [m for m in markers if m in text]
    assert not leaked, f"{response.request['PATH_INFO']} disclosed {leaked}"


def rows(response) -> list | None:
    """The rows of a JSON list response, or None when the body is not a list."""
    try:
        data = response.json()
    except ValueError:
        return None
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        return data["results"]
    return None


def signed_in(world: Any, who: str, **client_kwargs: Any) -> Client:
    client = Client(**client_kwargs)
    client.force_login(world.users[who])
    return client


# --- the route list is complete -------------------------------------------------------------


def test_every_route_is_listed():
    """A new route fails here until it has an entry in tests/security/routes.py (or an exemption
    with a reason), so nothing ships without the checks below."""
    unlisted = set(checked_names()) - set(ROUTES)
    assert not unlisted, f"routes without access checks: {sorted(unlisted)}"
    stale = set(ROUTES) - url_names()
    assert not stale, f"listed routes that no longer exist: {sorted(stale)}"
    assert set(EXEMPT) <= url_names()


# --- signed out ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_anonymous_is_sent_to_login_or_refused(name, world, client):
    response = call(client, name, world)
    if is_api(name):
        assert response.status_code in (401, 403), response.status_code
    else:
        assert response.status_code == 302, response.status_code
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL) + "?next=")
    assert_no_markers(response)


def test_admin_needs_staff(world):
    """The Django admin: signed out, or signed in without staff status, means its login page."""
    admin_login = reverse("admin:login")
    assert Client().get(reverse("admin:index"))["Location"].startswith(admin_login)
    for who in ("outsider", "supervisor"):
        response = signed_in(world, who).get(reverse("admin:index"))
        assert response.status_code == 302
        assert response["Location"].startswith(admin_login)


# --- signed in without a role -------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_user_without_role_sees_nothing(name, world):
    response = call(signed_in(world, "outsider"), name, world)
    listed = rows(response) if response.status_code == 200 and is_api(name) else None
    if name == "home":
        # The home page tells them they have no role; test_home_without_role checks the text.
        assert response.status_code == 200
    elif listed is not None:
        assert listed == [], f"{name} listed {len(listed)} rows to a user without a role"
    else:
        assert response.status_code in (403, 404), response.status_code
    assert_no_markers(response)


def test_home_without_role(world):
    response = signed_in(world, "outsider").get(reverse("home"))
    assert "cannot see any records" in body(response)


# --- signed in with a role but no need to know --------------------------------------------------


@pytest.mark.parametrize(("name", "who"), HIDDEN_CASES)
def test_record_without_need_to_know_is_not_found(name, who, world):
    """The same answer as for a record that does not exist (so existence is not disclosed), and
    that answer is a refusal."""
    client = signed_in(world, who)
    real = call(client, name, world)
    missing = call(client, name, world, missing=True)
    assert (real.status_code, who) == (missing.status_code, who)
    assert real.status_code in (403, 404)
    assert_no_markers(real, [MARKERS[ROUTES[name].marker]] if ROUTES[name].marker else [])


@pytest.mark.parametrize(
    "name", [n for n in OBJECT_NAMES if ROUTES[n].hidden_from and ROUTES[n].method == "GET"]
)
def test_stranger_with_the_permission_gets_404(name, world):
    """Roles that read this kind of record but not this one: 404, never 403."""
    for who in ROUTES[name].hidden_from:
        user = world.users[who]
        response = call(signed_in(world, who), name, world)
        if response.status_code == 403:
            # Allowed only when the role cannot read records of this kind at all.
            assert call(signed_in(world, who), name, world, missing=True).status_code == 403, (
                f"{who} ({user.officer.role}) got 403 for {name}"
            )
        else:
            assert response.status_code == 404, (who, response.status_code)


@pytest.mark.parametrize(("name", "who"), LIST_CASES)
def test_lists_and_searches_hold_only_what_the_user_may_see(name, who, world):
    response = call(signed_in(world, who), name, world)
    if response.status_code == 302:
        response = signed_in(world, who).get(response["Location"])
    assert_no_markers(response, [MARKERS[key] for key in NOT_FOR[who]])


# --- and the routes do work for the people they are for -----------------------------------------


@pytest.mark.parametrize("name", GET_NAMES)
def test_route_works_for_its_users(name, world):
    """So the refusals above are about access, not a broken route."""
    spec = ROUTES[name]
    response = call(signed_in(world, spec.viewer), name, world)
    assert response.status_code == spec.works, (spec.viewer, response.status_code)
    # Every page, JSON and CSV included, carries the strict policy (kentsoc.web.middleware).
    assert "script-src 'self';" in response["Content-Security-Policy"]
    if spec.marker and spec.works == 200:
        assert MARKERS[spec.marker] in body(response)
