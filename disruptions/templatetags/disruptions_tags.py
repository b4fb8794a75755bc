"""Tags for the OCG, county-line and nominal pages (owned by other apps) to show disruptions."""

from __future__ import annotations

from typing import Any

from django import template

from disruptions import selectors

register = template.Library()


@register.inclusion_tag("disruptions/partials/subject_disruptions_list.html", takes_context=True)
def subject_disruptions(
    context: dict[str, Any], ocg: Any = None, county_line: Any = None, nominal: Any = None
) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    rows = []
    can_log = False
    log_query = ""
    if user is not None and user.has_perm("disruptions.view_disruption"):
        rows = list(
            selectors.disruptions_for_subject(
                user=user, ocg=ocg or None, county_line=county_line or None, nominal=nominal or None
            )[:50]
        )
        can_log = user.has_perm("disruptions.add_disruption")
        for name, obj in (("ocg", ocg), ("county_line", county_line), ("nominal", nominal)):
            if obj:
                log_query = f"{name}={obj.pk}"
                break
    return {
        "rows": rows,
        "count_6m": selectors.ocg_disruption_count_6m(ocg) if ocg else None,
        "can_log": can_log,
        "log_query": log_query,
        "allowed": bool(user is not None and user.has_perm("disruptions.view_disruption")),
    }


@register.simple_tag
def ocg_disruptions_6m(ocg: Any) -> int:
    return selectors.ocg_disruption_count_6m(ocg)
