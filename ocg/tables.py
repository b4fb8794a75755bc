"""How OCGs read in the list page's rows (ocg/partials/ocg_table.html), written out here once
per row rather than drawn by the template engine cell by cell (issue 18: fifty rows of nine cells
were most of the page's Python calls)."""

from __future__ import annotations

from typing import Any

from django.template.defaultfilters import title
from django.utils.safestring import SafeString

from kentsoc.web.cells import escaped, format_row, lent_row, record_link, shown
from kentsoc.web.people import day_writer
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


# The tiers a score reads as (whole numbers, 1 to 3), each written once.
_TIERS: dict[int, SafeString] = {}


def _tier(tier: object) -> str | SafeString:
    if not tier:
        return "—"
    if type(tier) is not int:
        return SafeString(f"Tier {escaped(shown(tier))}")
    written = _TIERS.get(tier)
    if written is None:
        written = _TIERS[tier] = SafeString(f"Tier {escaped(shown(tier))}")
    return written


def ocg_rows_html(ocgs: list[OCG], criminality: dict[int, list[str]]) -> SafeString:
    """The OCGs' rows, from `ocg_rows` (with `ocg_row_names`: its division, team, LRO and score
    read) and the labels `ocg_row_criminality` read for it, laid out as the table's loop laid
    them (one piece of HTML: the engine's loop cost a dozen Python calls a row)."""
    rows = []
    url = record_link("ocg:detail")
    day = day_writer()
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
        # The LRO's name as User.get_full_name() writes it.
        lro = f"{ocg.lro_first_name} {ocg.lro_last_name}".strip()
        rows.append(
            format_row(
                _OWN,
                url=url(ocg.pk),
                awaiting=_AWAITING if ocg.mapping_submitted_at else "",
                division=ocg.division_name,
                criminality=", ".join(criminality[ocg.pk]),
                team=ocg.team_name or "—",
                lro=SafeString(f'<br><span class="muted">{escaped(lro)}</span>')
                if ocg.lead_responsible_officer_id
                else "",
                nominated=day(ocg.nominated_on),
                **common,
            )
        )
    return SafeString("".join(f"\n    {row}\n  " for row in rows))


# --- the score panel's "Explain this score" rows (ocg/partials/score_panel.html) ----------------

_FACTOR = (
    '\n          <tr data-testid="factor-{factor}">\n'
    "            <td>{label}</td><td>{part}</td>\n"
    "            <td>{level}{level_label}{from_data}</td>\n"
    '            <td class="num">{points}</td>\n'
    "            <td>{records}</td>\n"
    "          </tr>\n        "
)
_FROM_DATA = ' <span class="muted">(from data)</span>'
_UNSCORABLE = ' <span class="tag tag--grey" data-testid="unscorable">unscorable</span>'
_NO_RECORDS = '<span class="muted">—</span>'
# A part ("threat") as `|title` writes it, once per part.
_TITLES: dict[str, str] = {}


def _value(entry: dict[str, Any], key: str) -> str:
    """`{{ entry.key }}`: nothing for a missing key, "None" for None, else localized, escaped."""
    if key not in entry:
        return ""
    value = entry[key]
    return "None" if value is None else escaped(shown(value))


def _title(entry: dict[str, Any]) -> str:
    if "part" not in entry:
        return ""
    part = str(entry["part"])
    titled = _TITLES.get(part)
    if titled is None:
        titled = _TITLES[part] = escaped(title(part))
    return titled


def _record_links(records: list[dict[str, Any]]) -> str:
    if not records:
        return _NO_RECORDS
    links = []
    for r in records:
        reference = escaped(r["reference"])
        if not r["visible"]:
            link = f'<span class="muted">{reference} (restricted)</span>'
        elif r["url"]:
            link = f'<a href="{escaped(r["url"])}">{reference}</a> ({escaped(r["grading"])})'
        else:
            link = f"{reference} ({escaped(r['grading'])})"
        links.append(link if r["scorable"] else link + _UNSCORABLE)
    return ", ".join(links)


def score_factor_rows_html(factors: list[dict[str, Any]]) -> SafeString:
    """The score's factors (matrix's `explain_factors`) as the panel's table rows, laid out as
    its loop laid them: a dozen factors of five cells and their records' links were a third of
    an OCG page's template time."""
    return SafeString(
        "".join(
            _FACTOR.format(
                factor=_value(f, "factor"),
                label=_value(f, "label"),
                part=_title(f),
                level=_value(f, "level"),
                level_label=f" — {escaped(f['level_label'])}" if f.get("level_label") else "",
                from_data=_FROM_DATA if f.get("from_data") else "",
                points=_value(f, "points"),
                records=_record_links(f.get("record_links", [])),
            )
            for f in factors
        )
    )
