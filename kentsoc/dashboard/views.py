"""The matrix dashboard pages: the dashboard, its live fragment and its CSV exports.

Views only parse the "as of" date and hand over to the dashboard's reads (board, rankings,
charts).
"""

from __future__ import annotations

import datetime
import hashlib
import pickle
from functools import lru_cache
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from kentsoc.audit.services import audit_export
from kentsoc.dashboard import national
from kentsoc.dashboard.board import Dashboard, dashboard_get
from kentsoc.dashboard.charts import DisruptionFigures, disruption_figures, force_trends
from kentsoc.dashboard.rankings import FIRST_OCG_TAB, live_token, matrix_rankings
from kentsoc.dashboard.rows import MOVEMENT_DAYS, Rankings
from kentsoc.web.generic import csv_response

VIEW_PERM = "matrix.view_score"


class AsOfForm(forms.Form):
    as_of = forms.DateField(
        label="As of",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a real date as YYYY-MM-DD."},
    )

    def clean_as_of(self) -> datetime.date:
        today = timezone.localdate()
        value = self.cleaned_data.get("as_of") or today
        if value > today:
            raise forms.ValidationError(
                f"The matrix has no figures for a future date; choose {today:%-d %B %Y} or earlier."
            )
        return value


# The live part of the dashboard (totals and both matrices' first tabs) and what it includes.
LIVE_TEMPLATE = "matrix/partials/live.html"
_LIVE_TEMPLATES = (
    LIVE_TEMPLATE,
    "matrix/partials/tabs.html",
    "matrix/partials/panel.html",
    "matrix/partials/line_panel.html",
    "matrix/partials/line_table.html",
    "matrix/partials/ocg_panel.html",
    "matrix/partials/ocg_table.html",
)
# The charts, their tables and their data (no includes).
FIGURES_TEMPLATE = "matrix/partials/figures.html"
FRAGMENT_CACHE_SECONDS = 3600


@lru_cache(maxsize=8)
def _templates_version(names: tuple[str, ...]) -> str:
    """The templates' own text: a changed template renders afresh, even from a shared cache."""
    sources = (get_template(name).template.source for name in names)
    return hashlib.sha256("\0".join(sources).encode()).hexdigest()


def fragment_key(template: str, templates: tuple[str, ...], context: dict[str, Any]) -> str:
    """The cache key of `template` rendered from `context`: a hash of every value in it, however
    deep, as pickle writes it (in C: the values' reprs, written by Python for each of a few
    hundred rows, cost twice as much), with the language and time zone the page is written in and
    the templates' own text. Equal content pickled through differently shared objects gives
    another key, which costs a render, never a stale page."""
    parts = (
        template,
        sorted(context.items()),
        translation.get_language(),
        timezone.get_current_timezone_name(),
        _templates_version(templates),
    )
    return "matrix-fragment:" + hashlib.sha256(pickle.dumps(parts, protocol=5)).hexdigest()


