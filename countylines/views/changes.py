"""The forms on a line's page (put on the matrix, flex, dismantle, reject, deal lines, nominals):
each posts to one service; a refusal shows the page again with the message at that form (status
400) and nothing is saved."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from countylines import forms as f
from countylines import selectors
from countylines.presenters import detail_context
from countylines.services.deal_lines import line_add_deal_line
from countylines.services.lifecycle import (
    line_activate,
    line_dismantle,
    line_flex,
    line_reject,
    require_move,
)
from countylines.services.nominals import line_add_nominal, line_remove_nominal
from countylines.views.lines import detail_url
from kentsoc.audit.services import audit_view
from kentsoc.web.forms import form_post


def _line_post(
    request: HttpRequest, pk: int, form_name: str, form: Any, run, move: str | None = None
) -> HttpResponse:
    """Run a service from one of the detail page's forms; on refusal show the page again with
    the message at that form. A `move`'s role is refused (403) before the form is read: the
    form requires what the service requires, and a role that may not act learns nothing more."""
    line = selectors.line_get(user=request.user, pk=pk)
    if move:
        require_move(request.user, move)
    done = form_post(request, form, lambda data: run(line, data), then=detail_url(line))
    if done:
        return done
    # The page is shown again, so it is a view of the line like any other; read as its page
    # reads it (nothing was saved).
    line = selectors.line_page_get(user=request.user, pk=pk)
    audit_view(actor=request.user, obj=line)
    context = detail_context(request, line, **{form_name: form})
    # The forms sit far down the page: their errors are listed at its top too, linked to the
    # fields (the activate section, near the top, says its own).
    if form_name != "activate_form":
        context["error_form"] = form
    return render(request, "countylines/line_detail.html", context, status=400)


@login_required
@require_POST
def activate(request: HttpRequest, pk: int) -> HttpResponse:
    def run(line, data):
        line_activate(actor=request.user, line=line)
        return f"{line.reference} is on the matrix; its score is being calculated."

    return _line_post(request, pk, "activate_form", forms.Form(request.POST), run)


@login_required
@require_POST
def flex(request: HttpRequest, pk: int) -> HttpResponse:
    line = selectors.line_get(user=request.user, pk=pk)

    def run(line, data):
        updated = line_flex(
            actor=request.user, line=line, division=data["division"], reason=data["reason"]
        )
        if updated.flexed_division_id:
            return f"{line.reference} flexed to {updated.flexed_division.name}."
        return f"{line.reference}'s flex ended; it ranks in {line.division.name} again."

    return _line_post(request, pk, "flex_form", f.FlexForm(request.POST, line=line), run, "flex")


@login_required
@require_POST
def dismantle(request: HttpRequest, pk: int) -> HttpResponse:
    def run(line, data):
        line_dismantle(actor=request.user, line=line, date=data["date"], reason=data["reason"])
        return f"{line.reference} recorded as dismantled."

    return _line_post(
        request, pk, "dismantle_form", f.DismantleForm(request.POST), run, "dismantle"
    )


@login_required
@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    def run(line, data):
        line_reject(actor=request.user, line=line, reason=data["reason"])
        return f"{line.reference} nomination rejected."

    return _line_post(request, pk, "reject_form", f.RejectForm(request.POST), run, "reject")


@login_required
@require_POST
def add_deal_line(request: HttpRequest, pk: int) -> HttpResponse:
    def run(line, data):
        dl = line_add_deal_line(actor=request.user, line=line, number=data["number"])
        return f"Deal line {dl.display_number} added."

    return _line_post(request, pk, "deal_line_form", f.DealLineForm(request.POST), run)


@login_required
@require_POST
def add_nominal(request: HttpRequest, pk: int) -> HttpResponse:
    def run(line, data):
        link = line_add_nominal(
            actor=request.user, line=line, nominal=data["nominal"], role=data["role"]
        )
        return f"{link.nominal.full_name} linked as {link.get_role_display().lower()}."

    return _line_post(request, pk, "nominal_form", f.AddNominalForm(request.POST), run)


@login_required
@require_POST
def remove_nominal(request: HttpRequest, pk: int, link_id: int) -> HttpResponse:
    def run(line, data):
        line_remove_nominal(actor=request.user, line=line, link_id=link_id)
        return "Nominal unlinked."

    return _line_post(request, pk, "nominal_form", forms.Form(request.POST), run)
