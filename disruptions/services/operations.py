"""Operations: named, dated pieces of work that disruptions are tagged to."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TypedDict

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from disruptions.models import Operation
from disruptions.services.base import raise_errors
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record, lock_versioned, versioned_save
from kentsoc.org.models import Team
from kentsoc.org.scoping import force_id_of


class OperationValues(TypedDict, total=False):
    """An operation's own fields; on a change, those left out keep what is stored."""

    name: str
    start_date: datetime.date
    end_date: datetime.date
    description: str


def _clean_operation(
    data: dict[str, object],
    errors: dict[str, str],
    *,
    force_id: int,
    exclude_pk: int | None = None,
) -> None:
    data["name"] = str(data.get("name") or "").strip()
    if not data["name"]:
        errors["name"] = "Enter the operation's name."
    # Unique within the force: another force's operations are none of this one's business, not
    # even their names.
    elif (
        Operation.objects.filter(force_id=force_id, name__iexact=data["name"])
        .exclude(pk=exclude_pk)
        .exists()
    ):
        errors["name"] = "An operation with this name already exists."
    start, end = data.get("start_date"), data.get("end_date")
    if not isinstance(start, datetime.date):
        errors["start_date"] = "Enter the start date."
    if not isinstance(end, datetime.date):
        errors["end_date"] = "Enter the end date."
    if isinstance(start, datetime.date) and isinstance(end, datetime.date) and end < start:
        errors["end_date"] = "The end date must be on or after the start date."
    data["description"] = str(data.get("description") or "").strip()


@transaction.atomic
def operation_create(
    *,
    actor: AbstractBaseUser,
    name: str,
    start_date: datetime.date,
    end_date: datetime.date,
    teams: Sequence[Team] = (),
    description: str = "",
) -> Operation:
    if not actor.has_perm("disruptions.add_operation"):
        raise PermissionDenied("Creating operations needs a supervisor or coordinator role.")
    data: dict[str, object] = {
        "name": name,
        "start_date": start_date,
        "end_date": end_date,
        "description": description,
    }
    errors: dict[str, str] = {}
    _clean_operation(data, errors, force_id=force_id_of(actor))
    raise_errors(errors)
    operation = Operation.objects.create(created_by=actor, force_id=force_id_of(actor), **data)
    operation.teams.set(teams)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=operation,
        changes={**data, "teams": [t.pk for t in teams]},
    )
    return operation


@transaction.atomic
def operation_update(
    *,
    actor: AbstractBaseUser,
    operation: Operation,
    version: int,
    values: OperationValues,
    teams: Sequence[Team] | None = None,
) -> Operation:
    if not actor.has_perm("disruptions.change_operation"):
        raise PermissionDenied("Changing operations needs a supervisor or coordinator role.")
    locked = lock_versioned(Operation, operation.pk, version=version, required=True)
    allowed = set(OperationValues.__annotations__)
    unknown = set(values) - allowed
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be set here."))
    data: dict[str, object] = {f: getattr(locked, f) for f in allowed}
    data.update(values)
    errors: dict[str, str] = {}
    _clean_operation(data, errors, force_id=locked.force_id, exclude_pk=locked.pk)
    outside = locked.disruptions.exclude(
        date__gte=data.get("start_date") or datetime.date.min,
        date__lte=data.get("end_date") or datetime.date.max,
    )
    if not errors and outside.exists():
        errors["start_date"] = "Some tagged disruptions fall outside these dates; untag them first."
    raise_errors(errors)
    changes = {}
    if teams is not None:
        before = sorted(locked.teams.values_list("pk", flat=True))
        after = sorted(t.pk for t in teams)
        if before != after:
            changes["teams"] = [before, after]
    versioned_save(actor=actor, obj=locked, values=data, changes=changes)
    if "teams" in changes:
        locked.teams.set(teams)
    return locked
