"""Every write to disruptions, operations and court results: validated, audited, one transaction.

Bad input raises ValidationError({field: message}) and saves nothing; a forbidden action raises
PermissionDenied naming what is missing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from countylines.models import CountyLine
from disruptions.choices import (
    EDITABLE_STATUSES,
    CourtOutcome,
    DisruptionStatus,
    DrugClass,
    DrugUnit,
    ImpactGrade,
    NonCustodialKind,
    Strand,
    Tactic,
    WarrantPower,
    WeaponKind,
)
from disruptions.models import (
    COUNT_FIELDS,
    CourtResult,
    Disruption,
    DrugSeizure,
    Operation,
    WeaponSeizure,
)
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record, diff_fields
from kentsoc.org.models import Officer, Team
from ocg.models import OCG, Nominal

# Fields of a Disruption row that the log form and the API may set.
VALUE_FIELDS = (
    "date",
    "team",
    "officer",
    "operation",
    "strand",
    "tactic",
    "narrative",
    "impact_grade",
    "impact_rationale",
    *COUNT_FIELDS,
    "warrant_power",
    "cash_seized",
)
STALE_MESSAGE = (
    "Someone else changed this record after you opened it. Reload it to see their changes, "
    "then make yours again."
)


def _today() -> datetime.date:
    return timezone.localdate()


def _as_int(value: Any) -> int | None:
    if value in (None, ""):
        return 0
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    if number != number.to_integral_value():
        return None
    return int(number)


def _as_decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return Decimal("0")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _clean_values(values: dict[str, Any], errors: dict[str, str]) -> None:
    """Check and normalise the row's own fields in place, collecting one message per field."""
    date = values.get("date")
    if not isinstance(date, datetime.date):
        errors["date"] = "Enter the date of the disruption."
    elif date > _today():
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
        number = _as_int(values.get(name))
        if number is None:
            errors[name] = "Enter a whole number."
        elif number < 0:
            errors[name] = "Enter 0 or more: a count cannot be negative."
        else:
            values[name] = number
    cash = _as_decimal(values.get("cash_seized"))
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
    if officer is None or not Officer.objects.filter(user_id=officer.pk).exists():
        errors["officer"] = "Choose an officer with a police profile."
    operation = values.get("operation")
    if (
        operation is not None
        and isinstance(date, datetime.date)
        and not (operation.start_date <= date <= operation.end_date)
    ):
        errors["operation"] = (
            f"{operation.name} ran from {operation.start_date:%d/%m/%Y} to "
            f"{operation.end_date:%d/%m/%Y}; the disruption's date is outside it."
        )


def _clean_weapons(rows: Iterable[Mapping[str, Any]], errors: dict[str, str]) -> list[dict]:
    cleaned, problems = [], []
    for i, row in enumerate(rows, start=1):
        kind, count = row.get("kind"), _as_int(row.get("count"))
        if kind not in WeaponKind.values:
            problems.append(f"Weapons row {i}: choose the kind of weapon.")
        elif count is None or count < 1:
            problems.append(f"Weapons row {i}: enter how many were seized (1 or more).")
        else:
            cleaned.append({"kind": kind, "count": count})
    if problems:
        errors["weapons"] = " ".join(problems)
    return cleaned


def _clean_drugs(rows: Iterable[Mapping[str, Any]], errors: dict[str, str]) -> list[dict]:
    cleaned, problems = [], []
    for i, row in enumerate(rows, start=1):
        amount = _as_decimal(row.get("amount"))
        value = _as_decimal(row.get("estimated_value"))
        if row.get("drug_class") not in DrugClass.values:
            problems.append(f"Drugs row {i}: choose the drug class (A, B or C).")
        elif not str(row.get("drug") or "").strip():
            problems.append(f"Drugs row {i}: name the drug, e.g. crack cocaine.")
        elif amount is None or amount <= 0:
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
                    "amount": amount,
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
) -> None:
    if not (ocgs or county_lines or nominals):
        errors["subjects"] = "Choose at least one OCG, county line or nominal."
        return
    for name, model, chosen in (
        ("ocgs", OCG, ocgs),
        ("county_lines", CountyLine, county_lines),
        ("nominals", Nominal, nominals),
    ):
        ids = {obj.pk for obj in chosen}
        if ids and model.objects.visible_to(actor).filter(pk__in=ids).count() != len(ids):
            errors[name] = "You may only record disruptions against records you can see."