def _fragment(template: str, templates: tuple[str, ...], context: dict[str, Any]) -> SafeString:
    """A fragment's HTML, kept under a hash of exactly what it is rendered from (fragment_key).

    The fragment must be a function of `context` alone (every figure, row and link it shows is
    a field of it, and it reads no request, user or CSRF token): the same content renders once,
    and anything different (a re-rank, a renamed line, a new LRO, an approved disruption, a new
    snapshot) is another key, so it is never stale; and two officers shown the same content get
    the same HTML, so nobody sees what another may not."""
    key = fragment_key(template, templates, context)
    html = cache.get(key)
    if html is None:
        html = render_to_string(template, context)
        cache.set(key, str(html), FRAGMENT_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 (our own template's output, escaped when rendered)


def live_html(rankings: Rankings) -> SafeString:
    """The live fragment (totals and the matrices' first tabs): rendering it was most of the
    dashboard's Python time, and it is a function of `rankings` alone."""
    return _fragment(LIVE_TEMPLATE, _LIVE_TEMPLATES, {"rankings": rankings})


ATTENTION_TEMPLATE = "matrix/partials/attention.html"


def attention_html(board: Dashboard) -> SafeString:
    """The "needs attention" counts and the quiet top-30 lines, a function of the counts and
    those lines' rows alone: their links and dates are rendered once per content, not on every
    request."""
    return _fragment(
        ATTENTION_TEMPLATE,
        (ATTENTION_TEMPLATE,),
        {"attention": board.attention, "quiet_lines": board.rankings.quiet_lines},
    )


def figures_html(board: Dashboard, as_of_query: str) -> SafeString:
    """The charts and their tables (a table row per day for four months, the charts' data),
    a function of the snapshots' trends, the disruption figures and the date alone."""
    return _fragment(
        FIGURES_TEMPLATE,
        (FIGURES_TEMPLATE,),
        {
            "trends": board.trends,
            "disruptions": board.disruptions,
            "as_of": board.rankings.as_of,
            "as_of_query": as_of_query,
        },
    )


def _as_of(request: HttpRequest) -> tuple[AsOfForm, datetime.date]:
    if "as_of" not in request.GET:
        return AsOfForm(), timezone.localdate()  # today's, as most requests and every poll are
    form = AsOfForm(request.GET)
    # An invalid date shows its message over today's dashboard rather than failing.
    as_of = form.cleaned_data["as_of"] if form.is_valid() else timezone.localdate()
    return form, as_of


@require_GET
@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def dashboard_view(request: HttpRequest) -> HttpResponse:
    form, as_of = _as_of(request)
    board = dashboard_get(user=request.user, as_of=as_of)
    as_of_query = "" if board.rankings.is_current else f"?as_of={as_of.isoformat()}"
    return render(
        request,
        "matrix/dashboard.html",
        {
            "form": form,
            "board": board,
            "rankings": board.rankings,
            "attention_html": attention_html(board),
            "live_html": live_html(board.rankings),
            "figures_html": figures_html(board, as_of_query),
            "sees_national": national.may_see_national(request.user),
        },
    )


@require_GET
@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def live_view(request: HttpRequest) -> HttpResponse:
    """Polled by the open dashboard every few seconds: 204 while nothing changed (cheap), the
    fresh rankings fragment once the worker has re-ranked."""
    if request.GET.get("token") == live_token(request.user):
        return HttpResponse(status=204)
    rankings = matrix_rankings(user=request.user, ocg_rows_for=FIRST_OCG_TAB)
    return HttpResponse(live_html(rankings))


PANELS = {"lines": "matrix/partials/line_panel.html", "ocgs": "matrix/partials/ocg_panel.html"}
RESTS = {"lines": "matrix/partials/line_rest.html", "ocgs": "matrix/partials/ocg_rest.html"}
# What each of them includes: a fragment's key holds its templates' text.
TABLES = {"lines": "matrix/partials/line_table.html", "ocgs": "matrix/partials/ocg_table.html"}


@require_GET
@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def partition_view(request: HttpRequest, group: str, code: str) -> HttpResponse:
    """One tab of the line or OCG matrix, loaded when the user opens it; with `part=rest`, the
    rows below its top 30, loaded when the user expands them."""
    if group not in PANELS:
        raise Http404("No such matrix.")
    _, as_of = _as_of(request)
    ranked = matrix_rankings(user=request.user, as_of=as_of, partition=code)
    partitions = ranked.lines if group == "lines" else ranked.ocgs
    partition = next((p for p in partitions if p.code == code), None)
    if partition is None:
        raise Http404("No such division.")
    template = RESTS[group] if request.GET.get("part") == "rest" else PANELS[group]
    # A function of the tab's rows and the rankings read alone, like the dashboard's live part.
    context = {"p": partition, "rankings": ranked}
    return HttpResponse(_fragment(template, (template, TABLES[group]), context))


def _bucket_rows(figures: DisruptionFigures) -> list[list[Any]]:
    return [
        [m.date_from, m.date_to, *counts, m.total, m.against_ocgs]
        for m, counts in figures.month_rows()
    ]


@require_GET
@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def export_view(request: HttpRequest, name: str) -> HttpResponse:
    """Each chart's and table's numbers as CSV; every export is audited."""
    _, as_of = _as_of(request)
    user = request.user
    columns: list[tuple[str, Any]]
    if name in ("lines", "ocgs"):
        ranked = matrix_rankings(user=user, as_of=as_of)
        partitions = ranked.lines if name == "lines" else ranked.ocgs
        rows: list[Any] = [
            [p.name, r.rank, r.reference, r.name, r.total, r.threat, r.risk, r.harm, r.confidence]
            + (
                [r.movement.label, r.days_on_matrix, r.last_disruption, r.flexed, r.officer]
                if name == "lines"
                else [r.movement.label, r.tier, r.managed_by, r.managing_team, r.officer]
            )
            for p in partitions
            for r in p.top + p.rest
        ]
        headers = ["Matrix", "Rank", "Reference", "Name", "Score", "Threat", "Risk", "Harm"]
        headers += ["Confidence", f"Movement since {MOVEMENT_DAYS} days"]
        if name == "lines":
            headers += ["Days on matrix", "Last disruption", "Flexed", "LRO / officer"]
        else:
            headers += ["Tier", "Managed by", "Managing team", "LRO"]
    elif name == "trend":
        trends = force_trends(user=user, as_of=as_of)
        headers = ["Date", "Active lines", "Total TRH"]
        rows = [[p.on, p.active_lines, p.total_trh] for p in trends.trend]
    elif name == "ocg-growth":
        trends = force_trends(user=user, as_of=as_of)
        headers = ["Month", "Snapshot date", "Mapped and scored OCGs"]
        rows = [[p.month.strftime("%Y-%m"), p.on, p.mapped_ocgs] for p in trends.ocg_growth]
    elif name == "disruptions":
        figures = disruption_figures(user=user, as_of=as_of)
        headers = ["From", "To", *figures.grade_labels, "Total", "Against OCGs"]
        rows = _bucket_rows(figures)
    else:
        raise Http404("No such export.")
    audit_export(
        actor=user,
        object_type=f"matrix.dashboard.{name}",
        count=len(rows),
        filters=[("as_of", as_of.isoformat())],
    )
    columns = [(header, _column(i)) for i, header in enumerate(headers)]
    filename = f"matrix-{name}"
    if as_of != timezone.localdate():
        filename += f"-as-of-{as_of.isoformat()}"
    return csv_response(filename=filename, columns=columns, rows=rows)


def _column(index: int):
    def get(row: list[Any]) -> Any:
        value = row[index]
        return "" if value is None else value

    return get


@require_GET
@login_required
def national_view(request: HttpRequest) -> HttpResponse:
    """Each force's figures side by side, for the NCA / ERSOU supervisors (403 for anyone
    else)."""
    figures = national.national_view(user=request.user)
    return render(request, "matrix/national.html", {"national": figures})
