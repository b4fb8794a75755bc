"""A person's custody timeline (the table in kentsoc/lifetime/transitions.py) and the dates of
the current custody period; the nominal's custody status follows the timeline."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.db.models import F

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record, lock_versioned, versioned_save
from kentsoc.lifetime.choices import PERIOD_TO_CUSTODY_STATUS, CustodyEventKind, PeriodStatus
from kentsoc.lifetime.dates import day_text
from kentsoc.lifetime.models import CustodyEvent, CustodyPeriod
from kentsoc.lifetime.services.common import (
    check_date,
    clean_text,
    raise_errors,
    require_manage,
)
from kentsoc.lifetime.transitions import CustodyChange, transition_for
from ocg.models import Nominal


def _set_custody_status(*, actor: AbstractBaseUser, nominal: Nominal, status: str) -> None:
    """Keep Nominal.custody_status in step with the timeline. The nominal row is already locked
    by the caller; bumping its version makes a concurrent edit of the person see a stale save."""
    if nominal.custody_status == status:
        return
    old = nominal.custody_status
    Nominal.objects.filter(pk=nominal.pk).update(custody_status=status, version=F("version") + 1)
    nominal.custody_status = status
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=nominal,
        changes={"custody_status": [old, status]},
        reason="Custody timeline",
    )


@transaction.atomic
def custody_event_record(
    *,
    actor: AbstractBaseUser,
    nominal: Nominal,
    kind: str,
    on_date: datetime.date | None,
    establishment: str = "",
    note: str = "",
) -> CustodyEvent:
    """Add a change to the person's custody timeline: a remand or sentence opens a custody
    period (never overlapping another); release and licence end move it on and close it."""
    require_manage(actor, nominal)
    # One custody change per person at a time, so two officers cannot open two periods.
    nominal = Nominal.objects.select_for_update().get(pk=nominal.pk)
    errors: dict[str, str] = {}
    if kind not in CustodyEventKind.values:
        errors["kind"] = "Choose what happened."
    check_date(errors, "on_date", on_date, "date of the change")
    raise_errors(errors)
    kind = CustodyEventKind(kind)
    establishment = clean_text(establishment)
    periods = list(CustodyPeriod.objects.filter(nominal=nominal))
    period = next((p for p in periods if p.ended_on is None), None)
    if period is not None:
        period = lock_versioned(CustodyPeriod, period.pk, version=None)
    change = CustodyChange(
        nominal=nominal, periods=periods, period=period, kind=kind, on_date=on_date
    )
    transition, errors = transition_for(change)
    raise_errors(errors)
    dates = {**dict.fromkeys(transition.clears), **dict.fromkeys(transition.sets, on_date)}
    if period is None:
        period = CustodyPeriod.objects.create(
            nominal=nominal,
            status=transition.to,
            establishment=establishment,
            created_by=actor,
            **dates,
        )
    else:
        values = {"status": transition.to, **dates}
        if establishment:
            values["establishment"] = establishment
        versioned_save(actor=actor, obj=period, values=values)
    event = CustodyEvent.objects.create(
        period=period,
        kind=kind,
        on_date=on_date,
        establishment=establishment,
        note=clean_text(note),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=event,
        changes={
            "nominal": nominal.pk,
            "period": period.pk,
            "kind": kind,
            "on_date": on_date,
            "establishment": establishment,
        },
    )
    _set_custody_status(
        actor=actor, nominal=nominal, status=PERIOD_TO_CUSTODY_STATUS[PeriodStatus(period.status)]
    )
    return event


@transaction.atomic
def custody_dates_update(
    *,
    actor: AbstractBaseUser,
    period: CustodyPeriod,
    version: int | None,
    sentence_date: datetime.date | None,
    expected_release_date: datetime.date | None,
    licence_end_date: datetime.date | None,
    establishment: str = "",
) -> CustodyPeriod:
    """Record the sentence date, the expected release date and the licence end date of the
    person's current custody period, and where they are held."""
    require_manage(actor, period.nominal)
    period = lock_versioned(CustodyPeriod, period.pk, version=version)
    errors: dict[str, str] = {}
    if period.ended_on is not None:
        raise_errors({NON_FIELD_ERRORS: "This custody period has ended; its dates are closed."})
    if sentence_date is not None and sentence_date < period.started_on:
        errors["sentence_date"] = (
            f"The sentence date cannot be before custody began ({day_text(period.started_on)})."
        )
    if expected_release_date is not None:
        if sentence_date is not None and expected_release_date < sentence_date:
            errors["expected_release_date"] = (
                f"The release date cannot be before the sentence date ({day_text(sentence_date)})."
            )
        elif expected_release_date < period.started_on:
            errors["expected_release_date"] = (
                f"The release date cannot be before custody began ({day_text(period.started_on)})."
            )
    released = period.released_on or expected_release_date
    if licence_end_date is not None:
        if released is None:
            errors["licence_end_date"] = "Enter the release date before the licence end date."
        elif licence_end_date < released:
            errors["licence_end_date"] = (
                f"The licence end date cannot be before the release date ({day_text(released)})."
            )
    if period.released_on and sentence_date and sentence_date > period.released_on:
        errors["sentence_date"] = (
            f"The sentence date cannot be after the release ({day_text(period.released_on)})."
        )
    raise_errors(errors)
    versioned_save(
        actor=actor,
        obj=period,
        values={
            "sentence_date": sentence_date,
            "expected_release_date": expected_release_date,
            "licence_end_date": licence_end_date,
            "establishment": clean_text(establishment),
        },
    )
    return period
