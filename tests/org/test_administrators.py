"""The deployment's first administrator (`manage.py create_administrator`), the demo's `admin`,
and passwords an administrator sets, which the officer must replace at their next sign-in."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from countylines.models import CountyLine
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.models import AuditEvent
from kentsoc.demo import org as demo
from kentsoc.org.choices import Role, TeamKind
from kentsoc.org.models import Officer, Team
from kentsoc.org.roles import group_name
from kentsoc.org.scoping import access_for
from tests.factories import TEST_PASSWORD, UserFactory, make_line
from tests.otp import sign_in, token_for

pytestmark = pytest.mark.django_db

STRONG = "Kestrel-harbour-lantern-42"
NEW = "Medway-orchard-compass-77"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _create(*args, **options):
    out = io.StringIO()
    call_command("create_administrator", *args, stdout=out, **options)
    return out.getvalue()


# --- manage.py create_administrator --------------------------------------------------------------


def test_create_administrator_makes_a_staff_officer_who_is_not_a_superuser(tmp_path):
    secret = tmp_path / "admin_password"
    secret.write_text(STRONG + "\n")  # as `echo` writes it: the newline is not the password

    output = _create("firstadmin", password_file=secret, first_name="Ada", last_name="Minister")

    user = get_user_model().objects.get(username="firstadmin")
    assert user.is_staff and not user.is_superuser and user.is_active
    assert user.check_password(STRONG)
    officer = Officer.objects.select_related("team").get(user=user)
    assert officer.role == Role.ADMINISTRATOR and not officer.must_change_password
    assert officer.team.kind == TeamKind.ADMINISTRATION and officer.team.name == "Administration"
    assert list(user.groups.values_list("name", flat=True)) == [group_name(Role.ADMINISTRATOR)]
    assert user.has_perm("auth.change_user") and not user.has_perm("ocg.view_ocg")
    assert "firstadmin" in output and "not superuser" in output
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="org.officer")
    assert event.actor is None and event.actor_username == "manage.py create_administrator"
    assert event.changes["is_superuser"] is False
    assert STRONG not in str(event.changes)
    # The new administrator can work in /admin/ at once.
    client = Client()
    client.force_login(user)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200


def test_the_password_can_come_from_the_environment_and_the_team_be_named(monkeypatch, force):
    monkeypatch.setenv("KENTSOC_ADMIN_PASSWORD", STRONG)
    _create("envadmin", team="FIB", collar_number="ADM-7")
    officer = Officer.objects.get(user__username="envadmin")
    assert officer.team.code == "FIB" and officer.collar_number == "ADM-7"
    assert not Team.objects.filter(kind=TeamKind.ADMINISTRATION).exists()


def test_an_existing_username_is_refused_and_nothing_changes(monkeypatch, coordinator):
    monkeypatch.setenv("KENTSOC_ADMIN_PASSWORD", STRONG)
    with pytest.raises(CommandError, match='A user named "coordinator" already exists'):
        _create("coordinator")
    coordinator.refresh_from_db()
    assert coordinator.officer.role == Role.COORDINATOR and not coordinator.is_staff
    assert coordinator.check_password(TEST_PASSWORD)
    assert not AuditEvent.objects.filter(action=AuditAction.CREATE).exists()


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"KENTSOC_ADMIN_PASSWORD": "short"}, "too short"),
        ({"KENTSOC_ADMIN_PASSWORD": "firstadmin12"}, "too similar"),
        # pytest's stdin is not a terminal: no prompt, a clear refusal.
        ({}, "No password"),
    ],
)
def test_a_weak_or_missing_password_is_refused(monkeypatch, environment, message):
    monkeypatch.delenv("KENTSOC_ADMIN_PASSWORD", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(CommandError, match=message):
        _create("firstadmin")
    assert not get_user_model().objects.filter(username="firstadmin").exists()
    assert not Team.objects.filter(kind=TeamKind.ADMINISTRATION).exists()


def test_an_unknown_team_or_unreadable_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("KENTSOC_ADMIN_PASSWORD", STRONG)
    with pytest.raises(CommandError, match='No team has the code "NOPE"'):
        _create("firstadmin", team="NOPE")
    with pytest.raises(CommandError, match="Cannot read the password file"):
        _create("firstadmin", password_file=tmp_path / "missing")
    assert not get_user_model().objects.filter(username="firstadmin").exists()


# --- the demo's administrator ------------------------------------------------------------------


def test_the_demo_admin_is_an_administrator_officer_with_no_police_data(settings):
    settings.DEBUG = True
    demo.seed()
    settings.DEBUG = False
    admin = get_user_model().objects.get(username=demo.ADMIN_USERNAME)
    assert admin.is_staff and not admin.is_superuser
    assert access_for(admin).role == Role.ADMINISTRATOR
    client = Client()
    client.force_login(admin)
    assert client.get(reverse("admin:org_officer_changelist")).status_code == 200
    assert client.get("/api/intelligence/").status_code == 403
    assert client.get("/api/people-at-risk/").json()["results"] == []
    assert client.get("/audit/").status_code == 403


# --- a password an administrator sets must be changed --------------------------------------------


def _admin_sets_password(administrator, user, password: str = STRONG) -> None:
    client = Client()
    client.force_login(administrator)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": password, "password2": password, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def test_officer_must_replace_a_password_an_administrator_set(administrator, clio, force):
    _admin_sets_password(administrator, clio)

    clio.refresh_from_db()
    assert clio.check_password(STRONG)
    assert Officer.objects.get(user=clio).must_change_password
    assert AuditEvent.objects.filter(
        actor=administrator,
        object_type="org.officer",
        changes__must_change_password=[False, True],
    ).exists()

    client = Client()
    client.force_login(clio)
    # Every page sends them to the password page; the API refuses with a JSON 403.
    assert client.get("/")["Location"] == reverse("account-password")
    assert client.get("/county-lines/")["Location"] == reverse("account-password")
    api = client.get("/api/county-lines/")
    assert api.status_code == 403
    assert api.json()["code"] == "password_change_required"
    assert client.get(reverse("healthz")).status_code in (200, 503)
    page = client.get(reverse("account-password"))
    assert page.status_code == 200
    assert 'data-testid="password-required"' in page.content.decode()
    # Whatever door they use (an API token too), they hold no role until they change it.
    fresh = get_user_model().objects.get(pk=clio.pk)
    assert access_for(fresh) is None and not fresh.has_perm("countylines.view_countyline")

    # Keeping the administrator's password is not choosing one's own.
    same = client.post(
        reverse("account-password"),
        {"old_password": STRONG, "new_password1": STRONG, "new_password2": STRONG},
    )
    assert same.status_code == 200
    assert "different from your current one" in same.content.decode()

    changed = client.post(
        reverse("account-password"),
        {"old_password": STRONG, "new_password1": NEW, "new_password2": NEW},
    )
    assert changed.status_code == 302 and changed["Location"] == reverse("home")
    clio.refresh_from_db()
    assert clio.check_password(NEW)
    assert not Officer.objects.get(user=clio).must_change_password
    event = AuditEvent.objects.get(actor=clio, object_type="auth.user", changes__password="changed")
    assert event.changes["must_change_password"] == [True, False]
    assert NEW not in str(event.changes) and STRONG not in str(event.changes)
    # Back to work, still signed in.
    assert client.get("/").status_code == 200
    assert client.get("/api/county-lines/").status_code == 200


def test_an_officer_profile_made_in_the_admin_starts_with_a_password_to_change(
    administrator, force
):
    user = UserFactory(username="newofficer")
    client = Client()
    client.force_login(administrator)
    response = client.post(
        reverse("admin:org_officer_add"),
        {
            "user": user.pk,
            "collar_number": "KS7001",
            "rank": "DC",
            "role": Role.CLIO,
            "team": force["teams"]["clgt_north"].pk,
            "division": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    officer = Officer.objects.get(user=user)
    assert officer.must_change_password
    assert not officer.user.is_staff


def test_own_password_change_needs_the_current_one_and_is_not_flagged(coordinator):
    client = Client()
    client.force_login(coordinator)
    wrong = client.post(
        reverse("account-password"),
        {"old_password": "not-it-at-all-9", "new_password1": NEW, "new_password2": NEW},
    )
    assert wrong.status_code == 200
    coordinator.refresh_from_db()
    assert coordinator.check_password(TEST_PASSWORD)
    done = client.post(
        reverse("account-password"),
        {"old_password": TEST_PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert done.status_code == 302
    coordinator.refresh_from_db()
    assert coordinator.check_password(NEW)
    event = AuditEvent.objects.get(
        actor=coordinator, object_type="auth.user", changes__password="changed"
    )
    assert event.changes == {"password": "changed"}


def test_an_administrator_setting_their_own_password_is_not_flagged(administrator):
    _admin_sets_password(administrator, administrator)
    assert not Officer.objects.get(user=administrator).must_change_password


def test_signing_in_with_an_administrators_password_leads_to_the_password_page(
    administrator, clio, force
):
    """Through the real sign-in (password, then the authenticator code), and by an API token:
    nothing of the officer's role is open until they choose their own password."""
    make_line(districts=[force["districts"]["medway"]], name="ORIOLE")
    assert CountyLine.objects.visible_to(clio).exists()
    _admin_sets_password(administrator, clio)

    client = Client()
    signed_in = sign_in(client, clio, password=STRONG)
    assert signed_in.status_code == 302
    assert client.get(signed_in["Location"])["Location"] == reverse("account-password")

    token = token_for(clio, password=STRONG)
    api = Client(HTTP_AUTHORIZATION=f"Token {token}").get("/api/county-lines/")
    assert api.status_code == 403, api.content[:300]
    assert api.json()["code"] == "password_change_required"
