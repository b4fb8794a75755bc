from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from disruptions import selectors
from disruptions.filters import CourtResultFilterSet, DisruptionFilterSet, OperationFilterSet
from disruptions.forms import (
    CourtResultForm,
    DecisionForm,
    DisruptionForm,
    DrugFormSet,
    OperationForm,
    ReturnForm,
    WeaponFormSet,
    formset_rows,
)
from disruptions.models import COUNT_FIELDS, Disruption, Operation
from disruptions.services import approvals, court_results, operations
from disruptions.services import disruptions as disruption_services
from disruptions.tables import (
    court_result_rows_html,
    disruption_rows_html,
    operation_disruption_rows_html,
)
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_read, audit_view
from kentsoc.web.coerce import as_id
from kentsoc.web.forms import apply_service_errors, check_the_rest, form_post, posted, safe_next
from kentsoc.web.generic import FilteredListView

VIEW = "disruptions.view_disruption"


def _subjects(disruption: Disruption) -> str:
    names = [str(o) for o in disruption.ocg_rows]
    names += [str(c) for c in disruption.line_rows]
    names += [str(n) for n in disruption.nominal_rows]
    return "; ".join(names)


class DisruptionListView(FilteredListView):
    selector = staticmethod(selectors.disruption_rows)
    filterset_class = DisruptionFilterSet
    template_name = "disruptions/disruption_list.html"
    partial_template_name = "disruptions/partials/disruption_table.html"
    permission_required = VIEW
    title = "Disruptions"
    csv_filename = "disruptions"
    csv_columns = [
        ("Reference", "reference"),
        ("Date", "date"),
        ("Status", "get_status_display"),
        ("Team", "team.name"),
        ("Officer", lambda d: d.officer.get_full_name() or d.officer.get_username()),
        ("Subjects", _subjects),
        ("4P strand", "get_strand_display"),
        ("Tactic", "get_tactic_display"),
        ("Impact", "get_impact_grade_display"),
        ("Impact rationale", "impact_rationale"),
        *[(Disruption._meta.get_field(f).verbose_name.capitalize(), f) for f in COUNT_FIELDS],
        ("Warrant power", "get_warrant_power_display"),
        ("Cash seized (£)", "cash_seized"),
        ("Operation", "operation.name"),
        ("Narrative", "narrative"),
    ]

    def get_queryset(self) -> QuerySet:
        # Only the CSV reads each row's officer, operation and subjects as model rows; a page
        # names the subjects from values (get_page_context).
        if self.request.GET.get("format") == "csv":
            return selectors.disruption_rows(user=self.request.user)
        return selectors.disruption_page_rows(user=self.request.user)

    def get_page_context(self, rows: list[Any]) -> dict[str, Any]:
        subjects = selectors.disruption_row_subjects(
            [row.pk for row in rows], user=self.request.user
        )
        return {"disruption_rows": disruption_rows_html(rows, subjects)}


class CourtResultListView(FilteredListView):
    selector = staticmethod(selectors.court_result_list)
    filterset_class = CourtResultFilterSet
    template_name = "disruptions/court_result_list.html"
    partial_template_name = "disruptions/partials/court_result_table.html"
    permission_required = "disruptions.view_courtresult"
    title = "Court results"
    audit_people = "nominal"
    csv_filename = "court-results"
    csv_columns = [
        ("Date", "result_date"),
        ("Nominal", "nominal"),
        ("Disruption", "disruption.reference"),
        ("Team", "disruption.team.name"),
        ("Court", "court"),
        ("Offences", "offences"),
        ("Outcome", "get_outcome_display"),
        ("Sentence", "sentence_display"),
    ]

    def page_queryset(self, queryset: QuerySet) -> QuerySet:
        return selectors.court_result_rows(queryset)

    def get_page_context(self, rows: list[Any]) -> dict[str, Any]:
        return {"court_result_rows": court_result_rows_html(rows)}


class OperationListView(FilteredListView):
    selector = staticmethod(selectors.operation_list)
    filterset_class = OperationFilterSet
    template_name = "disruptions/operation_list.html"
    partial_template_name = "disruptions/partials/operation_table.html"
    permission_required = "disruptions.view_operation"
    title = "Operations"


