"""The 4P plan (Pursue, Prevent, Protect, Prepare) of an adopted OCG."""

from __future__ import annotations

import datetime
from typing import Any, TypedDict, Unpack

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record, lock_versioned, versioned_save
from kentsoc.org.choices import Role
from kentsoc.org.scoping import access_for, in_serving_force
from ocg.choices import OcgStatus, PlanActionStatus, PlanStrand
from ocg.models import OCG, PlanAction
from ocg.services.common import clean_text, require_visible_ocg


def can_manage_plan(actor: AbstractBaseUser, ocg: OCG) -> bool:
    """The OCG's LRO, or a coordinator or supervisor."""
    access = access_for(actor)
    if access is None:
        return False
    if access.has_role(Role.COORDINATOR, Role.SUPERVISOR):
        return True
    return ocg.lead_responsible_officer_id == actor.pk and actor.has_perm("ocg.manage_plan_ocg")


# The officers who act on an adopted OCG: its LRO, the OCGMU's coordinators and supervisors,
# and the CLGT officers who work its lines. Analysts and auditors read, CLIOs safeguard and
# administrators work no cases: none of them owns an action.
PLAN_OWNER_ROLES = (Role.LRO, Role.COORDINATOR, Role.SUPERVISOR, Role.CLGT_OFFICER)


def plan_owner_candidates() -> QuerySet[AbstractBaseUser]:
    """The officers who may own a 4P action: what the plan form offers and all that the plan
    services accept."""
    return (
        get_user_model()
        .objects.filter(is_active=True, officer__role__in=PLAN_OWNER_ROLES)
        # During a request, the officer's own force's.
        .filter(in_serving_force("officer__team__force"))
        .select_related("officer", "officer__team")
        .order_by("officer__role", "last_name", "first_name")
    )


def _clean_plan_fields(values: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    cleaned = dict(values)
    if "strand" in cleaned and cleaned["strand"] not in PlanStrand.values:
        errors.setdefault("strand", []).append("Choose Pursue, Prevent, Protect or Prepare.")
    if "description" in cleaned:
        cleaned["description"] = clean_text(cleaned["description"])
        if not cleaned["description"]:
            errors.setdefault("description", []).append("Describe the action.")
    if "owner" in cleaned:
        owner_id = cleaned["owner"]
        owner = plan_owner_candidates().filter(pk=owner_id).first() if owner_id else None
        if owner is None:
            errors.setdefault("owner", []).append(
                "Choose the officer who owns the action: an LRO, coordinator, supervisor or "
                "CLGT officer."
            )
        cleaned["owner"] = owner
    if "due_on" in cleaned and cleaned["due_on"] is None:
        errors.setdefault("due_on", []).append("Enter the date the action is due.")
    if "status" in cleaned:
        if not cleaned["status"]:
            cleaned["status"] = PlanActionStatus.OPEN
        elif cleaned["status"] not in PlanActionStatus.values:
            errors.setdefault("status", []).append("Choose open, in progress or done.")
    return cleaned


def _require_plan(actor: AbstractBaseUser, ocg: OCG) -> None:
    require_visible_ocg(actor, ocg)
    if not can_manage_plan(actor, ocg):
        raise PermissionDenied(
            "Only the OCG's Lead Responsible Officer, a coordinator or a supervisor may keep its "
            "4P plan."
        )
    if ocg.status != OcgStatus.ADOPTED:
        raise ValidationError(
            {NON_FIELD_ERRORS: "Only an adopted OCG has a 4P plan: adopt it first."}
        )


@transaction.atomic
def plan_action_add(
    *,
    actor: AbstractBaseUser,
    ocg: OCG,
    strand: str,
    description: str,
    owner: int | None,
    due_on: datetime.date | None,
    status: str = PlanActionStatus.OPEN,
) -> PlanAction:
    _require_plan(actor, ocg)
    errors: dict[str, list[str]] = {}
    fields = _clean_plan_fields(
        {
            "strand": strand,
            "description": description,
            "owner": owner,
            "due_on": due_on,
            "status": status,
        },
        errors,
    )
    if errors:
        raise ValidationError(errors)
    action = PlanAction.objects.create(ocg=ocg, created_by=actor, **fields)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=action,
        changes={"ocg": ocg.pk, **fields},
    )
    return action


class PlanActionChanges(TypedDict, total=False):
    strand: str
    description: str
    owner: int | None
    due_on: datetime.date | None
    status: str


PLAN_FIELDS = tuple(PlanActionChanges.__annotations__)


@transaction.atomic
def plan_action_update(
    *,
    actor: AbstractBaseUser,
    action: PlanAction,
    version: int | None = None,
    **changes: Unpack[PlanActionChanges],
) -> PlanAction:
    unknown = set(changes) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"plan_action_update() got unknown fields: {', '.join(sorted(unknown))}")
    _require_plan(actor, action.ocg)
    action = lock_versioned(PlanAction, action.pk, version=version)
    errors: dict[str, list[str]] = {}
    fields = _clean_plan_fields(dict(changes), errors)
    if errors:
        raise ValidationError(errors)
    versioned_save(actor=actor, obj=action, values=fields, context={"ocg": action.ocg_id})
    return action
