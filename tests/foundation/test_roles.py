"""Roles from DOMAIN.md are Django groups holding exactly the permissions the table lists."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError

from kentsoc.accounts.officers import officer_set_role
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.models import AuditEvent
from kentsoc.org.choices import Role
from kentsoc.org.models import Officer
from kentsoc.org.roles import ROLE_PERMISSIONS, group_name, sync_roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _group_perms(role):
    group = Group.objects.get(name=group_name(role))
    return {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


def test_every_role_has_a_group_after_migrate():
    names = set(Group.objects.values_list("name", flat=True))

    assert {group_name(role) for role in Role} <= names
    assert group_name(Role.COORDINATOR) == "OCG coordinator"


@pytest.mark.parametrize("role", list(Role))
def test_each_group_holds_exactly_its_listed_permissions(role):
    assert _group_perms(role) == set(ROLE_PERMISSIONS[role])
    assert ROLE_PERMISSIONS[role], f"{role} has no permissions at all"


def test_every_listed_permission_exists():
    assert sync_roles() == []


def test_sync_removes_a_permission_somebody_added_by_hand():
    group = Group.objects.get(name=group_name(Role.AUDITOR))
    group.permissions.add(Permission.objects.get(codename="change_ocg"))

    sync_roles()

    assert _group_perms(Role.AUDITOR) == {"audit.view_auditevent", "audit.export_auditevent"}


def test_nobody_may_change_or_delete_the_audit_trail():
    for role in Role:
        perms = _group_perms(role)
        assert not {"audit.add_auditevent", "audit.change_auditevent"} & perms, role
        assert "audit.delete_auditevent" not in perms, role


def test_auditors_change_nothing_and_administrators_read_no_audit():
    auditor = _group_perms(Role.AUDITOR)
    assert not [p for p in auditor if p.split(".")[1].startswith(("add_", "change_", "delete_"))]
    # The administrator manages people and teams; reading the trail is the auditors' job.
    assert not [p for p in _group_perms(Role.ADMINISTRATOR) if p.startswith("audit.")]


def test_a_users_permissions_come_from_their_role(coordinator, auditor, outsider):
    assert coordinator.has_perm("ocg.add_ocg")
    assert not coordinator.has_perm("audit.view_auditevent")
    assert auditor.has_perm("audit.export_auditevent")
    assert not auditor.has_perm("ocg.view_ocg")
    assert not outsider.has_perm("ocg.view_ocg")


@pytest.fixture
def administrator(force):
    from tests.factories import OfficerFactory

    return OfficerFactory(
        user=UserFactory(username="admin.officer"),
        role=Role.ADMINISTRATOR,
        team=force["teams"]["soc"],
    ).user


def test_changing_a_role_moves_the_group_and_is_audited(administrator, analyst, force):
    officer = Officer.objects.get(user=analyst)

    officer_set_role(
        actor=administrator, officer=officer, role=Role.AUDITOR, team=force["teams"]["soc"]
    )

    analyst.refresh_from_db()
    assert list(analyst.groups.values_list("name", flat=True)) == [group_name(Role.AUDITOR)]
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="org.officer")
    assert event.actor == administrator
    assert event.changes["role"] == [Role.ANALYST, Role.AUDITOR]


def test_only_an_administrator_changes_roles_and_never_their_own(administrator, analyst, force):
    with pytest.raises(PermissionDenied):
        officer_set_role(
            actor=analyst,
            officer=Officer.objects.get(user=analyst),
            role=Role.SUPERVISOR,
            team=force["teams"]["soc"],
        )
    with pytest.raises(PermissionDenied, match="own role"):
        officer_set_role(
            actor=administrator,
            officer=Officer.objects.get(user=administrator),
            role=Role.SUPERVISOR,
            team=force["teams"]["soc"],
        )
    with pytest.raises(ValidationError):
        officer_set_role(
            actor=administrator,
            officer=Officer.objects.get(user=analyst),
            role="chief_constable",
            team=force["teams"]["soc"],
        )
    assert Officer.objects.get(user=analyst).role == Role.ANALYST
    assert not AuditEvent.objects.filter(object_type="org.officer").exists()
