"""Logging a disruption, changing it, sending it for approval and tagging it to an operation.

"Save and submit" is one call (`submit=True`): the page's button and any other caller get the
draft and its submission in one transaction, so a refused submission leaves nothing half-saved.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import TypedDict

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from countylines.choices import LineStatus
from countylines.models import CountyLine
from disruptions.choices import (
    DrugClass,
    DrugUnit,
    ImpactGrade,
    Strand,
    Tactic,
    WarrantPower,
    WeaponKind,
)
from disruptions.models import COUNT_FIELDS, Disruption, DrugSeizure, Operation, WeaponSeizure
from disruptions.services.base import allows, amount, check_move, raise_errors, whole_number
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record, lock_versioned, versioned_save
from kentsoc.dates import today
from kentsoc.gangs.models import Gang
from kentsoc.org.models import Officer, Team
from kentsoc.org.roles import ROLE_PERMISSIONS
from kentsoc.org.scoping import CONTRIBUTE, in_serving_force, read_only_message
from ocg.models import OCG, Nominal


class DisruptionValues(TypedDict, total=False):
    """A disruption row's own fields, as the log form and the API parse them. On a change, the
    fields left out keep what is stored."""

    date: datetime.date
    team: Team | None
    officer: AbstractBaseUser | None
    operation: Operation | None
    strand: str
    tactic: str
    narrative: str
    impact_grade: str
    impact_rationale: str
    arrests: int
    prisoners_dealt_with: int
    warrants_executed: int
    charges: int
    handsets: int
    sim_cards: int
    vehicles: int
    safeguarding_referrals: int
    warrant_power: str
    cash_seized: Decimal


class WeaponRow(TypedDict, total=False):
    kind: str
    count: int | None


class DrugRow(TypedDict, total=False):
    drug_class: str
    drug: str
    amount: Decimal | None
    unit: str
    estimated_value: Decimal | None


# Fields of a Disruption row that the log form and the API may set.
VALUE_FIELDS = tuple(DisruptionValues.__annotations__)

# The roles that log disruptions (LRO, CLGT officer, coordinator, supervisor), from the roles
# table: the officer a disruption is recorded against is one of them, never an analyst, auditor
# or CLIO.
DISRUPTION_OFFICER_ROLES = tuple(
    role for role, perms in ROLE_PERMISSIONS.items() if "disruptions.add_disruption" in perms
)


def disruption_officer_candidates(team: Team | None = None) -> QuerySet[AbstractBaseUser]:
    """The officers a disruption may name: active officers whose role logs disruptions (of
    `team` when given). The log form offers those of the author's team; the services accept
    any of them, so nothing offered is refused."""
    officers = get_user_model().objects.filter(
        # During a request, the officer's own force's people only.
        in_serving_force("officer__team__force"),
        is_active=True,
        officer__role__in=DISRUPTION_OFFICER_ROLES,
    )
    if team is not None:
        officers = officers.filter(officer__team=team)
    return officers.select_related("officer").order_by("last_name", "first_name")


def _clean_values(values: dict[str, object], errors: dict[str, str]) -> None:
    """Check and normalise the row's own fields in place, collecting one message per field."""
    date = values.get("date")
    if not isinstance(date, datetime.date):
        errors["date"] = "Enter the date of the disruption."
    elif date > today():
        errors["date"] = "The date of a disruption cannot be in the future."
    for name, choices, label in (
        ("strand", Strand, "4P strand"),
        ("tactic", Tactic, "tactic"),
        ("impact_grade", ImpactGrade, "impact grade"),
    ):
        if values.get(name) not in choices.values:
            errors[name] = f"Choose the {label}."
    if not str(values.get("impact_rationale") or "").strip():
        errors["impact_rationale"] = "Explain why you chose this impact grade: it is required."
    values["impact_rationale"] = str(values.get("impact_rationale") or "").strip()
    values["narrative"] = str(values.get("narrative") or "").strip()
    for name in COUNT_FIELDS:
        number = whole_number(values.get(name))
        if number is None:
            errors[name] = "Enter a whole number."
        elif number < 0:
            errors[name] = "Enter 0 or more: a count cannot be negative."
        else:
            values[name] = number
    cash = amount(values.get("cash_seized"))
    if cash is None:
        errors["cash_seized"] = "Enter an amount in pounds, e.g. 1250.00."
    elif cash < 0:
        errors["cash_seized"] = "Enter 0 or more: cash seized cannot be negative."
    elif cash != cash.quantize(Decimal("0.01")):
        errors["cash_seized"] = "Enter pounds and pence, at most two decimal places."
    else:
        values["cash_seized"] = cash
    values["warrant_power"] = values.get("warrant_power") or ""
    if values["warrant_power"] and values["warrant_power"] not in WarrantPower.values:
        errors["warrant_power"] = "Choose PACE s.18, PACE s.32 or other."
    if not isinstance(values.get("team"), Team):
        errors["team"] = "Choose the team."
    officer = values.get("officer")
    if not isinstance(officer, AbstractBaseUser) or not (
        disruption_officer_candidates().filter(pk=officer.pk).exists()
    ):
        errors["officer"] = (
            "Choose the officer who led it: an LRO, CLGT officer, coordinator or supervisor."
        )
    operation = values.get("operation")
    if (
        isinstance(operation, Operation)
        and isinstance(date, datetime.date)
        and not (operation.start_date <= date <= operation.end_date)
    ):
        errors["operation"] = (
            f"{operation.name} ran from {operation.start_date:%d/%m/%Y} to "
            f"{operation.end_date:%d/%m/%Y}; the disruption's date is outside it."
        )


