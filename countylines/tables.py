"""How county lines read in the list page's rows (countylines/partials/line_table.html), written
out here once per row rather than drawn by the template engine cell by cell (issue 18: fifty rows
of eight cells were most of the page's Python calls)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from countylines.choices import LineStatus
from countylines.models import CountyLine
from countylines.selectors import RowFigures
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.models import AuditEvent
from kentsoc.trail.templatetags.trail_words import details_text
from kentsoc.web.cells import format_row, lent_row, record_url, shown
from kentsoc.web.people import day_writer

_STATUS = dict(LineStatus.choices)
_STATUS_CSS = {LineStatus.ACTIVE: "tag--green", LineStatus.NOMINATED: "tag--blue"}

_OWN = (
    '<tr data-testid="line-row">\n'
    '    <td data-label="Reference"><a href="{url}">{reference}</a></td>\n'
    '    <td data-label="Name">{name}</td>\n'
    '    <td data-label="Status"><span class="tag {status_css}">{status}</span></td>\n'
    '    <td data-label="Exporting area">{exporting_area}</td>\n'
    '    <td data-label="Division">{division}</td>\n'
    '    <td data-label="Deal lines">{deal_lines}</td>\n'
    '    <td data-label="Score" class="num">{score}</td>\n'
    '    <td data-label="Rank" class="num">{rank}</td>\n'
    "  </tr>"
)
# Another force's line lent to this one: what its share lends, marked, linked to the share.
_LENT = (
    '<tr data-testid="line-row" data-shared-by="{lent_by}">\n'
    '    <td data-label="Reference"><a href="{url}">{reference}</a></td>\n'
    '    <td data-label="Name">{name} {shared}</td>\n'
    '    <td data-label="Status"><span class="tag {status_css}">{status}</span></td>\n'
    '    <td data-label="Exporting area">{exporting_area}</td>\n'
    '    <td data-label="Division">{lent_by}</td>\n'
    '    <td data-label="Deal lines">—</td>\n'
    '    <td data-label="Score" class="num">{score}</td>\n'
    '    <td data-label="Rank" class="num">—</td>\n'
    "  </tr>"
)
_FLEXED = '{} <span class="tag tag--yellow">flexed</span>'
_TOP30 = '{} <span class="tag tag--red">top 30</span>'


def _rank(figures: RowFigures) -> str | SafeString:
    if figures.rank is None:
        return "—"
    rank = shown(figures.rank)
    return format_html(_TOP30, rank) if figures.top30 else rank


def line_rows_html(lines: list[CountyLine], figures: dict[int, RowFigures]) -> list[SafeString]:
    """Each line's row, with what `line_row_figures` read for it."""
    rows = []
    for line in lines:
        found = figures[line.pk]
        common = {
            "reference": line.reference,
            "name": line.name,
            "status_css": _STATUS_CSS.get(line.status, "tag--grey"),
            "status": _STATUS.get(line.status, line.status),
            "exporting_area": line.exporting_area,
            "score": shown(found.score, "—"),
        }
        if line.lent_share_id:
            rows.append(lent_row(_LENT, line, **common))
            continue
        rows.append(
            format_row(
                _OWN,
                url=record_url("countylines:detail", line.pk),
                division=format_html(_FLEXED, line.flexed_division.name)
                if line.flexed_division_id
                else line.division.name,
                deal_lines=", ".join(found.deal_lines),
                rank=_rank(found),
                **common,
            )
        )
    return rows


_ACTIONS = dict(AuditAction.choices)
# An event of a line's audit trail, as countylines/line_history.html wrote it cell by cell.
_EVENT = (
    "<tr><td>{when}</td><td>{who}</td><td>{action}</td><td>{details}</td><td>{reason}</td></tr>"
)


def history_event_rows_html(
    events: list[tuple[AuditEvent, list[tuple[str, str]]]],
) -> SafeString:
    """The history page's audit trail rows, from `details_in_words` (each event and its details
    named), written here as the template wrote them: a page of fifty events of five cells drawn
    by the engine was half the page's Python calls (issue 18). The time is the event's local
    time as `|date:"j M Y, H:i"` writes it, the zone and the language read once a page."""
    zone = timezone.get_current_timezone()
    write_day = day_writer()
    rows = []
    for event, details in events:
        at = event.at.astimezone(zone)
        rows.append(
            format_row(
                _EVENT,
                # The local day of a local time: write_day would convert it again.
                when=f"{write_day(at.date())}, {at:%H:%M}",
                who=event.actor_username,
                action=_ACTIONS.get(event.action, event.action),
                details=details_text(details),
                reason=event.reason,
            )
        )
    return SafeString("".join(rows))
