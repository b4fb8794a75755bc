"""Safeguarding: the people at risk a line exploits and their referrals to partner agencies."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from countylines.choices import (
    CHILD_AGE_BANDS,
    AgeBand,
    EngagementStatus,
    MetThrough,
    PersonKind,
    ReferralAgency,
)
from countylines.models import (
    CountyLine,
    PersonAtRisk,
    SafeguardingReferral,
    child_lines_q,
    lineless_people_q,
    safeguarding_lines_q,
)
from countylines.services.base import (
    PERM_ADD_PERSON,
    PERM_ADD_REFERRAL,
    PERM_CHANGE_PERSON,
    PERM_CHANGE_REFERRAL,
    require,
)
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record, diff_fields, lock_versioned, versioned_save
from kentsoc.dates import today
from kentsoc.org.scoping import access_for

PERSON_FIELDS = (
    "name",
    "kind",
    "age_band",
    "setting",
    "met_through",
    "street_group",
    "engagement_status",
    "notes",
    "review_date",
)


def _clean_person(values: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    cleaned = dict(values)
    if "name" in values:
        cleaned["name"] = (values["name"] or "").strip()
        if not cleaned["name"]:
            errors["name"] = "Enter the person's name or agreed pseudonym."
    if "kind" in values and values["kind"] not in PersonKind.values:
        errors["kind"] = "Choose child or vulnerable adult."
    if "age_band" in values and values["age_band"] not in AgeBand.values:
        errors["age_band"] = "Choose an age band."
    if "engagement_status" in values and values["engagement_status"] not in EngagementStatus.values:
        errors["engagement_status"] = "Choose an engagement status."
    kind, band = cleaned.get("kind"), cleaned.get("age_band")
    mismatch = kind and band and (kind == PersonKind.CHILD) != (band in CHILD_AGE_BANDS)
    if mismatch and "kind" not in errors and "age_band" not in errors:
        errors["age_band"] = (
            "A child's age band must be under 18."
            if kind == PersonKind.CHILD
            else "A vulnerable adult's age band must be 18 or over."
        )
    for field in ("setting", "street_group", "notes"):
        if field in values:
            cleaned[field] = (values[field] or "").strip()
    met = cleaned.get("met_through")
    if "met_through" in values and met not in MetThrough.values:
        errors["met_through"] = "Choose how they were met: a county line, a school or a group."
    elif met == MetThrough.SCHOOL and not cleaned.get("setting"):
        errors["setting"] = "Name the school or setting they were met at."
    elif met == MetThrough.STREET_GROUP and not cleaned.get("street_group"):
        errors["street_group"] = "Name the street group or gang they were met through."
    if errors:
        raise ValidationError(errors)
    return cleaned


def _require_person_visible(actor: Any, person: PersonAtRisk) -> None:
    if not PersonAtRisk.objects.visible_to(actor).filter(pk=person.pk).exists():
        raise PermissionDenied("You may not see this person's record.")


def _require_may_keep(
    actor: Any, line: CountyLine | None, kind: str, division_id: int | None = None
) -> None:
    """A record may only be written where its writer may read it: a child's on a line worked in
    the CLIO's own division (models.child_lines_q), a vulnerable adult's by the adults' rule; one
    with no line in the CLIO's own division (models.lineless_people_q)."""
    access = access_for(actor)
    if line is None:
        rule = lineless_people_q(access) if access is not None else None
        if rule is None or division_id != access.division_id:
            raise PermissionDenied(
                "You may not keep this record: someone met with no county line yet is kept by "
                "the CLIOs of the division they were met in, and you are not one of them."
            )
        return
    rule_for = child_lines_q if kind == PersonKind.CHILD else safeguarding_lines_q
    rule = rule_for(access) if access is not None else None
    if rule is None or (rule and not CountyLine.objects.filter(rule, pk=line.pk).exists()):
        whose = "children" if kind == PersonKind.CHILD else "vulnerable adults"
        raise PermissionDenied(
            f"You may not keep records of {whose} at risk on {line.reference or 'this line'}: "
            "children's records belong to the CLIOs and supervisors of the division(s) the line "
            "is worked in."
        )


