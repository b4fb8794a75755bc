"""How audit events read in the audit page's rows (audit/partials/event_table.html), written out
here once per row rather than drawn by the template engine cell by cell (issue 18: a page of a
hundred events of six cells was most of the page's Python calls)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.safestring import SafeString

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.models import AuditEvent
from kentsoc.trail.templatetags.trail_words import details_text
from kentsoc.web.cells import escaped, format_row
from kentsoc.web.people import day_writer

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
    number = f" #{escaped(event.object_id)}" if event.object_id else ""
    described = (
        f'<br><span class="muted">{escaped(event.object_repr)}</span>' if event.object_repr else ""
    )
    return SafeString(f"<code>{escaped(event.object_type)}</code>{number}{described}")


def _request(event: AuditEvent) -> SafeString | str:
    """The request an event was made in, if any."""
    if not event.request_id:
        return ""
    return SafeString(f'<br><span class="muted">req {escaped(event.request_id)}</span>')


def event_rows_html(events: list[tuple[AuditEvent, list[tuple[str, str]]]]) -> list[SafeString]:
    """Each event's row, from `details_in_words` (the event and its details named)."""
    rows = []
    # The zone and language looked up once for the page, not per row (timezone.localtime's and
    # day()'s own lookups).
    zone = timezone.get_current_timezone()
    write_day = day_writer()
    for event, details in events:
        at = event.at.astimezone(zone)
        rows.append(
            format_row(
                _ROW,
                iso=at.isoformat(),
                # The local time's own day: given the time, the writer would convert it again.
                when=f"{write_day(at.date())}, {at:%H:%M:%S}",
                who=event.actor_username or "—",
                action_css=_ACTION_CSS.get(event.action, ""),
                action=_ACTIONS.get(event.action, event.action),
                record=_record(event),
                details=details_text(details, event.reason),
                ip=event.ip_address or "",
                request=_request(event),
            )
        )
    return rows