def _write_outcomes(disruption: Disruption, weapons: list[dict], drugs: list[dict]) -> None:
    disruption.weapons.all().delete()
    disruption.drugs.all().delete()
    WeaponSeizure.objects.bulk_create(WeaponSeizure(disruption=disruption, **w) for w in weapons)
    DrugSeizure.objects.bulk_create(DrugSeizure(disruption=disruption, **d) for d in drugs)


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def disruption_create(
    *,
    actor: AbstractBaseUser,
    values: Mapping[str, Any],
    ocgs: Sequence[OCG] = (),
    county_lines: Sequence[CountyLine] = (),
    nominals: Sequence[Nominal] = (),
    weapons: Iterable[Mapping[str, Any]] = (),
    drugs: Iterable[Mapping[str, Any]] = (),
) -> Disruption:
    """Log a disruption as a draft. Team and officer default to the actor's own."""
    if not actor.has_perm("disruptions.add_disruption"):
        raise PermissionDenied(
            "Logging disruptions needs an LRO, CLGT officer or coordinator role."
        )
    unknown = set(values) - set(VALUE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be set here."))
    data = dict(values)
    officer_profile = Officer.objects.select_related("team").filter(user_id=actor.pk).first()
    data.setdefault("officer", actor)
    if data.get("officer") is None:
        data["officer"] = actor
    if data.get("team") is None and officer_profile is not None:
        data["team"] = officer_profile.team
    errors: dict[str, str] = {}
    _clean_values(data, errors)
    _check_subjects(
        actor=actor, ocgs=ocgs, county_lines=county_lines, nominals=nominals, errors=errors
    )
    weapon_rows = _clean_weapons(weapons, errors)
    drug_rows = _clean_drugs(drugs, errors)
    _raise(errors)
    disruption = Disruption.objects.create(created_by=actor, **data)
    disruption.ocgs.set(ocgs)
    disruption.county_lines.set(county_lines)
    disruption.nominals.set(nominals)
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
            "weapons": weapon_rows,
            "drugs": drug_rows,
        },
    )
    return disruption


def _lock(disruption: Disruption, version: int | None) -> Disruption:
    locked = Disruption.objects.select_for_update().get(pk=disruption.pk)
    if version is not None and int(version) != locked.version:
        raise ValidationError({"version": STALE_MESSAGE})
    return locked


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


def _require_editable(disruption: Disruption, doing: str) -> None:
    if disruption.status not in EDITABLE_STATUSES:
        raise ValidationError(
            {
                "status": f"This disruption is {disruption.get_status_display().lower()}; only a "
                f"draft or a returned disruption can be {doing}."
            }
        )


@transaction.atomic
def disruption_update(
    *,
    actor: AbstractBaseUser,
    disruption: Disruption,
    version: int,
    values: Mapping[str, Any] | None = None,
    ocgs: Sequence[OCG] | None = None,
    county_lines: Sequence[CountyLine] | None = None,
    nominals: Sequence[Nominal] | None = None,
    weapons: Iterable[Mapping[str, Any]] | None = None,
    drugs: Iterable[Mapping[str, Any]] | None = None,
) -> Disruption:
    """Change a draft or returned disruption; arguments left as None keep what is stored."""
    locked = _lock(disruption, version)
    _require_author(actor, locked, "change")
    _require_editable(locked, "changed")
    values = dict(values or {})
    unknown = set(values) - set(VALUE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be set here."))
    data = {f: getattr(locked, f) for f in VALUE_FIELDS}
    data.update(values)
    if data.get("officer") is None:
        data["officer"] = actor
    errors: dict[str, str] = {}
    _clean_values(data, errors)
    new_ocgs = list(locked.ocgs.all()) if ocgs is None else list(ocgs)
    new_lines = list(locked.county_lines.all()) if county_lines is None else list(county_lines)
    new_nominals = list(locked.nominals.all()) if nominals is None else list(nominals)
    _check_subjects(
        actor=actor,
        ocgs=new_ocgs,
        county_lines=new_lines,
        nominals=new_nominals,
        errors=errors,
    )
    weapon_rows = None if weapons is None else _clean_weapons(weapons, errors)
    drug_rows = None if drugs is None else _clean_drugs(drugs, errors)
    _raise(errors)
    changes = diff_fields(locked, data)
    for field, value in data.items():
        setattr(locked, field, value)
    locked.version += 1
    locked.save()
    for name, old, new in (
        ("ocgs", locked.ocgs, new_ocgs),
        ("county_lines", locked.county_lines, new_lines),
        ("nominals", locked.nominals, new_nominals),
    ):
        before = sorted(old.values_list("pk", flat=True))
        after = sorted(o.pk for o in new)
        if before != after:
            old.set(new)
            changes[name] = [before, after]
    if weapon_rows is not None or drug_rows is not None:
        if weapon_rows is None:
            weapon_rows = list(locked.weapons.values("kind", "count"))
        if drug_rows is None:
            drug_rows = list(
                locked.drugs.values("drug_class", "drug", "amount", "unit", "estimated_value")
            )
        _write_outcomes(locked, weapon_rows, drug_rows)
        changes["weapons"] = weapon_rows
        changes["drugs"] = drug_rows
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, changes=changes)
    return locked


