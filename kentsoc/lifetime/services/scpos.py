"""Serious crime prevention orders: applied for, made (with a linked disruption), varied,
breached and ended. An order lasts at most five years and is only made for an adult."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction

from disruptions.choices import Tactic
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record, lock_versioned, versioned_save
from kentsoc.dates import add_months
from kentsoc.lifetime.choices import SCPO_MAX_MONTHS, SCPO_MIN_AGE, ScpoStatus
from kentsoc.lifetime.dates import age_on, day_text
from kentsoc.lifetime.models import Scpo, ScpoBreach, ScpoVariation
from kentsoc.lifetime.services.common import (
    check_date,
    check_disruption_fields,
    clean_text,
    raise_errors,
    record_disruption,
    require_manage,
)
from ocg.models import Nominal


@transaction.atomic
def scpo_apply(
    *, actor: AbstractBaseUser, nominal: Nominal, applied_on: datetime.date | None
) -> Scpo:
    require_manage(actor, nominal)
    errors: dict[str, str] = {}
    check_date(errors, "applied_on", applied_on, "date of the application")
    raise_errors(errors)
    scpo = Scpo.objects.create(
        nominal=nominal, status=ScpoStatus.APPLIED, applied_on=applied_on, created_by=actor
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=scpo,
        changes={"nominal": nominal.pk, "status": scpo.status, "applied_on": applied_on},
    )
    return scpo


def _check_duration(errors: dict[str, str], duration_months: int | None) -> None:
    if not isinstance(duration_months, int) or duration_months < 1:
        errors["duration_months"] = "Enter the duration in whole months, at least 1."
    elif duration_months > SCPO_MAX_MONTHS:
        errors["duration_months"] = (
            f"An SCPO lasts at most 5 years ({SCPO_MAX_MONTHS} months); "
            f"{duration_months} months is too long."
        )


@transaction.atomic
def scpo_make(
    *,
    actor: AbstractBaseUser,
    scpo: Scpo,
    version: int | None,
    court: str,
    made_on: datetime.date | None,
    duration_months: int | None,
    conditions: str,
    impact_grade: str,
    impact_rationale: str,
) -> Scpo:
    """The court made the order: record it, compute its expiry, and log it as a disruption
    (tactic SCPO) linked to it. Only for a person aged 18 or over on the date made."""
    nominal = scpo.nominal
    require_manage(actor, nominal)
    scpo = lock_versioned(Scpo, scpo.pk, version=version)
    if scpo.status != ScpoStatus.APPLIED:
        raise_errors(
            {NON_FIELD_ERRORS: f"This SCPO is already {scpo.get_status_display().lower()}."}
        )
    errors: dict[str, str] = {}
    if not clean_text(court):
        errors["court"] = "Enter the court that made the order."
    if not clean_text(conditions):
        errors["conditions"] = "Enter the order's conditions: they cannot be blank."
    _check_duration(errors, duration_months)
    if check_date(errors, "made_on", made_on, "date the order was made"):
        if made_on < scpo.applied_on:
            errors["made_on"] = (
                f"The order cannot be made before it was applied for ({day_text(scpo.applied_on)})."
            )
        elif nominal.date_of_birth is None:
            errors["made_on"] = (
                f"Record {nominal.full_name}'s date of birth first: an SCPO can only be made "
                f"for a person aged {SCPO_MIN_AGE} or over."
            )
        elif (age := age_on(nominal.date_of_birth, made_on)) < SCPO_MIN_AGE:
            errors["made_on"] = (
                f"{nominal.full_name} was {age} on {day_text(made_on)}: an SCPO can only be made "
                f"for a person aged {SCPO_MIN_AGE} or over on the date it is made."
            )
    check_disruption_fields(errors, impact_grade, impact_rationale)
    raise_errors(errors)
    updates = {
        "status": ScpoStatus.MADE,
        "court": clean_text(court),
        "made_on": made_on,
        "duration_months": duration_months,
        "conditions": clean_text(conditions),
        "expires_on": add_months(made_on, duration_months),
    }
    disruption = record_disruption(
        actor=actor,
        nominal=nominal,
        tactic=Tactic.SCPO,
        on_date=made_on,
        narrative=(
            f"SCPO made at {updates['court']} for {duration_months} months: {updates['conditions']}"
        ),
        impact_grade=impact_grade,
        impact_rationale=impact_rationale,
        refused_at=NON_FIELD_ERRORS,
    )
    versioned_save(actor=actor, obj=scpo, values={**updates, "disruption": disruption})
    return scpo


@transaction.atomic
def scpo_vary(
    *,
    actor: AbstractBaseUser,
    scpo: Scpo,
    version: int | None,
    varied_on: datetime.date | None,
    conditions: str,
    duration_months: int | None,
    reason: str,
) -> ScpoVariation:
    """The court varied the order: new conditions and/or duration (still at most 5 years from
    the date made); the previous terms are kept in the variation history."""
    require_manage(actor, scpo.nominal)
    scpo = lock_versioned(Scpo, scpo.pk, version=version)
    if scpo.status != ScpoStatus.MADE:
        raise_errors({NON_FIELD_ERRORS: "Only an SCPO in force can be varied."})
    errors: dict[str, str] = {}
    if check_date(errors, "varied_on", varied_on, "date of the variation") and not (
        scpo.made_on <= varied_on <= scpo.expires_on
    ):
        errors["varied_on"] = (
            f"The variation must fall while the order is in force "
            f"({day_text(scpo.made_on)} to {day_text(scpo.expires_on)})."
        )
    if not clean_text(conditions):
        errors["conditions"] = "Enter the order's conditions as varied: they cannot be blank."
    if not clean_text(reason):
        errors["reason"] = "Enter why the order was varied."
    _check_duration(errors, duration_months)
    if (
        "duration_months" not in errors
        and "varied_on" not in errors
        and add_months(scpo.made_on, duration_months) <= varied_on
    ):
        errors["duration_months"] = "The varied order would already have expired."
    raise_errors(errors)
    variation = ScpoVariation.objects.create(
        scpo=scpo,
        varied_on=varied_on,
        previous_conditions=scpo.conditions,
        conditions=clean_text(conditions),
        previous_duration_months=scpo.duration_months,
        duration_months=duration_months,
        reason=clean_text(reason),
        recorded_by=actor,
    )
    updates = {
        "conditions": clean_text(conditions),
        "duration_months": duration_months,
        "expires_on": add_months(scpo.made_on, duration_months),
    }
    versioned_save(
        actor=actor,
        obj=scpo,
        values=updates,
        context={"variation": variation.pk},
        reason=variation.reason,
    )
    return variation


@transaction.atomic
def scpo_expire(
    *, actor: AbstractBaseUser, scpo: Scpo, version: int | None, expired_on: datetime.date | None
) -> Scpo:
    require_manage(actor, scpo.nominal)
    scpo = lock_versioned(Scpo, scpo.pk, version=version)
    if scpo.status != ScpoStatus.MADE:
        raise_errors({NON_FIELD_ERRORS: "Only an SCPO in force can expire."})
    errors: dict[str, str] = {}
    if (
        check_date(errors, "expired_on", expired_on, "date the order ended")
        and expired_on < scpo.made_on
    ):
        errors["expired_on"] = (
            f"The order cannot end before it was made ({day_text(scpo.made_on)})."
        )
    raise_errors(errors)
    versioned_save(
        actor=actor, obj=scpo, values={"status": ScpoStatus.EXPIRED, "expired_on": expired_on}
    )
    return scpo


@transaction.atomic
def scpo_breach_record(
    *,
    actor: AbstractBaseUser,
    scpo: Scpo,
    breached_on: datetime.date | None,
    action_taken: str,
    details: str = "",
) -> ScpoBreach:
    require_manage(actor, scpo.nominal)
    scpo = lock_versioned(Scpo, scpo.pk, version=None)
    if scpo.status == ScpoStatus.APPLIED:
        raise_errors(
            {NON_FIELD_ERRORS: "The order has not been made yet, so it cannot be breached."}
        )
    errors: dict[str, str] = {}
    end = scpo.expired_on or scpo.expires_on
    if check_date(errors, "breached_on", breached_on, "date of the breach") and not (
        scpo.made_on <= breached_on <= end
    ):
        errors["breached_on"] = (
            "A breach must fall while the order was in force "
            f"({day_text(scpo.made_on)} to {day_text(end)})."
        )
    if not clean_text(action_taken):
        errors["action_taken"] = "Enter the action taken on the breach."
    raise_errors(errors)
    breach = ScpoBreach.objects.create(
        scpo=scpo,
        breached_on=breached_on,
        action_taken=clean_text(action_taken),
        details=clean_text(details),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=breach,
        changes={
            "scpo": scpo.pk,
            "nominal": scpo.nominal_id,
            "breached_on": breached_on,
            "action_taken": breach.action_taken,
        },
    )
    return breach
