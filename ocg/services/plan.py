"""The 4P plan (Pursue, Prevent, Protect, Prepare) of an adopted OCG."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record, diff_fields
from kentsoc.org.choices import Role
from kentsoc.org.scoping import access_for
from ocg.choices import OcgStatus, PlanActionStatus, PlanStrand
from ocg.models import OCG, PlanAction
from ocg.services.common import (
    as_date,
    as_id,
    check_version,
    clean_text,
    require_visible_ocg,
)


def can_manage_plan(actor: Any, ocg: OCG) -> bool:
    """The OCG's LRO, or a coordinator or supervisor."""
    access = access_for(actor)
    if access is None:
        return False
    if access.has_role(Role.COORDINATOR, Role.SUPERVISOR):
        return True
    return ocg.lead_responsible_officer_id == actor.pk and actor.has_perm("ocg.manage_plan_ocg")


def _clean_plan_fields(values: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    cleaned = dict(values)
    if "strand" in cleaned and cleaned["strand"] not in PlanStrand.values:
        errors.setdefault("strand", []).append("Choose Pursue, Prevent, Protect or Prepare.")
    if "description" in cleaned:
        cleaned["description"] = clean_text(cleaned["description"])
        if not cleaned["description"]:
            errors.setdefault("description", []).append("Describe the action.")
    if "owner" in cleaned:
        owner_id = as_id(cleaned["owner"])
        owner = (
            get_user_model()
            .objects.filter(pk=owner_id, is_active=True, officer__isnull=False)
            .first()
            if owner_id is not None
            else None
        )
        if owner is None:
            errors.setdefault("owner", []).append("Choose the officer who owns the action.")
        cleaned["owner"] = owner
    if "due_on" in cleaned:
        try:
            cleaned["due_on"] = as_date(cleaned["due_on"], "due_on")
        except ValidationError as exc:
            errors.setdefault("due_on", []).extend(exc.message_dict["due_on"])
        else:
            if cleaned["due_on"] is None:
                errors.setdefault("due_on", []).append("Enter the date the action is due.")
    if "status" in cleaned:
        if not cleaned["status"]:
            cleaned["status"] = PlanActionStatus.OPEN
        elif cleaned["status"] not in PlanActionStatus.values:
            errors.setdefault("status", []).append("Choose open, in progress or done.")
    return cleaned


def _require_plan(actor: Any, ocg: OCG) -> None:
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
    actor: Any,
    ocg: OCG,
    strand: str,
    description: str,
    owner: Any,
    due_on: Any,
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


PLAN_FIELDS = ("strand", "description", "owner", "due_on", "status")


@transaction.atomic
def plan_action_update(
    *, actor: Any, action: PlanAction, version: Any = None, **changes: Any
) -> PlanAction:
    unknown = set(changes) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"plan_action_update() got unknown fields: {', '.join(sorted(unknown))}")
    _require_plan(actor, action.ocg)
    action = PlanAction.objects.select_for_update().get(pk=action.pk)
    check_version(action, version, "action")
    errors: dict[str, list[str]] = {}
    fields = _clean_plan_fields(changes, errors)
    if errors:
        raise ValidationError(errors)
    diff = diff_fields(action, fields)
    if not diff:
        return action
    for name, value in fields.items():
        setattr(action, name, value)
    action.version += 1
    action.save(update_fields=[*fields, "version", "updated_at"])
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=action, changes={"ocg": action.ocg_id, **diff}
    )
    return action
