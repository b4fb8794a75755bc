"""How audit events read in the audit page's rows (audit/partials/event_table.html), written out
here once per row rather than drawn by the template engine cell by cell (issue 18: a page of a
hundred events of six cells was most of the page's Python calls)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.models import AuditEvent
from kentsoc.trail.templatetags.trail_words import details_text
from kentsoc.web.cells import format_row
from kentsoc.web.people import day

_ACTIONS = dict(AuditAction.choices)
_ACTION_CSS = {
    AuditAction.LOGIN_FAILED: " tag--red",
    AuditAction.DELETE: " tag--red",
    AuditAction.EXPORT: " tag--yellow",
    AuditAction.LIST: " tag--blue",
    AuditAction.SEARCH: " tag--blue",
}
_ROW = (
    '<tr data-testid="audit-row">\n'
    '        <td><time datetime="{iso}">{when}</time></td>\n'
    "        <td>{who}</td>\n"
    '        <td><span class="tag{action_css}">{action}</span></td>\n'
    "        <td>{record}</td>\n"
    "        <td>{details}</td>\n"
    "        <td>{ip}{request}</td>\n"
    "      </tr>"
)
_NONE = SafeString('<span class="muted">—</span>')


def _record(event: AuditEvent) -> SafeString:
    """The record an event names: its kind, id and description at the time."""
    if not event.object_type:
        return _NONE
    return format_html(
        "<code>{}</code>{}{}",
        event.object_type,
        format_html(" #{}", event.object_id) if event.object_id else "",
        format_html('<br><span class="muted">{}</span>', event.object_repr)
        if event.object_repr
        else "",
    )


def event_rows_html(events: list[tuple[AuditEvent, list[tuple[str, str]]]]) -> list[SafeString]:
    """Each event's row, from `details_in_words` (the event and its details named)."""
    rows = []
    for event, details in events:
        at = timezone.localtime(event.at)
        rows.append(
            format_row(
                _ROW,
                iso=at.isoformat(),
                when=f"{day(at)}, {at:%H:%M:%S}",
                who=event.actor_username or "—",
                action_css=_ACTION_CSS.get(event.action, ""),
                action=_ACTIONS.get(event.action, event.action),
                record=_record(event),
                details=details_text(details, event.reason),
                ip=event.ip_address or "",
                request=format_html('<br><span class="muted">req {}</span>', event.request_id)
                if event.request_id
                else "",
            )
        )
    return rows
