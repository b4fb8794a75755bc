"""Every write of lifetime management: custody, conditions, SCPOs, training, attention items.

Each service checks permission and scope, validates (raising ValidationError({field: message}) so
nothing is saved), writes in one transaction with its audit row, and keeps the nominal's custody
status in step with the custody timeline.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record, diff_fields
from kentsoc.lifetime.choices import (
    ALLOWED_AFTER,
    ATTENTION_THRESHOLDS,
    EVENT_TO_PERIOD_STATUS,
    IN_CUSTODY,
    OPENING_EVENTS,
    PERIOD_TO_CUSTODY_STATUS,
    SCPO_MAX_MONTHS,
    SCPO_MIN_AGE,
    AttentionKind,
    Audience,
    ConditionKind,
    CustodyEventKind,
    Partner,
    PeriodStatus,
    ScpoStatus,
)
from kentsoc.lifetime.dates import add_months, age_on
from kentsoc.lifetime.models import (
    AttentionItem,
    Condition,
    CustodyEvent,
    CustodyPeriod,
    PartnerAttendance,
    Scpo,
    ScpoBreach,
    ScpoVariation,
    TrainingAttendance,
    TrainingInput,
)
from kentsoc.org.choices import Role, TeamKind
from kentsoc.org.models import Officer
from ocg.choices import CLOSED_OCG_STATUSES
from ocg.models import Membership, Nominal

STALE_MESSAGE = (
    "Someone else changed this record after you opened it. Reload the page to see their "
    "changes, then make yours again."
)
# SCPOs and prison/licence conditions are recorded as Pursue disruptions: they restrict what an
# offender can do, the force's lifetime offender management strand.
DISRUPTION_STRAND = "pursue"


def _today() -> datetime.date:
    return timezone.localdate()


def _d(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _raise(errors: Mapping[str, str]) -> None:
    if errors:
        raise ValidationError(dict(errors))


def _text(value: Any) -> str:
    return str(value or "").strip()


def _require_manage(actor: AbstractBaseUser, nominal: Nominal) -> None:
    """Coordinators and supervisors act on anyone; LROs only on their OCGs' members."""
    if not actor.has_perm("lifetime.manage_lifetime"):
        raise PermissionDenied(
            "Lifetime management needs the OCG coordinator, supervisor or LRO role."
        )
    if not Nominal.objects.visible_to(actor).filter(pk=nominal.pk).exists():
        raise PermissionDenied(
            "You can only manage members of OCGs you lead; this person is not one of them."
        )


def _lock(model: type, pk: int, version: int | None) -> Any:
    row = model.objects.select_for_update().get(pk=pk)
    if version is not None and row.version != version:
        raise ValidationError({NON_FIELD_ERRORS: STALE_MESSAGE})
    return row


def _check_date(errors: dict[str, str], field: str, value: Any, label: str) -> bool:
    if not isinstance(value, datetime.date):
        errors[field] = f"Enter the {label}."
        return False
    if value > _today():
        errors[field] = f"The {label} cannot be in the future."
        return False
    return True


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


def _record_disruption(
    *,
    actor: AbstractBaseUser,
    nominal: Nominal,
    tactic: str,
    on_date: datetime.date,
    narrative: str,
    impact_grade: str,
    impact_rationale: str,
) -> Any:
    """A draft disruption for the person and their current OCGs, through the disruptions
    service so its rules and audit apply. Its field messages are reported at the form's
    'record as a disruption' fields."""
    from disruptions.models import COUNT_FIELDS
    from disruptions.services import disruption_create
    from ocg.models import OCG

    ocgs = list(
        OCG.objects.visible_to(actor).filter(
            memberships__nominal=nominal, memberships__to_date__isnull=True
        )
    )
    try:
        return disruption_create(
            actor=actor,
            values={
                "date": on_date,
                "strand": DISRUPTION_STRAND,
                "tactic": tactic,
                "narrative": narrative,
                "impact_grade": impact_grade,
                "impact_rationale": impact_rationale,
                "cash_seized": 0,
                **dict.fromkeys(COUNT_FIELDS, 0),
            },
            nominals=[nominal],
            ocgs=ocgs,
        )
    except ValidationError as exc:
        messages = exc.message_dict
        errors = {
            key: " ".join(messages.pop(key))
            for key in ("impact_grade", "impact_rationale")
            if key in messages
        }
        if messages:
            errors["record_disruption"] = "The disruption could not be recorded: " + " ".join(
                f"{m}" for ms in messages.values() for m in ms
            )
        raise ValidationError(errors) from exc