@transaction.atomic
def disruption_submit(
    *, actor: AbstractBaseUser, disruption: Disruption, version: int | None = None
) -> Disruption:
    """Send a draft (or a corrected returned one) to the supervisors' approval queue."""
    locked = _lock(disruption, version)
    _require_author(actor, locked, "submit")
    _require_editable(locked, "submitted")
    before = locked.status
    locked.status = DisruptionStatus.SUBMITTED
    locked.submitted_by = actor
    locked.submitted_at = timezone.now()
    locked.version += 1
    locked.save(update_fields=["status", "submitted_by", "submitted_at", "version", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        changes={"status": [before, locked.status]},
    )
    return locked


def _decide(actor: AbstractBaseUser, disruption: Disruption, version: int | None) -> Disruption:
    if not actor.has_perm("disruptions.approve_disruption"):
        raise PermissionDenied("Only a supervisor may approve or return disruptions.")
    if not Disruption.objects.visible_to(actor).filter(pk=disruption.pk).exists():
        raise PermissionDenied("You may not see this disruption.")
    locked = _lock(disruption, version)
    if actor.pk in (locked.created_by_id, locked.officer_id):
        raise PermissionDenied(
            "You cannot approve or return a disruption you logged or took part in: "
            "another supervisor must decide it."
        )
    if locked.status != DisruptionStatus.SUBMITTED:
        raise ValidationError(
            {
                "status": f"This disruption is {locked.get_status_display().lower()}; only a "
                "submitted disruption can be approved or returned."
            }
        )
    return locked


@transaction.atomic
def disruption_approve(
    *, actor: AbstractBaseUser, disruption: Disruption, version: int | None = None
) -> Disruption:
    """Approve a submitted disruption: from now on it counts in reports."""
    locked = _decide(actor, disruption, version)
    locked.status = DisruptionStatus.APPROVED
    locked.approved_by = actor
    locked.approved_at = timezone.now()
    locked.return_reason = ""
    locked.version += 1
    locked.save(
        update_fields=[
            "status",
            "approved_by",
            "approved_at",
            "return_reason",
            "version",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        changes={"status": [DisruptionStatus.SUBMITTED, DisruptionStatus.APPROVED]},
    )
    return locked


@transaction.atomic
def disruption_return(
    *, actor: AbstractBaseUser, disruption: Disruption, reason: str, version: int | None = None
) -> Disruption:
    """Send a submitted disruption back to its author, who sees the reason in their drafts."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say what the author must correct: a reason is required."})
    locked = _decide(actor, disruption, version)
    locked.status = DisruptionStatus.RETURNED
    locked.returned_by = actor
    locked.returned_at = timezone.now()
    locked.return_reason = reason
    locked.version += 1
    locked.save(
        update_fields=[
            "status",
            "returned_by",
            "returned_at",
            "return_reason",
            "version",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        changes={"status": [DisruptionStatus.SUBMITTED, DisruptionStatus.RETURNED]},
        reason=reason,
    )
    return locked


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
    locked = _lock(disruption, version)
    if not actor.has_perm("disruptions.approve_disruption"):
        _require_author(actor, locked, "tag")
    elif not Disruption.objects.visible_to(actor).filter(pk=locked.pk).exists():
        raise PermissionDenied("You may not see this disruption.")
    if operation is not None and not (operation.start_date <= locked.date <= operation.end_date):
        raise ValidationError(
            {"operation": f"{operation.name} did not run on {locked.date:%d/%m/%Y}."}
        )
    before = locked.operation_id
    locked.operation = operation
    locked.version += 1
    locked.save(update_fields=["operation", "version", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        changes={"operation": [before, operation.pk if operation else None]},
    )
    return locked


@transaction.atomic
def court_result_add(
    *,
    actor: AbstractBaseUser,
    disruption: Disruption,
    nominal: Nominal,
    offences: str,
    outcome: str,
    result_date: datetime.date,
    sentence_years: int | None = 0,
    sentence_months: int | None = 0,
    non_custodial_kind: str = "",
) -> CourtResult:
    """Record a court's decision about a nominal, linked to the disruption that led to it."""
    if not actor.has_perm("disruptions.add_courtresult"):
        raise PermissionDenied("Recording court results needs a role that logs disruptions.")
    if not Disruption.objects.visible_to(actor).filter(pk=disruption.pk).exists():
        raise PermissionDenied("You cannot see that disruption.")
    errors: dict[str, str] = {}
    if not Nominal.objects.visible_to(actor).filter(pk=nominal.pk).exists():
        errors["nominal"] = "Choose a nominal you can see."
    offences = (offences or "").strip()
    if not offences:
        errors["offences"] = "Enter the offence or offences."
    years, months = _as_int(sentence_years), _as_int(sentence_months)
    non_custodial_kind = non_custodial_kind or ""
    if outcome not in CourtOutcome.values:
        errors["outcome"] = "Choose the outcome."
    elif outcome == CourtOutcome.CUSTODIAL:
        if years is None or years < 0:
            errors["sentence_years"] = "Enter the years as a whole number, 0 or more."
        if months is None or not 0 <= months <= 11:
            errors["sentence_months"] = "Enter the months as a whole number from 0 to 11."
        if (
            "sentence_years" not in errors
            and "sentence_months" not in errors
            and not (years or months)
        ):
            errors["sentence_years"] = "A custodial sentence needs a term in years and months."
        if non_custodial_kind:
            errors["non_custodial_kind"] = "Leave this empty for a custodial sentence."
    else:
        if years or months:
            errors["sentence_years"] = "Only a custodial sentence has a term."
        years = months = 0
        if outcome == CourtOutcome.NON_CUSTODIAL:
            if non_custodial_kind not in NonCustodialKind.values:
                errors["non_custodial_kind"] = "Choose the kind of non-custodial sentence."
        elif non_custodial_kind:
            errors["non_custodial_kind"] = "Only a non-custodial sentence has a kind."
    if not isinstance(result_date, datetime.date):
        errors["result_date"] = "Enter the date of the court result."
    elif result_date > _today():
        errors["result_date"] = "The date of a court result cannot be in the future."
    elif result_date < disruption.date:
        errors["result_date"] = "The court result cannot be before the disruption that led to it."
    _raise(errors)
    result = CourtResult.objects.create(
        disruption=disruption,
        nominal=nominal,
        offences=offences,
        outcome=outcome,
        sentence_years=years,
        sentence_months=months,
        non_custodial_kind=non_custodial_kind,
        result_date=result_date,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=result,
        changes={
            "disruption": disruption.pk,
            "nominal": nominal.pk,
            "offences": offences,
            "outcome": outcome,
            "sentence_years": years,
            "sentence_months": months,
            "non_custodial_kind": non_custodial_kind,
            "result_date": result_date,
        },
    )
    return result


def _clean_operation(
    data: dict[str, Any], errors: dict[str, str], *, exclude_pk: int | None = None
) -> None:
    data["name"] = str(data.get("name") or "").strip()
    if not data["name"]:
        errors["name"] = "Enter the operation's name."
    elif Operation.objects.filter(name__iexact=data["name"]).exclude(pk=exclude_pk).exists():
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
    data = {"name": name, "start_date": start_date, "end_date": end_date}
    data["description"] = description
    errors: dict[str, str] = {}
    _clean_operation(data, errors)
    _raise(errors)
    operation = Operation.objects.create(created_by=actor, **data)
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
    values: Mapping[str, Any],
    teams: Sequence[Team] | None = None,
) -> Operation:
    if not actor.has_perm("disruptions.change_operation"):
        raise PermissionDenied("Changing operations needs a supervisor or coordinator role.")
    locked = Operation.objects.select_for_update().get(pk=operation.pk)
    if int(version) != locked.version:
        raise ValidationError({"version": STALE_MESSAGE})
    allowed = {"name", "start_date", "end_date", "description"}
    unknown = set(values) - allowed
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be set here."))
    data = {f: getattr(locked, f) for f in allowed}
    data.update(values)
    errors: dict[str, str] = {}
    _clean_operation(data, errors, exclude_pk=locked.pk)
    outside = locked.disruptions.exclude(
        date__gte=data.get("start_date") or datetime.date.min,
        date__lte=data.get("end_date") or datetime.date.max,
    )
    if not errors and outside.exists():
        errors["start_date"] = "Some tagged disruptions fall outside these dates; untag them first."
    _raise(errors)
    changes = diff_fields(locked, data)
    for field, value in data.items():
        setattr(locked, field, value)
    locked.version += 1
    locked.save()
    if teams is not None:
        before = sorted(locked.teams.values_list("pk", flat=True))
        after = sorted(t.pk for t in teams)
        if before != after:
            locked.teams.set(teams)
            changes["teams"] = [before, after]
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, changes=changes)
    return locked
