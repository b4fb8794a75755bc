"""What county lines add to the apps below them, which may not import countylines: the lines a
person works on their page, the lines in an OCG's network (its members' lines, and lines linked to
it), the home page's nominations panel, and rescoring the lines of an OCG that goes on or off the
matrix. Registered from CountyLinesConfig.ready()."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from countylines.models import CountyLine, LineNominal
from countylines.panels import nominations_panel, people_at_risk_panel
from countylines.receivers import ocg_matrix_status_changed
from kentsoc.web.extensions import Section, register_section
from kentsoc.web.home import register_panel
from kentsoc.web.reader_queries import reader_query
from ocg.models import OCG, Nominal, register_ocgs_behind_lines
from ocg.network import NetworkLink, nominal_node, ocg_node, register_network_links
from ocg.signals import matrix_status_changed

NOMINAL_LINES_TEMPLATE = "countylines/sections/nominal_lines.html"


def _line_node(pk: int) -> str:
    return f"line-{pk}"


def nominal_lines(request: HttpRequest, nominal: Nominal, tab: str) -> Mapping[str, Any]:
    """The county lines the person is linked to that the user may see. The scoped query names no
    person, so it is built once per officer and day (reader_query); each link is read with the
    columns its row names only."""
    user = request.user
    links = reader_query(
        "countylines.nominal_lines",
        user,
        lambda: (
            LineNominal.objects.filter(county_line__in=CountyLine.objects.visible_to(user))
            .select_related("county_line")
            .only(
                "county_line_id",
                "role",
                "county_line__reference",
                "county_line__name",
                "county_line__status",
            )
            .order_by("county_line__reference")
        ),
    ).filter(nominal_id=nominal.pk)
    return {
        "line_links": [
            {"link": link, "url": reverse("countylines:detail", args=[link.county_line_id])}
            for link in links
        ]
    }


def ocg_network_lines(user: Any, ocg: OCG, nominal_ids: list[int]) -> list[NetworkLink]:
    """The lines the OCG's current members work, then the lines linked to the OCG itself."""
    visible = CountyLine.objects.visible_to(user)
    member_links = (
        LineNominal.objects.filter(nominal_id__in=nominal_ids, county_line__in=visible)
        .select_related("county_line")
        .order_by("county_line__reference")
    )
    links = [
        NetworkLink(
            key=_line_node(link.county_line_id),
            label=f"{link.county_line.reference} {link.county_line.name}",
            kind="county_line",
            url=reverse("countylines:detail", args=[link.county_line_id]),
            source=nominal_node(link.nominal_id),
            relation=link.get_role_display(),
        )
        for link in member_links
    ]
    links += [
        NetworkLink(
            key=_line_node(line.pk),
            label=f"{line.reference} {line.name}",
            kind="county_line",
            url=reverse("countylines:detail", args=[line.pk]),
            source=ocg_node(ocg.pk),
            relation="linked OCG",
        )
        for line in visible.filter(ocg=ocg).order_by("reference")
    ]
    return links


def register() -> None:
    register_section(
        "nominal_detail", Section("county_lines", NOMINAL_LINES_TEMPLATE, nominal_lines, 40)
    )
    register_network_links("countylines", ocg_network_lines)
    # CLGT officers and CLIOs see the OCGs behind county lines (ocg.models.OcgQuerySet.scope).
    register_ocgs_behind_lines(
        lambda: CountyLine.objects.filter(ocg__isnull=False).values("ocg_id")
    )
    register_panel(nominations_panel)
    register_panel(people_at_risk_panel)
    matrix_status_changed.connect(
        ocg_matrix_status_changed, dispatch_uid="countylines.ocg_matrix_status_changed"
    )
