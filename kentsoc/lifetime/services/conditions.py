"""Prison and licence conditions, optionally recorded as a disruption of that tactic."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from disruptions.choices import Tactic
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record
from kentsoc.lifetime.choices import ConditionKind, Partner
from kentsoc.lifetime.models import Condition, CustodyPeriod

# `record_disruption` is both the service's flag and the helper: the helper is called via `common`.
from kentsoc.lifetime.services import common
from kentsoc.org.models import Officer
from ocg.models import Nominal


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
    common.require_manage(actor, nominal)
    errors: dict[str, str] = {}
    if kind not in ConditionKind.values:
        errors["kind"] = "Choose prison conditions or licence conditions."
    if not common.clean_text(text):
        errors["text"] = "Enter the conditions: they cannot be blank."
    common.check_date(errors, "imposed_on", imposed_on, "date the conditions were imposed")
    if partner not in Partner.values:
        errors["partner"] = "Choose the partner (or “None (police only)”)."
    requested_by = requested_by or actor
    if not Officer.objects.filter(user_id=requested_by.pk).exists():
        errors["requested_by"] = "Choose an officer with a police profile."
    if record_disruption:
        common.check_disruption_fields(errors, impact_grade, impact_rationale)
    common.raise_errors(errors)
    period = CustodyPeriod.objects.filter(nominal=nominal, ended_on__isnull=True).first()
    condition = Condition.objects.create(
        nominal=nominal,
        period=period,
        kind=kind,
        text=common.clean_text(text),
        imposed_on=imposed_on,
        partner=partner,
        requested_by=requested_by,
        created_by=actor,
    )
    if record_disruption:
        tactic = (
            Tactic.PRISON_CONDITIONS if kind == ConditionKind.PRISON else Tactic.LICENCE_CONDITIONS
        )
        condition.disruption = common.record_disruption(
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
