"""Writes of intelligence records (definition evidence: kentsoc.intel.services.evidence).

Each write checks the actor's permission, validates its input with field messages, writes an audit
row in the same transaction and marks the scores of every subject it touches stale (the worker
rescores them after commit).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from typing import Any, TypedDict

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from countylines.models import CountyLine
from kentsoc import broker
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record, lock_versioned, versioned_save
from kentsoc.dates import today
from kentsoc.intel.choices import (
    HandlingCode,
    IntelligenceAssessment,
    SourceEvaluation,
)
from kentsoc.intel.models import FactorClaim, IntelligenceRecord
from kentsoc.intel.selectors import SUBJECT_MODELS, can_read_conditions
from kentsoc.intel.services.common import distinct_ids
from kentsoc.org.scoping import CONTRIBUTE, access_for, force_id_of, read_only_message
from kentsoc.trh.choices import RankedSubject
from kentsoc.trh.factors import (
    COUNTY_LINE_FACTORS,
    OCG_FACTORS,
    claimable_factors,
    factor_claim_error,
)
from ocg.models import OCG

# Our own references are generated; a hand-typed one in that form could collide with a later one.
GENERATED_REFERENCE = re.compile(r"^INT-\d+$", re.IGNORECASE)
DATA_DERIVED_FACTORS = frozenset(
    code for table in (COUNTY_LINE_FACTORS, OCG_FACTORS) for code, f in table.items() if f.from_data
)
SUBJECT_FIELDS = ("ocgs", "county_lines", "nominals", "gangs")
RECORD_FIELDS = (
    "reference",
    "rms_reference",
    "information_date",
    "summary",
    "source_evaluation",
    "intelligence_assessment",
    "handling_code",
    "handling_conditions",
)
SUBJECT_TYPE_LABELS = {"ocg": "OCGs", "county_line": "county lines"}
# The audit trail is read by auditors outside the owning team: code-C text never goes into it.
_MASKED = "(restricted text changed)"


def _mark_stale(*, ocg_ids: Iterable[int], county_line_ids: Iterable[int]) -> None:
    broker.mark_stale(OCG, ocg_ids, subject_type=RankedSubject.OCG)
    broker.mark_stale(CountyLine, county_line_ids, subject_type=RankedSubject.COUNTY_LINE)


def _require_perm(actor: AbstractBaseUser | None, perm: str, doing: str) -> None:
    if actor is None or not actor.has_perm(perm):
        raise PermissionDenied(f"You do not have permission to {doing}.")


def _check_visible(
    actor: AbstractBaseUser,
    field: str,
    ids: Iterable[int],
    errors: dict[str, list[str]],
    already: Iterable[int] = (),
) -> None:
    """Only subjects being added need to be visible: an edit keeps links the actor cannot see."""
    new = set(ids) - set(already)
    if not new:
        return
    model = SUBJECT_MODELS[field]
    # A line or OCG another force lends with the right to add to it counts as one of the actor's.
    found = set(
        model.objects.visible_to(actor, lent=CONTRIBUTE)
        .filter(pk__in=new)
        .values_list("pk", flat=True)
    )
    missing = sorted(new - found)
    for lent in model.objects.lent_read_only(actor, missing):
        missing.remove(lent.pk)
        errors.setdefault(field, []).append(read_only_message(lent, "add intelligence to"))
    if missing:
        errors.setdefault(field, []).append(
            f"No {model._meta.verbose_name} you may see has id "
            f"{', '.join(str(pk) for pk in missing)}."
        )


class Claim(TypedDict):
    """A factor claim as the services take it (forms and serializers build these)."""

    factor: str
    level: int


def _normalise_claims(
    claims: Iterable[Claim] | None, errors: dict[str, list[str]]
) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for claim in claims or ():
        if not isinstance(claim, Mapping):
            errors.setdefault("factor_claims", []).append(
                f"{claim!r} is not a claim: give a factor and a level."
            )
            continue
        factor, level = claim.get("factor"), claim.get("level")
        if not isinstance(factor, str) or not factor:
            errors.setdefault("factor_claims", []).append("Each claim needs a factor.")
            continue
        if level in (None, ""):
            errors.setdefault("factor_claims", []).append(f"Give a level for {factor!r}.")
            continue
        if isinstance(level, bool) or not isinstance(level, int):
            errors.setdefault("factor_claims", []).append(
                f"Level for {factor!r} must be a whole number, not {level!r}."
            )
            continue
        out.append((factor, level))
    return out


def claim_errors(claims: list[tuple[str, int]], subject_types: set[str]) -> list[str]:
    """Why these claims cannot stand on a record whose subjects are of these types."""
    messages: list[str] = []
    if claims and not subject_types:
        return ["Factor claims need an OCG or a county line among the record's subjects."]
    seen: set[str] = set()
    for factor, level in claims:
        if factor in seen:
            messages.append(f"{factor!r} is claimed more than once; claim each factor once.")
            continue
        seen.add(factor)
        if factor in DATA_DERIVED_FACTORS:
            messages.append(
                f"{factor!r} is worked out from the subject's own data and cannot be claimed."
            )
            continue
        matching = [
            claimable_factors(t)[factor]
            for t in sorted(subject_types)
            if factor in claimable_factors(t)
        ]
        if not matching:
            unknown = factor_claim_error(factor, 0)
            if unknown and unknown.startswith("Unknown"):
                messages.append(unknown)
            else:
                kinds = " or ".join(SUBJECT_TYPE_LABELS[t] for t in sorted(subject_types))
                messages.append(f"{factor!r} is not a factor for {kinds}.")
            continue
        max_level = max(f.max_level for f in matching)
        if not 0 <= level <= max_level:
            messages.append(f"Level for {factor!r} must be between 0 and {max_level}, not {level}.")
    return messages


def _subject_types(subjects: Mapping[str, list[int]]) -> set[str]:
    types = set()
    if subjects.get("ocgs"):
        types.add("ocg")
    if subjects.get("county_lines"):
        types.add("county_line")
    return types


def _clean_fields(
    values: dict[str, Any], errors: dict[str, list[str]], record: IntelligenceRecord | None
) -> dict[str, Any]:
    def err(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    cleaned = dict(values)
    for field in ("reference", "rms_reference", "summary", "handling_conditions"):
        value = cleaned.get(field)
        cleaned[field] = value.strip() if isinstance(value, str) else value

    reference = cleaned.get("reference") or None
    cleaned["reference"] = reference
    if reference is not None:
        unchanged = record is not None and reference == record.reference
        if not isinstance(reference, str):
            err("reference", "Enter the reference as text.")
        elif len(reference) > 20:
            err("reference", "The reference can be at most 20 characters.")
        elif not unchanged and GENERATED_REFERENCE.match(reference):
            err("reference", "INT- references are given by kentsoc: leave the reference blank.")
        elif (
            not unchanged
            and IntelligenceRecord.objects.filter(reference__iexact=reference).exists()
        ):
            err("reference", f"Another record already has the reference {reference}.")

    rms = cleaned.get("rms_reference") or ""
    cleaned["rms_reference"] = rms
    if len(rms) > 40:
        err("rms_reference", "The RMS reference can be at most 40 characters.")

    date = cleaned.get("information_date")
    if not isinstance(date, datetime.date) or isinstance(date, datetime.datetime):
        err("information_date", "Enter the date of the information.")
    elif date > today():
        err("information_date", "The date of the information cannot be in the future.")

    if not cleaned.get("summary"):
        err("summary", "Enter a summary of the intelligence.")

    grading = (
        ("source_evaluation", SourceEvaluation, "Source evaluation must be 1, 2 or 3."),
        (
            "intelligence_assessment",
            IntelligenceAssessment,
            "Intelligence assessment must be A, B, C, D or E.",
        ),
        ("handling_code", HandlingCode, "Handling code must be P or C."),
    )
    for field, choices, message in grading:
        value = cleaned.get(field)
        if isinstance(value, str):
            value = value.strip().upper()
            cleaned[field] = value
        if value not in choices.values:
            err(field, message)

    if cleaned.get("handling_code") == HandlingCode.CONDITIONS:
        if not cleaned.get("handling_conditions"):
            err(
                "handling_conditions",
                "Enter the handling conditions: they are required for handling code C.",
            )
    else:
        # Conditions only exist under code C; text left over from an earlier choice is dropped.
        cleaned["handling_conditions"] = ""
    return cleaned


def _audit_values(fields: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(fields)
    if out.get("handling_conditions"):
        out["handling_conditions"] = _MASKED
    return out


def _claims_dict(claims: Iterable[tuple[str, int]]) -> dict[str, int]:
    return dict(sorted(claims))


def _check_record(
    actor: AbstractBaseUser,
    values: dict[str, Any],
    subject_ids: Mapping[str, Iterable[int]],
    factor_claims: Iterable[Claim],
    errors: dict[str, list[str]],
    record: IntelligenceRecord | None = None,
) -> tuple[dict[str, Any], dict[str, list[int]], list[tuple[str, int]]]:
    """Every check of a record's whole input (its fields, subjects and claims), collecting all
    messages in `errors`; `record` is the stored one when the input replaces it."""
    fields = _clean_fields(values, errors, record=record)
    subjects = {
        field: distinct_ids(field, subject_ids.get(field, ()), errors) for field in SUBJECT_FIELDS
    }
    if not any(subjects.values()) and not any(f in errors for f in SUBJECT_FIELDS):
        errors.setdefault("ocgs", []).append(
            "Choose at least one subject: an OCG, a county line, a gang or a nominal."
        )
    for field, ids in subjects.items():
        already = getattr(record, field).values_list("pk", flat=True) if record else ()
        _check_visible(actor, field, ids, errors, already=already)
    claims = _normalise_claims(factor_claims, errors)
    if messages := claim_errors(claims, _subject_types(subjects)):
        errors.setdefault("factor_claims", []).extend(messages)
    return fields, subjects, claims


def intelligence_check(
    *,
    actor: AbstractBaseUser,
    record: IntelligenceRecord | None = None,
    factor_claims: Iterable[Claim] = (),
    **values: Any,
) -> None:
    """Run every check of a new record (or of `record`'s whole input) and write nothing: a page
    whose form refused some input shows these messages for the rest in the same round, so
    fixing the first errors never reveals new ones. A value left out is not given on a new
    record and keeps what is stored on `record`."""
    if record is None:
        _require_perm(actor, "intel.add_intelligencerecord", "record intelligence")
    else:
        _require_perm(actor, "intel.change_intelligencerecord", "change intelligence records")
    errors: dict[str, list[str]] = {}
    fields = {field: getattr(record, field) if record else None for field in RECORD_FIELDS}
    fields.update((k, v) for k, v in values.items() if k in RECORD_FIELDS)
    subject_ids = {
        field: values[field]
        if field in values
        else (getattr(record, field).values_list("pk", flat=True) if record else ())
        for field in SUBJECT_FIELDS
    }
    _check_record(actor, fields, subject_ids, factor_claims, errors, record=record)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def intelligence_create(
    *,
    actor: AbstractBaseUser,
    reference: str | None = None,
    rms_reference: str = "",
    information_date: datetime.date,
    summary: str,
    source_evaluation: str,
    intelligence_assessment: str,
    handling_code: str,
    handling_conditions: str = "",
    ocgs: Iterable[int] = (),
    county_lines: Iterable[int] = (),
    nominals: Iterable[int] = (),
    gangs: Iterable[int] = (),
    factor_claims: Iterable[Claim] = (),
) -> IntelligenceRecord:
    _require_perm(actor, "intel.add_intelligencerecord", "record intelligence")
    errors: dict[str, list[str]] = {}
    fields, subjects, claims = _check_record(
        actor,
        {
            "reference": reference,
            "rms_reference": rms_reference,
            "information_date": information_date,
            "summary": summary,
            "source_evaluation": source_evaluation,
            "intelligence_assessment": intelligence_assessment,
            "handling_code": handling_code,
            "handling_conditions": handling_conditions,
        },
        {"ocgs": ocgs, "county_lines": county_lines, "nominals": nominals, "gangs": gangs},
        factor_claims,
        errors,
    )
    if errors:
        raise ValidationError(errors)

    access = access_for(actor)
    record = IntelligenceRecord.objects.create(
        **fields,
        owning_team_id=access.team_id if access else None,
        force_id=force_id_of(actor),
        created_by=actor,
    )
    if not record.reference:
        record.reference = f"INT-{record.pk:06d}"
        record.save(update_fields=["reference"])
    for field, ids in subjects.items():
        getattr(record, field).set(ids)
    FactorClaim.objects.bulk_create(
        FactorClaim(record=record, factor=factor, level=level) for factor, level in claims
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=record,
        changes={
            **_audit_values({**fields, "reference": record.reference}),
            **subjects,
            "factor_claims": _claims_dict(claims),
            "owning_team": record.owning_team_id,
        },
    )
    _mark_stale(ocg_ids=subjects["ocgs"], county_line_ids=subjects["county_lines"])
    return record


@transaction.atomic
def intelligence_update(
    *,
    actor: AbstractBaseUser,
    record: IntelligenceRecord,
    version: int | None = None,
    **changes: Any,
) -> IntelligenceRecord:
    """Change some of a record's fields, subjects or factor claims (the given ones replace)."""
    _require_perm(actor, "intel.change_intelligencerecord", "change intelligence records")
    unknown = set(changes) - set(RECORD_FIELDS) - set(SUBJECT_FIELDS) - {"factor_claims"}
    if unknown:
        raise TypeError(f"intelligence_update() got unknown fields: {', '.join(sorted(unknown))}")
    if not IntelligenceRecord.objects.visible_to(actor).filter(pk=record.pk).exists():
        raise PermissionDenied("You may not change this record.")
    record = lock_versioned(IntelligenceRecord, record.pk, version=version)
    if record.deleted_at is not None:
        raise ValidationError(
            f"This record was deleted on {timezone.localtime(record.deleted_at):%-d %b %Y}; "
            "deleted records cannot be changed."
        )

    errors: dict[str, list[str]] = {}
    current = {field: getattr(record, field) for field in RECORD_FIELDS}
    fields = _clean_fields(
        {**current, **{k: changes[k] for k in RECORD_FIELDS if k in changes}}, errors, record=record
    )
    conditions_touched = (
        fields["handling_code"] != record.handling_code
        or fields["handling_conditions"] != record.handling_conditions
    )
    if (
        record.handling_code == HandlingCode.CONDITIONS
        and conditions_touched
        and not can_read_conditions(actor, record)
    ):
        errors.setdefault("handling_conditions", []).append(
            "Only the owning team or a supervisor may change the handling code or the "
            "conditions of this record."
        )
    before = {
        "ocgs": sorted(record.ocgs.values_list("pk", flat=True)),
        "county_lines": sorted(record.county_lines.values_list("pk", flat=True)),
        "nominals": sorted(record.nominals.values_list("pk", flat=True)),
        "gangs": sorted(record.gangs.values_list("pk", flat=True)),
    }
    subjects = dict(before)
    for field in SUBJECT_FIELDS:
        if field in changes:
            subjects[field] = distinct_ids(field, changes[field], errors)
            _check_visible(actor, field, subjects[field], errors, already=before[field])
    if not any(subjects.values()) and not any(f in errors for f in SUBJECT_FIELDS):
        errors.setdefault("ocgs", []).append(
            "Choose at least one subject: an OCG, a county line, a gang or a nominal."
        )
    old_claims = [(c.factor, c.level) for c in record.factor_claims.all()]
    claims = (
        _normalise_claims(changes["factor_claims"], errors)
        if "factor_claims" in changes
        else old_claims
    )
    if messages := claim_errors(claims, _subject_types(subjects)):
        errors.setdefault("factor_claims", []).extend(messages)
    if errors:
        raise ValidationError(errors)

    related = {
        field: [before[field], subjects[field]]
        for field in SUBJECT_FIELDS
        if subjects[field] != before[field]
    }
    if _claims_dict(claims) != _claims_dict(old_claims):
        related["factor_claims"] = [_claims_dict(old_claims), _claims_dict(claims)]
    if fields["handling_conditions"] != record.handling_conditions:
        related["handling_conditions"] = _MASKED
    diff = versioned_save(
        actor=actor,
        obj=record,
        values={field: fields[field] for field in RECORD_FIELDS},
        changes=related,
    )
    if not diff:
        return record
    for field in SUBJECT_FIELDS:
        if field in diff:
            getattr(record, field).set(subjects[field])
    if "factor_claims" in diff:
        record.factor_claims.all().delete()
        FactorClaim.objects.bulk_create(
            FactorClaim(record=record, factor=factor, level=level) for factor, level in claims
        )
    # Subjects removed from the record are rescored too: they lose what it claimed.
    _mark_stale(
        ocg_ids=[*before["ocgs"], *subjects["ocgs"]],
        county_line_ids=[*before["county_lines"], *subjects["county_lines"]],
    )
    return record


@transaction.atomic
def intelligence_delete(
    *, actor: AbstractBaseUser, record: IntelligenceRecord, reason: str = ""
) -> IntelligenceRecord:
    """Soft delete: the record stays, shown as deleted, and no longer counts in any score."""
    _require_perm(actor, "intel.delete_intelligencerecord", "delete intelligence records")
    if not IntelligenceRecord.objects.visible_to(actor).filter(pk=record.pk).exists():
        raise PermissionDenied("You may not delete this record.")
    record = lock_versioned(IntelligenceRecord, record.pk, version=None)
    if record.deleted_at is not None:
        raise ValidationError(
            f"This record was already deleted on {timezone.localtime(record.deleted_at):%-d %b %Y}."
        )
    reason = (reason or "").strip()
    record.deleted_at = timezone.now()
    record.deleted_reason = reason
    # Audited as a deletion with its reason, not as an update (so not versioned_save); the bump
    # still turns away an edit opened before it.
    record.version += 1
    record.save(update_fields=["deleted_at", "deleted_reason", "version", "updated_at"])
    audit_record(actor=actor, action=AuditAction.DELETE, obj=record, reason=reason)
    _mark_stale(
        ocg_ids=record.ocgs.values_list("pk", flat=True),
        county_line_ids=record.county_lines.values_list("pk", flat=True),
    )
    return record