def _initial_subjects(request: HttpRequest) -> dict[str, list[int]]:
    """The subjects a record page's "Log a disruption" link names (`?ocg=12`)."""
    initial = {}
    for param, field in (
        ("ocg", "ocgs"),
        ("county_line", "county_lines"),
        ("nominal", "nominals"),
        ("gang", "gangs"),
    ):
        values = [pk for pk in map(as_id, request.GET.getlist(param)) if pk is not None]
        if values:
            initial[field] = values
    return initial


def _stored(disruption: Disruption) -> tuple[dict[str, Any], list[dict], list[dict]]:
    """The log form's initial values, weapons rows and drugs rows for a stored disruption."""
    initial = {
        "date": disruption.date,
        "team": disruption.team_id,
        "officer": disruption.officer_id,
        "operation": disruption.operation_id,
        "strand": disruption.strand,
        "tactic": disruption.tactic,
        "narrative": disruption.narrative,
        "impact_grade": disruption.impact_grade,
        "impact_rationale": disruption.impact_rationale,
        "warrant_power": disruption.warrant_power,
        "cash_seized": disruption.cash_seized,
        "version": disruption.version,
        "ocgs": [o.pk for o in disruption.ocgs.all()],
        "county_lines": [c.pk for c in disruption.county_lines.all()],
        "nominals": [n.pk for n in disruption.nominals.all()],
        "gangs": [g.pk for g in disruption.gangs.all()],
        **{f: getattr(disruption, f) for f in COUNT_FIELDS},
    }
    weapons = [{"kind": w.kind, "count": w.count} for w in disruption.weapons.all()]
    drugs = [
        {
            "drug_class": d.drug_class,
            "drug": d.drug,
            "amount": d.amount,
            "unit": d.unit,
            "estimated_value": d.estimated_value,
        }
        for d in disruption.drugs.all()
    ]
    return initial, weapons, drugs


def _log_form(request: HttpRequest, disruption: Disruption | None, title: str) -> HttpResponse:
    """The log form, for a new disruption or a stored one: "Save as draft" and "Save and submit
    for approval" are one service call each."""
    if request.method == "POST":
        form = DisruptionForm(request.POST, user=request.user)
        weapons = WeaponFormSet(request.POST, prefix="weapons")
        drugs = DrugFormSet(request.POST, prefix="drugs")
        if form.is_valid() and weapons.is_valid() and drugs.is_valid():
            submit = "submit" in request.POST
            parts = {
                "values": form.service_values(),
                "ocgs": list(form.cleaned_data["ocgs"]),
                "county_lines": list(form.cleaned_data["county_lines"]),
                "nominals": list(form.cleaned_data["nominals"]),
                "gangs": list(form.cleaned_data["gangs"]),
                "weapons": formset_rows(weapons),
                "drugs": formset_rows(drugs),
                "submit": submit,
            }
            try:
                if disruption is None:
                    saved = disruption_services.disruption_create(actor=request.user, **parts)
                    done = "saved and sent for approval." if submit else "saved as a draft."
                else:
                    saved = disruption_services.disruption_update(
                        actor=request.user,
                        disruption=disruption,
                        version=form.cleaned_data.get("version") or 0,
                        **parts,
                    )
                    done = "sent for approval." if submit else "saved."
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"{saved.reference} {done}")
                return redirect("disruptions:detail", pk=saved.pk)
        else:
            # The service checks what the forms could read, so every message shows now.
            check_the_rest(
                form,
                lambda: disruption_services.disruption_check(
                    actor=request.user,
                    values=form.service_values(),
                    ocgs=list(form.cleaned_data.get("ocgs") or ()),
                    county_lines=list(form.cleaned_data.get("county_lines") or ()),
                    nominals=list(form.cleaned_data.get("nominals") or ()),
                    gangs=list(form.cleaned_data.get("gangs") or ()),
                    weapons=formset_rows(weapons) if weapons.is_valid() else (),
                    drugs=formset_rows(drugs) if drugs.is_valid() else (),
                ),
                unless={"subjects": ("ocgs", "county_lines", "nominals", "gangs")},
            )
    else:
        initial, weapon_rows, drug_rows = (
            _stored(disruption) if disruption else (_initial_subjects(request), [], [])
        )
        form = DisruptionForm(initial=initial, user=request.user)
        weapons = WeaponFormSet(prefix="weapons", initial=weapon_rows)
        drugs = DrugFormSet(prefix="drugs", initial=drug_rows)
    return render(
        request,
        "disruptions/disruption_form.html",
        {
            "form": form,
            "weapons": weapons,
            "drugs": drugs,
            "title": title,
            "disruption": disruption,
        },
    )


