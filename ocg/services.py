"""Every write to OCGs, their members, nominals and 4P plans.

Each service checks the actor's permission, validates (raising ValidationError keyed by field, so a
page shows the message at the field and the API returns 400), writes in one transaction with its
audit row and, for lifecycle moves, an OcgStatusChange row; and marks scores stale when what the
matrix reads has changed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record, audit_update, diff_fields
from kentsoc.intel.selectors import definition_gap_labels
from kentsoc.matrix.services import subjects_mark_stale
from kentsoc.org.choices import Role, TeamKind
from kentsoc.org.models import Division, Officer, Team
from kentsoc.org.scoping import access_for
from ocg.choices import (
    CLOSED_OCG_STATUSES,
    Criminality,
    CustodyStatus,
    MembershipRole,
    OcgStatus,
    PlanActionStatus,
    PlanStrand,
)
from ocg.models import OCG, CriminalityType, Membership, Nominal, OcgStatusChange, PlanAction

PERM_ADD = "ocg.add_ocg"
PERM_CHANGE = "ocg.change_ocg"
PERM_APPROVE = "ocg.approve_ocg"
PERM_ADD_NOMINAL = "ocg.add_nominal"
PERM_CHANGE_NOMINAL = "ocg.change_nominal"

# Units that may manage an adopted OCG (DOMAIN.md "Management").
MANAGING_TEAM_KINDS = frozenset(
    {
        TeamKind.SOC,
        TeamKind.DIVISION_LOCAL,
        TeamKind.MLT,
        TeamKind.MSHT,
        TeamKind.FI,
        TeamKind.NCA_ERSOU,
    }
)
MIN_MEMBERS = 2
CLOSING_STATUSES = frozenset({OcgStatus.DISMANTLED, OcgStatus.ARCHIVED})
DEVELOPING_STATUSES = frozenset({OcgStatus.NOMINATED, OcgStatus.IN_DEVELOPMENT})
STALE_VERSION_MESSAGE = (
    "Someone else changed this {what} while you were editing it (it is now at version {current}). "
    "Your changes were not saved: reload to see theirs, then make your changes again."
)


# --- helpers ------------------------------------------------------------------------------------


def _require(actor: Any, perm: str, doing: str, who: str) -> None:
    if actor is None or not actor.has_perm(perm):
        raise PermissionDenied(f"Only {who} may {doing} (permission {perm} is missing).")


def _today() -> datetime.date:
    return timezone.localdate()


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _as_id(value: Any) -> int | None:
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _as_date(value: Any, field_name: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({field_name: f"{value!r} is not a date: use YYYY-MM-DD."})


def _lock(ocg: OCG) -> OCG:
    """Re-read the OCG under a row lock: a transition decides on the current state, not on the
    copy a page loaded minutes ago."""
    return OCG.objects.select_for_update(of=("self",)).get(pk=ocg.pk)


def _visible_ocg(actor: Any, ocg: OCG) -> None:
    if not OCG.objects.visible_to(actor).filter(pk=ocg.pk).exists():
        raise PermissionDenied("You may not see this OCG.")


def _check_version(obj: Any, version: Any, what: str) -> None:
    if version is None:
        return
    if str(version) != str(obj.version):
        raise ValidationError(
            {"version": STALE_VERSION_MESSAGE.format(what=what, current=obj.version)}
        )


def _move(
    *,
    actor: Any,
    ocg: OCG,
    to: str,
    reason: str = "",
    effective_on: datetime.date | None = None,
    extra_fields: Iterable[str] = (),
    changes: Mapping[str, Any] | None = None,
) -> None:
    """Save a status change with its history row and audit row."""
    from_status = ocg.status
    ocg.status = to
    ocg.version += 1
    ocg.save(update_fields=["status", "version", "updated_at", *extra_fields])
    OcgStatusChange.objects.create(
        ocg=ocg,
        from_status=from_status,
        to_status=to,
        effective_on=effective_on or _today(),
        reason=reason,
        changed_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=ocg,
        changes={"status": [from_status, to], **(changes or {})},
        reason=reason,
    )


def _mark_ocg_and_lines_stale(ocg: OCG) -> None:
    # The lines linked to an OCG score `ocg_link` from its status.
    subjects_mark_stale(
        ocg_ids=[ocg.pk], county_line_ids=ocg.county_lines.values_list("pk", flat=True)
    )


def _clean_criminality(codes: Any, errors: dict[str, list[str]]) -> list[CriminalityType]:
    if isinstance(codes, str):
        codes = [codes]
    codes = [c for c in (codes or []) if c not in ("", None)]
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


def _clean_division(value: Any, errors: dict[str, list[str]]) -> Division | None:
    pk = _as_id(value)
    if value in (None, ""):
        errors.setdefault("division", []).append("Choose the division.")
        return None
    division = Division.objects.filter(pk=pk).first() if pk is not None else None
    if division is None:
        errors.setdefault("division", []).append(f"No division has id {value!r}.")
        return None
    if division.is_central:
        errors.setdefault("division", []).append(
            f"{division.name} is the Central CLGT matrix, not a division that holds OCGs: "
            "choose North, East or West."
        )
        return None
    return division


def _clean_members(
    actor: Any, members: Any, errors: dict[str, list[str]]
) -> list[tuple[Nominal, str]]:
    cleaned: list[tuple[Nominal, str]] = []
    seen: set[int] = set()
    raw: list[tuple[int | None, Any, Any]] = []
    for item in members or ():
        if isinstance(item, Mapping):
            raw.append((_as_id(item.get("nominal")), item.get("nominal"), item.get("role")))
        else:
            errors.setdefault("members", []).append(
                f"{item!r} is not a member: give a nominal and a role."
            )
    ids = [pk for pk, _, _ in raw if pk is not None]
    visible = {n.pk: n for n in Nominal.objects.visible_to(actor).filter(pk__in=ids)}
    for pk, given, role in raw:
        if pk is None:
            errors.setdefault("members", []).append(f"{given!r} is not a nominal id.")
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


# --- nominals -----------------------------------------------------------------------------------


def nominal_possible_duplicates(
    *,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date | None,
    exclude: int | None = None,
) -> list[Nominal]:
    """People who are likely the same person: same full name, or same surname and date of birth."""
    same_name = Q(first_name__iexact=first_name.strip(), last_name__iexact=last_name.strip())
    if date_of_birth is not None:
        # Same name with a different known birth date is a namesake, not a duplicate.
        same_name &= Q(date_of_birth=date_of_birth) | Q(date_of_birth__isnull=True)
        query = same_name | Q(last_name__iexact=last_name.strip(), date_of_birth=date_of_birth)
    else:
        query = same_name
    qs = Nominal.objects.filter(query).order_by("reference")
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return list(qs[:10])


def _clean_nominal_fields(values: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    cleaned = dict(values)
    for name in ("first_name", "last_name", "aliases"):
        if name in cleaned:
            cleaned[name] = _text(cleaned[name])
    if "first_name" in cleaned and not cleaned["first_name"]:
        errors.setdefault("first_name", []).append("Enter the first name.")
    if "last_name" in cleaned and not cleaned["last_name"]:
        errors.setdefault("last_name", []).append("Enter the last name.")
    for name, limit in (("first_name", 80), ("last_name", 80), ("aliases", 300)):
        if len(cleaned.get(name) or "") > limit:
            errors.setdefault(name, []).append(f"At most {limit} characters.")
    if "date_of_birth" in cleaned:
        try:
            dob = _as_date(cleaned["date_of_birth"], "date_of_birth")
        except ValidationError as exc:
            errors.setdefault("date_of_birth", []).extend(exc.message_dict["date_of_birth"])
            dob = None
        else:
            if dob is not None and dob > _today():
                errors.setdefault("date_of_birth", []).append(
                    "The date of birth cannot be in the future."
                )
            elif dob is not None and dob.year < 1900:
                errors.setdefault("date_of_birth", []).append("Check the year of birth.")
        cleaned["date_of_birth"] = dob
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
    actor: Any,
    first_name: str,
    last_name: str,
    date_of_birth: Any = None,
    aliases: str = "",
    custody_status: str = CustodyStatus.AT_LIBERTY,
) -> NominalCreated:
    """Record a person. Likely duplicates (same name and date of birth) do not block the record,
    since namesakes exist, but are returned so the page can warn and link to them."""
    _require(actor, PERM_ADD_NOMINAL, "record nominals", "researchers, coordinators and CLGT")
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
        first_name=fields["first_name"],
        last_name=fields["last_name"],
        date_of_birth=fields["date_of_birth"],
    )
    nominal = Nominal.objects.create(**fields, created_by=actor)
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


NOMINAL_FIELDS = ("first_name", "last_name", "aliases", "date_of_birth", "custody_status")


@transaction.atomic
def nominal_update(*, actor: Any, nominal: Nominal, version: Any = None, **changes: Any) -> Nominal:
    _require(actor, PERM_CHANGE_NOMINAL, "change nominals", "researchers, coordinators and CLGT")
    unknown = set(changes) - set(NOMINAL_FIELDS)
    if unknown:
        raise TypeError(f"nominal_update() got unknown fields: {', '.join(sorted(unknown))}")
    if not Nominal.objects.visible_to(actor).filter(pk=nominal.pk).exists():
        raise PermissionDenied("You may not see this nominal.")
    nominal = Nominal.objects.select_for_update().get(pk=nominal.pk)
    _check_version(nominal, version, "person")
    errors: dict[str, list[str]] = {}
    fields = _clean_nominal_fields(changes, errors)
    if errors:
        raise ValidationError(errors)
    audit_update(actor=actor, obj=nominal, values=fields)
    return nominal


# --- nomination and editing ---------------------------------------------------------------------


@transaction.atomic
def ocg_nominate(
    *,
    actor: Any,
    name: str,
    criminality: Iterable[str],
    division: Any,
    summary: str = "",
    members: Iterable[Mapping[str, Any]],
    nominated_on: Any = None,
) -> OCG:
    """Nominate a group: two or more people, at least one criminality, in a division."""
    _require(actor, PERM_ADD, "nominate OCGs", "OCG coordinators and supervisors")
    errors: dict[str, list[str]] = {}
    name = _text(name)
    if not name:
        errors.setdefault("name", []).append("Enter the name the group is known by.")
    elif len(name) > 120:
        errors.setdefault("name", []).append("The name can be at most 120 characters.")
    types = _clean_criminality(criminality, errors)
    division_obj = _clean_division(division, errors)
    cleaned_members = _clean_members(actor, members, errors)
    try:
        nominated_on = _as_date(nominated_on, "nominated_on") or _today()
    except ValidationError as exc:
        errors.setdefault("nominated_on", []).extend(exc.message_dict["nominated_on"])
    else:
        if nominated_on > _today():
            errors.setdefault("nominated_on", []).append(
                "The nomination date cannot be in the future."
            )
    if errors:
        raise ValidationError(errors)

    ocg = OCG.objects.create(
        name=name,
        summary=_text(summary),
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


OCG_FIELDS = ("name", "summary", "division", "criminality")


@transaction.atomic
def ocg_update(*, actor: Any, ocg: OCG, version: Any = None, **changes: Any) -> OCG:
    """Change name, summary, division or criminality. `version` is the one the editor loaded:
    if someone saved in between, this save is refused and theirs is kept."""
    _require(actor, PERM_CHANGE, "change OCGs", "OCG coordinators, researchers and supervisors")
    unknown = set(changes) - set(OCG_FIELDS)
    if unknown:
        raise TypeError(f"ocg_update() got unknown fields: {', '.join(sorted(unknown))}")
    _visible_ocg(actor, ocg)
    ocg = _lock(ocg)
    _check_version(ocg, version, "OCG")
    if ocg.status in CLOSED_OCG_STATUSES:
        raise ValidationError(
            {NON_FIELD_ERRORS: f"This OCG is {ocg.get_status_display().lower()}: it is closed."}
        )
    errors: dict[str, list[str]] = {}
    new: dict[str, Any] = {}
    if "name" in changes:
        new["name"] = _text(changes["name"])
        if not new["name"]:
            errors.setdefault("name", []).append("Enter the name the group is known by.")
        elif len(new["name"]) > 120:
            errors.setdefault("name", []).append("The name can be at most 120 characters.")
    if "summary" in changes:
        new["summary"] = _text(changes["summary"])
    if "division" in changes:
        new["division"] = _clean_division(changes["division"], errors)
    types = None
    if "criminality" in changes:
        types = _clean_criminality(changes["criminality"], errors)
    if errors:
        raise ValidationError(errors)

    diff = diff_fields(ocg, new)
    old_codes = sorted(ocg.criminality.values_list("code", flat=True))
    if types is not None and sorted(t.code for t in types) != old_codes:
        diff["criminality"] = [old_codes, sorted(t.code for t in types)]
    if not diff:
        return ocg
    for name, value in new.items():
        setattr(ocg, name, value)
    ocg.version += 1
    ocg.save(update_fields=[*new, "version", "updated_at"])
    if types is not None:
        ocg.criminality.set(types)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=ocg, changes=diff)
    # Criminality feeds `multiple_criminality`; the division decides where the OCG ranks.
    if "criminality" in diff or "division" in diff:
        subjects_mark_stale(ocg_ids=[ocg.pk])
    return ocg


# --- members ------------------------------------------------------------------------------------


def _auto_start_development(actor: Any, ocg: OCG) -> None:
    # The first piece of development work moves a nomination into development, so nobody has to
    # remember a separate click before researching it.
    if ocg.status == OcgStatus.NOMINATED:
        _move(actor=actor, ocg=ocg, to=OcgStatus.IN_DEVELOPMENT, reason="Development started")


def ocg_evidence_recorded(actor: Any, ocg: OCG) -> None:
    """Definition evidence was recorded on the OCG (intel.services.evidence_add runs this in its
    transaction, for pages and API alike): that is development work too."""
    _auto_start_development(actor, _lock(ocg))


@transaction.atomic
def membership_add(
    *,
    actor: Any,
    ocg: OCG,
    nominal: Any,
    role: str,
    from_date: Any = None,
    to_date: Any = None,
) -> Membership:
    _require(actor, PERM_CHANGE, "add members", "OCG coordinators, researchers and supervisors")
    _visible_ocg(actor, ocg)
    ocg = _lock(ocg)
    errors: dict[str, list[str]] = {}
    if ocg.status in CLOSED_OCG_STATUSES:
        raise ValidationError(
            {NON_FIELD_ERRORS: f"This OCG is {ocg.get_status_display().lower()}: it is closed."}
        )
    pk = _as_id(nominal)
    person = Nominal.objects.visible_to(actor).filter(pk=pk).first() if pk is not None else None
    if person is None:
        errors.setdefault("nominal", []).append("Choose a person you may see.")
    if role not in MembershipRole.values:
        errors.setdefault("role", []).append(
            f"Choose a role: one of {', '.join(MembershipRole.values)}."
        )
    dates: dict[str, datetime.date | None] = {}
    for name, value in (("from_date", from_date), ("to_date", to_date)):
        try:
            dates[name] = _as_date(value, name)
        except ValidationError as exc:
            errors.setdefault(name, []).extend(exc.message_dict[name])
            dates[name] = None
    if dates["from_date"] and dates["from_date"] > _today():
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
    _auto_start_development(actor, ocg)
    return membership


@transaction.atomic
def membership_end(
    *, actor: Any, membership: Membership, to_date: Any, reason: str = ""
) -> Membership:
    _require(actor, PERM_CHANGE, "end memberships", "OCG coordinators, researchers and supervisors")
    _visible_ocg(actor, membership.ocg)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.to_date is not None:
        raise ValidationError(
            {"to_date": f"This membership already ended on {membership.to_date}."}
        )
    end = _as_date(to_date, "to_date")
    if end is None:
        raise ValidationError({"to_date": "Enter the date the membership ended."})
    if end > _today():
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
        reason=_text(reason),
    )
    return membership


# --- lifecycle ----------------------------------------------------------------------------------


def _refuse_unless(ocg: OCG, allowed: Iterable[str], doing: str) -> None:
    allowed = list(allowed)
    if ocg.status not in allowed:
        labels = " or ".join(OcgStatus(s).label.lower() for s in allowed)
        raise ValidationError(
            {
                NON_FIELD_ERRORS: f"Only a {labels} OCG can be {doing}; "
                f"{ocg.reference} is {ocg.get_status_display().lower()}."
            }
        )


@transaction.atomic
def ocg_start_development(*, actor: Any, ocg: OCG) -> OCG:
    _require(actor, PERM_CHANGE, "develop OCGs", "OCG coordinators, researchers and supervisors")
    _visible_ocg(actor, ocg)
    ocg = _lock(ocg)
    _refuse_unless(ocg, [OcgStatus.NOMINATED], "moved into development")
    _move(actor=actor, ocg=ocg, to=OcgStatus.IN_DEVELOPMENT, reason="Development started")
    return ocg


@transaction.atomic
def ocg_submit_for_mapping(*, actor: Any, ocg: OCG) -> OCG:
    """Ask a supervisor to put the OCG on the matrix. Refused, naming what is missing, until every
    criterion of the definition is evidenced."""
    _require(
        actor,
        PERM_CHANGE,
        "submit OCGs for mapping",
        "OCG coordinators, researchers and supervisors",
    )
    _visible_ocg(actor, ocg)
    ocg = _lock(ocg)
    _refuse_unless(ocg, DEVELOPING_STATUSES, "submitted for mapping")
    if ocg.mapping_submitted_at is not None:
        raise ValidationError(
            {NON_FIELD_ERRORS: f"{ocg.reference} is already waiting for a supervisor's approval."}
        )
    missing = definition_gap_labels(ocg=ocg)
    if missing:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: "Cannot submit for mapping: definition evidence missing for "
                + ", ".join(missing)
                + "."
            }
        )
    _auto_start_development(actor, ocg)
    ocg.mapping_submitted_at = timezone.now()
    ocg.mapping_submitted_by = actor
    ocg.version += 1
    ocg.save(
        update_fields=["mapping_submitted_at", "mapping_submitted_by", "version", "updated_at"]
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=ocg,
        changes={"submitted_for_mapping": True},
    )
    return ocg


def _require_awaiting(ocg: OCG, doing: str) -> None:
    if ocg.status != OcgStatus.IN_DEVELOPMENT or ocg.mapping_submitted_at is None:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: f"{ocg.reference} is not waiting for approval, so it cannot be "
                f"{doing}: it must first be submitted for mapping."
            }
        )


@transaction.atomic
def ocg_approve_mapping(*, actor: Any, ocg: OCG) -> OCG:
    """A supervisor puts the OCG on the matrix: it becomes mapped and the worker scores it."""
    _require(actor, PERM_APPROVE, "approve mapping", "supervisors")
    _visible_ocg(actor, ocg)
    ocg = _lock(ocg)
    _require_awaiting(ocg, "approved")
    # Evidence may have been withdrawn since the submission.
    missing = definition_gap_labels(ocg=ocg)
    if missing:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: "Cannot approve: definition evidence missing for "
                + ", ".join(missing)
                + "."
            }
        )
    ocg.mapped_on = _today()
    ocg.mapping_submitted_at = None
    ocg.mapping_submitted_by = None
    _move(
        actor=actor,
        ocg=ocg,
        to=OcgStatus.MAPPED,
        reason="Mapping approved",
        extra_fields=["mapped_on", "mapping_submitted_at", "mapping_submitted_by"],
    )
    _mark_ocg_and_lines_stale(ocg)
    return ocg


@transaction.atomic
def ocg_return(*, actor: Any, ocg: OCG, reason: str) -> OCG:
    """A supervisor sends a submission back for more development, saying why."""
    _require(actor, PERM_APPROVE, "return submissions", "supervisors")
    _visible_ocg(actor, ocg)
    reason = _text(reason)
    if not reason:
        raise ValidationError({"reason": "Say why the submission is returned."})
    ocg = _lock(ocg)
    _require_awaiting(ocg, "returned")
    ocg.mapping_submitted_at = None
    ocg.mapping_submitted_by = None
    _move(
        actor=actor,
        ocg=ocg,
        to=OcgStatus.IN_DEVELOPMENT,
        reason=f"Returned: {reason}",
        extra_fields=["mapping_submitted_at", "mapping_submitted_by"],
        changes={"returned": True},
    )
    return ocg


@transaction.atomic
def ocg_adopt(*, actor: Any, ocg: OCG, managing_team: Any, lead_responsible_officer: Any) -> OCG:
    """A supervisor hands a mapped OCG to a managing unit and its Lead Responsible Officer."""
    _require(actor, PERM_APPROVE, "approve adoptions", "supervisors")
    _visible_ocg(actor, ocg)
    errors: dict[str, list[str]] = {}
    team_id = _as_id(managing_team)
    team = Team.objects.filter(pk=team_id).first() if team_id is not None else None
    if team is None:
        errors.setdefault("managing_team", []).append("Choose the managing team.")
    elif team.kind not in MANAGING_TEAM_KINDS:
        errors.setdefault("managing_team", []).append(
            f"{team.name} ({team.get_kind_display()}) cannot manage OCGs: choose a SOC, Division "
            "local, Money Laundering, MSHT, Financial Investigation or NCA/ERSOU team."
        )
    user_id = _as_id(lead_responsible_officer)
    lro = (
        get_user_model().objects.filter(pk=user_id, is_active=True).first()
        if user_id is not None
        else None
    )
    if lro is None:
        errors.setdefault("lead_responsible_officer", []).append(
            "Choose the Lead Responsible Officer."
        )
    else:
        officer = Officer.objects.filter(user=lro).select_related("team").first()
        if officer is None or officer.role != Role.LRO:
            errors.setdefault("lead_responsible_officer", []).append(
                f"{lro.get_full_name() or lro.get_username()} is not a Lead Responsible Officer."
            )
        elif officer.team.kind not in MANAGING_TEAM_KINDS:
            # An LRO answers for the group through their unit: a unit that may not manage OCGs
            # (a CLGT, the OCGMU) cannot hold one through its officer either.
            errors.setdefault("lead_responsible_officer", []).append(
                f"{lro.get_full_name() or lro.get_username()} is in {officer.team.name} "
                f"({officer.team.get_kind_display()}), a team without permission to manage OCGs: "
                "choose an LRO of a SOC, Division local, Money Laundering, MSHT, Financial "
                "Investigation or NCA/ERSOU team."
            )
        elif not lro.has_perm("ocg.manage_plan_ocg"):
            errors.setdefault("lead_responsible_officer", []).append(
                f"{lro.get_full_name() or lro.get_username()} has no permission to manage an OCG."
            )
    if errors:
        raise ValidationError(errors)
    ocg = _lock(ocg)
    _refuse_unless(ocg, [OcgStatus.MAPPED], "adopted")
    ocg.managing_team = team
    ocg.lead_responsible_officer = lro
    ocg.adopted_on = _today()
    _move(
        actor=actor,
        ocg=ocg,
        to=OcgStatus.ADOPTED,
        reason=f"Adopted by {team.name}; LRO {lro.get_full_name() or lro.get_username()}",
        extra_fields=["managing_team", "lead_responsible_officer", "adopted_on"],
        changes={"managing_team": team.pk, "lead_responsible_officer": lro.pk},
    )
    _mark_ocg_and_lines_stale(ocg)
    return ocg


@transaction.atomic
def ocg_close(*, actor: Any, ocg: OCG, status: str, date: Any, reason: str) -> OCG:
    """Dismantle or archive a mapped or adopted OCG; it leaves the matrix."""
    _require(actor, PERM_APPROVE, "close OCGs", "supervisors")
    _visible_ocg(actor, ocg)
    errors: dict[str, list[str]] = {}
    if status not in CLOSING_STATUSES:
        errors.setdefault("status", []).append("Choose dismantled or archived.")
    try:
        on = _as_date(date, "date")
    except ValidationError as exc:
        errors.setdefault("date", []).extend(exc.message_dict["date"])
        on = None
    else:
        if on is None:
            errors.setdefault("date", []).append("Enter the date it was closed.")
        elif on > _today():
            errors.setdefault("date", []).append("The date cannot be in the future.")
        elif on < ocg.nominated_on:
            errors.setdefault("date", []).append(
                f"The date cannot be before the nomination ({ocg.nominated_on:%d %b %Y})."
            )
    reason = _text(reason)
    if not reason:
        errors.setdefault("reason", []).append("Say why the OCG is closed.")
    if errors:
        raise ValidationError(errors)
    ocg = _lock(ocg)
    _refuse_unless(ocg, [OcgStatus.MAPPED, OcgStatus.ADOPTED], "dismantled or archived")
    ocg.closed_on = on
    ocg.closure_reason = reason
    _move(
        actor=actor,
        ocg=ocg,
        to=status,
        reason=reason,
        effective_on=on,
        extra_fields=["closed_on", "closure_reason"],
    )
    _mark_ocg_and_lines_stale(ocg)
    return ocg


@transaction.atomic
def ocg_reject(*, actor: Any, ocg: OCG, reason: str) -> OCG:
    """Reject a nomination or a group in development: it does not meet the definition."""
    _require(actor, PERM_ADD, "reject nominations", "OCG coordinators and supervisors")
    _visible_ocg(actor, ocg)
    reason = _text(reason)
    if not reason:
        raise ValidationError({"reason": "Say why the nomination is rejected."})
    ocg = _lock(ocg)
    _refuse_unless(ocg, DEVELOPING_STATUSES, "rejected")
    ocg.closed_on = _today()
    ocg.closure_reason = reason
    ocg.mapping_submitted_at = None
    ocg.mapping_submitted_by = None
    _move(
        actor=actor,
        ocg=ocg,
        to=OcgStatus.REJECTED,
        reason=reason,
        extra_fields=[
            "closed_on",
            "closure_reason",
            "mapping_submitted_at",
            "mapping_submitted_by",
        ],
    )
    return ocg


# --- the 4P plan --------------------------------------------------------------------------------


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
        cleaned["description"] = _text(cleaned["description"])
        if not cleaned["description"]:
            errors.setdefault("description", []).append("Describe the action.")
    if "owner" in cleaned:
        owner_id = _as_id(cleaned["owner"])
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
            cleaned["due_on"] = _as_date(cleaned["due_on"], "due_on")
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
    _visible_ocg(actor, ocg)
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
    _check_version(action, version, "action")
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
