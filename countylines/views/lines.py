"""County-line pages: the list, nominating a line, its page and its edit form, and the
search-as-you-type helpers of those forms. Thin views over the selectors and services: a POST
that a service refuses shows the form again with the message at the field (status 400)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from countylines import forms as f
from countylines import scores, selectors
from countylines.filters import CountyLineFilterSet
from countylines.models import CountyLine
from countylines.phones import display_mobile, normalise_mobile
from countylines.presenters import detail_context, score_panel_context
from countylines.services.base import (
    PERM_ADD,
    PERM_CHANGE,
)
from countylines.services.lines import line_nominate, line_update
from countylines.tables import history_event_rows_html, line_rows_html
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_read, audit_view
from kentsoc.trail.details import details_in_words
from kentsoc.web.coerce import as_id
from kentsoc.web.forms import form_post
from kentsoc.web.generic import FilteredListView
from kentsoc.web.lent import lent_csv_columns
from ocg import selectors as ocg_selectors
from ocg.models import OCG, Nominal

_VIEW = "countylines.view_countyline"
# The service names the districts as a list; the form's first choice is the primary one.
_DISTRICTS_AT_PRIMARY = {"importing_districts": "primary_district"}


def detail_url(line: CountyLine) -> str:
    return reverse("countylines:detail", args=[line.pk])


def _pk(record: Any) -> int | None:
    return record.pk if record is not None else None


def _ocgs_for(user: Any):
    return OCG.objects.visible_to(user).order_by("reference")


class LineListView(FilteredListView):
    selector = staticmethod(selectors.line_rows)
    filterset_class = CountyLineFilterSet
    permission_required = _VIEW
    template_name = "countylines/line_list.html"
    partial_template_name = "countylines/partials/line_table.html"
    title = "County lines"
    csv_filename = "county-lines"
    csv_columns = lent_csv_columns(
        [
            ("Reference", "reference"),
            ("Name", "name"),
            ("Status", "get_status_display"),
            ("Exporting area", "exporting_area"),
            ("Division", "division.name"),
            ("Flexed to", "flexed_division.name"),
            ("Primary district", lambda line: selectors.primary_district(line) or ""),
            ("Deal lines", lambda line: " ".join(dl.number for dl in line.deal_line_rows)),
            ("OCG", "ocg.reference"),
            ("Nominated on", "nominated_on"),
            ("Activated on", "activated_on"),
            ("Closed on", "closed_on"),
            ("Score", lambda line: getattr(scores.current_score(line), "total", "")),
            ("Rank", lambda line: getattr(scores.current_ranking(line), "rank", "")),
        ]
    )

    def get_extra_context(self) -> dict[str, Any]:
        return {"can_nominate": self.request.user.has_perm(PERM_ADD)}

    def page_queryset(self, queryset: QuerySet) -> QuerySet:
        # The page reads its deal lines, scores and ranks as values (line_row_figures) and shows
        # the divisions; the OCG, districts and prefetched rows are the CSV's.
        return (
            queryset.select_related(None)
            .select_related("division", "flexed_division")
            .prefetch_related(None)
        )

    def get_page_context(self, rows: list[Any]) -> dict[str, Any]:
        figures = selectors.line_row_figures([row.pk for row in rows])
        return {"line_rows": line_rows_html(rows, figures)}


@login_required
@permission_required(PERM_ADD, raise_exception=True)
@require_http_methods(["GET", "POST"])
def nominate(request: HttpRequest) -> HttpResponse:
    ocgs = _ocgs_for(request.user)
    form = f.NominateForm(request.POST if request.method == "POST" else None, ocgs=ocgs)
    chosen = _posted_nominals(request)
    if request.method == "POST":
        nominated: list[CountyLine] = []

        def run(data: dict[str, Any]) -> str:
            line = line_nominate(
                actor=request.user,
                name=data["name"],
                exporting_area=data["exporting_area"],
                importing_districts=form.district_ids(),
                deal_lines=form.numbers(),
                nominals=[{"nominal": n.pk, "role": role} for n, role in chosen],
                ocg=_pk(data["ocg"]),
            )
            nominated.append(line)
            return f"{line.reference} {line.name} nominated."

        done = form_post(
            request,
            form,
            run,
            then=lambda: detail_url(nominated[0]),
            field_map=_DISTRICTS_AT_PRIMARY,
        )
        if done:
            return done
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "countylines/nominate.html",
        {"form": form, "chosen_nominals": chosen, "roles": f.LineRole.choices},
        status=status,
    )


def _posted_nominals(request: HttpRequest) -> list[tuple[Any, str]]:
    """The nominals picked on the nomination form (parallel `nominal` / `nominal_role` fields),
    re-read so a redisplayed form shows them; unknown or hidden ids simply drop out."""
    ids = request.POST.getlist("nominal")
    roles = request.POST.getlist("nominal_role")
    pairs = [(as_id(i), r) for i, r in zip(ids, roles, strict=False) if as_id(i) is not None]
    found = Nominal.objects.visible_to(request.user).in_bulk([i for i, _ in pairs])
    return [(found[i], r) for i, r in pairs if i in found]


@login_required
@require_GET
def deal_line_check(request: HttpRequest) -> HttpResponse:
    """htmx: the nomination form's deal-line numbers checked as they are typed."""
    if not request.user.has_perm(PERM_ADD):
        raise Http404
    raw = [n.strip() for n in request.GET.get("deal_lines", "").splitlines() if n.strip()]
    rows, seen = [], set()
    for text in raw[:20]:
        number = normalise_mobile(text)
        rows.append({"text": text, "number": number, "repeat": number in seen})
        seen.add(number)
    used = selectors.numbers_on_other_lines(
        [r["number"] for r in rows if r["number"]], user=request.user
    )
    for row in rows:
        row["display"] = display_mobile(row["number"]) if row["number"] else ""
        row["other"] = used.get(row["number"])
    return render(request, "countylines/partials/deal_line_check.html", {"rows": rows})