def _clean_weapons(rows: Sequence[WeaponRow], errors: dict[str, str]) -> list[WeaponRow]:
    cleaned: list[WeaponRow] = []
    problems = []
    for i, row in enumerate(rows, start=1):
        kind, count = row.get("kind"), whole_number(row.get("count"))
        if kind not in WeaponKind.values:
            problems.append(f"Weapons row {i}: choose the kind of weapon.")
        elif count is None or count < 1:
            problems.append(f"Weapons row {i}: enter how many were seized (1 or more).")
        else:
            cleaned.append({"kind": kind, "count": count})
    if problems:
        errors["weapons"] = " ".join(problems)
    return cleaned


def _clean_drugs(rows: Sequence[DrugRow], errors: dict[str, str]) -> list[DrugRow]:
    cleaned: list[DrugRow] = []
    problems = []
    for i, row in enumerate(rows, start=1):
        seized = amount(row.get("amount"))
        value = amount(row.get("estimated_value"))
        if row.get("drug_class") not in DrugClass.values:
            problems.append(f"Drugs row {i}: choose the drug class (A, B or C).")
        elif not str(row.get("drug") or "").strip():
            problems.append(f"Drugs row {i}: name the drug, e.g. crack cocaine.")
        elif seized is None or seized <= 0:
            problems.append(f"Drugs row {i}: enter the amount seized (more than 0).")
        elif row.get("unit") not in DrugUnit.values:
            problems.append(f"Drugs row {i}: choose the unit (g, kg, ml, wraps or plants).")
        elif value is None or value < 0:
            problems.append(f"Drugs row {i}: the estimated value cannot be negative.")
        else:
            cleaned.append(
                {
                    "drug_class": row["drug_class"],
                    "drug": str(row["drug"]).strip(),
                    "amount": seized,
                    "unit": row["unit"],
                    "estimated_value": value,
                }
            )
    if problems:
        errors["drugs"] = " ".join(problems)
    return cleaned