def _check_disruption_fields(
    errors: dict[str, str], impact_grade: str, impact_rationale: str
) -> None:
    from disruptions.choices import ImpactGrade

    if impact_grade not in ImpactGrade.values:
        errors["impact_grade"] = "Choose the impact grade of the disruption."
    if not _text(impact_rationale):
        errors["impact_rationale"] = "Explain why you chose this impact grade: it is required."


# --- Custody ---------------------------------------------------------------------------------


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
    _require_manage(actor, nominal)
    # One custody change per person at a time, so two officers cannot open two periods.
    nominal = Nominal.objects.select_for_update().get(pk=nominal.pk)
    errors: dict[str, str] = {}
    if kind not in CustodyEventKind.values:
        errors["kind"] = "Choose what happened."
    _check_date(errors, "on_date", on_date, "date of the change")
    _raise(errors)
    kind = CustodyEventKind(kind)
    establishment = _text(establishment)
    periods = list(CustodyPeriod.objects.filter(nominal=nominal))
    period = next((p for p in periods if p.ended_on is None), None)
    if period is None:
        if kind not in OPENING_EVENTS:
            _raise({"kind": f"{nominal.full_name} is not in custody: record a remand or sentence."})
        clash = max(
            (p for p in periods if p.ended_on >= on_date), key=lambda p: p.ended_on, default=None
        )
        if clash is not None:
            _raise(
                {
                    "on_date": f"This overlaps the custody period from {_d(clash.started_on)} "
                    f"to {_d(clash.ended_on)}: a new period must start after {_d(clash.ended_on)}."
                }
            )
        period = CustodyPeriod.objects.create(
            nominal=nominal,
            status=EVENT_TO_PERIOD_STATUS[kind],
            started_on=on_date,
            sentence_date=on_date if kind == CustodyEventKind.SENTENCED else None,
            establishment=establishment,
            created_by=actor,
        )
    else:
        period = _lock(CustodyPeriod, period.pk, None)
        if kind not in ALLOWED_AFTER[period.status]:
            _raise(
                {
                    "kind": f"“{kind.label}” cannot follow “{period.get_status_display()}”: "
                    f"{nominal.full_name} has been {period.get_status_display().lower()} "
                    f"since the last change."
                }
            )
        last = period.events.order_by("-on_date").values_list("on_date", flat=True).first()
        last = max(filter(None, (last, period.started_on)))
        if on_date < last:
            _raise({"on_date": f"The date must be on or after the last change ({_d(last)})."})
        updates: dict[str, Any] = {"status": EVENT_TO_PERIOD_STATUS[kind]}
        if kind == CustodyEventKind.SENTENCED:
            updates["sentence_date"] = on_date
        elif kind in (CustodyEventKind.RELEASED_ON_LICENCE, CustodyEventKind.RELEASED):
            if period.sentence_date and on_date < period.sentence_date:
                _raise(
                    {
                        "on_date": "The release date cannot be before the sentence date "
                        f"({_d(period.sentence_date)})."
                    }
                )
            updates["released_on"] = on_date
            if kind == CustodyEventKind.RELEASED:
                updates["ended_on"] = on_date
        elif kind == CustodyEventKind.LICENCE_ENDED:
            updates["licence_end_date"] = on_date
            updates["ended_on"] = on_date
        if establishment:
            updates["establishment"] = establishment
        changes = diff_fields(period, updates)
        for field, value in updates.items():
            setattr(period, field, value)
        period.version += 1
        period.save(update_fields=[*updates, "version", "updated_at"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=period, changes=changes)
    event = CustodyEvent.objects.create(
        period=period,
        kind=kind,
        on_date=on_date,
        establishment=establishment,
        note=_text(note),
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
    _require_manage(actor, period.nominal)
    period = _lock(CustodyPeriod, period.pk, version)
    errors: dict[str, str] = {}
    if period.ended_on is not None:
        _raise({NON_FIELD_ERRORS: "This custody period has ended; its dates are closed."})
    if sentence_date is not None and sentence_date < period.started_on:
        errors["sentence_date"] = (
            f"The sentence date cannot be before custody began ({_d(period.started_on)})."
        )
    if expected_release_date is not None:
        if sentence_date is not None and expected_release_date < sentence_date:
            errors["expected_release_date"] = (
                f"The release date cannot be before the sentence date ({_d(sentence_date)})."
            )
        elif expected_release_date < period.started_on:
            errors["expected_release_date"] = (
                f"The release date cannot be before custody began ({_d(period.started_on)})."
            )
    released = period.released_on or expected_release_date
    if licence_end_date is not None:
        if released is None:
            errors["licence_end_date"] = "Enter the release date before the licence end date."
        elif licence_end_date < released:
            errors["licence_end_date"] = (
                f"The licence end date cannot be before the release date ({_d(released)})."
            )
    if period.released_on and sentence_date and sentence_date > period.released_on:
        errors["sentence_date"] = (
            f"The sentence date cannot be after the release ({_d(period.released_on)})."
        )
    _raise(errors)
    updates = {
        "sentence_date": sentence_date,
        "expected_release_date": expected_release_date,
        "licence_end_date": licence_end_date,
        "establishment": _text(establishment),
    }
    changes = diff_fields(period, updates)
    if changes:
        for field, value in updates.items():
            setattr(period, field, value)
        period.version += 1
        period.save(update_fields=[*updates, "version", "updated_at"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=period, changes=changes)
    return period


# --- Conditions ------------------------------------------------------------------------------


@transaction.atomic
def condition_add(
    *,
    actor: AbstractBaseUser,
    nominal: Nominal,
    kind: str,
    text: str,
    imposed_on: datetime.date | None,
    partner: str,
    requested_by: AbstractBaseUser | None = None,
    record_disruption: bool = False,
    impact_grade: str = "",
    impact_rationale: str = "",
) -> Condition:
    """Record prison or licence conditions; optionally also as a disruption of that tactic,
    in the same transaction."""
    _require_manage(actor, nominal)
    errors: dict[str, str] = {}
    if kind not in ConditionKind.values:
        errors["kind"] = "Choose prison conditions or licence conditions."
    if not _text(text):
        errors["text"] = "Enter the conditions: they cannot be blank."
    _check_date(errors, "imposed_on", imposed_on, "date the conditions were imposed")
    if partner not in Partner.values:
        errors["partner"] = "Choose the partner (or “None (police only)”)."
    requested_by = requested_by or actor
    if not Officer.objects.filter(user_id=requested_by.pk).exists():
        errors["requested_by"] = "Choose an officer with a police profile."
    if record_disruption:
        _check_disruption_fields(errors, impact_grade, impact_rationale)
    _raise(errors)
    period = CustodyPeriod.objects.filter(nominal=nominal, ended_on__isnull=True).first()
    condition = Condition.objects.create(
        nominal=nominal,
        period=period,
        kind=kind,
        text=_text(text),
        imposed_on=imposed_on,
        partner=partner,
        requested_by=requested_by,
        created_by=actor,
    )
    if record_disruption:
        from disruptions.choices import Tactic

        tactic = (
            Tactic.PRISON_CONDITIONS if kind == ConditionKind.PRISON else Tactic.LICENCE_CONDITIONS
        )
        condition.disruption = _record_disruption(
            actor=actor,
            nominal=nominal,
            tactic=tactic,
            on_date=imposed_on,
            narrative=f"{condition.get_kind_display()} imposed: {condition.text}",
            impact_grade=impact_grade,
            impact_rationale=impact_rationale,
        )
        condition.save(update_fields=["disruption"])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=condition,
        changes={
            "nominal": nominal.pk,
            "kind": kind,
            "text": condition.text,
            "imposed_on": imposed_on,
            "partner": partner,
            "requested_by": requested_by.pk,
            "period": period.pk if period else None,
            "disruption": condition.disruption_id,
        },
    )
    return condition


# --- SCPOs -----------------------------------------------------------------------------------


@transaction.atomic
def scpo_apply(
    *, actor: AbstractBaseUser, nominal: Nominal, applied_on: datetime.date | None
) -> Scpo:
    _require_manage(actor, nominal)
    errors: dict[str, str] = {}
    _check_date(errors, "applied_on", applied_on, "date of the application")
    _raise(errors)
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


def _check_duration(errors: dict[str, str], duration_months: Any) -> None:
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
    _require_manage(actor, nominal)
    scpo = _lock(Scpo, scpo.pk, version)
    if scpo.status != ScpoStatus.APPLIED:
        _raise({NON_FIELD_ERRORS: f"This SCPO is already {scpo.get_status_display().lower()}."})
    errors: dict[str, str] = {}
    if not _text(court):
        errors["court"] = "Enter the court that made the order."
    if not _text(conditions):
        errors["conditions"] = "Enter the order's conditions: they cannot be blank."
    _check_duration(errors, duration_months)
    if _check_date(errors, "made_on", made_on, "date the order was made"):
        if made_on < scpo.applied_on:
            errors["made_on"] = (
                f"The order cannot be made before it was applied for ({_d(scpo.applied_on)})."
            )
        elif nominal.date_of_birth is None:
            errors["made_on"] = (
                f"Record {nominal.full_name}'s date of birth first: an SCPO can only be made "
                f"for a person aged {SCPO_MIN_AGE} or over."
            )
        elif (age := age_on(nominal.date_of_birth, made_on)) < SCPO_MIN_AGE:
            errors["made_on"] = (
                f"{nominal.full_name} was {age} on {_d(made_on)}: an SCPO can only be made for "
                f"a person aged {SCPO_MIN_AGE} or over on the date it is made."
            )
    _check_disruption_fields(errors, impact_grade, impact_rationale)
    _raise(errors)
    updates = {
        "status": ScpoStatus.MADE,
        "court": _text(court),
        "made_on": made_on,
        "duration_months": duration_months,
        "conditions": _text(conditions),
        "expires_on": add_months(made_on, duration_months),
    }
    changes = diff_fields(scpo, updates)
    for field, value in updates.items():
        setattr(scpo, field, value)
    from disruptions.choices import Tactic

    scpo.disruption = _record_disruption(
        actor=actor,
        nominal=nominal,
        tactic=Tactic.SCPO,
        on_date=made_on,
        narrative=f"SCPO made at {scpo.court} for {duration_months} months: {scpo.conditions}",
        impact_grade=impact_grade,
        impact_rationale=impact_rationale,
    )
    changes["disruption"] = [None, scpo.disruption.pk]
    scpo.version += 1
    scpo.save(update_fields=[*updates, "disruption", "version", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=scpo, changes=changes)
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
    _require_manage(actor, scpo.nominal)
    scpo = _lock(Scpo, scpo.pk, version)
    if scpo.status != ScpoStatus.MADE:
        _raise({NON_FIELD_ERRORS: "Only an SCPO in force can be varied."})
    errors: dict[str, str] = {}
    if _check_date(errors, "varied_on", varied_on, "date of the variation") and not (
        scpo.made_on <= varied_on <= scpo.expires_on
    ):
        errors["varied_on"] = (
            f"The variation must fall while the order is in force "
            f"({_d(scpo.made_on)} to {_d(scpo.expires_on)})."
        )
    if not _text(conditions):
        errors["conditions"] = "Enter the order's conditions as varied: they cannot be blank."
    if not _text(reason):
        errors["reason"] = "Enter why the order was varied."
    _check_duration(errors, duration_months)
    if (
        "duration_months" not in errors
        and "varied_on" not in errors
        and add_months(scpo.made_on, duration_months) <= varied_on
    ):
        errors["duration_months"] = "The varied order would already have expired."
    _raise(errors)
    variation = ScpoVariation.objects.create(
        scpo=scpo,
        varied_on=varied_on,
        previous_conditions=scpo.conditions,
        conditions=_text(conditions),
        previous_duration_months=scpo.duration_months,
        duration_months=duration_months,
        reason=_text(reason),
        recorded_by=actor,
    )
    updates = {
        "conditions": _text(conditions),
        "duration_months": duration_months,
        "expires_on": add_months(scpo.made_on, duration_months),
    }
    changes = diff_fields(scpo, updates)
    for field, value in updates.items():
        setattr(scpo, field, value)
    scpo.version += 1
    scpo.save(update_fields=[*updates, "version", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=scpo,
        changes={**changes, "variation": variation.pk},
        reason=variation.reason,
    )
    return variation


@transaction.atomic
def scpo_expire(
    *, actor: AbstractBaseUser, scpo: Scpo, version: int | None, expired_on: datetime.date | None
) -> Scpo:
    _require_manage(actor, scpo.nominal)
    scpo = _lock(Scpo, scpo.pk, version)
    if scpo.status != ScpoStatus.MADE:
        _raise({NON_FIELD_ERRORS: "Only an SCPO in force can expire."})
    errors: dict[str, str] = {}
    if (
        _check_date(errors, "expired_on", expired_on, "date the order ended")
        and expired_on < scpo.made_on
    ):
        errors["expired_on"] = f"The order cannot end before it was made ({_d(scpo.made_on)})."
    _raise(errors)
    changes = diff_fields(scpo, {"status": ScpoStatus.EXPIRED, "expired_on": expired_on})
    scpo.status, scpo.expired_on = ScpoStatus.EXPIRED, expired_on
    scpo.version += 1
    scpo.save(update_fields=["status", "expired_on", "version", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=scpo, changes=changes)
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
    _require_manage(actor, scpo.nominal)
    scpo = Scpo.objects.select_for_update().get(pk=scpo.pk)
    if scpo.status == ScpoStatus.APPLIED:
        _raise({NON_FIELD_ERRORS: "The order has not been made yet, so it cannot be breached."})
    errors: dict[str, str] = {}
    end = scpo.expired_on or scpo.expires_on
    if _check_date(errors, "breached_on", breached_on, "date of the breach") and not (
        scpo.made_on <= breached_on <= end
    ):
        errors["breached_on"] = (
            f"A breach must fall while the order was in force ({_d(scpo.made_on)} to {_d(end)})."
        )
    if not _text(action_taken):
        errors["action_taken"] = "Enter the action taken on the breach."
    _raise(errors)
    breach = ScpoBreach.objects.create(
        scpo=scpo,
        breached_on=breached_on,
        action_taken=_text(action_taken),
        details=_text(details),
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


# --- Training --------------------------------------------------------------------------------


@transaction.atomic
def training_create(
    *,
    actor: AbstractBaseUser,
    held_on: datetime.date | None,
    location: str,
    trainer: str,
    audience: str,
    notes: str = "",
) -> TrainingInput:
    if not actor.has_perm("lifetime.add_traininginput"):
        raise PermissionDenied("Recording training needs the OCG coordinator or supervisor role.")
    errors: dict[str, str] = {}
    if not isinstance(held_on, datetime.date):
        errors["held_on"] = "Enter the date of the training."
    if not _text(location):
        errors["location"] = "Enter where the training took place."
    if not _text(trainer):
        errors["trainer"] = "Enter who gave the training."
    if audience not in Audience.values:
        errors["audience"] = "Choose the audience: LROs, probationers, detectives or partners."
    _raise(errors)
    training = TrainingInput.objects.create(
        held_on=held_on,
        location=_text(location),
        trainer=_text(trainer),
        audience=audience,
        notes=_text(notes),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=training,
        changes={
            "held_on": held_on,
            "location": training.location,
            "trainer": training.trainer,
            "audience": audience,
        },
    )
    return training


@transaction.atomic
def training_attendance_record(
    *, actor: AbstractBaseUser, training: TrainingInput, officer: AbstractBaseUser | None
) -> TrainingAttendance:
    if not actor.has_perm("lifetime.add_traininginput"):
        raise PermissionDenied("Recording attendance needs the OCG coordinator or supervisor role.")
    if officer is None or not Officer.objects.filter(user_id=officer.pk).exists():
        _raise({"officer": "Choose an officer with a police profile."})
    if training.held_on > _today():
        _raise({"officer": "Attendance can be recorded once the training has taken place."})
    if TrainingAttendance.objects.filter(training=training, officer=officer).exists():
        _raise({"officer": f"{officer.get_full_name()}'s attendance is already recorded."})
    attendance = TrainingAttendance.objects.create(
        training=training, officer=officer, recorded_by=actor
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=attendance,
        changes={"training": training.pk, "officer": officer.pk},
    )
    return attendance


@transaction.atomic
def training_partners_record(
    *, actor: AbstractBaseUser, training: TrainingInput, organisation: str, headcount: Any
) -> PartnerAttendance:
    if not actor.has_perm("lifetime.add_traininginput"):
        raise PermissionDenied("Recording attendance needs the OCG coordinator or supervisor role.")
    errors: dict[str, str] = {}
    if not _text(organisation):
        errors["organisation"] = "Enter the partner organisation."
    elif training.partner_attendances.filter(organisation__iexact=_text(organisation)).exists():
        errors["organisation"] = "This organisation's headcount is already recorded."
    if not isinstance(headcount, int) or headcount < 1:
        errors["headcount"] = "Enter how many people attended, at least 1."
    _raise(errors)
    row = PartnerAttendance.objects.create(
        training=training,
        organisation=_text(organisation),
        headcount=headcount,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=row,
        changes={"training": training.pk, "organisation": row.organisation, "headcount": headcount},
    )
    return row


# --- Needs attention -------------------------------------------------------------------------


def _threshold(days_left: int) -> int:
    return min(t for t in ATTENTION_THRESHOLDS if days_left <= t)


def _recipients(nominal_ids: set[int]) -> dict[int, set[int]]:
    """For each nominal: the LROs of their current OCGs and the OCGMU coordinators of those
    OCGs' divisions. Two queries whatever the number of people."""
    coordinators: dict[int, set[int]] = defaultdict(set)
    officers = Officer.objects.filter(
        role=Role.COORDINATOR, team__kind=TeamKind.OCGMU, user__is_active=True
    ).values_list("user_id", "division_id", "team__division_id")
    for user_id, division_id, team_division_id in officers:
        coordinators[division_id or team_division_id].add(user_id)
    recipients: dict[int, set[int]] = defaultdict(set)
    memberships = (
        Membership.objects.filter(nominal_id__in=nominal_ids, to_date__isnull=True)
        .exclude(ocg__status__in=CLOSED_OCG_STATUSES)
        .values_list("nominal_id", "ocg__division_id", "ocg__lead_responsible_officer_id")
    )
    for nominal_id, division_id, lro_id in memberships:
        recipients[nominal_id] |= coordinators.get(division_id, set())
        if lro_id is not None:
            recipients[nominal_id].add(lro_id)
    return recipients


def attention_items_refresh(*, today: datetime.date | None = None) -> int:
    """Write a "needs attention" item for each release and SCPO expiry that has crossed its
    90/30/7-day mark, for the responsible coordinators and LROs. Safe to repeat: an item is
    unique per person, subject, due date and mark, so a second run the same day adds nothing.
    Returns how many items were added."""
    today = today or _today()
    horizon = today + datetime.timedelta(days=max(ATTENTION_THRESHOLDS))
    releases = CustodyPeriod.objects.filter(
        status__in=IN_CUSTODY,
        ended_on__isnull=True,
        expected_release_date__range=(today, horizon),
    ).values_list("pk", "nominal_id", "expected_release_date")
    expiries = Scpo.objects.filter(
        status=ScpoStatus.MADE, expires_on__range=(today, horizon)
    ).values_list("pk", "nominal_id", "expires_on")
    subjects = [(AttentionKind.RELEASE, *row) for row in releases] + [
        (AttentionKind.SCPO_EXPIRY, *row) for row in expiries
    ]
    recipients = _recipients({nominal_id for _, _, nominal_id, _ in subjects})
    items = [
        AttentionItem(
            user_id=user_id,
            kind=kind,
            nominal_id=nominal_id,
            period_id=pk if kind == AttentionKind.RELEASE else None,
            scpo_id=pk if kind == AttentionKind.SCPO_EXPIRY else None,
            due_on=due_on,
            threshold_days=_threshold((due_on - today).days),
        )
        for kind, pk, nominal_id, due_on in subjects
        for user_id in sorted(recipients.get(nominal_id, ()))
    ]
    with transaction.atomic():
        before = AttentionItem.objects.count()
        AttentionItem.objects.bulk_create(items, ignore_conflicts=True)
        return AttentionItem.objects.count() - before


@transaction.atomic
def attention_item_dismiss(*, actor: AbstractBaseUser, item: AttentionItem) -> AttentionItem:
    if item.user_id != actor.pk:
        raise PermissionDenied("You can only dismiss items on your own list.")
    updated = AttentionItem.objects.filter(pk=item.pk, dismissed_at__isnull=True).update(
        dismissed_at=timezone.now()
    )
    if updated:
        item.refresh_from_db(fields=["dismissed_at"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=item,
            changes={"dismissed_at": [None, item.dismissed_at]},
        )
    return item
