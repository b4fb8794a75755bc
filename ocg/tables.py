"""How OCGs read in the list page's rows (ocg/partials/ocg_table.html), written out here once
per row rather than drawn by the template engine cell by cell (issue 18: fifty rows of nine cells
were most of the page's Python calls)."""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString

from kentsoc.web.cells import format_row, lent_row, record_url, shown
from kentsoc.web.people import day
from ocg.choices import OcgStatus
from ocg.models import OCG

_STATUS = dict(OcgStatus.choices)

_OWN = (
    '<tr data-testid="ocg-row" data-reference="{reference}">\n'
    '      <td><a href="{url}">{reference}</a></td>\n'
    "      <td>{name}</td>\n"
    '      <td><span class="tag ocg-status--{status}">{status_label}</span>{awaiting}</td>\n'
    "      <td>{division}</td>\n"
    "      <td>{criminality}</td>\n"
    "      <td>{team}{lro}</td>\n"
    '      <td class="num">{score}</td>\n'
    "      <td>{tier}</td>\n"
    "      <td>{nominated}</td>\n"
    "    </tr>"
)
# Another force's OCG lent to this one: what its share lends, marked, linked to the share.
_LENT = (
    '<tr data-testid="ocg-row" data-reference="{reference}" data-shared-by="{lent_by}">\n'
    '      <td><a href="{url}">{reference}</a></td>\n'
    "      <td>{name} {shared}</td>\n"
    '      <td><span class="tag ocg-status--{status}">{status_label}</span></td>\n'
    "      <td>{lent_by}</td>\n"
    "      <td>—</td>\n"
    "      <td>—</td>\n"
    '      <td class="num">{score}</td>\n'
    "      <td>{tier}</td>\n"
    "      <td>—</td>\n"
    "    </tr>"
)
_AWAITING = SafeString(' <span class="tag tag--yellow">awaiting approval</span>')


def _tier(tier: object) -> str | SafeString:
    return format_html("Tier {}", shown(tier)) if tier else "—"


def ocg_rows_html(ocgs: list[OCG], criminality: dict[int, list[str]]) -> list[SafeString]:
    """Each OCG's row, from `ocg_rows` (its division, team, LRO and score read) and the labels
    `ocg_row_criminality` read for it."""
    rows = []
    for ocg in ocgs:
        common = {
            "reference": ocg.reference,
            "name": ocg.name,
            "status": ocg.status,
            "status_label": _STATUS.get(ocg.status, ocg.status),
            "score": shown(ocg.score_total, "—"),
            "tier": _tier(ocg.score_tier),
        }
        if ocg.lent_share_id:
            rows.append(lent_row(_LENT, ocg, **common))
            continue
        lro = ocg.lead_responsible_officer
        rows.append(
            format_row(
                _OWN,
                url=record_url("ocg:detail", ocg.pk),
                awaiting=_AWAITING if ocg.mapping_submitted_at else "",
                division=ocg.division.name,
                criminality=", ".join(criminality[ocg.pk]),
                team=(ocg.managing_team.name if ocg.managing_team else "") or "—",
                lro=format_html('<br><span class="muted">{}</span>', lro.get_full_name())
                if lro
                else "",
                nominated=day(ocg.nominated_on),
                **common,
            )
        )
    return rows
