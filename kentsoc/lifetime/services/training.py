"""LRO and partner training: sessions, the officers who attended, partners' headcounts."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record
from kentsoc.dates import today
from kentsoc.lifetime.choices import Audience
from kentsoc.lifetime.models import PartnerAttendance, TrainingAttendance, TrainingInput
from kentsoc.lifetime.services.common import clean_text, raise_errors
from kentsoc.org.models import Officer
from kentsoc.org.scoping import force_id_of


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
    if not clean_text(location):
        errors["location"] = "Enter where the training took place."
    if not clean_text(trainer):
        errors["trainer"] = "Enter who gave the training."
    if audience not in Audience.values:
        errors["audience"] = "Choose the audience: LROs, probationers, detectives or partners."
    raise_errors(errors)
    training = TrainingInput.objects.create(
        held_on=held_on,
        location=clean_text(location),
        trainer=clean_text(trainer),
        audience=audience,
        notes=clean_text(notes),
        force_id=force_id_of(actor),
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
        raise_errors({"officer": "Choose an officer with a police profile."})
    if training.held_on > today():
        raise_errors({"officer": "Attendance can be recorded once the training has taken place."})
    if TrainingAttendance.objects.filter(training=training, officer=officer).exists():
        raise_errors({"officer": f"{officer.get_full_name()}'s attendance is already recorded."})
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
    *, actor: AbstractBaseUser, training: TrainingInput, organisation: str, headcount: int | None
) -> PartnerAttendance:
    if not actor.has_perm("lifetime.add_traininginput"):
        raise PermissionDenied("Recording attendance needs the OCG coordinator or supervisor role.")
    errors: dict[str, str] = {}
    organisation = clean_text(organisation)
    if not organisation:
        errors["organisation"] = "Enter the partner organisation."
    elif training.partner_attendances.filter(organisation__iexact=organisation).exists():
        errors["organisation"] = "This organisation's headcount is already recorded."
    if not isinstance(headcount, int) or headcount < 1:
        errors["headcount"] = "Enter how many people attended, at least 1."
    raise_errors(errors)
    row = PartnerAttendance.objects.create(
        training=training,
        organisation=organisation,
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
