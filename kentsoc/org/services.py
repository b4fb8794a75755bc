"""Keeping an officer's permission group and staff status in step with their role. Not audited
here: whatever changed the role audits that (kentsoc.accounts.officers)."""

from __future__ import annotations

from django.contrib.auth.models import Group

from kentsoc.org.choices import Role
from kentsoc.org.models import Officer
from kentsoc.org.permissions import forget_permissions
from kentsoc.org.roles import ROLE_PERMISSIONS, group_name
from kentsoc.org.scoping import forget_access


def officer_sync_group(*, officer: Officer) -> None:
    """Put the officer's user in exactly the group of their role (other groups are kept), and
    give them staff status (the admin site) exactly when the role is Administrator."""
    user = officer.user
    role_groups = Group.objects.filter(name__in=[group_name(r) for r in ROLE_PERMISSIONS])
    user.groups.remove(*role_groups.exclude(name=group_name(officer.role)))
    group, _ = Group.objects.get_or_create(name=group_name(officer.role))
    user.groups.add(group)
    is_staff = officer.role == Role.ADMINISTRATOR
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])
    forget_access(user)
    forget_permissions(user)
