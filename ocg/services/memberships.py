"""Who belongs to an OCG, and when they stopped."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record
from kentsoc.dates import today
from ocg.choices import CLOSED_OCG_STATUSES, MembershipRole
from ocg.models import OCG, Membership, Nominal
from ocg.services.common import (
    PERM_CHANGE,
    clean_text,
    lock_ocg,
    require_perm,
    require_visible_ocg,
)
from ocg.services.lifecycle import auto_start_development


@transaction.atomic
def membership_add(
    *,
    actor: AbstractBaseUser,
    ocg: OCG,
    nominal: int | None,
    role: str,
    from_date: datetime.date | None = None,
    to_date: datetime.date | None = None,
) -> Membership:
    require_perm(actor, PERM_CHANGE, "add members", "OCG coordinators, researchers and supervisors")
    require_visible_ocg(actor, ocg)
    ocg = lock_ocg(ocg)
    errors: dict[str, list[str]] = {}
    if ocg.status in CLOSED_OCG_STATUSES:
        raise ValidationError(
            {NON_FIELD_ERRORS: f"This OCG is {ocg.get_status_display().lower()}: it is closed."}
        )
    person = (
        Nominal.objects.visible_to(actor).filter(pk=nominal).first()
        if nominal is not None
        else None
    )
    if person is None:
        errors.setdefault("nominal", []).append("Choose a person you may see.")
    if role not in MembershipRole.values:
        errors.setdefault("role", []).append(
            f"Choose a role: one of {', '.join(MembershipRole.values)}."
        )
    dates = {"from_date": from_date, "to_date": to_date}
    if dates["from_date"] and dates["from_date"] > today():
        errors.setdefault("from_date", []).append("The start date cannot be in the future.")
    if dates["from_date"] and dates["to_date"] and dates["to_date"] < dates["from_date"]:
        errors.setdefault("to_date", []).append("The end date must be on or after the start date.")
    if (
        person is not None
        and dates["to_date"] is None
        and Membership.objects.filter(ocg=ocg, nominal=person, to_date__isnull=True).exists()
    ):
        errors.setdefault("nominal", []).append(
            f"{person.full_name} is already a current member of this OCG."
        )
    if errors:
        raise ValidationError(errors)
    membership = Membership.objects.create(ocg=ocg, nominal=person, role=role, **dates)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=membership,
        changes={"ocg": ocg.pk, "nominal": person.pk, "role": role, **dates},
    )
    auto_start_development(actor, ocg)
    return membership


@transaction.atomic
def membership_end(
    *,
    actor: AbstractBaseUser,
    membership: Membership,
    to_date: datetime.date | None,
    reason: str = "",
) -> Membership:
    require_perm(
        actor, PERM_CHANGE, "end memberships", "OCG coordinators, researchers and supervisors"
    )
    require_visible_ocg(actor, membership.ocg)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.to_date is not None:
        raise ValidationError(
            {"to_date": f"This membership already ended on {membership.to_date}."}
        )
    end = to_date
    if end is None:
        raise ValidationError({"to_date": "Enter the date the membership ended."})
    if end > today():
        raise ValidationError({"to_date": "The end date cannot be in the future."})
    if membership.from_date and end < membership.from_date:
        raise ValidationError(
            {
                "to_date": "The end date must be on or after the start date "
                f"({membership.from_date})."
            }
        )
    membership.to_date = end
    membership.save(update_fields=["to_date"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=membership,
        changes={"ocg": membership.ocg_id, "to_date": [None, end]},
        reason=clean_text(reason),
    )
    return membership
