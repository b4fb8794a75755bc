"""Changes to who may do what: an administrator setting an officer's role, team or password, the
officer choosing their own password, and the deployment's first administrator. Each is audited.

They live above the identity kernel (kentsoc.org, which decides what a role may see) and the
audit trail (kentsoc.audit, which records them): the kernel stays the lowest layer."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record, diff_fields
from kentsoc.org.choices import Rank, Role, TeamKind
from kentsoc.org.models import Force, Officer, Team
from kentsoc.org.permissions import forget_permissions
from kentsoc.org.scoping import access_for, forget_access
from kentsoc.org.services import officer_sync_group

ADMINISTRATION_TEAM_CODE = "ADMIN"
DEFAULT_FORCE_CODE = "FORCE"


def _administration_team(force: Force | None) -> Team:
    """The force's administrators' team (kind Administration), made on first use: an
    administrator's officer profile needs a team, and a policing unit would be the wrong one
    (teams decide what case roles see). Administrators are per force: the team's force is the
    one whose officers and reference data they manage."""
    if force is None:
        forces = list(Force.objects.order_by("pk")[:2])
        if len(forces) > 1:
            raise ValidationError({"force": "Name the force the administrator works for."})
        # A new deployment's first administrator comes before any force is set up.
        force = (
            forces[0]
            if forces
            else Force.objects.create(code=DEFAULT_FORCE_CODE, name=settings.KENTSOC_FORCE_NAME)
        )
    team = Team.objects.filter(kind=TeamKind.ADMINISTRATION, force=force).order_by("pk").first()
    if team is None:
        taken = Team.objects.filter(code=ADMINISTRATION_TEAM_CODE).exists()
        team = Team.objects.create(
            code=f"{ADMINISTRATION_TEAM_CODE}-{force.code}" if taken else ADMINISTRATION_TEAM_CODE,
            name="Administration",
            kind=TeamKind.ADMINISTRATION,
            division=None,
            force=force,
        )
    return team


@transaction.atomic
def officer_set_role(*, actor: Any, officer: Officer, role: str, team: Team) -> Officer:
    """Give an officer a role and a team, keeping their permission group in step."""
    if not actor.has_perm("org.change_officer"):
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
    # Administrators are per force: their own force's officers, and its teams.
    access = access_for(actor)
    if access is None or team.force_id != access.force_id:
        raise ValidationError({"team": "Choose one of your force's teams."})
    officer = (
        Officer._base_manager.select_for_update()
        .select_related("user")
        .filter(pk=officer.pk, team__force_id=access.force_id)
        .first()
    )
    if officer is None:
        raise PermissionDenied("That officer is not one of your force's.")
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


@transaction.atomic
def officer_password_set_by_administrator(*, actor: Any, user: Any) -> bool:
    """An administrator set another user's password: that officer must choose their own at
    their next sign-in. Returns whether the officer was flagged (a user with no officer profile
    has no role to use it with, and one's own password is one's own)."""
    if actor.pk == user.pk:
        return False
    officer = Officer.objects.select_for_update().filter(user_id=user.pk).first()
    if officer is None:
        return False
    if not officer.must_change_password:
        officer.must_change_password = True
        officer.save(update_fields=["must_change_password"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=officer,
            changes={"must_change_password": [False, True]},
            reason="An administrator set this officer's password.",
        )
    forget_access(user)
    forget_permissions(user)
    return True


@transaction.atomic
def password_change_own(*, user: Any, password: str) -> Any:
    """The user chose a new password themselves (the form checked the current one and the
    password validators): saved, audited without the password, and the flag that held them at
    the password page, if any, cleared."""
    user.set_password(password)
    user.save(update_fields=["password"])
    # Their own profile, read unfiltered: until they choose a password they have no role, so the
    # force-filtered reference data (kentsoc.org.scoping) would not show it to them.
    officer = Officer._base_manager.select_for_update().filter(user_id=user.pk).first()
    changes: dict[str, Any] = {"password": "changed"}
    if officer is not None and officer.must_change_password:
        officer.must_change_password = False
        officer.save(update_fields=["must_change_password"])
        changes["must_change_password"] = [True, False]
    audit_record(actor=user, action=AuditAction.UPDATE, obj=user, changes=changes)
    forget_access(user)
    forget_permissions(user)
    return user


@transaction.atomic
def administrator_create(
    *,
    username: str,
    password: str,
    team: Team | None = None,
    force: Force | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    collar_number: str = "",
    rank: str = Rank.STAFF,
    created_by: str,
) -> Officer:
    """A new user with the Administrator role: staff status for /admin/, never superuser.

    For deployment (`manage.py create_administrator`), when no administrator exists yet to add
    one in /admin/. The password is the deployer's own choice, so it need not be changed at the
    first sign-in. `created_by` names who or what made the account, for the audit trail.
    Without a team, the officer joins the Administration team of `force` (needed when the
    deployment has more than one force).
    """
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(
            {"username": f'A user named "{username}" already exists; nothing was changed.'}
        )
    if rank not in Rank.values:
        raise ValidationError({"rank": f"Choose one of the ranks: {', '.join(Rank.values)}."})
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_superuser=False,
    )
    validate_password(password, user)
    user.set_password(password)
    user.save()
    team = team or _administration_team(force)
    collar_number = collar_number or f"ADM-{user.pk}"
    if Officer.objects.filter(collar_number=collar_number).exists():
        raise ValidationError(
            {"collar_number": f"Collar number {collar_number} belongs to another officer."}
        )
    officer = Officer.objects.create(
        user=user,
        collar_number=collar_number,
        rank=rank,
        role=Role.ADMINISTRATOR,
        team=team,
        division=team.division,
    )
    officer_sync_group(officer=officer)
    audit_record(
        actor=None,
        actor_username=created_by,
        action=AuditAction.CREATE,
        obj=officer,
        changes={
            "username": username,
            "role": Role.ADMINISTRATOR,
            "team": team.code,
            "is_staff": True,
            "is_superuser": False,
        },
    )
    return officer