def _check_subjects(
    *,
    actor: AbstractBaseUser,
    ocgs: Sequence[OCG],
    county_lines: Sequence[CountyLine],
    nominals: Sequence[Nominal],
    errors: dict[str, str],
    gangs: Sequence[Gang] = (),
) -> None:
    if not (ocgs or county_lines or nominals or gangs):
        errors["subjects"] = "Choose at least one OCG, county line, gang or nominal."
        return
    for name, model, chosen in (
        ("ocgs", OCG, ocgs),
        ("county_lines", CountyLine, county_lines),
        ("nominals", Nominal, nominals),
        ("gangs", Gang, gangs),
    ):
        ids = {obj.pk for obj in chosen}
        # A line or OCG another force lends with the right to add to it counts as the actor's.
        visible = model.objects.visible_to(actor, lent=CONTRIBUTE)
        if ids and visible.filter(pk__in=ids).count() != len(ids):
            read_only = model.objects.lent_read_only(actor, ids)
            errors[name] = (
                " ".join(read_only_message(lent, "log disruptions against") for lent in read_only)
                or "You may only record disruptions against records you can see."
            )


def _check_line_life(
    date: object, county_lines: Sequence[CountyLine], errors: dict[str, str]
) -> None:
    """A disruption against a county line falls within the line's life: on or after the day it
    was nominated and, once dismantled, on or before the day it was dismantled. Work before a
    line was known, or after it was gone, belongs to another line or to no line."""
    if not isinstance(date, datetime.date) or "county_lines" in errors:
        return
    problems = []
    for line in county_lines:
        if date < line.nominated_on:
            problems.append(
                f"{line.name} was nominated on {line.nominated_on:%-d %b %Y}: a disruption "
                f"against it cannot be dated before that (this one is {date:%-d %b %Y})."
            )
        elif (
            line.status == LineStatus.DISMANTLED
            and line.closed_on is not None
            and date > line.closed_on
        ):
            problems.append(
                f"{line.name} was dismantled on {line.closed_on:%-d %b %Y}: a disruption "
                f"against it cannot be dated after that (this one is {date:%-d %b %Y})."
            )
    if problems:
        errors["county_lines"] = " ".join(problems)


def _write_outcomes(
    disruption: Disruption, weapons: Sequence[WeaponRow], drugs: Sequence[DrugRow]
) -> None:
    disruption.weapons.all().delete()
    disruption.drugs.all().delete()
    WeaponSeizure.objects.bulk_create(WeaponSeizure(disruption=disruption, **w) for w in weapons)
    DrugSeizure.objects.bulk_create(DrugSeizure(disruption=disruption, **d) for d in drugs)