@login_required
@permission_required("disruptions.add_disruption", raise_exception=True)
def disruption_create(request: HttpRequest) -> HttpResponse:
    return _log_form(request, None, "Log a disruption")


@login_required
@permission_required("disruptions.change_disruption", raise_exception=True)
def disruption_edit(request: HttpRequest, pk: int) -> HttpResponse:
    disruption = selectors.disruption_get(user=request.user, pk=pk)
    if not disruption_services.may_change(request.user, disruption):
        raise PermissionDenied("Only the author may change a draft or returned disruption.")
    return _log_form(request, disruption, f"Change {disruption.reference}")


def _actions(user: AbstractBaseUser, disruption: Disruption) -> dict[str, bool]:
    """What the user may do with this disruption, by the services' own rules."""
    may_change = disruption_services.may_change(user, disruption)
    return {
        "can_edit": may_change,
        "can_submit": may_change,
        "can_decide": approvals.may_decide(user, disruption),
        "can_add_court_result": user.has_perm("disruptions.add_courtresult"),
    }


@login_required
@permission_required(VIEW, raise_exception=True)
def disruption_detail(request: HttpRequest, pk: int) -> HttpResponse:
    disruption = selectors.disruption_page_get(user=request.user, pk=pk)
    audit_view(actor=request.user, obj=disruption)
    return render(
        request,
        "disruptions/disruption_detail.html",
        {
            "d": disruption,
            "counts": [
                (Disruption._meta.get_field(f).verbose_name.capitalize(), getattr(disruption, f))
                for f in COUNT_FIELDS
            ],
            "return_form": ReturnForm(),
            **_actions(request.user, disruption),
        },
    )