@transaction.atomic
def person_at_risk_create(
    *,
    actor: Any,
    county_line: CountyLine | None,
    name: str,
    kind: str,
    age_band: str,
    setting: str = "",
    met_through: str = "",
    street_group: str = "",
    engagement_status: str = EngagementStatus.NOT_YET_CONTACTED,
    notes: str = "",
    review_date: datetime.date | None = None,
) -> PersonAtRisk:
    """Record a person at risk on a line, or with none (`county_line=None`) when they were met
    through a school or a street group: the record is then kept in the recording CLIO's division,
    which decides who sees it until a line is linked."""
    require(actor, PERM_ADD_PERSON, "record people at risk", "CLIOs")
    # Not saying where they were met is saying "through the line": with no line, that is the
    # line left out, and the message asks for one (or a school or group).
    met_through = met_through or MetThrough.LINE
    cleaned = _clean_person(
        {
            "name": name,
            "kind": kind,
            "age_band": age_band,
            "setting": setting,
            "met_through": met_through,
            "street_group": street_group,
            "engagement_status": engagement_status,
            "notes": notes,
            "review_date": review_date,
        }
    )
    division_id = None
    if county_line is None:
        if cleaned["met_through"] == MetThrough.LINE:
            raise ValidationError(
                {
                    "county_line": "Choose the county line, or say they were met at a school or "
                    "through a street group."
                }
            )
        access = access_for(actor)
        division_id = access.division_id if access is not None else None
    elif not CountyLine.objects.visible_to(actor).filter(pk=county_line.pk).exists():
        raise PermissionDenied("You may not see this county line.")
    _require_may_keep(actor, county_line, cleaned["kind"], division_id)
    person = PersonAtRisk.objects.create(
        county_line=county_line, division_id=division_id, created_by=actor, **cleaned
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=person,
        changes={
            "county_line": county_line.pk if county_line is not None else None,
            "division": division_id,
            "met_through": person.met_through,
            "kind": person.kind,
            "age_band": person.age_band,
        },
    )
    return person


@transaction.atomic
def person_at_risk_update(
    *, actor: Any, person: PersonAtRisk, version: int | None, **values: Any
) -> PersonAtRisk:
    require(actor, PERM_CHANGE_PERSON, "change people at risk", "CLIOs")
    unknown = set(values) - set(PERSON_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be changed here."))
    _require_person_visible(actor, person)
    if values.get("met_through") == "":
        # A form that does not offer the choice (or leaves it unset) keeps where they were met.
        del values["met_through"]
    current = lock_versioned(PersonAtRisk, person.pk, version=version, required=True)
    context = ("kind", "age_band", "met_through", "setting", "street_group")
    merged = {f: getattr(current, f) for f in context} | dict(values)
    cleaned = _clean_person(merged)
    if current.county_line_id is None and cleaned["met_through"] == MetThrough.LINE:
        raise ValidationError(
            {"met_through": "No county line is linked yet: say where they were met."}
        )
    cleaned = {f: v for f, v in cleaned.items() if f in values}
    # Re-classing an adult as a child narrows who may see the record: the writer must be one.
    _require_may_keep(actor, current.county_line, merged["kind"], current.division_id)
    versioned_save(actor=actor, obj=current, values=cleaned)
    return current


@transaction.atomic
def referral_create(
    *,
    actor: Any,
    person: PersonAtRisk,
    agency: str,
    referred_on: datetime.date | None,
    partner_name: str = "",
    outcome: str = "",
    outcome_on: datetime.date | None = None,
) -> SafeguardingReferral:
    require(actor, PERM_ADD_REFERRAL, "record safeguarding referrals", "CLIOs")
    _require_person_visible(actor, person)
    errors: dict[str, str] = {}
    if agency not in ReferralAgency.values:
        errors["agency"] = "Choose MCET, children's services or a partner agency."
    partner = (partner_name or "").strip()
    if agency == ReferralAgency.PARTNER and not partner:
        errors["partner_name"] = "Name the partner agency."
    referred, decided = referred_on, outcome_on
    if referred is None:
        errors["referred_on"] = "Enter the date of the referral."
    elif referred and referred > today():
        errors["referred_on"] = "The referral date cannot be in the future."
    if referred and decided and decided < referred:
        errors["outcome_on"] = "The outcome date cannot be before the referral."
    if errors:
        raise ValidationError(errors)
    referral = SafeguardingReferral.objects.create(
        person=person,
        agency=agency,
        partner_name=partner if agency == ReferralAgency.PARTNER else "",
        referred_on=referred,
        outcome=(outcome or "").strip(),
        outcome_on=decided,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=referral,
        changes={"person": person.pk, "agency": agency, "referred_on": referred},
    )
    return referral


@transaction.atomic
def referral_record_outcome(
    *,
    actor: Any,
    referral: SafeguardingReferral,
    outcome: str,
    outcome_on: datetime.date | None,
) -> SafeguardingReferral:
    require(actor, PERM_CHANGE_REFERRAL, "record referral outcomes", "CLIOs")
    if not SafeguardingReferral.objects.visible_to(actor).filter(pk=referral.pk).exists():
        raise PermissionDenied("You may not see this referral.")
    errors: dict[str, str] = {}
    text = (outcome or "").strip()
    if not text:
        errors["outcome"] = "Describe the outcome of the referral."
    decided = outcome_on
    if decided is None:
        errors["outcome_on"] = "Enter the date of the outcome."
    elif decided and decided < referral.referred_on:
        errors["outcome_on"] = "The outcome date cannot be before the referral."
    elif decided and decided > today():
        errors["outcome_on"] = "The outcome date cannot be in the future."
    if errors:
        raise ValidationError(errors)
    changes = diff_fields(referral, {"outcome": text, "outcome_on": decided})
    referral.outcome, referral.outcome_on = text, decided
    referral.save(update_fields=["outcome", "outcome_on"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=referral, changes=changes)
    return referral
