"""The nominal list's rows (ocg/partials/nominal_table.html), written out here rather than drawn by
the template engine cell by cell: fifty rows of six cells were most of the page's Python calls
(issue 18). The same HTML the template's loop wrote."""

from __future__ import annotations

from django.utils.safestring import SafeString

from kentsoc.web.cells import format_row, record_link, shown
from kentsoc.web.people import day_writer
from ocg.models import Nominal

_ROW = (
    '\n    <tr data-testid="nominal-row">\n'
    '      <td><a href="{url}">{reference}</a></td>\n'
    "      <td>{name}</td>\n"
    "      <td>{aliases}</td>\n"
    "      <td>{born}</td>\n"
    "      <td>{custody}</td>\n"
    '      <td class="num">{ocgs}</td>\n'
    "    </tr>\n  "
)


def nominal_rows(nominals: list[Nominal]) -> SafeString:
    """Every row of the page, laid out as the table's loop laid them; "" for none."""
    url = record_link("ocg:nominal-detail")
    day = day_writer()
    return SafeString(
        "".join(
            format_row(
                _ROW,
                url=url(n.pk),
                reference=n.reference,
                name=n.full_name,
                aliases=n.aliases or "—",
                born=day(n.date_of_birth) or "—",
                custody=n.get_custody_status_display(),
                ocgs=shown(n.ocg_count),
            )
            for n in nominals
        )
    )
