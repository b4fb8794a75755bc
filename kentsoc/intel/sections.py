"""What intelligence adds to the subjects' record pages, as sections (kentsoc.web.extensions).

The OCG, county-line and nominal pages belong to apps below intel and never name it: `ready()`
registers these sections, and each page renders whatever is registered for it. A section's context
is None where it has nothing to show (another tab of the OCG page).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse

from countylines.models import CountyLine
from kentsoc.gangs.models import Gang
from kentsoc.intel.choices import CRITERION_HINTS
from kentsoc.intel.selectors import (
    can_open_records,
    evidence_checklist,
    openable_record_ids,
    subject_records,
)
from kentsoc.intel.services.evidence import may_add_evidence, needs_record
from kentsoc.intel.tables import describe_claim, record_status, subject_record_rows_html
from kentsoc.web.cells import record_url
from kentsoc.web.extensions import Section, register_section
from ocg.models import OCG, Nominal

EVIDENCE_TEMPLATE = "intel/sections/evidence.html"
RECORDS_TEMPLATE = "intel/sections/records.html"
OCG_EVIDENCE_HINT = (
    "Every criterion must be met before the OCG can be submitted for mapping: two or more "
    "current members, and for each other criterion evidence linked to a graded intelligence record."
)
LINE_EVIDENCE_HINT = (
    "Every criterion needs evidence linked to a graded intelligence record before the line can go "
    "on the matrix."
)


# Each kind of subject's field on a record.
SUBJECT_FIELDS = {
    "ocg": "ocgs",
    "county_line": "county_lines",
    "nominal": "nominals",
    "gang": "gangs",
}


def _kind(subject: Any) -> str:
    if isinstance(subject, OCG):
        return "ocg"
    if isinstance(subject, CountyLine):
        return "county_line"
    if isinstance(subject, Nominal):
        return "nominal"
    if isinstance(subject, Gang):
        return "gang"
    raise TypeError(f"{type(subject).__name__} is not a subject of intelligence.")


def subject_records_context(*, user: Any, subject: Any, next_url: str = "") -> dict[str, Any]:
    """The subject's intelligence records the user may see, newest first, deleted ones last."""
    kind = _kind(subject)
    # A claim reads in the words of the table of the subject being looked at.
    types = [kind] if kind in ("ocg", "county_line") else None
    found = subject_records(
        user=user, subject_field=SUBJECT_FIELDS[kind], subject=subject, subject_types=types is None
    )
    # The rows are scoped already; the record page also needs the permission.
    can_open = can_open_records(user)
    rows = [
        {
            "record": row.record,
            "url": record_url("intel:detail", row.record.pk) if can_open else "",
            "status": record_status(row.record),
            "claims": [
                describe_claim(factor, level, types if types is not None else row.types)
                for factor, level in row.claims
            ],
        }
        for row in found
    ]
    return {
        "rows": rows,
        "rows_html": subject_record_rows_html(rows),
        "subject": subject,
        "subject_kind": kind,
        "add_url": add_record_url(user=user, subject=subject, next_url=next_url),
    }


def add_record_url(*, user: Any, subject: Any, next_url: str = "") -> str:
    """The record form with this OCG or line ticked, or "" for a user who may not add records
    (a person's records are added from the record form, not from the person's page)."""
    kind = _kind(subject)
    if kind == "nominal" or not user.has_perm("intel.add_intelligencerecord"):
        return ""
    query = {kind: subject.pk}
    if next_url:
        query["next"] = next_url
    return f"{reverse('intel:new')}?{urlencode(query)}"


def evidence_checklist_url(subject: Any) -> str:
    """The subject's evidence checklist page, where each criterion is filled in place."""
    return f"{reverse('intel:evidence')}?{urlencode({_kind(subject): subject.pk})}"


