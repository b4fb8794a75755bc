"""Changes to the organisation: who plays which role in which team."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record, diff_fields
from kentsoc.org.choices import Role
from kentsoc.org.models import Officer, Team
from kentsoc.org.roles import ROLE_PERMISSIONS, group_name
from kentsoc.org.scoping import forget_access


def officer_sync_group(*, officer: Officer) -> None:
    """Put the officer's user in exactly the group of their role (other groups are kept)."""
    role_groups = Group.objects.filter(name__in=[group_name(r) for r in ROLE_PERMISSIONS])
    officer.user.groups.remove(*role_groups.exclude(name=group_name(officer.role)))
    group, _ = Group.objects.get_or_create(name=group_name(officer.role))
    officer.user.groups.add(group)
    forget_access(officer.user)


@transaction.atomic
def officer_set_role(*, actor: Any, officer: Officer, role: str, team: Team) -> Officer:
    """Give an officer a role and a team, keeping their permission group in step."""
    if not (actor.is_superuser or actor.has_perm("org.change_officer")):
        raise PermissionDenied("Only an administrator may change an officer's role or team.")
    if actor.pk == officer.user_id:
        # Nobody grants themselves more access: another administrator must do it.
        raise PermissionDenied(
            "You cannot change your own role or team; ask another administrator."
        )
    if role not in Role.values:
        raise ValidationError({"role": f"Choose one of the roles: {', '.join(Role.labels)}."})
    if team is None or team.pk is None:
        raise ValidationError({"team": "Choose the officer's team."})

    officer = Officer.objects.select_for_update().select_related("user").get(pk=officer.pk)
    new_values: dict[str, Any] = {"role": role, "team_id": team.pk}
    if team.division_id is not None:
        # A divisional team decides the division the officer represents.
        new_values["division_id"] = team.division_id
    changes = diff_fields(officer, new_values)
    if not changes:
        return officer
    for field, value in new_values.items():
        setattr(officer, field, value)
    officer.save(update_fields=[f.removesuffix("_id") for f in new_values])
    officer_sync_group(officer=officer)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=officer, changes=changes)
    return officer
