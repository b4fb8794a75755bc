"""Prevention-work pages: a list, a form to record, and a record's page (with its edit form for
the CLIOs who keep it). Views parse input and call services or selectors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views import View

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


class PreventionPage(LoginRequiredMixin, PermissionRequiredMixin, View):
    """A prevention page: signed in, with the page's permission, GET or POST only."""

    http_method_names = ["get", "post"]
    list_url_name: ClassVar[str]


class PreventionNewView(PreventionPage):
    """The form to record a piece of prevention work; its page once it is saved."""

    form_class: ClassVar[type[forms.Form]]
    create: ClassVar[Callable[..., Any]]
    title: ClassVar[str]
    detail_url_name: ClassVar[str]

    def get(self, request: HttpRequest) -> HttpResponse:
        form = self.form_class(posted(request), user=request.user)
        if request.method == "POST":
            made: list[Any] = []

            def run(data: dict[str, Any]) -> str:
                made.append(self.create(actor=request.user, **data))
                return f"{made[0]} recorded."

            done = form_post(
                request, form, run, then=lambda: reverse(self.detail_url_name, args=[made[0].pk])
            )
            if done:
                return done
        return render(
            request,
            "prevention/form.html",
            {"form": form, "title": self.title, "list_url": reverse(self.list_url_name)},
            status=400 if request.method == "POST" else 200,
        )

    post = get


class PreventionRecordView(PreventionPage):
    """A record's page, with its edit form for those who may change it; a POST saves that form."""

    get_record: ClassVar[Callable[..., Any]]
    change_permission: ClassVar[str]
    edit_form_class: ClassVar[type[forms.Form]]
    update: ClassVar[Callable[..., Any]]
    # The update service's name for the record ("session", "intervention").
    record_argument: ClassVar[str]
    template_name: ClassVar[str]

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = self.get_record(user=request.user, pk=pk)
        edit_form = None
        if request.user.has_perm(self.change_permission):
            data = posted(request)
            edit_form = self.edit_form_class(data) if data is not None else None
            edit_form = edit_form or self.edit_form_class.for_record(record)
        if request.method == "POST":
            if edit_form is None:
                raise PermissionDenied("Only CLIOs may change prevention work.")

            def run(data: dict[str, Any]) -> str:
                self.update(actor=request.user, **{self.record_argument: record}, **data)
                return "Changes saved."

            done = form_post(request, edit_form, run, then=request.path)
            if done:
                return done
        # Every render shows the record, a form sent back with its errors included.
        audit_view(actor=request.user, obj=record)
        return render(
            request,
            self.template_name,
            {"record": record, "edit_form": edit_form, "list_url": reverse(self.list_url_name)},
            status=400 if request.method == "POST" else 200,
        )

    post = get


class SchoolSessionNewView(PreventionNewView):
    permission_required = PERM_ADD_SESSION
    form_class = SchoolSessionNewForm
    create = staticmethod(school_session_create)
    title = "Record a school session"
    list_url_name = "prevention:sessions"
    detail_url_name = "prevention:session"


class SchoolSessionView(PreventionRecordView):
    permission_required = VIEW_SESSION
    get_record = staticmethod(selectors.school_session_get)
    change_permission = PERM_CHANGE_SESSION
    edit_form_class = SchoolSessionEditForm
    update = staticmethod(school_session_update)
    record_argument = "session"
    template_name = "prevention/session_detail.html"
    list_url_name = "prevention:sessions"


class InterventionNewView(PreventionNewView):
    permission_required = PERM_ADD_INTERVENTION
    form_class = InterventionNewForm
    create = staticmethod(intervention_create)
    title = "Record a street-group intervention"
    list_url_name = "prevention:interventions"
    detail_url_name = "prevention:intervention"


class InterventionView(PreventionRecordView):
    permission_required = VIEW_INTERVENTION
    get_record = staticmethod(selectors.intervention_get)
    change_permission = PERM_CHANGE_INTERVENTION
    edit_form_class = InterventionEditForm
    update = staticmethod(intervention_update)
    record_argument = "intervention"
    template_name = "prevention/intervention_detail.html"
    list_url_name = "prevention:interventions"
