"""Context for the reusable partials the OCG and county-line pages include.

`{% load intel %}` then `{% intel_subject_records ocg=ocg %}` or
`{% intel_evidence_checklist county_line=line %}` builds this context and renders the partial, so
the including page needs nothing else. Views that render the partial templates themselves (e.g. an
htmx refresh) call these functions for the context.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from kentsoc.intel.selectors import (
    can_open_records,
    evidence_checklist,
    intelligence_for_subject,
    openable_record_ids,
)
from kentsoc.intel.services import may_add_evidence
from kentsoc.intel.tables import claims_in_words, record_status


def _subject(ocg: Any, county_line: Any, nominal: Any = None) -> tuple[str, Any]:
    given = [(k, v) for k, v in (("ocg", ocg), ("county_line", county_line), ("nominal", nominal))]
    given = [(k, v) for k, v in given if v is not None]
    if len(given) != 1:
        raise TypeError("Give exactly one subject: ocg=, county_line= or nominal=.")
    return given[0]


def subject_records_context(
    *,
    user: Any,
    ocg: Any = None,
    county_line: Any = None,
    nominal: Any = None,
    next_url: str = "",
) -> dict[str, Any]:
    kind, subject = _subject(ocg, county_line, nominal)
    records = list(
        intelligence_for_subject(user=user, **{kind: subject}).order_by(
            "deleted_at", "-information_date", "-id"
        )
    )
    # A claim reads in the words of the table of the subject being looked at.
    types = [kind] if kind != "nominal" else None
    # The rows are scoped already; the record page also needs the permission.
    can_open = can_open_records(user)
    rows = [
        {
            "record": r,
            "url": reverse("intel:detail", args=[r.pk]) if can_open else "",
            "status": record_status(r),
            "claims": claims_in_words(r, types),
        }
        for r in records
    ]
    add_url = ""
    if kind != "nominal" and user.has_perm("intel.add_intelligencerecord"):
        query = {kind: subject.pk}
        if next_url:
            query["next"] = next_url
        add_url = f"{reverse('intel:new')}?{urlencode(query)}"
    return {
        "intel_rows": rows,
        "intel_subject": subject,
        "intel_subject_kind": kind,
        "intel_add_url": add_url,
    }


def evidence_checklist_context(
    *, user: Any, ocg: Any = None, county_line: Any = None, next_url: str = ""
) -> dict[str, Any]:
    kind, subject = _subject(ocg, county_line)
    rows = evidence_checklist(**{kind: subject})
    can_add = may_add_evidence(user, kind)
    openable = openable_record_ids(
        user=user, ids={r.pk for row in rows for e in row.evidence for r in e.records.all()}
    )
    items = []
    for row in rows:
        add_url = ""
        if can_add:
            query = {kind: subject.pk, "criterion": row.code}
            if next_url:
                query["next"] = next_url
            add_url = f"{reverse('intel:evidence-add')}?{urlencode(query)}"
        evidence = [
            {
                "item": e,
                "records": [
                    {
                        "reference": r.reference,
                        "url": reverse("intel:detail", args=[r.pk]) if r.pk in openable else "",
                    }
                    for r in e.records.all()
                ],
                "remove_url": (
                    f"{reverse('intel:evidence-remove', args=[e.pk])}"
                    + (f"?{urlencode({'next': next_url})}" if next_url else "")
                    if can_add
                    else ""
                ),
            }
            for e in row.evidence
        ]
        items.append({"row": row, "evidence": evidence, "add_url": add_url})
    missing = [row.label for row in rows if not row.met]
    return {
        "checklist_rows": items,
        "checklist_subject": subject,
        "checklist_subject_kind": kind,
        "checklist_missing": missing,
        "checklist_complete": not missing,
    }
