"""Court results: what a court decided about a nominal, linked to the disruption that led to it."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction

from disruptions.choices import CourtOutcome, NonCustodialKind
from disruptions.models import CourtResult, Disruption
from disruptions.services.base import raise_errors, whole_number
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record
from kentsoc.dates import today
from ocg.models import Nominal


def _check_sentence(
    outcome: str,
    years: int | None,
    months: int | None,
    non_custodial_kind: str,
    errors: dict[str, str],
) -> None:
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
        if outcome == CourtOutcome.NON_CUSTODIAL:
            if non_custodial_kind not in NonCustodialKind.values:
                errors["non_custodial_kind"] = "Choose the kind of non-custodial sentence."
        elif non_custodial_kind:
            errors["non_custodial_kind"] = "Only a non-custodial sentence has a kind."


@transaction.atomic
def court_result_add(
    *,
    actor: AbstractBaseUser,
    disruption: Disruption,
    nominal: Nominal,
    court: str,
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
    court = (court or "").strip()
    if not court:
        errors["court"] = "Enter the court's name, e.g. Maidstone Crown Court."
    elif len(court) > 120:
        errors["court"] = "Enter the court's name in at most 120 characters."
    offences = (offences or "").strip()
    if not offences:
        errors["offences"] = "Enter the offence or offences."
    years, months = whole_number(sentence_years), whole_number(sentence_months)
    non_custodial_kind = non_custodial_kind or ""
    _check_sentence(outcome, years, months, non_custodial_kind, errors)
    if outcome != CourtOutcome.CUSTODIAL:
        years = months = 0
    if not isinstance(result_date, datetime.date):
        errors["result_date"] = "Enter the date of the court result."
    elif result_date > today():
        errors["result_date"] = "The date of a court result cannot be in the future."
    elif result_date < disruption.date:
        errors["result_date"] = "The court result cannot be before the disruption that led to it."
    raise_errors(errors)
    result = CourtResult.objects.create(
        disruption=disruption,
        nominal=nominal,
        court=court,
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
            "court": court,
            "offences": offences,
            "outcome": outcome,
            "sentence_years": years,
            "sentence_months": months,
            "non_custodial_kind": non_custodial_kind,
            "result_date": result_date,
        },
    )
    return result