@login_required
@permission_required("ocg.view_nominal", raise_exception=True)
@require_GET
def nominal_search(request: HttpRequest) -> HttpResponse:
    """htmx: nominals matching what was typed, to link to a new or existing line."""
    line = None
    if request.GET.get("line"):
        line = selectors.line_get(user=request.user, pk=request.GET["line"])
    results = ocg_selectors.nominal_search(user=request.user, text=request.GET.get("q", ""))
    audit_read(
        actor=request.user,
        model="ocg.nominal",
        ids=[n.pk for n in results],
        query=request.GET.lists(),
        action=AuditAction.SEARCH,
    )
    return render(
        request,
        "countylines/partials/nominal_results.html",
        {"results": results, "line": line, "roles": f.LineRole.choices},
    )


@login_required
@permission_required(_VIEW, raise_exception=True)
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    line = selectors.line_page_get(user=request.user, pk=pk)
    audit_view(actor=request.user, obj=line)
    return render(request, "countylines/line_detail.html", detail_context(request, line))


@login_required
@permission_required(_VIEW, raise_exception=True)
@require_GET
def score_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the score panel alone, polled while the worker recomputes a stale score."""
    line = selectors.line_score_get(user=request.user, pk=pk)
    return render(
        request, "countylines/partials/score.html", score_panel_context(request.user, line)
    )


@login_required
@permission_required(PERM_CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    line = selectors.line_get(user=request.user, pk=pk)
    districts = [link.district for link in line.line_districts.all()]
    initial = {
        "version": line.version,
        "name": line.name,
        "exporting_area": line.exporting_area,
        "primary_district": districts[0] if districts else None,
        "other_districts": districts[1:],
        "handsets_seized": line.handsets_seized,
        "ocg": line.ocg,
    }
    form = f.LineEditForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        ocgs=_ocgs_for(request.user),
    )
    if request.method == "POST":

        def run(data: dict[str, Any]) -> str:
            line_update(
                actor=request.user,
                line=line,
                version=data["version"],
                name=data["name"],
                exporting_area=data["exporting_area"],
                importing_districts=form.district_ids(),
                handsets_seized=data["handsets_seized"],
                ocg=_pk(data["ocg"]),
            )
            return f"{line.reference} updated."

        done = form_post(request, form, run, then=detail_url(line), field_map=_DISTRICTS_AT_PRIMARY)
        if done:
            return done
    return render(
        request,
        "countylines/line_edit.html",
        {"line": line, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _events_page(request: HttpRequest) -> int:
    """The history page's `events` parameter: a page number from 1 (up to five digits, so the
    offset stays small); anything else is page 1."""
    value = request.GET.get("events", "")
    return int(value) if value.isdecimal() and len(value) <= 5 and int(value) > 0 else 1


@login_required
@permission_required(_VIEW, raise_exception=True)
@require_GET
def history(request: HttpRequest, pk: int) -> HttpResponse:
    line = selectors.line_header(user=request.user, pk=pk)
    history = selectors.line_history(
        user=request.user, line=line, events_page=_events_page(request)
    )
    events = history.audit_events
    return render(
        request,
        "countylines/line_history.html",
        {
            "line": line,
            "tab": "history",
            "history": history,
            "event_rows": None
            if events is None
            else history_event_rows_html(details_in_words(events, user=request.user)),
            "show_safeguarding": selectors.can_see_safeguarding(user=request.user, line=line),
        },
    )
