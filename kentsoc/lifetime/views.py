"""Lifetime-management pages: a person's lifetime page with its forms, the coordinator lists,
training, and dismissing "needs attention" items. Views parse input and call services or
selectors; the rules live in kentsoc/lifetime/services/."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from kentsoc.audit.services import audit_view
from kentsoc.lifetime import selectors
from kentsoc.lifetime.choices import ConditionKind, ScpoStatus
from kentsoc.lifetime.filters import (
    InPrisonFilterSet,
    ReleaseFilterSet,
    ScpoBreachFilterSet,
    ScpoExpiringFilterSet,
    TrainingFilterSet,
    UntrainedLroFilterSet,
)
from kentsoc.lifetime.forms import (
    AttendanceForm,
    BreachForm,
    ConditionForm,
    CustodyDatesForm,
    CustodyEventForm,
    PartnerAttendanceForm,
    ScpoApplyForm,
    ScpoExpireForm,
    ScpoMakeForm,
    ScpoVaryForm,
    TrainingForm,
)
from kentsoc.lifetime.models import AttentionItem, CustodyPeriod, Scpo, TrainingInput
from kentsoc.lifetime.services import attention, conditions, custody, scpos, training
from kentsoc.web.forms import form_post, posted
from kentsoc.web.generic import FilteredListView
from ocg.models import Nominal

VIEW_PERM = "lifetime.view_lifetime"
MANAGE_PERM = "lifetime.manage_lifetime"
NOMINAL_TEMPLATE = "lifetime/nominal_lifetime.html"

# The actions on an SCPO, by status: which forms the page offers.
SCPO_ACTIONS: dict[str, tuple[type[forms.Form], str]] = {
    "make": (ScpoMakeForm, "Record the order as made"),
    "vary": (ScpoVaryForm, "Record a variation"),
    "breach": (BreachForm, "Record a breach"),
    "expire": (ScpoExpireForm, "Record the order as ended"),
}
ACTIONS_BY_STATUS = {
    ScpoStatus.APPLIED: ("make",),
    ScpoStatus.MADE: ("breach", "vary", "expire"),
    ScpoStatus.EXPIRED: ("breach",),
}


def _nominal_context(
    request: HttpRequest, nominal_id: Any, bound: dict[Any, forms.Form] | None = None
) -> dict[str, Any]:
    bound = bound or {}
    data = selectors.nominal_lifetime_get(user=request.user, nominal_id=nominal_id)
    can_manage = request.user.has_perm(MANAGE_PERM)
    open_period = data["open_period"]
    context = {**data, "can_manage": can_manage}
    if not can_manage:
        return context
    context["custody_form"] = bound.get("custody") or CustodyEventForm(prefix="custody")
    if open_period is not None:
        context["dates_form"] = bound.get("dates") or CustodyDatesForm(
            prefix="dates",
            initial={
                "version": open_period.version,
                "sentence_date": open_period.sentence_date,
                "expected_release_date": open_period.expected_release_date,
                "licence_end_date": open_period.licence_end_date,
                "establishment": open_period.establishment,
            },
        )
    context["condition_form"] = bound.get("condition") or ConditionForm(
        prefix="condition",
        initial={"kind": ConditionKind.LICENCE if open_period is None else ""},
    )
    context["scpo_apply_form"] = bound.get("scpo_apply") or ScpoApplyForm(prefix="scpo")
    for scpo in data["scpos"]:
        scpo.action_forms = []
        for action in ACTIONS_BY_STATUS[ScpoStatus(scpo.status)]:
            form_class, title = SCPO_ACTIONS[action]
            form = bound.get(("scpo", scpo.pk, action)) or form_class(
                prefix=f"scpo{scpo.pk}-{action}", initial={"version": scpo.version}
            )
            scpo.action_forms.append(
                {
                    "action": action,
                    "title": title,
                    "form": form,
                    "url": reverse("lifetime:scpo-action", args=[scpo.pk, action]),
                    "open": form.is_bound,
                }
            )
    return context


@require_GET
@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def nominal_lifetime(request: HttpRequest, pk: int) -> HttpResponse:
    context = _nominal_context(request, pk)
    audit_view(actor=request.user, obj=context["nominal"])
    return render(request, NOMINAL_TEMPLATE, context)


def _handle(
    request: HttpRequest,
    *,
    nominal: Nominal,
    form: forms.Form,
    key: Any,
    perform: Callable[[dict[str, Any]], Any],
    done: str,
    anchor: str,
) -> HttpResponse:
    """Run a service with the form's data: on success back to the page with a message, on a
    refusal the page again with the messages at the fields (nothing was saved)."""

    def run(cleaned_data: dict[str, Any]) -> str:
        perform(cleaned_data)
        return done

    then = reverse("lifetime:nominal", args=[nominal.pk]) + f"#{anchor}"
    if response := form_post(request, form, run, then=then):
        return response
    context = _nominal_context(request, nominal.pk, bound={key: form})
    context["error_anchor"] = anchor
    return render(request, NOMINAL_TEMPLATE, context, status=400)


def _visible_nominal(request: HttpRequest, pk: int) -> Nominal:
    return Nominal.objects.get_visible_or_404(request.user, pk=pk)


@require_POST
@login_required
@permission_required(MANAGE_PERM, raise_exception=True)
def custody_event(request: HttpRequest, pk: int) -> HttpResponse:
    nominal = _visible_nominal(request, pk)
    return _handle(
        request,
        nominal=nominal,
        form=CustodyEventForm(request.POST, prefix="custody"),
        key="custody",
        perform=lambda cd: custody.custody_event_record(actor=request.user, nominal=nominal, **cd),
        done="Custody change recorded.",
        anchor="custody",
    )


@require_POST
@login_required
@permission_required(MANAGE_PERM, raise_exception=True)
def custody_dates(request: HttpRequest, pk: int) -> HttpResponse:
    period = CustodyPeriod.objects.select_related("nominal").get_visible_or_404(request.user, pk=pk)
    return _handle(
        request,
        nominal=period.nominal,
        form=CustodyDatesForm(request.POST, prefix="dates"),
        key="dates",
        perform=lambda cd: custody.custody_dates_update(actor=request.user, period=period, **cd),
        done="Sentence and release dates saved.",
        anchor="custody",
    )


@require_POST
@login_required
@permission_required(MANAGE_PERM, raise_exception=True)
def condition_add(request: HttpRequest, pk: int) -> HttpResponse:
    nominal = _visible_nominal(request, pk)
    return _handle(
        request,
        nominal=nominal,
        form=ConditionForm(request.POST, prefix="condition"),
        key="condition",
        perform=lambda cd: conditions.condition_add(actor=request.user, nominal=nominal, **cd),
        done="Conditions recorded.",
        anchor="conditions",
    )


@require_POST
@login_required
@permission_required(MANAGE_PERM, raise_exception=True)
def scpo_apply(request: HttpRequest, pk: int) -> HttpResponse:
    nominal = _visible_nominal(request, pk)
    return _handle(
        request,
        nominal=nominal,
        form=ScpoApplyForm(request.POST, prefix="scpo"),
        key="scpo_apply",
        perform=lambda cd: scpos.scpo_apply(actor=request.user, nominal=nominal, **cd),
        done="SCPO application recorded.",
        anchor="scpos",
    )


_SCPO_SERVICES: dict[str, Callable[..., Any]] = {
    "make": scpos.scpo_make,
    "vary": scpos.scpo_vary,
    "expire": scpos.scpo_expire,
    "breach": scpos.scpo_breach_record,
}
_SCPO_DONE = {
    "make": "SCPO recorded as made, and logged as a draft disruption (tactic SCPO).",
    "vary": "Variation recorded.",
    "expire": "SCPO recorded as ended.",
    "breach": "Breach recorded.",
}


@require_POST
@login_required
@permission_required(MANAGE_PERM, raise_exception=True)
def scpo_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in SCPO_ACTIONS:
        return render(request, "errors/404.html", status=404)
    scpo = Scpo.objects.select_related("nominal").get_visible_or_404(request.user, pk=pk)
    form_class, _ = SCPO_ACTIONS[action]
    return _handle(
        request,
        nominal=scpo.nominal,
        form=form_class(request.POST, prefix=f"scpo{scpo.pk}-{action}"),
        key=("scpo", scpo.pk, action),
        perform=lambda cd: _SCPO_SERVICES[action](actor=request.user, scpo=scpo, **cd),
        done=_SCPO_DONE[action],
        anchor=f"scpo-{scpo.pk}",
    )


# --- Coordinator lists -----------------------------------------------------------------------


def _ocg_names(row: Any) -> str:
    return "; ".join(str(m.ocg) for m in row.nominal.current_memberships)


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


class LifetimeListView(FilteredListView):
    permission_required = VIEW_PERM
    template_name = "lifetime/list.html"
    # htmx refreshes the CSV link along with the rows, so the partial wraps each list's table.
    partial_template_name = "lifetime/partials/list_body.html"
    table_template_name: str
    intro: str = ""
    audit_people = "nominal"

    def get_extra_context(self) -> dict[str, Any]:
        return {
            "table_template": self.table_template_name,
            "intro": self.intro,
            "list_links": LIST_LINKS,
            "current_url": self.request.path,
        }


class ReleaseListView(LifetimeListView):
    selector = staticmethod(selectors.releases_list)
    filterset_class = ReleaseFilterSet
    table_template_name = "lifetime/partials/releases_table.html"
    title = "Releases due"
    intro = (
        "People in custody whose expected release date falls within the window (today and the "
        "last day included), with their OCGs and whether licence conditions and an SCPO are "
        "in place."
    )
    csv_filename = "releases-due"
    csv_columns = [
        ("Expected release", "expected_release_date"),
        ("Reference", "nominal.reference"),
        ("Name", "nominal.full_name"),
        ("Status", "get_status_display"),
        ("Establishment", "establishment"),
        ("OCGs", _ocg_names),
        ("Licence conditions", lambda r: _yes_no(r.has_licence_conditions)),
        ("SCPO in force", lambda r: _yes_no(r.has_scpo)),
    ]


class ScpoExpiringListView(LifetimeListView):
    selector = staticmethod(selectors.scpos_expiring_list)
    filterset_class = ScpoExpiringFilterSet
    table_template_name = "lifetime/partials/scpos_expiring_table.html"
    title = "SCPOs expiring"
    intro = "SCPOs in force that expire within the window (today and the last day included)."
    csv_filename = "scpos-expiring"
    csv_columns = [
        ("Expires", "expires_on"),
        ("SCPO", "reference"),
        ("Reference", "nominal.reference"),
        ("Name", "nominal.full_name"),
        ("OCGs", _ocg_names),
        ("Court", "court"),
        ("Made", "made_on"),
        ("Breaches", "breach_count"),
    ]


class ScpoBreachListView(LifetimeListView):
    selector = staticmethod(selectors.scpo_breaches_list)
    filterset_class = ScpoBreachFilterSet
    table_template_name = "lifetime/partials/scpo_breaches_table.html"
    audit_people = "scpo__nominal"
    title = "SCPO breaches"
    intro = "Breaches of SCPOs in the period (both dates included)."
    csv_filename = "scpo-breaches"
    csv_columns = [
        ("Date of breach", "breached_on"),
        ("SCPO", "scpo.reference"),
        ("Reference", "scpo.nominal.reference"),
        ("Name", "scpo.nominal.full_name"),
        ("Action taken", "action_taken"),
    ]


class InPrisonListView(LifetimeListView):
    selector = staticmethod(selectors.in_prison_list)
    filterset_class = InPrisonFilterSet
    table_template_name = "lifetime/partials/in_prison_table.html"
    title = "Members in prison by OCG"
    intro = "Current members of OCGs who are remanded or serving a sentence."
    csv_filename = "members-in-prison"
    csv_columns = [
        ("OCG", "ocg"),
        ("Division", "ocg.division.name"),
        ("Reference", "nominal.reference"),
        ("Name", "nominal.full_name"),
        ("Role", "get_role_display"),
        ("Custody", "custody_status"),
        ("Establishment", "establishment"),
        ("Expected release", "expected_release_date"),
    ]


class UntrainedLroListView(LifetimeListView):
    selector = staticmethod(selectors.untrained_lros_list)
    filterset_class = UntrainedLroFilterSet
    table_template_name = "lifetime/partials/untrained_lros_table.html"
    # Officers, not police data (and rows are grouped values without an id).
    audit_reads = False
    title = "Untrained LROs"
    intro = "LROs of adopted OCGs who have not attended LRO training, per division."
    csv_filename = "untrained-lros"
    csv_columns = [
        ("Division", lambda r: r["division__name"]),
        ("Collar number", lambda r: r["lead_responsible_officer__officer__collar_number"]),
        ("First name", lambda r: r["lead_responsible_officer__first_name"]),
        ("Last name", lambda r: r["lead_responsible_officer__last_name"]),
        ("Adopted OCGs", lambda r: r["adopted_ocgs"]),
    ]


class TrainingListView(LifetimeListView):
    permission_required = "lifetime.view_traininginput"
    selector = staticmethod(selectors.training_list)
    filterset_class = TrainingFilterSet
    table_template_name = "lifetime/partials/training_table.html"
    audit_reads = False  # training sessions, not police data
    title = "Training inputs"
    intro = "LRO and partner training: where, when, who trained and who attended."
    csv_filename = "training"
    csv_columns = [
        ("Date", "held_on"),
        ("Audience", "get_audience_display"),
        ("Location", "location"),
        ("Trainer", "trainer"),
        ("Officers attended", "officers_attended"),
        ("Partner headcount", "partner_headcount"),
    ]


LIST_LINKS = [
    ("lifetime:releases", "Releases due"),
    ("lifetime:scpos-expiring", "SCPOs expiring"),
    ("lifetime:scpo-breaches", "SCPO breaches"),
    ("lifetime:in-prison", "In prison by OCG"),
    ("lifetime:untrained-lros", "Untrained LROs"),
    ("lifetime:training", "Training"),
]


# --- Training --------------------------------------------------------------------------------


@login_required
@permission_required("lifetime.add_traininginput", raise_exception=True)
def training_create(request: HttpRequest) -> HttpResponse:
    form = TrainingForm(posted(request))
    if form.is_bound:
        created: list[TrainingInput] = []

        def run(cleaned_data: dict[str, Any]) -> str:
            created.append(training.training_create(actor=request.user, **cleaned_data))
            return "Training input recorded. Now record who attended."

        if response := form_post(
            request,
            form,
            run,
            then=lambda: reverse("lifetime:training-detail", args=[created[0].pk]),
        ):
            return response
    status = 400 if form.is_bound else 200
    return render(request, "lifetime/training_form.html", {"form": form}, status=status)


def _training_context(request: HttpRequest, session: TrainingInput, **bound: Any) -> dict:
    can_record = request.user.has_perm("lifetime.add_traininginput")
    return {
        "training": session,
        "can_record": can_record,
        "attendance_form": bound.get("attendance") or AttendanceForm(prefix="attendance"),
        "partner_form": bound.get("partner") or PartnerAttendanceForm(prefix="partner"),
    }


@require_GET
@login_required
@permission_required("lifetime.view_traininginput", raise_exception=True)
def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.training_get(user=request.user, training_id=pk)
    return render(request, "lifetime/training_detail.html", _training_context(request, session))


@require_POST
@login_required
@permission_required("lifetime.add_traininginput", raise_exception=True)
def training_attendance(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in ("officer", "partner"):
        return render(request, "errors/404.html", status=404)
    session = selectors.training_get(user=request.user, training_id=pk)
    form: forms.Form
    if kind == "officer":
        form, key = AttendanceForm(request.POST, prefix="attendance"), "attendance"
        record: Callable[..., Any] = training.training_attendance_record
    else:
        form, key = PartnerAttendanceForm(request.POST, prefix="partner"), "partner"
        record = training.training_partners_record

    def run(cleaned_data: dict[str, Any]) -> str:
        record(actor=request.user, training=session, **cleaned_data)
        return "Attendance recorded."

    then = reverse("lifetime:training-detail", args=[session.pk])
    if response := form_post(request, form, run, then=then):
        return response
    session = selectors.training_get(user=request.user, training_id=pk)
    return render(
        request,
        "lifetime/training_detail.html",
        _training_context(request, session, **{key: form}),
        status=400,
    )


# --- Needs attention -------------------------------------------------------------------------


@require_POST
@login_required
def attention_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(AttentionItem.objects.visible_to(request.user), pk=pk)
    attention.attention_item_dismiss(actor=request.user, item=item)
    if getattr(request, "htmx", None):
        return HttpResponse("")
    messages.success(request, "Item dismissed.")
    return redirect("home")


@require_GET
@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def index(request: HttpRequest) -> HttpResponse:
    return redirect("lifetime:releases")
