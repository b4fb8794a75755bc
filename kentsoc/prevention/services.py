"""Every write of prevention work: checked, transactional, audited. Services take typed values
(dates as date, the division as a Division): forms and serializers parse what was posted."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record, lock_versioned, versioned_save
from kentsoc.dates import today
from kentsoc.gangs.models import Gang
from kentsoc.org.models import Division
from kentsoc.org.scoping import access_for
from kentsoc.prevention.models import SchoolSession, StreetGroupIntervention

PERM_ADD_SESSION = "prevention.add_schoolsession"
PERM_CHANGE_SESSION = "prevention.change_schoolsession"
PERM_ADD_INTERVENTION = "prevention.add_streetgroupintervention"
PERM_CHANGE_INTERVENTION = "prevention.change_streetgroupintervention"

# The largest audience one session could have: a whole school's assembly. A bigger number is
# a slip of the keyboard, not a session.
MAX_AUDIENCE = 3000
SESSION_FIELDS = ("school", "held_on", "audience", "topic", "notes")
INTERVENTION_FIELDS = ("held_on", "young_people_engaged", "referrals_made", "outcome")
# As for an audience: more young people than this in one group is a typing slip.
MAX_ENGAGED = 500


def _require(actor: Any, perm: str, doing: str) -> None:
    if not actor.has_perm(perm):
        raise PermissionDenied(f"Only CLIOs may {doing} (permission {perm} is missing).")


def _division_for(actor: Any, division: Division | None) -> Division:
    """The division the work is recorded in: a CLIO's own; the CLIO coordinator (no division of
    their own) names the division whose work it was."""
    access = access_for(actor)
    own = access.division_id if access is not None else None
    if own is None:
        if division is None:
            raise ValidationError({"division": "Choose the division this work was done in."})
        if division.is_central:
            raise ValidationError({"division": "Choose North, East, West or another division."})
        return division
    if division is not None and division.pk != own:
        raise PermissionDenied("You record prevention work in your own division only.")
    return Division.objects.get(pk=own)


def _clean_text(cleaned: dict[str, Any], errors: dict[str, str], field: str, message: str) -> None:
    cleaned[field] = (cleaned.get(field) or "").strip()
    if not cleaned[field]:
        errors[field] = message


def _clean_date(cleaned: dict[str, Any], errors: dict[str, str], field: str, what: str) -> None:
    value = cleaned.get(field)
    if value is None:
        errors[field] = f"Enter the date of the {what}."
    elif value > today():
        errors[field] = f"The {what} cannot be in the future: record it once it has happened."


def _clean_count(
    cleaned: dict[str, Any], errors: dict[str, str], field: str, *, what: str, least: int, most: int
) -> None:
    value = cleaned.get(field)
    if value is None or isinstance(value, bool) or not isinstance(value, int):
        errors[field] = f"Enter {what} as a number."
    elif value < least:
        errors[field] = f"Enter {what}: at least {least}."
    elif value > most:
        errors[field] = f"Enter {what}: at most {most:,}."


def _clean_session(values: Mapping[str, Any]) -> dict[str, Any]:
    cleaned, errors = dict(values), {}
    if "school" in values:
        _clean_text(cleaned, errors, "school", "Name the school, college or setting.")
    if "topic" in values:
        _clean_text(cleaned, errors, "topic", "Say what the session was about.")
    if "held_on" in values:
        _clean_date(cleaned, errors, "held_on", "session")
    if "audience" in values:
        what = "how many young people attended"
        _clean_count(cleaned, errors, "audience", what=what, least=1, most=MAX_AUDIENCE)
    if "notes" in values:
        cleaned["notes"] = (values["notes"] or "").strip()
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def school_session_create(
    *,
    actor: Any,
    school: str,
    held_on: datetime.date | None,
    audience: int | None,
    topic: str,
    notes: str = "",
    division: Division | None = None,
) -> SchoolSession:
    """Record a session a CLIO gave; the actor is its CLIO."""
    _require(actor, PERM_ADD_SESSION, "record school sessions")
    cleaned = _clean_session(
        {"school": school, "held_on": held_on, "audience": audience, "topic": topic, "notes": notes}
    )
    where = _division_for(actor, division)
    session = SchoolSession.objects.create(
        division=where, officer=actor, created_by=actor, **cleaned
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=session,
        changes={
            "division": where.pk,
            "held_on": session.held_on,
            "audience": session.audience,
            "topic": session.topic,
        },
    )
    return session


def _lock_for_change(
    actor: Any,
    record: SchoolSession | StreetGroupIntervention,
    *,
    version: int | None,
    values: Mapping[str, Any],
    fields: Iterable[str],
    perm: str,
    doing: str,
    noun: str,
) -> Any:
    """The record locked at the version the officer read, once they may change it, may see it
    and name only fields that may be changed."""
    _require(actor, perm, doing)
    unknown = set(values) - set(fields)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be changed here."))
    model = type(record)
    if not model.objects.visible_to(actor).filter(pk=record.pk).exists():
        raise PermissionDenied(f"You may not see this {noun}.")
    return lock_versioned(model, record.pk, version=version, required=True)


@transaction.atomic
def school_session_update(
    *, actor: Any, session: SchoolSession, version: int | None, **values: Any
) -> SchoolSession:
    current = _lock_for_change(
        actor,
        session,
        version=version,
        values=values,
        fields=SESSION_FIELDS,
        perm=PERM_CHANGE_SESSION,
        doing="change school sessions",
        noun="session",
    )
    versioned_save(actor=actor, obj=current, values=_clean_session(values))
    return current


def _clean_intervention(values: Mapping[str, Any]) -> dict[str, Any]:
    cleaned, errors = dict(values), {}
    if "held_on" in values:
        _clean_date(cleaned, errors, "held_on", "intervention")
    if "young_people_engaged" in values:
        what = "how many young people engaged"
        _clean_count(cleaned, errors, "young_people_engaged", what=what, least=1, most=MAX_ENGAGED)
    if "referrals_made" in values:
        what = "how many referrals were made"
        _clean_count(cleaned, errors, "referrals_made", what=what, least=0, most=MAX_ENGAGED)
    engaged, referred = cleaned.get("young_people_engaged"), cleaned.get("referrals_made")
    if not errors and referred > engaged:
        errors["referrals_made"] = (
            "More referrals than young people engaged: a referral is of someone engaged."
        )
    if "outcome" in values:
        cleaned["outcome"] = (values["outcome"] or "").strip()
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def intervention_create(
    *,
    actor: Any,
    gang: Gang,
    held_on: datetime.date | None,
    young_people_engaged: int | None,
    referrals_made: int | None = 0,
    outcome: str = "",
    division: Division | None = None,
) -> StreetGroupIntervention:
    """Record work a CLIO led with a street group or gang; the actor is its CLIO."""
    _require(actor, PERM_ADD_INTERVENTION, "record street-group interventions")
    if not Gang.objects.visible_to(actor).filter(pk=gang.pk).exists():
        raise ValidationError({"gang": "Choose a street group or gang you may see."})
    cleaned = _clean_intervention(
        {
            "held_on": held_on,
            "young_people_engaged": young_people_engaged,
            "referrals_made": referrals_made,
            "outcome": outcome,
        }
    )
    where = _division_for(actor, division)
    intervention = StreetGroupIntervention.objects.create(
        gang=gang, division=where, officer=actor, created_by=actor, **cleaned
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=intervention,
        changes={
            "gang": gang.pk,
            "division": where.pk,
            "held_on": intervention.held_on,
            "young_people_engaged": intervention.young_people_engaged,
            "referrals_made": intervention.referrals_made,
        },
    )
    return intervention


@transaction.atomic
def intervention_update(
    *, actor: Any, intervention: StreetGroupIntervention, version: int | None, **values: Any
) -> StreetGroupIntervention:
    current = _lock_for_change(
        actor,
        intervention,
        version=version,
        values=values,
        fields=INTERVENTION_FIELDS,
        perm=PERM_CHANGE_INTERVENTION,
        doing="change street-group interventions",
        noun="intervention",
    )
    # The two counts are checked together: a change of one is checked against the other's value.
    counts = ("young_people_engaged", "referrals_made")
    merged = {f: getattr(current, f) for f in counts} | dict(values)
    cleaned = _clean_intervention(merged)
    versioned_save(actor=actor, obj=current, values={f: cleaned[f] for f in values})
    return current