def _refuse_unknown(values: DisruptionValues) -> None:
    unknown = set(values) - set(VALUE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be set here."))


def may_change(user: AbstractBaseUser, disruption: Disruption) -> bool:
    """Whether the user may change or submit the disruption now (what the page offers; the
    services below refuse the rest with a reason)."""
    return (
        disruption.created_by_id == user.pk
        and allows(disruption, "change")
        and user.has_perm("disruptions.change_disruption")
    )


def _require_author(actor: AbstractBaseUser, disruption: Disruption, doing: str) -> None:
    # Being the author is not enough on its own: an officer moved to a role that logs no
    # disruptions (or signed out of police data altogether) no longer edits their old drafts.
    if not actor.has_perm("disruptions.change_disruption"):
        raise PermissionDenied(
            f"Your role may not {doing} disruptions (permission disruptions.change_disruption "
            "is missing)."
        )
    if disruption.created_by_id != actor.pk:
        raise PermissionDenied(f"Only the officer who logged this disruption may {doing} it.")


def _submit(actor: AbstractBaseUser, locked: Disruption) -> Disruption:
    """Send a locked draft (or returned disruption) to the approval queue, with its audit row."""
    _require_author(actor, locked, "submit")
    versioned_save(
        actor=actor,
        obj=locked,
        values={
            "status": check_move(locked, "submit"),
            "submitted_by": actor,
            "submitted_at": timezone.now(),
        },
    )
    return locked


def _checked(
    actor: AbstractBaseUser,
    values: DisruptionValues,
    ocgs: Sequence[OCG],
    county_lines: Sequence[CountyLine],
    nominals: Sequence[Nominal],
    weapons: Sequence[WeaponRow],
    drugs: Sequence[DrugRow],
    gangs: Sequence[Gang] = (),
) -> tuple[dict[str, object], list[WeaponRow], list[DrugRow]]:
    """A new disruption's whole input, checked at once (every message in one ValidationError);
    team and officer default to the actor's own."""
    _refuse_unknown(values)
    data: dict[str, object] = dict(values)
    if data.get("officer") is None:
        data["officer"] = actor
    if data.get("team") is None:
        officer_profile = Officer.objects.select_related("team").filter(user_id=actor.pk).first()
        if officer_profile is not None:
            data["team"] = officer_profile.team
    errors: dict[str, str] = {}
    _clean_values(data, errors)
    _check_subjects(
        actor=actor,
        ocgs=ocgs,
        county_lines=county_lines,
        nominals=nominals,
        gangs=gangs,
        errors=errors,
    )
    _check_line_life(data.get("date"), county_lines, errors)
    weapon_rows = _clean_weapons(weapons, errors)
    drug_rows = _clean_drugs(drugs, errors)
    raise_errors(errors)
    return data, weapon_rows, drug_rows


def disruption_check(
    *,
    actor: AbstractBaseUser,
    values: DisruptionValues,
    ocgs: Sequence[OCG] = (),
    county_lines: Sequence[CountyLine] = (),
    nominals: Sequence[Nominal] = (),
    weapons: Sequence[WeaponRow] = (),
    drugs: Sequence[DrugRow] = (),
    gangs: Sequence[Gang] = (),
) -> None:
    """Every check of `disruption_create` on this input, writing nothing: a page whose form
    refused some input shows the service's messages for the rest in the same round (a future
    date, no subject), so fixing the first errors never reveals new ones."""
    _checked(actor, values, ocgs, county_lines, nominals, weapons, drugs, gangs)


@transaction.atomic
def disruption_create(
    *,
    actor: AbstractBaseUser,
    values: DisruptionValues,
    ocgs: Sequence[OCG] = (),
    county_lines: Sequence[CountyLine] = (),
    nominals: Sequence[Nominal] = (),
    weapons: Sequence[WeaponRow] = (),
    drugs: Sequence[DrugRow] = (),
    gangs: Sequence[Gang] = (),
    submit: bool = False,
) -> Disruption:
    """Log a disruption as a draft (and, with `submit`, send it for approval in the same
    transaction). Team and officer default to the actor's own."""
    if not actor.has_perm("disruptions.add_disruption"):
        raise PermissionDenied(
            "Logging disruptions needs an LRO, CLGT officer or coordinator role."
        )
    data, weapon_rows, drug_rows = _checked(
        actor, values, ocgs, county_lines, nominals, weapons, drugs, gangs
    )
    disruption = Disruption.objects.create(created_by=actor, against_ocg=bool(ocgs), **data)
    disruption.ocgs.set(ocgs)
    disruption.county_lines.set(county_lines)
    disruption.nominals.set(nominals)
    disruption.gangs.set(gangs)
    _write_outcomes(disruption, weapon_rows, drug_rows)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=disruption,
        changes={
            **{f: data.get(f) for f in VALUE_FIELDS},
            "status": disruption.status,
            "ocgs": [o.pk for o in ocgs],
            "county_lines": [c.pk for c in county_lines],
            "nominals": [n.pk for n in nominals],
            "gangs": [g.pk for g in gangs],
            "weapons": weapon_rows,
            "drugs": drug_rows,
        },
    )
    if submit:
        _submit(actor, disruption)
    return disruption