@login_required
@require_POST
def disruption_submit(request: HttpRequest, pk: int) -> HttpResponse:
    disruption = selectors.disruption_get(user=request.user, pk=pk)
    try:
        data = _posted(DecisionForm(request.POST))
        disruption_services.disruption_submit(
            actor=request.user, disruption=disruption, version=data["version"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{disruption.reference} sent for approval.")
    return redirect("disruptions:detail", pk=pk)


def _posted(form: DecisionForm) -> dict[str, Any]:
    """The decision's fields, parsed; a bad one raises the ValidationError a service would."""
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return form.cleaned_data


def _decision_response(
    request: HttpRequest, disruption: Disruption, *, message: str, error: bool
) -> HttpResponse:
    htmx = getattr(request, "htmx", None)
    if htmx:
        return render(
            request,
            "disruptions/partials/decision_result.html",
            {"d": disruption, "message": message, "error": error},
        )
    (messages.error if error else messages.success)(request, message)
    return redirect(safe_next(request) or reverse("disruptions:detail", args=[disruption.pk]))


@login_required
@permission_required("disruptions.approve_disruption", raise_exception=True)
@require_POST
def disruption_approve(request: HttpRequest, pk: int) -> HttpResponse:
    disruption = selectors.disruption_get(user=request.user, pk=pk)
    try:
        data = _posted(DecisionForm(request.POST))
        disruption = approvals.disruption_approve(
            actor=request.user, disruption=disruption, version=data["version"]
        )
    except ValidationError as exc:
        return _decision_response(request, disruption, message=" ".join(exc.messages), error=True)
    return _decision_response(
        request, disruption, message=f"{disruption.reference} approved.", error=False
    )


@login_required
@permission_required("disruptions.approve_disruption", raise_exception=True)
@require_POST
def disruption_return(request: HttpRequest, pk: int) -> HttpResponse:
    disruption = selectors.disruption_get(user=request.user, pk=pk)
    try:
        data = _posted(ReturnForm(request.POST))
        disruption = approvals.disruption_return(
            actor=request.user,
            disruption=disruption,
            reason=data["reason"],
            version=data["version"],
        )
    except ValidationError as exc:
        return _decision_response(request, disruption, message=" ".join(exc.messages), error=True)
    return _decision_response(
        request,
        disruption,
        message=f"{disruption.reference} returned to its author.",
        error=False,
    )


@login_required
@permission_required("disruptions.add_disruption", raise_exception=True)
def my_drafts(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.disruption_my_drafts(user=request.user)[:200])
    audit_read(actor=request.user, model=Disruption, ids=[d.pk for d in rows])
    return render(request, "disruptions/my_drafts.html", {"rows": rows})


@login_required
@permission_required("disruptions.approve_disruption", raise_exception=True)
def approval_queue(request: HttpRequest) -> HttpResponse:
    rows = selectors.disruption_approval_queue(user=request.user, limit=200)
    audit_read(actor=request.user, model=Disruption, ids=[d.pk for d in rows])
    return render(
        request, "disruptions/approval_queue.html", {"rows": rows, "return_form": ReturnForm()}
    )


@login_required
@permission_required("disruptions.add_disruption", raise_exception=True)
def subject_search(request: HttpRequest) -> HttpResponse:
    # The chips already on the form come along (their hidden inputs): no subject is offered twice.
    picked = {
        field: [pk for v in request.GET.getlist(field) if (pk := as_id(v)) is not None]
        for field in ("ocgs", "county_lines", "nominals", "gangs")
    }
    found = selectors.subject_search(user=request.user, q=request.GET.get("q", ""), exclude=picked)
    # The answer names people (and OCGs and lines): one event naming every id shown.
    audit_read(
        actor=request.user,
        model="ocg.nominal",
        ids=[n.pk for n in found["nominals"]],
        query=request.GET.lists(),
        action=AuditAction.SEARCH,
        also={
            "ocg.ocg": [o.pk for o in found["ocgs"]],
            "countylines.countyline": [c.pk for c in found["county_lines"]],
            "gangs.gang": [g.pk for g in found["gangs"]],
        },
    )
    return render(
        request,
        "disruptions/partials/subject_results.html",
        {"found": found, "q": request.GET.get("q", "")},
    )


@login_required
@permission_required("disruptions.add_courtresult", raise_exception=True)
def court_result_create(request: HttpRequest, pk: int) -> HttpResponse:
    disruption = selectors.disruption_get(user=request.user, pk=pk)
    form = CourtResultForm(posted(request), user=request.user, disruption=disruption)

    def record(data: dict[str, Any]) -> str:
        court_results.court_result_add(actor=request.user, disruption=disruption, **data)
        return "Court result recorded."

    if form.is_bound:
        done = form_post(
            request, form, record, then=reverse("disruptions:detail", args=[disruption.pk])
        )
        if done is not None:
            return done
    return render(request, "disruptions/court_result_form.html", {"form": form, "d": disruption})


@login_required
@permission_required("disruptions.view_operation", raise_exception=True)
def operation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    operation = selectors.operation_get(user=request.user, pk=pk)
    disruptions = selectors.operation_disruptions(user=request.user, operation=operation)
    return render(
        request,
        "disruptions/operation_detail.html",
        {
            "op": operation,
            "disruption_rows": operation_disruption_rows_html(disruptions[:500]),
            "can_edit": request.user.has_perm("disruptions.change_operation"),
        },
    )


def _operation_form(request: HttpRequest, operation: Operation | None = None) -> HttpResponse:
    if operation is None:
        initial: dict[str, Any] = {}
    else:
        initial = {
            "name": operation.name,
            "start_date": operation.start_date,
            "end_date": operation.end_date,
            "teams": [t.pk for t in operation.teams.all()],
            "description": operation.description,
            "version": operation.version,
        }
    form = OperationForm(posted(request), initial=initial)
    saved = operation

    def save(cleaned: dict[str, Any]) -> str:
        nonlocal saved
        data = dict(cleaned)
        version = data.pop("version", None)
        teams = list(data.pop("teams"))
        if operation is None:
            saved = operations.operation_create(actor=request.user, teams=teams, **data)
        else:
            saved = operations.operation_update(
                actor=request.user,
                operation=operation,
                version=version or 0,
                values=data,
                teams=teams,
            )
        return f"Operation {saved.name} saved."

    if form.is_bound:
        done = form_post(
            request,
            form,
            save,
            then=lambda: reverse("disruptions:operation-detail", args=[saved.pk]),
        )
        if done is not None:
            return done
    return render(
        request, "disruptions/operation_form.html", {"form": form, "operation": operation}
    )


@login_required
@permission_required("disruptions.add_operation", raise_exception=True)
def operation_create(request: HttpRequest) -> HttpResponse:
    return _operation_form(request)


@login_required
@permission_required("disruptions.change_operation", raise_exception=True)
def operation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _operation_form(request, selectors.operation_get(user=request.user, pk=pk))
