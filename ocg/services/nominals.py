"""People: recording a nominal and changing their particulars."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, TypedDict, Unpack

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record, lock_versioned, versioned_save
from kentsoc.dates import today
from kentsoc.org.scoping import force_id_of
from ocg.choices import CustodyStatus
from ocg.models import Nominal
from ocg.selectors import nominals_visible
from ocg.services.common import PERM_ADD_NOMINAL, PERM_CHANGE_NOMINAL, clean_text, require_perm


def nominal_possible_duplicates(
    *,
    user: Any,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date | None,
    exclude: int | None = None,
) -> list[Nominal]:
    """People `user` may see who are likely the same person: same full name, or same surname and
    date of birth."""
    same_name = Q(first_name__iexact=first_name.strip(), last_name__iexact=last_name.strip())
    if date_of_birth is not None:
        # Same name with a different known birth date is a namesake, not a duplicate.
        same_name &= Q(date_of_birth=date_of_birth) | Q(date_of_birth__isnull=True)
        query = same_name | Q(last_name__iexact=last_name.strip(), date_of_birth=date_of_birth)
    else:
        query = same_name
    qs = nominals_visible(user).filter(query).order_by("reference")
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return list(qs[:10])


def _clean_nominal_fields(values: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    cleaned = dict(values)
    for name in ("first_name", "last_name", "aliases"):
        if name in cleaned:
            cleaned[name] = clean_text(cleaned[name])
    if "first_name" in cleaned and not cleaned["first_name"]:
        errors.setdefault("first_name", []).append("Enter the first name.")
    if "last_name" in cleaned and not cleaned["last_name"]:
        errors.setdefault("last_name", []).append("Enter the last name.")
    for name, limit in (("first_name", 80), ("last_name", 80), ("aliases", 300)):
        if len(cleaned.get(name) or "") > limit:
            errors.setdefault(name, []).append(f"At most {limit} characters.")
    dob = cleaned.get("date_of_birth")
    if dob is not None and dob > today():
        errors.setdefault("date_of_birth", []).append("The date of birth cannot be in the future.")
    elif dob is not None and dob.year < 1900:
        errors.setdefault("date_of_birth", []).append("Check the year of birth.")
    if "custody_status" in cleaned:
        if not cleaned["custody_status"]:
            cleaned["custody_status"] = CustodyStatus.AT_LIBERTY
        elif cleaned["custody_status"] not in CustodyStatus.values:
            errors.setdefault("custody_status", []).append(
                f"Custody status must be one of {', '.join(CustodyStatus.values)}."
            )
    return cleaned


@dataclass
class NominalCreated:
    nominal: Nominal
    possible_duplicates: list[Nominal] = field(default_factory=list)


@transaction.atomic
def nominal_create(
    *,
    actor: AbstractBaseUser,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date | None = None,
    aliases: str = "",
    custody_status: str = CustodyStatus.AT_LIBERTY,
) -> NominalCreated:
    """Record a person. Likely duplicates (same name and date of birth) do not block the record,
    since namesakes exist, but are returned so the page can warn and link to them."""
    require_perm(actor, PERM_ADD_NOMINAL, "record nominals", "researchers, coordinators and CLGT")
    errors: dict[str, list[str]] = {}
    fields = _clean_nominal_fields(
        {
            "first_name": first_name,
            "last_name": last_name,
            "date_of_birth": date_of_birth,
            "aliases": aliases,
            "custody_status": custody_status,
        },
        errors,
    )
    if errors:
        raise ValidationError(errors)
    duplicates = nominal_possible_duplicates(
        user=actor,
        first_name=fields["first_name"],
        last_name=fields["last_name"],
        date_of_birth=fields["date_of_birth"],
    )
    nominal = Nominal.objects.create(**fields, force_id=force_id_of(actor), created_by=actor)
    nominal.reference = f"NOM-{nominal.pk:06d}"
    nominal.save(update_fields=["reference"])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=nominal,
        changes={
            **fields,
            "reference": nominal.reference,
            "possible_duplicates": [d.reference for d in duplicates],
        },
    )
    return NominalCreated(nominal=nominal, possible_duplicates=duplicates)


class NominalChanges(TypedDict, total=False):
    first_name: str
    last_name: str
    aliases: str
    date_of_birth: datetime.date | None
    custody_status: str


NOMINAL_FIELDS = tuple(NominalChanges.__annotations__)


@transaction.atomic
def nominal_update(
    *,
    actor: AbstractBaseUser,
    nominal: Nominal,
    version: int | None = None,
    **changes: Unpack[NominalChanges],
) -> Nominal:
    """Change a person's particulars. `version` is the one the editor loaded: if someone saved in
    between, this save is refused and theirs is kept."""
    require_perm(
        actor, PERM_CHANGE_NOMINAL, "change nominals", "researchers, coordinators and CLGT"
    )
    unknown = set(changes) - set(NOMINAL_FIELDS)
    if unknown:
        raise TypeError(f"nominal_update() got unknown fields: {', '.join(sorted(unknown))}")
    if not Nominal.objects.visible_to(actor).filter(pk=nominal.pk).exists():
        raise PermissionDenied("You may not see this nominal.")
    nominal = lock_versioned(Nominal, nominal.pk, version=version)
    errors: dict[str, list[str]] = {}
    fields = _clean_nominal_fields(dict(changes), errors)
    if errors:
        raise ValidationError(errors)
    versioned_save(actor=actor, obj=nominal, values=fields)
    return nominal
