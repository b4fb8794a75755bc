"""Prevention-work pages: a list, a form to record, and a record's page (with its edit form for
the CLIOs who keep it). Views parse input and call services or selectors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from kentsoc.audit.services import audit_view
from kentsoc.prevention import selectors
from kentsoc.prevention.filters import InterventionFilterSet, SchoolSessionFilterSet
from kentsoc.prevention.forms import (
    InterventionEditForm,
    InterventionNewForm,
    SchoolSessionEditForm,
    SchoolSessionNewForm,
)
from kentsoc.prevention.services import (
    PERM_ADD_INTERVENTION,
    PERM_ADD_SESSION,
    PERM_CHANGE_INTERVENTION,
    PERM_CHANGE_SESSION,
    intervention_create,
    intervention_update,
    school_session_create,
    school_session_update,
)
from kentsoc.web.forms import form_post, posted
from kentsoc.web.generic import FilteredListView

VIEW_SESSION = "prevention.view_schoolsession"
VIEW_INTERVENTION = "prevention.view_streetgroupintervention"

# The section's tabs: (url name, label).
TABS = [
    ("prevention:sessions", "School sessions"),
    ("prevention:interventions", "Street-group interventions"),
    ("clio:activity", "CLIO activity summary"),
]


class PreventionListView(FilteredListView):
    template_name = "prevention/list.html"
    partial_template_name = "prevention/partials/list_body.html"
    table_template_name: str
    intro: str = ""
    add_url_name: str = ""
    add_perm: str = ""
    add_label: str = ""

    def get_extra_context(self) -> dict[str, Any]:
        may_add = self.add_perm and self.request.user.has_perm(self.add_perm)
        return {
            "table_template": self.table_template_name,
            "intro": self.intro,
            "tabs": TABS,
            "current_url": self.request.path,
            "add_url": reverse(self.add_url_name) if may_add else "",
            "add_label": self.add_label,
        }


class SchoolSessionListView(PreventionListView):
    permission_required = VIEW_SESSION
    selector = staticmethod(selectors.school_session_list)
    filterset_class = SchoolSessionFilterSet
    table_template_name = "prevention/partials/session_table.html"
    title = "School sessions"
    intro = "Sessions CLIOs gave in schools, colleges and other settings, newest first."
    add_url_name = "prevention:session-new"
    add_perm = PERM_ADD_SESSION
    add_label = "Record a school session"
    csv_filename = "school-sessions"
    csv_columns = [
        ("Date", "held_on"),
        ("School", "school"),
        ("Audience", "audience"),
        ("Topic", "topic"),
        ("Division", "division.name"),
        ("CLIO", lambda s: s.officer.get_full_name() or s.officer.username),
        ("Notes", "notes"),
    ]


class InterventionListView(PreventionListView):
    permission_required = VIEW_INTERVENTION
    selector = staticmethod(selectors.intervention_list)
    filterset_class = InterventionFilterSet
    table_template_name = "prevention/partials/intervention_table.html"
    title = "Street-group interventions"
    intro = "Work CLIOs led with street groups and gangs, newest first."
    add_url_name = "prevention:intervention-new"
    add_perm = PERM_ADD_INTERVENTION
    add_label = "Record an intervention"
    csv_filename = "street-group-interventions"
    csv_columns = [
        ("Date", "held_on"),
        ("Street group or gang", "gang.name"),
        ("Young people engaged", "young_people_engaged"),
        ("Referrals made", "referrals_made"),
        ("Division", "division.name"),
        ("CLIO", lambda i: i.officer.get_full_name() or i.officer.username),
        ("Outcome", "outcome"),
    ]


def _new_page(
    request: HttpRequest,
    *,
    form: forms.Form,
    create: Callable[..., Any],
    title: str,
    list_url_name: str,
    detail_url_name: str,
) -> HttpResponse:
    if request.method == "POST":
        made: list[Any] = []

        def run(data: dict[str, Any]) -> str:
            made.append(create(actor=request.user, **data))
            return f"{made[0]} recorded."

        done = form_post(
            request, form, run, then=lambda: reverse(detail_url_name, args=[made[0].pk])
        )
        if done:
            return done
    return render(
        request,
        "prevention/form.html",
        {"form": form, "title": title, "list_url": reverse(list_url_name)},
        status=400 if request.method == "POST" else 200,
    )


def _record_page(
    request: HttpRequest,
    *,
    record: Any,
    edit_form: forms.Form | None,
    save: Callable[[dict[str, Any]], Any],
    template: str,
    list_url_name: str,
) -> HttpResponse:
    """A record's page; a POST saves its edit form (`edit_form` is None for readers only)."""
    if request.method == "POST":
        if edit_form is None:
            raise PermissionDenied("Only CLIOs may change prevention work.")

        def run(data: dict[str, Any]) -> str:
            save(data)
            return "Changes saved."

        done = form_post(request, edit_form, run, then=request.path)
        if done:
            return done
    # Every render shows the record, a form sent back with its errors included.
    audit_view(actor=request.user, obj=record)
    return render(
        request,
        template,
        {"record": record, "edit_form": edit_form, "list_url": reverse(list_url_name)},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@permission_required(PERM_ADD_SESSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def session_new(request: HttpRequest) -> HttpResponse:
    return _new_page(
        request,
        form=SchoolSessionNewForm(posted(request), user=request.user),
        create=school_session_create,
        title="Record a school session",
        list_url_name="prevention:sessions",
        detail_url_name="prevention:session",
    )


@login_required
@permission_required(VIEW_SESSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.school_session_get(user=request.user, pk=pk)
    form = None
    if request.user.has_perm(PERM_CHANGE_SESSION):
        data = posted(request)
        form = SchoolSessionEditForm(data) if data is not None else None
        form = form or SchoolSessionEditForm.for_session(session)
    return _record_page(
        request,
        record=session,
        edit_form=form,
        save=lambda data: school_session_update(actor=request.user, session=session, **data),
        template="prevention/session_detail.html",
        list_url_name="prevention:sessions",
    )


@login_required
@permission_required(PERM_ADD_INTERVENTION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def intervention_new(request: HttpRequest) -> HttpResponse:
    return _new_page(
        request,
        form=InterventionNewForm(posted(request), user=request.user),
        create=intervention_create,
        title="Record a street-group intervention",
        list_url_name="prevention:interventions",
        detail_url_name="prevention:intervention",
    )


@login_required
@permission_required(VIEW_INTERVENTION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def intervention_detail(request: HttpRequest, pk: int) -> HttpResponse:
    intervention = selectors.intervention_get(user=request.user, pk=pk)
    form = None
    if request.user.has_perm(PERM_CHANGE_INTERVENTION):
        data = posted(request)
        form = InterventionEditForm(data) if data is not None else None
        form = form or InterventionEditForm.for_intervention(intervention)
    return _record_page(
        request,
        record=intervention,
        edit_form=form,
        save=lambda data: intervention_update(
            actor=request.user, intervention=intervention, **data
        ),
        template="prevention/intervention_detail.html",
        list_url_name="prevention:interventions",
    )
