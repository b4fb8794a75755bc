"""Separation of duties (issue 13): `is_superuser` grants nothing, and the Administrator role
manages users, teams, roles and reference data but sees no police data, in pages, API, exports
or /admin/. Nobody can read or mint another officer's token in /admin/.

Three accounts are walked over every route of tests/security/routes.py: an Administrator
officer, a superuser with no officer profile, and a superuser who is an LRO of another division
(who must see exactly what that LRO sees, which here is nothing of the world's records)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from countylines.models import SafeguardingReferral
from kentsoc.accounts.admin import ADMIN_MODELS
from kentsoc.accounts.officers import officer_set_role
from kentsoc.audit.models import AuditEvent
from kentsoc.intel.models import IntelligenceRecord
from kentsoc.org.choices import Rank, Role
from kentsoc.org.roles import group_name
from kentsoc.org.scoping import access_for
from ocg.models import OCG
from tests.conftest import _officer
from tests.factories import UserFactory
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
from tests.security.routes import NOT_FOR, ROUTES, checked_names

NAMES = sorted(n for n in checked_names() if n in ROUTES)
# Reference data (force structure, teams, officers): any user with a role reads it whole.
REFERENCE = {
    "api:division-list",
    "api:division-detail",
    "api:district-list",
    "api:district-detail",
    "api:team-list",
    "api:team-detail",
    "api:officer-list",
    "api:officer-detail",
}
NO_POLICE_DATA = ("administrator", "root")


@pytest.fixture
def sep(world, force, administrator):
    """The security world plus the administrator and two superusers."""
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    root_lro = _officer(force, Role.LRO, "east_local", "root_lro", Rank.DS)
    root_lro.is_superuser = root_lro.is_staff = True
    root_lro.save()
    world.users.update(administrator=administrator, root=root, root_lro=root_lro)
    return world


def _follow_once(client: Client, response):
    # Pages that redirect (a list to its first page, the home page) show their target.
    if response.status_code == 302 and not response["Location"].startswith("/login"):
        return client.get(response["Location"])
    return response


def _role_permissions(role: str) -> set[str]:
    return {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=group_name(role)).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


# --- is_superuser grants nothing -----------------------------------------------------------------


def test_a_superuser_holds_no_permission_and_no_access(sep):
    root = sep.users["root"]
    assert root.is_superuser and root.is_active
    assert not root.has_perm("intel.view_intelligencerecord")
    assert not root.has_perm("auth.change_user")
    assert not root.has_module_perms("countylines")
    assert root.get_all_permissions() == set()
    assert access_for(root) is None


def test_a_superuser_officer_holds_exactly_their_role(sep):
    root_lro = sep.users["root_lro"]
    assert root_lro.get_all_permissions() == _role_permissions(Role.LRO)
    assert not root_lro.has_perm("disruptions.approve_disruption")
    assert not root_lro.has_perm("audit.view_auditevent")
    access = access_for(root_lro)
    assert access.role == Role.LRO and not access.force_wide
    assert not access.has_role(Role.SUPERVISOR, Role.ANALYST, Role.AUDITOR)


def test_permissions_given_to_one_account_grant_nothing(sep):
    """Only a role grants a permission: one added to a user directly is ignored."""
    from django.contrib.auth.models import Permission

    clio = sep.users["clio"]
    clio.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    clio = type(clio).objects.get(pk=clio.pk)
    assert not clio.has_perm("audit.view_auditevent")


# --- no police data for the administrator or a superuser, anywhere -----------------------------


def test_administrator_and_superuser_see_no_police_data_on_any_route(sep):
    """Every page, list, search, dashboard, report, export and API endpoint: no record's marker,
    API lists empty (reference data apart), record routes and writes refused."""

    def check(case):
        name, who = case
        client = signed_in(sep, who)
        response = _follow_once(client, call(client, name, sep))
        assert_no_markers(response)
        if name in REFERENCE:
            return
        spec = ROUTES[name]
        if spec.method != "GET" or spec.args:
            assert response.status_code in (403, 404), response.status_code
        elif is_api(name) and response.status_code == 200:
            assert rows(response) in ([], None), f"listed {len(rows(response))} rows"
        # Their home and their own role's guide: pages about the application, no records.
        elif name not in ("home", "guide"):
            assert response.status_code in (403, 404), response.status_code
        if response.status_code == 200 and not is_api(name):
            export = client.get(response.request["PATH_INFO"], {"format": "csv"})
            assert_no_markers(export)

    sign_in(sep, NO_POLICE_DATA)
    each([(n, who) for n in NAMES for who in NO_POLICE_DATA], check)


def test_a_superuser_officer_sees_what_their_role_gives_and_no_more(sep):
    """root_lro is an LRO of the East local team, like `lro_east`: the world's records are none
    of theirs, superuser or not."""

    def check(name):
        client = signed_in(sep, "root_lro")
        response = _follow_once(client, call(client, name, sep))
        assert_no_markers(response, [MARKERS[key] for key in NOT_FOR["lro_east"]])
        if "lro_east" in ROUTES[name].hidden_from:
            assert response.status_code in (403, 404), response.status_code

    sign_in(sep, ["root_lro"])
    each(NAMES, check)


def _intelligence_body(world) -> dict:
    return {
        "rms_reference": "ATH/26/0099",
        "information_date": (datetime.date.today() - datetime.timedelta(days=1)).isoformat(),
        "summary": "Fictional: a runner seen at a Medway address.",
        "source_evaluation": "2",
        "intelligence_assessment": "B",
        "handling_code": "P",
        "handling_conditions": "",
        "ocgs": [],
        "county_lines": [world.pk("line")],
        "nominals": [],
        "factor_claims": [{"factor": "line_activity", "level": 2}],
    }


def _writes(world) -> list[tuple[str, str, dict]]:
    return [
        ("post", "/api/intelligence/", _intelligence_body(world)),
        (
            "post",
            f"/api/ocgs/{world.pk('ocg')}/close/",
            {
                "status": "archived",
                "date": datetime.date.today().isoformat(),
                "reason": "Fictional: no longer active",
            },
        ),
        (
            "patch",
            f"/api/safeguarding-referrals/{world.pk('referral')}/",
            {"outcome": "Strategy meeting held", "outcome_on": datetime.date.today().isoformat()},
        ),
    ]


def _state(world) -> tuple:
    return (
        IntelligenceRecord.objects.count(),
        OCG.objects.get(pk=world.pk("ocg")).status,
        SafeguardingReferral.objects.get(pk=world.pk("referral")).outcome,
    )


@pytest.mark.parametrize("who", ["administrator", "root", "root_lro"])
def test_case_data_writes_are_refused(sep, who):
    client = signed_in(sep, who)
    before = _state(sep)
    for method, url, data in _writes(sep):
        response = getattr(client, method)(url, json.dumps(data), content_type="application/json")
        assert response.status_code in (403, 404), (url, response.status_code)
        assert response["Content-Type"].startswith("application/json")
    assert _state(sep) == before


def test_the_same_writes_work_for_the_roles_they_belong_to(sep):
    """So the refusals above are about who asks, not about the requests."""
    (_, intel_url, intel), (_, close_url, close), (_, referral_url, referral) = _writes(sep)
    analyst, supervisor, clio = (signed_in(sep, w) for w in ("analyst", "supervisor", "clio"))
    created = analyst.post(intel_url, json.dumps(intel), content_type="application/json")
    assert created.status_code == 201, created.content[:300]
    closed = supervisor.post(close_url, json.dumps(close), content_type="application/json")
    assert closed.status_code == 200, closed.content[:300]
    outcome = clio.patch(referral_url, json.dumps(referral), content_type="application/json")
    assert outcome.status_code == 200, outcome.content[:300]


def test_the_administrators_home_and_navigation_hold_no_police_data(sep):
    response = signed_in(sep, "administrator").get("/")
    html = body(response)
    assert response.status_code == 200
    assert 'data-testid="admin-panel"' in html
    nav = [item.label for item in response.context["nav_items"]]
    assert nav == ["Administration"]
    assert_no_markers(response)


# --- /admin/ -----------------------------------------------------------------------------------


def test_admin_site_holds_only_organisation_models():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered == ADMIN_MODELS


@pytest.mark.parametrize(
    "url",
    [
        "/admin/audit/auditevent/",
        "/admin/intel/intelligencerecord/",
        "/admin/countylines/personatrisk/",
        "/admin/ocg/nominal/",
        "/admin/authtoken/tokenproxy/",
        "/admin/authtoken/token/",
        "/admin/knox/authtoken/",
        "/admin/accounts/apitoken/",
        "/admin/accounts/apitoken/add/",
        "/admin/otp_totp/totpdevice/",
    ],
)
def test_police_data_and_tokens_are_not_in_the_admin(sep, url):
    assert signed_in(sep, "administrator").get(url).status_code == 404


def test_the_administrator_manages_the_organisation_in_the_admin(sep):
    client = signed_in(sep, "administrator")
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    for name in (
        "admin:auth_user_changelist",
        "admin:auth_group_changelist",
        "admin:org_officer_changelist",
        "admin:org_team_changelist",
        "admin:org_division_changelist",
        "admin:org_district_changelist",
        "admin:org_force_changelist",
    ):
        page = client.get(reverse(name))
        assert page.status_code == 200, name
        assert_no_markers(page)
    assert_no_markers(index)
    # Roles are read only: their permissions are the table in kentsoc/org/roles.py.
    group = Group.objects.get(name=group_name(Role.SUPERVISOR))
    assert client.get(reverse("admin:auth_group_add")).status_code == 403
    edit = client.post(reverse("admin:auth_group_change", args=[group.pk]), {"name": "Renamed"})
    assert edit.status_code == 403
    assert Group.objects.filter(name=group_name(Role.SUPERVISOR)).exists()


def test_a_superuser_without_a_role_administers_nothing(sep):
    client = signed_in(sep, "root")
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert "have permission to view or edit anything" in body(index)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client.get(reverse("admin:org_officer_changelist")).status_code == 403


def test_nobody_is_made_superuser_or_given_powers_in_the_admin(sep):
    client = signed_in(sep, "administrator")
    for target in (sep.users["clio"], sep.users["administrator"]):
        url = reverse("admin:auth_user_change", args=[target.pk])
        form = body(client.get(url))
        assert 'name="is_superuser"' not in form
        assert 'name="user_permissions"' not in form
        assert 'name="is_staff"' not in form and 'name="groups"' not in form
        response = client.post(
            url,
            {
                "username": target.username,
                "first_name": target.first_name,
                "last_name": target.last_name,
                "email": "changed@kent-shire.example",
                "is_active": "on",
                "is_superuser": "on",
                "is_staff": "on",
                "groups": [Group.objects.get(name=group_name(Role.SUPERVISOR)).pk],
                "date_joined_0": "2024-01-01",
                "date_joined_1": "09:00:00",
            },
        )
        assert response.status_code == 302, body(response)[:2000]
        target.refresh_from_db()
        assert target.email == "changed@kent-shire.example"
        assert not target.is_superuser
        assert list(target.groups.values_list("name", flat=True)) == [
            group_name(target.officer.role)
        ]
    assert not sep.users["clio"].is_staff


def test_staff_status_follows_the_administrator_role(sep):
    actor = sep.users["administrator"]
    officer = sep.users["analyst"].officer
    officer_set_role(actor=actor, officer=officer, role=Role.ADMINISTRATOR, team=officer.team)
    officer.user.refresh_from_db()
    assert officer.user.is_staff
    officer_set_role(actor=actor, officer=officer, role=Role.ANALYST, team=officer.team)
    officer.user.refresh_from_db()
    assert not officer.user.is_staff


def test_a_superuser_cannot_change_roles_by_service(sep):
    from django.core.exceptions import PermissionDenied

    officer = sep.users["analyst"].officer
    with pytest.raises(PermissionDenied):
        officer_set_role(
            actor=sep.users["root"], officer=officer, role=Role.SUPERVISOR, team=officer.team
        )
    officer.refresh_from_db()
    assert officer.role == Role.ANALYST
    assert not AuditEvent.objects.filter(object_type="org.officer", actor=sep.users["root"])
