"""Writes of definition evidence: what shows an OCG or a county line meets each criterion of its
definition. Recorded and withdrawn only by the role that develops that kind of subject, audited
with its content, in the same transaction as the subject's own rule (an OCG nomination moves into
development).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from countylines.models import CountyLine
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record
from kentsoc.intel.choices import PROVEN_BY_MEMBERS
from kentsoc.intel.models import DefinitionEvidence, IntelligenceRecord
from kentsoc.intel.selectors import criteria_for
from kentsoc.intel.services.common import distinct_ids
from kentsoc.trh.choices import UNSCORABLE_ASSESSMENTS, UNSCORABLE_SOURCES
from ocg.models import OCG
from ocg.services.lifecycle import ocg_evidence_recorded

# Who may record (and withdraw) definition evidence, by kind of subject: the role that develops
# that kind of subject (see org/roles.py). Pages and the API ask `may_add_evidence`; the services
# refuse everyone else, so no door can differ.
EVIDENCE_PERMS = {"ocg": "intel.add_ocg_evidence", "county_line": "intel.add_line_evidence"}
_EVIDENCE_OWNERS = {
    "ocg": "OCG coordinators, researchers and supervisors",
    "county_line": "CLGT officers and supervisors",
}


def needs_record(criterion: str) -> bool:
    """Whether evidence for this criterion must link a graded intelligence record (all but those
    the subject's linked members prove; kentsoc.intel.choices says why)."""
    return criterion not in PROVEN_BY_MEMBERS


def needs_record_message(label: str) -> str:
    return (
        f"“{label}” needs a graded intelligence record: link at least one record graded 1 or 2 "
        "and A to D (a record graded 3 or E cannot prove it)."
    )


def may_add_evidence(actor: AbstractBaseUser | None, kind: str) -> bool:
    """Whether the actor's role may record definition evidence on this kind of subject."""
    return actor is not None and actor.has_perm(EVIDENCE_PERMS[kind])


def _evidence_subject(
    actor: AbstractBaseUser, ocg: OCG | None, county_line: CountyLine | None, doing: str
) -> tuple[str, Any]:
    if (ocg is None) == (county_line is None):
        raise TypeError("Give exactly one of ocg= or county_line=.")
    kind = "ocg" if ocg is not None else "county_line"
    subject = ocg if ocg is not None else county_line
    if not may_add_evidence(actor, kind):
        raise PermissionDenied(
            f"Only {_EVIDENCE_OWNERS[kind]} may {doing} on "
            f"{subject._meta.verbose_name_plural} (permission {EVIDENCE_PERMS[kind]} is missing)."
        )
    if not type(subject).objects.visible_to(actor).filter(pk=subject.pk).exists():
        raise PermissionDenied(f"You may not see this {subject._meta.verbose_name}.")
    return kind, subject


def evidence_check(
    *,
    actor: AbstractBaseUser,
    ocg: OCG | None = None,
    county_line: CountyLine | None = None,
    criterion: str,
    text: str,
    records: Iterable[int] = (),
) -> None:
    """Refuse evidence as `evidence_add` would, writing nothing: a page whose form refused some
    input asks this about the rest, so every message shows in one round."""
    _checked(actor, ocg, county_line, criterion, text, records)


def _checked(
    actor: AbstractBaseUser,
    ocg: OCG | None,
    county_line: CountyLine | None,
    criterion: str,
    text: str,
    records: Iterable[int],
) -> tuple[str, Any, str, list[int]]:
    kind, subject = _evidence_subject(actor, ocg, county_line, "record definition evidence")
    criteria = criteria_for(ocg=ocg, county_line=county_line)
    errors: dict[str, list[str]] = {}
    if criterion not in criteria.values:
        errors["criterion"] = [
            f"{criterion!r} is not a criterion of the {subject._meta.verbose_name} definition. "
            f"Choose one of: {', '.join(criteria.values)}."
        ]
    text = (text or "").strip() if isinstance(text, str) else ""
    if not text:
        errors["text"] = ["Enter the evidence for this criterion."]
    record_ids = distinct_ids("records", records, errors)
    graded = False
    if record_ids:
        visible = {
            pk: (deleted_at, source, assessment)
            for pk, deleted_at, source, assessment in IntelligenceRecord.objects.visible_to(actor)
            .filter(pk__in=record_ids)
            .values_list("pk", "deleted_at", "source_evaluation", "intelligence_assessment")
        }
        missing = [pk for pk in record_ids if pk not in visible]
        deleted = [pk for pk in record_ids if pk in visible and visible[pk][0] is not None]
        graded = any(
            deleted_at is None
            and source not in UNSCORABLE_SOURCES
            and assessment not in UNSCORABLE_ASSESSMENTS
            for deleted_at, source, assessment in visible.values()
        )
        if missing:
            errors.setdefault("records", []).append(
                f"No intelligence record you may see has id {', '.join(map(str, missing))}."
            )
        if deleted:
            errors.setdefault("records", []).append(
                f"Deleted records cannot support evidence: id {', '.join(map(str, deleted))}."
            )
    if not graded and not errors.keys() & {"criterion", "records"} and needs_record(criterion):
        errors["records"] = [needs_record_message(criteria(criterion).label)]
    if errors:
        raise ValidationError(errors)
    return kind, subject, text, record_ids


@transaction.atomic
def evidence_add(
    *,
    actor: AbstractBaseUser,
    ocg: OCG | None = None,
    county_line: CountyLine | None = None,
    criterion: str,
    text: str,
    records: Iterable[int] = (),
) -> DefinitionEvidence:
    """Record evidence that the subject meets one criterion of its definition. Only the role that
    develops that kind of subject may. Every criterion but those the subject's members prove needs
    a graded intelligence record linked (`needs_record`). The subject's own rule then runs (an OCG
    nomination moves into development)."""
    kind, subject, text, record_ids = _checked(actor, ocg, county_line, criterion, text, records)
    evidence = DefinitionEvidence.objects.create(
        **{kind: subject}, criterion=criterion, text=text, created_by=actor
    )
    evidence.records.set(record_ids)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=evidence,
        changes={kind: subject.pk, "criterion": criterion, "text": text, "records": record_ids},
    )
    if kind == "ocg":
        ocg_evidence_recorded(actor=actor, ocg=subject)
    return evidence


@transaction.atomic
def evidence_remove(*, actor: AbstractBaseUser, evidence: DefinitionEvidence, reason: str) -> None:
    """Withdraw evidence entered in error. The audit row keeps what it said and why it went."""
    kind, subject = _evidence_subject(
        actor, evidence.ocg, evidence.county_line, "withdraw definition evidence"
    )
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise ValidationError({"reason": ["Say why this evidence is withdrawn."]})
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=evidence,
        changes={
            kind: subject.pk,
            "criterion": evidence.criterion,
            "text": evidence.text,
            "records": sorted(evidence.records.values_list("pk", flat=True)),
            "recorded_by": evidence.created_by_id,
            "recorded_at": evidence.created_at,
        },
        reason=reason,
    )
    evidence.delete()
