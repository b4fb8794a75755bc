"""A disruption's status as its coloured tag: `{% load disruption_words %}{{ d|status_tag }}`.

A filter rather than an included partial: a list page shows fifty of them, and an {% include %}
per row was a template render each (issue 18)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from disruptions.choices import DisruptionStatus

register = template.Library()

_COLOURS = {
    DisruptionStatus.APPROVED: "tag--green",
    DisruptionStatus.SUBMITTED: "tag--blue",
    DisruptionStatus.RETURNED: "tag--red",
}


@register.filter
def status_tag(disruption) -> SafeString:
    status = DisruptionStatus(disruption.status)
    return format_html(
        '<span class="tag {}">{}</span>', _COLOURS.get(status, "tag--grey"), status.label
    )
