"""Template tags that render the intelligence partials on other apps' pages.

    {% load intel %}
    {% intel_subject_records ocg=ocg %}            {# or county_line=line, or nominal=person #}
    {% intel_evidence_checklist county_line=line %}

Both need `request` in the context (the default context processor gives it); "add" links return to
the current page unless `next_url="…"` is given.
"""

from __future__ import annotations

from typing import Any

from django import template

from kentsoc.intel.partials import evidence_checklist_context, subject_records_context

register = template.Library()


@register.inclusion_tag("intel/partials/subject_records.html", takes_context=True)
def intel_subject_records(
    context: template.Context,
    ocg: Any = None,
    county_line: Any = None,
    nominal: Any = None,
    next_url: str = "",
) -> dict[str, Any]:
    request = context["request"]
    return subject_records_context(
        user=request.user,
        ocg=ocg,
        county_line=county_line,
        nominal=nominal,
        next_url=next_url or request.get_full_path(),
    )


@register.inclusion_tag("intel/partials/evidence_checklist.html", takes_context=True)
def intel_evidence_checklist(
    context: template.Context, ocg: Any = None, county_line: Any = None, next_url: str = ""
) -> dict[str, Any]:
    request = context["request"]
    return evidence_checklist_context(
        user=request.user,
        ocg=ocg,
        county_line=county_line,
        next_url=next_url or request.get_full_path(),
    )