@transaction.atomic
def disruption_update(
    *,
    actor: AbstractBaseUser,
    disruption: Disruption,
    version: int,
    values: DisruptionValues | None = None,
    ocgs: Sequence[OCG] | None = None,
    county_lines: Sequence[CountyLine] | None = None,
    nominals: Sequence[Nominal] | None = None,
    weapons: Sequence[WeaponRow] | None = None,
    drugs: Sequence[DrugRow] | None = None,
    gangs: Sequence[Gang] | None = None,
    submit: bool = False,
) -> Disruption:
    """Change a draft or returned disruption; arguments left as None keep what is stored. With
    `submit`, the changed disruption goes for approval in the same transaction."""
    locked = lock_versioned(Disruption, disruption.pk, version=version)
    _require_author(actor, locked, "change")
    check_move(locked, "change")
    values = values or {}
    _refuse_unknown(values)
    data: dict[str, object] = {f: getattr(locked, f) for f in VALUE_FIELDS}
    data.update(values)
    if data.get("officer") is None:
        data["officer"] = actor
    errors: dict[str, str] = {}
    _clean_values(data, errors)
    new_ocgs = list(locked.ocgs.all()) if ocgs is None else list(ocgs)
    new_lines = list(locked.county_lines.all()) if county_lines is None else list(county_lines)
    new_nominals = list(locked.nominals.all()) if nominals is None else list(nominals)
    new_gangs = list(locked.gangs.all()) if gangs is None else list(gangs)
    _check_subjects(
        actor=actor,
        ocgs=new_ocgs,
        county_lines=new_lines,
        nominals=new_nominals,
        gangs=new_gangs,
        errors=errors,
    )
    _check_line_life(data.get("date"), new_lines, errors)
    weapon_rows = None if weapons is None else _clean_weapons(weapons, errors)
    drug_rows = None if drugs is None else _clean_drugs(drugs, errors)
    raise_errors(errors)
    # Subjects and seizures are rows of their own, written after the disruption's own fields;
    # their changes go in the same audit event.
    changes: dict[str, object] = {}
    subjects = (
        ("ocgs", locked.ocgs, new_ocgs),
        ("county_lines", locked.county_lines, new_lines),
        ("nominals", locked.nominals, new_nominals),
        ("gangs", locked.gangs, new_gangs),
    )
    for name, old, new in subjects:
        before = sorted(old.values_list("pk", flat=True))
        after = sorted(o.pk for o in new)
        if before != after:
            changes[name] = [before, after]
    if weapon_rows is not None or drug_rows is not None:
        if weapon_rows is None:
            weapon_rows = list(locked.weapons.values("kind", "count"))
        if drug_rows is None:
            drug_rows = list(
                locked.drugs.values("drug_class", "drug", "amount", "unit", "estimated_value")
            )
        changes["weapons"] = weapon_rows
        changes["drugs"] = drug_rows
    versioned_save(actor=actor, obj=locked, values=data, changes=changes)
    for name, old, new in subjects:
        if name in changes:
            old.set(new)
    if "ocgs" in changes:
        # Kept with the links (the dashboard's "against OCGs" figure reads it); derived, so not
        # audited apart from the OCGs themselves.
        locked.against_ocg = bool(new_ocgs)
        Disruption.objects.filter(pk=locked.pk).update(against_ocg=locked.against_ocg)
    if weapon_rows is not None and drug_rows is not None:
        _write_outcomes(locked, weapon_rows, drug_rows)
    if submit:
        _submit(actor, locked)
    return locked


@transaction.atomic
def disruption_submit(
    *, actor: AbstractBaseUser, disruption: Disruption, version: int | None = None
) -> Disruption:
    """Send a draft (or a corrected returned one) to the supervisors' approval queue."""
    return _submit(actor, lock_versioned(Disruption, disruption.pk, version=version))


@transaction.atomic
def disruption_tag_operation(
    *,
    actor: AbstractBaseUser,
    disruption: Disruption,
    operation: Operation | None,
    version: int | None = None,
) -> Disruption:
    """Tag a disruption to an operation (or untag it): its author or a supervisor, any status,
    because tagging changes no outcome figure."""
    locked = lock_versioned(Disruption, disruption.pk, version=version)
    if not actor.has_perm("disruptions.approve_disruption"):
        _require_author(actor, locked, "tag")
    elif not Disruption.objects.visible_to(actor).filter(pk=locked.pk).exists():
        raise PermissionDenied("You may not see this disruption.")
    if operation is not None and not (operation.start_date <= locked.date <= operation.end_date):
        raise ValidationError(
            {"operation": f"{operation.name} did not run on {locked.date:%d/%m/%Y}."}
        )
    versioned_save(actor=actor, obj=locked, values={"operation": operation})
    return locked
