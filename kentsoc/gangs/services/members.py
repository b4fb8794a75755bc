"""The people in a gang, each with a role and the dates they were in it."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from kentsoc.audit.services import versioned_save
from kentsoc.gangs.choices import GangRole
from kentsoc.gangs.models import Gang, GangMembership
from kentsoc.gangs.services.base import PERM_CHANGE, lock_gang, require
from ocg.models import Nominal


@transaction.atomic
def gang_add_member(
    *,
    actor: Any,
    gang: Gang,
    nominal: int | None,
    role: str,
    from_date: datetime.date | None = None,
    to_date: datetime.date | None = None,
) -> GangMembership:
    require(actor, PERM_CHANGE, "add members to a gang")
    errors: dict[str, str] = {}
    person = (
        Nominal.objects.visible_to(actor).filter(pk=nominal).first()
        if nominal is not None
        else None
    )
    if person is None:
        errors["nominal"] = (
            "Choose the person (nominal)."
            if nominal is None
            else f"Nominal {nominal} does not exist."
        )
    if role not in GangRole.values:
        errors["role"] = f"Choose a role: {', '.join(GangRole.labels)}."
    if from_date and to_date and to_date < from_date:
        errors["to_date"] = "The end date cannot be before the start date."
    if errors:
        raise ValidationError(errors)
    current = lock_gang(actor, gang)
    if GangMembership.objects.filter(gang=current, nominal=person).exists():
        raise ValidationError({"nominal": f"{person.full_name} is already a member of this gang."})
    membership = GangMembership.objects.create(
        gang=current, nominal=person, role=role, from_date=from_date, to_date=to_date
    )
    versioned_save(
        actor=actor,
        obj=current,
        values={},
        changes={"member_added": [None, [person.pk, role, from_date, to_date]]},
    )
    return membership


@transaction.atomic
def gang_remove_member(
    *, actor: Any, gang: Gang, membership_id: int | None, reason: str = ""
) -> None:
    require(actor, PERM_CHANGE, "remove members from a gang")
    current = lock_gang(actor, gang)
    membership = GangMembership.objects.filter(gang=current, pk=membership_id).first()
    if membership is None:
        raise ValidationError({"member": "That person is not a member of this gang."})
    changes = {"member_removed": [[membership.nominal_id, membership.role], None]}
    membership.delete()
    versioned_save(actor=actor, obj=current, values={}, changes=changes, reason=reason)
