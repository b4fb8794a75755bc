"""What the county-line pages show, worked out in Python so templates only display it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from countylines import forms as f
from countylines import selectors
from countylines.choices import LineStatus
from countylines.services.base import OPEN_STATUSES, PERM_APPROVE, PERM_CHANGE
from kentsoc.intel.models import IntelligenceRecord
from kentsoc.intel.selectors import can_open_records
from kentsoc.web.extensions import sections_for


def _records(user: Any, breakdown: list[dict[str, Any]]) -> dict[int, IntelligenceRecord]:
    ids = {
        pk
        for row in breakdown
        for pk in [*row.get("records", []), *row.get("unscorable_records", [])]
    }
    if not ids:
        return {}
    return IntelligenceRecord.objects.visible_to(user).in_bulk(ids)


def _record_links(
    ids: list[int], found: dict[int, IntelligenceRecord], scorable: bool, can_open: bool
) -> list:
    links = []
    for pk in ids:
        record = found.get(pk)
        links.append(
            {
                "id": pk,
                "label": f"{record.reference} ({record.grading})" if record else f"record {pk}",
                "url": reverse("intel:detail", args=[pk]) if record and can_open else "",
                "scorable": scorable,
            }
        )
    return links


def _not_scored_reason(line: Any) -> str:
    if line.status == LineStatus.NOMINATED:
        missing = selectors.missing_criteria_labels(line)
        if missing:
            return f"Not scored: definition evidence missing for {', '.join(missing)}."
        return "Not scored yet: awaiting a supervisor's approval to go on the matrix."
    if line.status in (LineStatus.DISMANTLED, LineStatus.REJECTED):
        return f"Not scored: the line is {line.get_status_display().lower()}."
    return "Not scored yet: the score is being calculated."


def score_context(user: Any, line: Any) -> dict[str, Any]:
    score = selectors.current_score(line) if line.status == LineStatus.ACTIVE else None
    ranking = selectors.current_ranking(line) if score else None
    stale = line.score_stale_since is not None
    rows = []
    if score:
        found = _records(user, score.breakdown)
        can_open = can_open_records(user)
        for item in score.breakdown:
            rows.append(
                {
                    **item,
                    "links": _record_links(item.get("records", []), found, True, can_open)
                    + _record_links(item.get("unscorable_records", []), found, False, can_open),
                }
            )
    division = line.flexed_division if line.flexed_division_id else line.division
    return {
        "line": line,
        "score": score,
        "ranking": ranking,
        "score_rows": rows,
        "score_stale": stale,
        # Poll only while the worker has something to do for this line.
        "score_poll": stale and line.status in OPEN_STATUSES | {LineStatus.DISMANTLED},
        "rank_division": division,
        "not_scored_reason": "" if score else _not_scored_reason(line),
    }


def detail_context(request: HttpRequest, line: Any, **forms: Any) -> dict[str, Any]:
    user = request.user
    is_open = line.status in OPEN_STATUSES
    can_change = user.has_perm(PERM_CHANGE) and is_open
    can_approve = user.has_perm(PERM_APPROVE)
    missing = selectors.missing_criteria_labels(line)
    links = list(line.line_districts.all())
    return {
        "tab": "summary",
        "districts": [link.district for link in links],
        "primary_district": selectors.primary_district(line),
        "deal_lines": list(line.deal_lines.all()),
        "warnings": selectors.deal_line_warnings(line),
        "line_nominals": list(line.line_nominals.all()),
        "days_to_dismantle": selectors.days_to_dismantle(line),
        "missing_labels": missing,
        "can_change": can_change,
        "can_activate": can_approve and line.status == LineStatus.NOMINATED,
        "can_reject": can_approve and line.status == LineStatus.NOMINATED,
        "can_flex": can_approve and is_open,
        "can_dismantle": can_change,
        "awaiting_approval": line.status == LineStatus.NOMINATED,
        "activate_form": forms.get("activate_form"),
        "flex_form": forms.get("flex_form") or f.FlexForm(line=line),
        "dismantle_form": forms.get("dismantle_form") or f.DismantleForm(),
        "reject_form": forms.get("reject_form") or f.RejectForm(),
        "deal_line_form": forms.get("deal_line_form") or f.DealLineForm(),
        "nominal_form": forms.get("nominal_form"),
        "show_safeguarding": selectors.can_see_safeguarding(user=user, line=line),
        "sections": sections_for("countyline_detail", request, line),
        **score_context(user, line),
    }
