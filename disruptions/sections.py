"""What disruptions add to the OCG, county-line and nominal pages, as sections
(kentsoc.web.extensions): the subject's disruptions, newest first, with a link to log one
against it and, on an OCG, its count of approved disruptions in the last six months.

Those pages belong to apps below disruptions and never name it: `ready()` registers these
sections and each page renders whatever is registered for it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from countylines.models import CountyLine
from disruptions import selectors
from disruptions.tables import subject_disruption_rows_html
from kentsoc.gangs.models import Gang
from kentsoc.web.extensions import Section, register_section
from ocg.models import OCG, Nominal

TEMPLATE = "disruptions/sections/subject_disruptions.html"
# Enough for a subject's page; the disruptions list filters for more.
ROWS = 50


def _context(
    request: HttpRequest,
    *,
    ocg: OCG | None = None,
    county_line: CountyLine | None = None,
    nominal: Nominal | None = None,
    gang: Gang | None = None,
) -> dict[str, Any] | None:
    user = request.user
    if not user.has_perm("disruptions.view_disruption"):
        return None
    param, field, subject = next(
        (name, field, obj)
        for name, field, obj in (
            ("ocg", "ocgs", ocg),
            ("county_line", "county_lines", county_line),
            ("nominal", "nominals", nominal),
            ("gang", "gangs", gang),
        )
        if obj is not None
    )
    rows = selectors.subject_disruptions(user=user, field=field, pk=subject.pk, limit=ROWS)
    return {
        "rows": rows,
        "rows_html": subject_disruption_rows_html(rows),
        "count_6m": selectors.ocg_disruption_count_6m(ocg) if ocg is not None else None,
        "can_log": user.has_perm("disruptions.add_disruption"),
        "log_query": f"{param}={subject.pk}",
    }


def ocg_disruptions(request: HttpRequest, ocg: OCG, tab: str) -> dict[str, Any] | None:
    # The summary tab, right under the record and its score, as before it was a section.
    return _context(request, ocg=ocg) if tab == "summary" else None


def line_disruptions(request: HttpRequest, line: CountyLine, tab: str) -> dict[str, Any] | None:
    return _context(request, county_line=line)


def nominal_disruptions(request: HttpRequest, nominal: Nominal, tab: str) -> dict[str, Any] | None:
    return _context(request, nominal=nominal)


def gang_disruptions(request: HttpRequest, gang: Gang, tab: str) -> dict[str, Any] | None:
    return _context(request, gang=gang)


def register_sections() -> None:
    register_section("gang_detail", Section("disruptions", TEMPLATE, gang_disruptions, 70))
    # First on the OCG's summary tab; on a person's page after their lines (40) and intelligence
    # (60), before lifetime management (80).
    register_section("ocg_detail", Section("disruptions", TEMPLATE, ocg_disruptions, 10))
    register_section("countyline_detail", Section("disruptions", TEMPLATE, line_disruptions, 70))
    register_section("nominal_detail", Section("disruptions", TEMPLATE, nominal_disruptions, 70))
