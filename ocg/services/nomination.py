"""Nominating an OCG (its people, criminality and division) and editing its particulars."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any, TypedDict, Unpack

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from kentsoc import broker
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record, versioned_save
from kentsoc.dates import today
from kentsoc.org.models import Division
from kentsoc.trh.choices import RankedSubject
from ocg.choices import CLOSED_OCG_STATUSES, Criminality, MembershipRole, OcgStatus
from ocg.models import OCG, CriminalityType, Membership, Nominal, OcgStatusChange
from ocg.services.common import (
    PERM_ADD,
    PERM_CHANGE,
    clean_text,
    lock_ocg,
    require_perm,
    require_visible_ocg,
)

MIN_MEMBERS = 2


class MemberChoice(TypedDict):
    """A person picked as a member: their nominal id (None when what was sent is not an id)."""

    nominal: int | None
    role: str


def _clean_criminality(codes: Sequence[str], errors: dict[str, list[str]]) -> list[CriminalityType]:
    codes = [c for c in codes if c]
    if not codes:
        errors.setdefault("criminality", []).append("Choose at least one type of criminality.")
        return []
    unknown = [str(c) for c in codes if c not in Criminality.values]
    if unknown:
        errors.setdefault("criminality", []).append(
            f"Unknown criminality {', '.join(unknown)}: "
            f"choose from {', '.join(Criminality.values)}."
        )
        return []
    types = list(CriminalityType.objects.filter(code__in=codes))
    if len(types) != len(set(codes)):
        errors.setdefault("criminality", []).append("A criminality type is missing from the list.")
    return types


def _clean_division(pk: int | None, errors: dict[str, list[str]]) -> Division | None:
    if pk is None:
        errors.setdefault("division", []).append("Choose the division.")
        return None
    division = Division.objects.filter(pk=pk).first()
    if division is None:
        errors.setdefault("division", []).append(f"No division has id {pk!r}.")
        return None
    if division.is_central:
        errors.setdefault("division", []).append(
            f"{division.name} is the Central CLGT matrix, not a division that holds OCGs: "
            "choose North, East or West."
        )
        return None
    return division


def _clean_members(
    actor: AbstractBaseUser, members: Sequence[MemberChoice], errors: dict[str, list[str]]
) -> list[tuple[Nominal, str]]:
    cleaned: list[tuple[Nominal, str]] = []
    seen: set[int] = set()
    ids = [m["nominal"] for m in members if m["nominal"] is not None]
    visible = {n.pk: n for n in Nominal.objects.visible_to(actor).filter(pk__in=ids)}
    for member in members:
        pk, role = member["nominal"], member["role"]
        if pk is None:
            errors.setdefault("members", []).append("Pick each member from the people found.")
        elif pk not in visible:
            errors.setdefault("members", []).append(f"No nominal you may see has id {pk}.")
        elif role not in MembershipRole.values:
            errors.setdefault("members", []).append(
                f"Choose a role for {visible[pk].full_name}: "
                f"one of {', '.join(MembershipRole.values)}."
            )
        elif pk in seen:
            errors.setdefault("members", []).append(
                f"{visible[pk].full_name} is listed more than once."
            )
        else:
            seen.add(pk)
            cleaned.append((visible[pk], role))
    if len(seen) < MIN_MEMBERS and "members" not in errors:
        errors.setdefault("members", []).append(
            f"An OCG is two or more individuals: add at least {MIN_MEMBERS} different people "
            f"({len(seen)} given)."
        )
    return cleaned


@transaction.atomic
def ocg_nominate(
    *,
    actor: AbstractBaseUser,
    name: str,
    criminality: Sequence[str],
    division: int | None,
    summary: str = "",
    members: Sequence[MemberChoice],
    nominated_on: datetime.date | None = None,
) -> OCG:
    """Nominate a group: two or more people, at least one criminality, in a division."""
    require_perm(actor, PERM_ADD, "nominate OCGs", "OCG coordinators and supervisors")
    errors: dict[str, list[str]] = {}
    name = clean_text(name)
    if not name:
        errors.setdefault("name", []).append("Enter the name the group is known by.")
    elif len(name) > 120:
        errors.setdefault("name", []).append("The name can be at most 120 characters.")
    types = _clean_criminality(criminality, errors)
    division_obj = _clean_division(division, errors)
    cleaned_members = _clean_members(actor, members, errors)
    nominated_on = nominated_on or today()
    if nominated_on > today():
        errors.setdefault("nominated_on", []).append("The nomination date cannot be in the future.")
    if errors:
        raise ValidationError(errors)

    ocg = OCG.objects.create(
        name=name,
        summary=clean_text(summary),
        division=division_obj,
        nominated_on=nominated_on,
        status=OcgStatus.NOMINATED,
        created_by=actor,
    )
    ocg.reference = f"OCG-{ocg.pk:04d}"
    ocg.save(update_fields=["reference"])
    ocg.criminality.set(types)
    Membership.objects.bulk_create(
        Membership(ocg=ocg, nominal=nominal, role=role, from_date=nominated_on)
        for nominal, role in cleaned_members
    )
    OcgStatusChange.objects.create(
        ocg=ocg,
        from_status="",
        to_status=OcgStatus.NOMINATED,
        effective_on=nominated_on,
        reason="Nominated",
        changed_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=ocg,
        changes={
            "reference": ocg.reference,
            "name": name,
            "criminality": sorted(t.code for t in types),
            "division": division_obj.pk,
            "summary": ocg.summary,
            "members": [{"nominal": n.pk, "role": r} for n, r in cleaned_members],
            "status": OcgStatus.NOMINATED,
        },
    )
    return ocg


class OcgChanges(TypedDict, total=False):
    name: str
    summary: str
    division: int | None
    criminality: Sequence[str]


OCG_FIELDS = tuple(OcgChanges.__annotations__)


@transaction.atomic
def ocg_update(
    *, actor: AbstractBaseUser, ocg: OCG, version: int | None = None, **changes: Unpack[OcgChanges]
) -> OCG:
    """Change name, summary, division or criminality. `version` is the one the editor loaded:
    if someone saved in between, this save is refused and theirs is kept."""
    require_perm(actor, PERM_CHANGE, "change OCGs", "OCG coordinators, researchers and supervisors")
    unknown = set(changes) - set(OCG_FIELDS)
    if unknown:
        raise TypeError(f"ocg_update() got unknown fields: {', '.join(sorted(unknown))}")
    require_visible_ocg(actor, ocg)
    ocg = lock_ocg(ocg, version)
    if ocg.status in CLOSED_OCG_STATUSES:
        raise ValidationError(
            {NON_FIELD_ERRORS: f"This OCG is {ocg.get_status_display().lower()}: it is closed."}
        )
    errors: dict[str, list[str]] = {}
    new: dict[str, Any] = {}
    if "name" in changes:
        new["name"] = clean_text(changes["name"])
        if not new["name"]:
            errors.setdefault("name", []).append("Enter the name the group is known by.")
        elif len(new["name"]) > 120:
            errors.setdefault("name", []).append("The name can be at most 120 characters.")
    if "summary" in changes:
        new["summary"] = clean_text(changes["summary"])
    if "division" in changes:
        new["division"] = _clean_division(changes["division"], errors)
    types = None
    if "criminality" in changes:
        types = _clean_criminality(changes["criminality"], errors)
    if errors:
        raise ValidationError(errors)

    m2m: dict[str, list[list[str]]] = {}
    old_codes = sorted(ocg.criminality.values_list("code", flat=True))
    if types is not None and sorted(t.code for t in types) != old_codes:
        m2m["criminality"] = [old_codes, sorted(t.code for t in types)]
    diff = versioned_save(actor=actor, obj=ocg, values=new, changes=m2m)
    if not diff:
        return ocg
    if types is not None:
        ocg.criminality.set(types)
    # Criminality feeds `multiple_criminality`; the division decides where the OCG ranks.
    if "criminality" in diff or "division" in diff:
        broker.mark_stale(OCG, [ocg.pk], subject_type=RankedSubject.OCG)
    return ocg
