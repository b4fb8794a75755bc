"""What the county-line pages show, worked out in Python so templates only display it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from countylines import forms as f
from countylines import scores, selectors
from countylines.choices import LineStatus
from countylines.services.base import OPEN_STATUSES, PERM_CHANGE
from countylines.services.lifecycle import may
from kentsoc.web.extensions import sections_for


def detail_context(request: HttpRequest, line: Any, **forms: Any) -> dict[str, Any]:
    user = request.user
    is_open = line.status in OPEN_STATUSES
    can_change = user.has_perm(PERM_CHANGE) and is_open
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
        # The moves the line's status and the user's permission allow (services.lifecycle.MOVES).
        "can_activate": may(user, line, "activate"),
        "can_reject": may(user, line, "reject"),
        "can_flex": may(user, line, "flex"),
        "can_dismantle": may(user, line, "dismantle"),
        "awaiting_approval": line.status == LineStatus.NOMINATED,
        "activate_form": forms.get("activate_form"),
        "flex_form": forms.get("flex_form") or f.FlexForm(line=line),
        "dismantle_form": forms.get("dismantle_form") or f.DismantleForm(),
        "reject_form": forms.get("reject_form") or f.RejectForm(),
        "deal_line_form": forms.get("deal_line_form") or f.DealLineForm(),
        "nominal_form": forms.get("nominal_form"),
        "show_safeguarding": selectors.can_see_safeguarding(user=user, line=line),
        "sections": sections_for("countyline_detail", request, line),
        **scores.score_context(user, line),
    }
