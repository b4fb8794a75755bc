"""`{% load trail_words %}`: audit events as people read them, for any page that lists a record's
history (the audit page, an OCG's or a county line's history)."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString

from kentsoc.audit.models import AuditEvent
from kentsoc.trail.details import details_in_words
from kentsoc.web.cells import escaped

register = template.Library()


@register.simple_tag(takes_context=True)
def audit_details(
    context: template.Context, events: Iterable[AuditEvent]
) -> list[tuple[AuditEvent, list[tuple[str, str]]]]:
    """`{% audit_details events as rows %}{% for event, details in rows %}`: each event with its
    details named (one query per kind of thing the events name)."""
    return details_in_words(events or [], user=context["request"].user)


@register.simple_tag
def details_text(details: Iterable[tuple[str, str]], reason: str = "") -> SafeString:
    """`{% details_text details event.reason %}`: an event's details, a line each ("Status:
    adopted"), and its reason last when given. A tag, not an included template: the audit
    page shows a hundred events of a few details each, escaped as format_html would escape them
    (`escaped`) without its per-value checks."""
    lines = [f"<strong>{escaped(name)}:</strong> {escaped(text)}" for name, text in details]
    if reason:
        lines.append(f"<strong>Reason:</strong> {escaped(reason)}")
    return SafeString("<br>".join(lines))
