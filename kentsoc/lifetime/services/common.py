"""What the lifetime services share: who may manage a person, the date and text checks, and
recording a restriction (conditions, an SCPO) as a draft disruption."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError

from disruptions.choices import ImpactGrade
from disruptions.models import COUNT_FIELDS, Disruption
from disruptions.services.disruptions import disruption_create
from kentsoc.dates import today
from ocg.models import OCG, Nominal

# SCPOs and prison/licence conditions are recorded as Pursue disruptions: they restrict what an
# offender can do, the force's lifetime offender management strand.
DISRUPTION_STRAND = "pursue"


def raise_errors(errors: Mapping[str, str]) -> None:
    if errors:
        raise ValidationError(dict(errors))


def clean_text(value: str | None) -> str:
    return str(value or "").strip()


def require_manage(actor: AbstractBaseUser, nominal: Nominal) -> None:
    """Coordinators and supervisors act on anyone; LROs only on their OCGs' members."""
    if not actor.has_perm("lifetime.manage_lifetime"):
        raise PermissionDenied(
            "Lifetime management needs the OCG coordinator, supervisor or LRO role."
        )
    if not Nominal.objects.visible_to(actor).filter(pk=nominal.pk).exists():
        raise PermissionDenied(
            "You can only manage members of OCGs you lead; this person is not one of them."
        )


def check_date(errors: dict[str, str], field: str, value: datetime.date | None, label: str) -> bool:
    if not isinstance(value, datetime.date):
        errors[field] = f"Enter the {label}."
        return False
    if value > today():
        errors[field] = f"The {label} cannot be in the future."
        return False
    return True


def check_disruption_fields(
    errors: dict[str, str], impact_grade: str, impact_rationale: str
) -> None:
    if impact_grade not in ImpactGrade.values:
        errors["impact_grade"] = "Choose the impact grade of the disruption."
    if not clean_text(impact_rationale):
        errors["impact_rationale"] = "Explain why you chose this impact grade: it is required."


def record_disruption(
    *,
    actor: AbstractBaseUser,
    nominal: Nominal,
    tactic: str,
    on_date: datetime.date,
    narrative: str,
    impact_grade: str,
    impact_rationale: str,
    refused_at: str = "record_disruption",
) -> Disruption:
    """A draft disruption for the person and their current OCGs, through the disruptions
    service so its rules and audit apply. Its impact messages are reported at the impact fields,
    the rest together at `refused_at` (the form's "also record as a disruption" box, or the top
    of a form that records one every time)."""
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
                "cash_seized": Decimal(0),
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
            errors[refused_at] = "The disruption could not be recorded: " + " ".join(
                f"{m}" for ms in messages.values() for m in ms
            )
        raise ValidationError(errors) from exc
