"""Recording a gang or street group and editing its details."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record, versioned_save
from kentsoc.gangs.choices import GangKind, GangStatus
from kentsoc.gangs.models import Gang, gangs_q
from kentsoc.gangs.search import gang_reference
from kentsoc.gangs.services.base import PERM_ADD, PERM_CHANGE, clean_text, lock_gang, require
from kentsoc.org.models import Division
from kentsoc.org.scoping import access_for

UNSET: Any = object()


def clean_division(actor: Any, pk: int | None) -> Division:
    """A territorial division the actor works: a divisional officer records gangs of their own
    division only (they could not see one of another); the Central CLGT and supervisors any."""
    division = Division.objects.filter(pk=pk, is_central=False).first() if pk else None
    if division is None:
        raise ValidationError({"division": "Choose the division where the gang operates."})
    access = access_for(actor)
    visible = gangs_q(access) if access is not None else None
    if visible is None or (visible and access.division_id != division.pk):
        raise ValidationError({"division": "You may record gangs of your own division only."})
    return division


def _clean_choice(value: str, choices: type, field: str, what: str) -> str:
    if value not in choices.values:
        raise ValidationError({field: f"Choose {what}: {', '.join(choices.labels)}."})
    return value


def _clean_all(checks: Mapping[str, Callable[[], Any]]) -> dict[str, Any]:
    """Run every field's check, so one refusal names every field that is wrong."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for field, clean in checks.items():
        try:
            cleaned[field] = clean()
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _checks(actor: Any, **given: Any) -> dict[str, Callable[[], Any]]:
    makers: dict[str, Callable[[Any], Any]] = {
        "name": lambda v: clean_text(v, "name", "Enter the gang's name."),
        "kind": lambda v: _clean_choice(v, GangKind, "kind", "gang or street group"),
        "area": lambda v: clean_text(v, "area", "Enter the area where it operates."),
        "division": lambda v: clean_division(actor, v),
        "status": lambda v: _clean_choice(v, GangStatus, "status", "a status"),
        "description": lambda v: (v or "").strip(),
        "review_date": lambda v: v,
    }
    return {
        field: (lambda f=field, v=value: makers[f](v))
        for field, value in given.items()
        if value is not UNSET
    }


@transaction.atomic
def gang_create(
    *,
    actor: Any,
    name: str,
    area: str,
    division: int | None,
    kind: str = GangKind.GANG,
    status: str = GangStatus.ACTIVE,
    description: str = "",
    review_date: datetime.date | None = None,
) -> Gang:
    require(actor, PERM_ADD, "record a gang")
    cleaned = _clean_all(
        _checks(
            actor,
            name=name,
            kind=kind,
            area=area,
            division=division,
            status=status,
            description=description,
            review_date=review_date,
        )
    )
    gang = Gang.objects.create(**cleaned, created_by=actor)
    # The reference comes from the primary key, so two records at once cannot collide.
    gang.reference = gang_reference(gang.pk)
    gang.save(update_fields=["reference"])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=gang,
        changes=cleaned,
    )
    return gang


@transaction.atomic
def gang_update(
    *,
    actor: Any,
    gang: Gang,
    version: int | None,
    name: str = UNSET,
    kind: str = UNSET,
    area: str = UNSET,
    division: int | None = UNSET,
    status: str = UNSET,
    description: str = UNSET,
    review_date: datetime.date | None = UNSET,
) -> Gang:
    """Edit a gang's details. `version` is the one the editor loaded: a stale edit is refused
    rather than silently overwriting a colleague's change."""
    require(actor, PERM_CHANGE, "change a gang")
    current = lock_gang(actor, gang, version=version, required=True)
    values = _clean_all(
        _checks(
            actor,
            name=name,
            kind=kind,
            area=area,
            division=division,
            status=status,
            description=description,
            review_date=review_date,
        )
    )
    versioned_save(actor=actor, obj=current, values=values)
    return current