def evidence_checklist_context(*, user: Any, subject: Any, next_url: str = "") -> dict[str, Any]:
    """One entry per criterion of the subject's definition, with its evidence, what proves it,
    and the links the user may follow (the checklist page, withdraw, open a supporting record)."""
    kind = _kind(subject)
    rows = evidence_checklist(**{kind: subject})
    can_add = may_add_evidence(user, kind)
    openable = openable_record_ids(
        user=user, ids={r.pk for row in rows for e in row.evidence for r in e.record_rows}
    )
    back = f"?{urlencode({'next': next_url})}" if next_url else ""
    items = []
    for row in rows:
        evidence = [
            {
                "item": e,
                "records": [
                    {
                        "reference": r.reference,
                        "url": record_url("intel:detail", r.pk) if r.pk in openable else "",
                    }
                    for r in e.record_rows
                ],
                "remove_url": (record_url("intel:evidence-remove", e.pk) + back if can_add else ""),
            }
            for e in row.evidence
        ]
        items.append(
            {
                "row": row,
                "evidence": evidence,
                "hint": CRITERION_HINTS.get(row.code, ""),
                "needs_record": needs_record(row.code),
            }
        )
    missing = [row.label for row in rows if not row.met]
    return {
        "rows": items,
        "subject": subject,
        "subject_kind": kind,
        "missing": missing,
        "complete": not missing,
        "checklist_url": evidence_checklist_url(subject) if can_add else "",
    }


# --- the sections -------------------------------------------------------------------------------
# On the OCG page each has its own tab; the county-line and nominal pages show them all at once.


def ocg_evidence(request: HttpRequest, ocg: Any, tab: str) -> dict[str, Any] | None:
    if tab != "evidence":
        return None
    context = evidence_checklist_context(
        user=request.user, subject=ocg, next_url=request.get_full_path()
    )
    return {**context, "card": False, "hint": OCG_EVIDENCE_HINT}


def ocg_records(request: HttpRequest, ocg: Any, tab: str) -> dict[str, Any] | None:
    if tab != "intelligence":
        return None
    context = subject_records_context(
        user=request.user, subject=ocg, next_url=request.get_full_path()
    )
    return {**context, "card": False, "title": "Intelligence records"}


def line_evidence(request: HttpRequest, line: Any, tab: str) -> dict[str, Any]:
    context = evidence_checklist_context(
        user=request.user, subject=line, next_url=request.get_full_path()
    )
    return {**context, "card": True, "hint": LINE_EVIDENCE_HINT}


def line_records(request: HttpRequest, line: Any, tab: str) -> dict[str, Any]:
    context = subject_records_context(
        user=request.user, subject=line, next_url=request.get_full_path()
    )
    return {**context, "card": True, "title": "Intelligence"}


def nominal_records(request: HttpRequest, nominal: Any, tab: str) -> dict[str, Any]:
    context = subject_records_context(user=request.user, subject=nominal)
    return {**context, "card": False, "title": "Intelligence records"}


def gang_records(request: HttpRequest, gang: Any, tab: str) -> dict[str, Any] | None:
    # CLIOs read gangs but not intelligence: no section rather than an empty one.
    if not can_open_records(request.user):
        return None
    context = subject_records_context(
        user=request.user, subject=gang, next_url=request.get_full_path()
    )
    return {**context, "card": True, "title": "Intelligence"}


def register_sections() -> None:
    register_section("gang_detail", Section("intel_records", RECORDS_TEMPLATE, gang_records, 60))
    register_section("ocg_detail", Section("intel_evidence", EVIDENCE_TEMPLATE, ocg_evidence, 50))
    register_section("ocg_detail", Section("intel_records", RECORDS_TEMPLATE, ocg_records, 60))
    register_section(
        "countyline_detail", Section("intel_evidence", EVIDENCE_TEMPLATE, line_evidence, 50)
    )
    register_section(
        "countyline_detail", Section("intel_records", RECORDS_TEMPLATE, line_records, 60)
    )
    register_section(
        "nominal_detail", Section("intel_records", RECORDS_TEMPLATE, nominal_records, 60)
    )
