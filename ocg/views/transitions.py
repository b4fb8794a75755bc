"""An OCG's lifecycle moves from its page: one button, or a small page asking for a reason,
a date or a team."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from kentsoc.web.forms import form_post, posted
from ocg import forms as f
from ocg import selectors
from ocg.models import OCG
from ocg.services import lifecycle
from ocg.services.common import (
    PERM_ADD,
    PERM_APPROVE,
)


def _simple_transition(
    request: HttpRequest, pk: int, run: Callable[[Any], str], tab: str = "summary"
) -> HttpResponse:
    ocg = selectors.ocg_get(user=request.user, pk=pk)
    try:
        message = run(ocg)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, message)
    return redirect(f"{reverse('ocg:detail', args=[pk])}?tab={tab}")


@login_required
@require_POST
def start_development(request: HttpRequest, pk: int) -> HttpResponse:
    def run(ocg: OCG) -> str:
        lifecycle.ocg_start_development(actor=request.user, ocg=ocg)
        return f"{ocg.reference} is in development."

    return _simple_transition(request, pk, run)


@login_required
@require_POST
def submit_for_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    def run(ocg: OCG) -> str:
        lifecycle.ocg_submit_for_mapping(actor=request.user, ocg=ocg)
        return f"{ocg.reference} was submitted for mapping: a supervisor will approve or return it."

    return _simple_transition(request, pk, run)


@login_required
@require_POST
def approve_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    def run(ocg: OCG) -> str:
        lifecycle.ocg_approve_mapping(actor=request.user, ocg=ocg)
        return f"{ocg.reference} is mapped; its score is being calculated."

    return _simple_transition(request, pk, run)


def _form_transition(
    request: HttpRequest,
    pk: int,
    form_class: type[forms.Form],
    run: Callable[[Any, dict], str],
    *,
    title: str,
    button: str,
    intro: str = "",
    warning: bool = False,
) -> HttpResponse:
    """A transition that needs input (a reason, a date, a team): its own small page."""
    ocg = selectors.ocg_get(user=request.user, pk=pk)
    form = form_class(posted(request))
    if request.method == "POST":
        done = form_post(
            request, form, lambda data: run(ocg, data), then=reverse("ocg:detail", args=[ocg.pk])
        )
        if done:
            return done
    return render(
        request,
        "ocg/transition_form.html",
        {
            "ocg": ocg,
            "form": form,
            "title": title,
            "button": button,
            "intro": intro,
            "warning": warning,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def return_submission(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm(PERM_APPROVE):
        raise PermissionDenied("Only supervisors may return submissions.")

    def run(ocg: OCG, data: dict) -> str:
        lifecycle.ocg_return(actor=request.user, ocg=ocg, reason=data["reason"])
        return f"{ocg.reference} was returned for more development."

    return _form_transition(
        request,
        pk,
        f.ReasonForm,
        run,
        title="Return for more development",
        button="Return it",
        intro="Say what is missing or needs more work; the coordinator sees your reason.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def adopt(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm(PERM_APPROVE):
        raise PermissionDenied("Only supervisors may approve adoptions.")

    def run(ocg: OCG, data: dict) -> str:
        lifecycle.ocg_adopt(
            actor=request.user,
            ocg=ocg,
            managing_team=data["managing_team"],
            lead_responsible_officer=data["lead_responsible_officer"],
            regional_force=data.get("regional_force"),
        )
        return f"{ocg.reference} adopted."

    return _form_transition(
        request,
        pk,
        f.AdoptForm,
        run,
        title="Adopt",
        button="Adopt",
        intro="Assign the managing unit and the Lead Responsible Officer who will own the 4P plan.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm(PERM_APPROVE):
        raise PermissionDenied("Only supervisors may close OCGs.")

    def run(ocg: OCG, data: dict) -> str:
        lifecycle.ocg_close(
            actor=request.user,
            ocg=ocg,
            status=data["status"],
            date=data["date"],
            reason=data["reason"],
        )
        return f"{ocg.reference} closed."

    return _form_transition(
        request,
        pk,
        f.CloseForm,
        run,
        title="Dismantle or archive",
        button="Close the OCG",
        intro="The OCG leaves the matrix. Its records and history are kept.",
        warning=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm(PERM_ADD):
        raise PermissionDenied("Only coordinators and supervisors may reject.")

    def run(ocg: OCG, data: dict) -> str:
        lifecycle.ocg_reject(actor=request.user, ocg=ocg, reason=data["reason"])
        return f"{ocg.reference} rejected."

    return _form_transition(
        request,
        pk,
        f.ReasonForm,
        run,
        title="Reject the nomination",
        button="Reject",
        intro="Say why the group does not meet the definition of an OCG.",
        warning=True,
    )
