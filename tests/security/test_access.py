"""Access control over the whole URL conf: signed out, signed in without a role, and signed in
with a role but no need to know. Deny by default; a record the user may not see is "not found"
exactly like one that does not exist, so its existence is not disclosed.

Each test walks every route of tests/security/routes.py and lists all the routes that fail."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from tests.security.conftest import MARKERS
from tests.security.helpers import (
    assert_no_markers,
    body,
    call,
    each,
    is_api,
    rows,
    sign_in,
    signed_in,
)
from tests.security.routes import EXEMPT, NOT_FOR, ROUTES, checked_names, url_names

NAMES = sorted(n for n in checked_names() if n in ROUTES)
HIDDEN_CASES = [(n, who) for n in NAMES if ROUTES[n].args for who in ROUTES[n].hidden_from]
# Lists, searches, dashboards, and pages of records everyone with the role may read.
LIST_NAMES = [n for n in NAMES if ROUTES[n].method == "GET" and not ROUTES[n].hidden_from]
GET_NAMES = [n for n in NAMES if ROUTES[n].method == "GET" and ROUTES[n].viewer]


def test_every_route_is_listed():
    """A new route fails here until it has an entry in tests/security/routes.py (or an exemption
    with a reason), so nothing ships without the checks below."""
    unlisted = set(checked_names()) - set(ROUTES)
    assert not unlisted, f"routes without access checks: {sorted(unlisted)}"
    stale = set(ROUTES) - url_names()
    assert not stale, f"listed routes that no longer exist: {sorted(stale)}"
    assert set(EXEMPT) <= url_names()


# --- signed out ---------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login_or_refused(world):
    login = resolve_url(settings.LOGIN_URL) + "?next="

    def check(name):
        response = call(Client(), name, world)
        if is_api(name):
            assert response.status_code in (401, 403), response.status_code
        else:
            assert response.status_code == 302, response.status_code
            assert response["Location"].startswith(login), response["Location"]
        assert_no_markers(response)

    each(NAMES, check)


def test_admin_needs_staff(world):
    """The Django admin: signed out, or signed in without staff status, means its login page."""
    admin_login = reverse("admin:login")
    assert Client().get(reverse("admin:index"))["Location"].startswith(admin_login)
    for who in ("outsider", "supervisor"):
        response = signed_in(world, who).get(reverse("admin:index"))
        assert response.status_code == 302
        assert response["Location"].startswith(admin_login)


# --- signed in without a role -------------------------------------------------------------------


def test_user_without_role_sees_nothing(world):
    client = signed_in(world, "outsider")

    def check(name):
        response = call(client, name, world)
        listed = rows(response) if response.status_code == 200 and is_api(name) else None
        if name == "home":
            # The home page only tells them they have no role.
            assert response.status_code == 200
            assert "cannot see any records" in body(response)
        elif listed is not None:
            assert listed == [], f"listed {len(listed)} rows"
        else:
            assert response.status_code in (403, 404), response.status_code
        assert_no_markers(response)

    each(NAMES, check)


# --- signed in with a role but no need to know --------------------------------------------------


def test_record_without_need_to_know_is_not_found(world):
    """The same answer as for a record that does not exist (so existence is not disclosed), and
    that answer is a refusal: 404, or 403 when the role may never use the route at all."""

    def check(case):
        name, who = case
        client = signed_in(world, who)
        real = call(client, name, world)
        missing = call(client, name, world, missing=True)
        assert real.status_code == missing.status_code, (real.status_code, missing.status_code)
        assert real.status_code in (403, 404), real.status_code
        if ROUTES[name].marker:
            assert_no_markers(real, [MARKERS[ROUTES[name].marker]])

    sign_in(world, (who for _, who in HIDDEN_CASES))
    each(HIDDEN_CASES, check)


def test_lists_and_searches_hold_only_what_the_user_may_see(world):
    """Every page and endpoint not about one restricted record (lists, searches, dashboards, home
    panels, exports) shows a user without need to know none of the world's records."""

    def check(case):
        name, who = case
        client = signed_in(world, who)
        response = call(client, name, world)
        if response.status_code == 302:
            response = client.get(response["Location"])
        assert_no_markers(response, [MARKERS[key] for key in NOT_FOR[who]])

    sign_in(world, NOT_FOR)
    each([(n, who) for n in LIST_NAMES for who in NOT_FOR], check)


# --- and the routes do work for the people they are for -----------------------------------------


def test_routes_work_for_their_users(world):
    """So the refusals above are about access, not a broken route; every answer carries the
    strict CSP (kentsoc.web.middleware), JSON and CSV included."""

    def check(name):
        spec = ROUTES[name]
        response = call(signed_in(world, spec.viewer), name, world)
        assert response.status_code == spec.works, (spec.viewer, response.status_code)
        assert "script-src 'self';" in response["Content-Security-Policy"]
        if spec.marker and spec.works == 200:
            assert MARKERS[spec.marker] in body(response), f"{spec.marker} not shown"

    sign_in(world, {ROUTES[name].viewer for name in GET_NAMES})
    each(GET_NAMES, check)


def test_handling_conditions_only_for_the_owning_team_and_supervisors(world):
    """A code-C record's conditions: never on any page, export or endpoint for users who may read
    the record but are not in its owning team (DOMAIN.md), though they see the record itself."""
    conditions = MARKERS["conditions"]
    for who in ("supervisor", "clgt_officer"):
        shown = call(signed_in(world, who), "intel:detail", world)
        assert conditions in body(shown), who
    assert MARKERS["record"] in body(call(signed_in(world, "analyst"), "intel:detail", world))

    def check(case):
        name, who = case
        client = signed_in(world, who)
        response = call(client, name, world)
        if response.status_code == 200 and name.endswith("list") and not is_api(name):
            response = client.get(response.request["PATH_INFO"], {"format": "csv"})
        assert_no_markers(response, [conditions])

    readers = ("analyst", "lro")
    sign_in(world, readers)
    each([(n, who) for n in NAMES if ROUTES[n].method == "GET" for who in readers], check)
