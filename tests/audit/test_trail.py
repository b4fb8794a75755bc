"""The audit trail itself: sign-ins through the real login view, admin changes, and PostgreSQL
refusing to change or remove a row."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import DatabaseError, connection, transaction

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.models import AuditEvent
from kentsoc.audit.services import audit_record
from kentsoc.org.models import Team
from tests.otp import sign_in

pytestmark = pytest.mark.django_db


def _sign_in(client, username, password, **extra):
    return client.post("/login/", {"username": username, "password": password}, **extra)


def test_login_through_the_form_is_audited_with_where_from(client, coordinator):
    # Password, then the authenticator app's code (the second factor is on outside the demo).
    response = sign_in(client, coordinator, REMOTE_ADDR="192.0.2.7", HTTP_X_REQUEST_ID="abc-123")

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(coordinator.pk)
    event = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert event.actor == coordinator
    assert event.actor_username == "coordinator"
    assert (event.object_type, event.object_id) == ("auth.user", str(coordinator.pk))
    assert event.ip_address == "192.0.2.7"
    assert event.request_id == "abc-123"
    assert event.path == "/login/code/"
    assert event.changes == {"second_factor": "TOTP device"}
    assert response["X-Request-ID"] == "abc-123"


def test_failed_login_is_audited_without_the_password(client, coordinator):
    response = _sign_in(client, "coordinator", "not-the-password-42", REMOTE_ADDR="192.0.2.8")

    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    event = AuditEvent.objects.get()
    assert event.action == AuditAction.LOGIN_FAILED
    assert event.actor is None
    assert event.actor_username == "coordinator"
    assert event.ip_address == "192.0.2.8"
    assert "not-the-password-42" not in str(event.changes) + event.reason + event.object_repr


def test_logout_is_audited(client, coordinator):
    client.force_login(coordinator)
    response = client.post("/logout/")

    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT, actor=coordinator).count() == 1


def test_an_admin_change_is_audited(client, force, administrator):
    # An administrator officer: staff by role, not a superuser (superuser status grants nothing).
    admin_user = administrator
    team = force["teams"]["soc"]
    client.force_login(admin_user)

    response = client.post(
        f"/admin/org/team/{team.pk}/change/",
        {"code": team.code, "name": "Serious Organised Crime Unit", "kind": team.kind},
    )

    assert response.status_code == 302, response.content[:500]
    assert Team.objects.get(pk=team.pk).name == "Serious Organised Crime Unit"
    event = AuditEvent.objects.get(action=AuditAction.UPDATE)
    assert event.actor == admin_user
    assert (event.object_type, event.object_id) == ("org.team", str(team.pk))
    assert "Name" in str(event.changes["admin"])


@pytest.fixture
def event(coordinator):
    return audit_record(actor=coordinator, action=AuditAction.VIEW, object_type="ocg.ocg")


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'create' WHERE id = %s",
        "UPDATE audit_auditevent SET actor_username = 'someone-else' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_postgresql_refuses_to_change_or_remove_an_event(event, sql):
    # The app's login has no UPDATE or DELETE on the trail; the trigger refuses even the owner
    # (test_database_roles.py).
    with (
        pytest.raises(DatabaseError, match="permission denied for table audit_auditevent"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])

    event.refresh_from_db()
    assert (event.action, event.actor_username) == (AuditAction.VIEW, "coordinator")


def test_the_orm_cannot_change_or_remove_events_either(event):
    refused = "permission denied for table audit_auditevent"
    with pytest.raises(DatabaseError, match=refused), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="tidied up")
    with pytest.raises(DatabaseError, match=refused), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()

    assert AuditEvent.objects.filter(pk=event.pk, reason="").exists()


def test_unknown_actions_are_refused(coordinator):
    with pytest.raises(ValueError, match="Unknown audit action"):
        audit_record(actor=coordinator, action="tamper")
    assert not AuditEvent.objects.exists()
