"""The OCG pages: list, nomination, the record with its tabs, edit, members and 4P plan.

Thin: read with selectors, write with services, show their messages."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kentsoc.audit.services import audit_read, audit_view
from kentsoc.web.coerce import as_id
from kentsoc.web.extensions import sections_for
from kentsoc.web.forms import form_post, posted
from kentsoc.web.generic import FilteredListView
from kentsoc.web.lent import lent_csv_columns
from ocg import forms as f
from ocg import scores, selectors
from ocg.choices import (
    CLOSED_OCG_STATUSES,
    MembershipRole,
    OcgStatus,
    PlanStrand,
)
from ocg.filters import OcgFilterSet
from ocg.models import OCG, Membership, Nominal, PlanAction
from ocg.services import lifecycle, memberships, nomination, plan
from ocg.services.common import (
    PERM_ADD,
    PERM_APPROVE,
    PERM_CHANGE,
)
from ocg.services.nomination import MemberChoice
from ocg.tables import ocg_rows_html, score_factor_rows_html

VIEW_OCG = "ocg.view_ocg"
TABS = [
    ("summary", "Summary & score"),
    ("evidence", "Definition evidence"),
    ("members", "Members & network"),
    ("intelligence", "Intelligence"),
    ("plan", "4P plan"),
    ("history", "History"),
]


def _criminality_labels(ocg: OCG) -> str:
    return "; ".join(c.label for c in ocg.criminality_rows)


class OcgListView(FilteredListView):
    selector = staticmethod(selectors.ocg_rows)
    filterset_class = OcgFilterSet
    permission_required = VIEW_OCG
    template_name = "ocg/ocg_list.html"
    partial_template_name = "ocg/partials/ocg_table.html"
    title = "OCGs"
    csv_filename = "ocgs"
    csv_columns = lent_csv_columns(
        [
            ("Reference", "reference"),
            ("Name", "name"),
            ("Status", "get_status_display"),
            ("Division", "division.name"),
            ("Criminality", _criminality_labels),
            ("Managing team", "managing_team.name"),
            (
                "LRO",
                lambda o: (
                    o.lead_responsible_officer.get_full_name() if o.lead_responsible_officer else ""
                ),
            ),
            ("Score", "score_total"),
            ("Tier", "score_tier"),
            ("Nominated on", "nominated_on"),
            ("Mapped on", "mapped_on"),
            ("Adopted on", "adopted_on"),
            ("Members", "current_members"),
        ]
    )

    def get_extra_context(self) -> dict[str, Any]:
        return {"can_nominate": self.request.user.has_perm(PERM_ADD)}

    def page_queryset(self, queryset: QuerySet) -> QuerySet:
        # The page reads the criminality as labels (ocg_row_criminality) and the division, team
        # and LRO as names (ocg_row_names); the CSV, as rows.
        return selectors.ocg_row_names(queryset.prefetch_related(None).select_related(None))

    def get_page_context(self, rows: list[Any]) -> dict[str, Any]:
        criminality = selectors.ocg_row_criminality([row.pk for row in rows])
        return {"ocg_rows": ocg_rows_html(rows, criminality)}


# --- nomination ---------------------------------------------------------------------------------


def _posted_members(request: HttpRequest) -> list[MemberChoice]:
    """The picker rows (parallel `member_nominal` / `member_role`) as the service takes them."""
    ids = request.POST.getlist("member_nominal")
    roles = request.POST.getlist("member_role")
    return [{"nominal": as_id(i), "role": r} for i, r in zip(ids, roles, strict=False)]


def _picked_rows(request: HttpRequest, members: list[MemberChoice]) -> list[dict[str, Any]]:
    """Re-read the picked people so a redisplayed form keeps them."""
    ids = [m["nominal"] for m in members if m["nominal"] is not None]
    found = Nominal.objects.visible_to(request.user).in_bulk(ids)
    return [
        {"nominal": found[m["nominal"]], "role": m["role"]}
        for m in members
        if m["nominal"] in found
    ]


@login_required
@permission_required(PERM_ADD, raise_exception=True)
@require_http_methods(["GET", "POST"])
def nominate(request: HttpRequest) -> HttpResponse:
    form = f.NominateForm(posted(request))
    members = _posted_members(request) if request.method == "POST" else []
    if request.method == "POST":
        nominated: list[OCG] = []

        def perform(data: dict[str, Any]) -> str:
            # What was posted, not what the form kept: the service checks all of it and says
            # what is wrong at each field.
            ocg = nomination.ocg_nominate(
                actor=request.user,
                name=request.POST.get("name", ""),
                criminality=request.POST.getlist("criminality"),
                division=as_id(request.POST.get("division")),
                summary=request.POST.get("summary", ""),
                members=members,
            )
            nominated.append(ocg)
            return f"{ocg.reference} {ocg.name} nominated."

        done = form_post(
            request,
            form,
            perform,
            then=lambda: reverse("ocg:detail", args=[nominated[0].pk]),
            service_decides=True,
        )
        if done:
            return done
    return render(
        request,
        "ocg/nominate.html",
        {
            "form": form,
            "picked": _picked_rows(request, members),
            "roles": MembershipRole.choices,
            "new_person_form": f.NominalForm(prefix="new"),
        },
        status=400 if request.method == "POST" else 200,
    )


# --- detail -------------------------------------------------------------------------------------


def _flags(user: AbstractBaseUser, ocg: OCG) -> dict[str, bool]:
    """What the user may do now: worked out here, never in the template."""
    can_change = user.has_perm(PERM_CHANGE) and ocg.status not in CLOSED_OCG_STATUSES
    can_approve = user.has_perm(PERM_APPROVE)
    can = partial(lifecycle.can_move, ocg)
    return {
        "can_edit": can_change,
        "can_start_development": can_change and can("start_development"),
        "can_submit": can_change and can("submit"),
        "can_approve": can_approve and can("approve"),
        "can_adopt": can_approve and can("adopt"),
        "can_close": can_approve and can("close"),
        "can_reject": user.has_perm(PERM_ADD) and can("reject"),
        "can_plan": ocg.status == OcgStatus.ADOPTED and plan.can_manage_plan(user, ocg),
        "can_add_member": can_change,
        "awaiting_approval": ocg.mapping_submitted_at is not None,
    }


def _score_context(request: HttpRequest, ocg: OCG) -> dict[str, Any]:
    """The score panel's context: the score explained, its factors' rows written out."""
    score = scores.score_view(user=request.user, ocg=ocg, explain=True)
    return {"score": score, "score_factor_rows": score_factor_rows_html(score.factors)}


def detail_context(request: HttpRequest, ocg: OCG, tab: str, **extra: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "ocg": ocg,
        "tab": tab,
        "tabs": TABS,
        "flags": _flags(request.user, ocg),
        "missing": selectors.missing_criteria_labels(ocg),
        "current_members": [m for m in ocg.memberships.all() if m.to_date is None],
        "sections": sections_for("ocg_detail", request, ocg, tab),
    }
    if tab == "summary":
        context.update(_score_context(request, ocg))
        context["returned"] = selectors.latest_return(ocg=ocg)
    elif tab == "members":
        context["past_members"] = [m for m in ocg.memberships.all() if m.to_date is not None]
        context["member_form"] = extra.pop("member_form", None) or f.MemberAddForm()
        context["network"] = selectors.ocg_network(user=request.user, ocg=ocg)
        context["end_form"] = f.MemberEndForm()
    elif tab == "plan":
        actions = selectors.plan_actions(ocg=ocg)
        context["plan"] = [
            {"strand": label, "code": code, "actions": [a for a in actions if a.strand == code]}
            for code, label in PlanStrand.choices
        ]
        context["overdue_count"] = sum(1 for a in actions if a.is_overdue)
        # Most actions are the LRO's own: offer them as owner.
        context["plan_form"] = extra.pop("plan_form", None) or f.PlanActionForm(
            initial={"owner": request.user.pk}
        )
    elif tab == "history":
        context.update(selectors.ocg_history(ocg=ocg))
    context.update(extra)
    return context


@login_required
@permission_required(VIEW_OCG, raise_exception=True)
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    ocg = selectors.ocg_page_get(user=request.user, pk=pk)
    tab = request.GET.get("tab", "summary")
    if tab not in dict(TABS):
        tab = "summary"
    audit_view(actor=request.user, obj=ocg)
    return render(request, "ocg/ocg_detail.html", detail_context(request, ocg, tab))


@login_required
@permission_required(VIEW_OCG, raise_exception=True)
@require_GET
def score_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the score panel alone, polled every 2 s while the worker catches up."""
    ocg = selectors.ocg_get(user=request.user, pk=pk)
    context = {"ocg": ocg, **_score_context(request, ocg)}
    return render(request, "ocg/partials/score_panel.html", context)


@login_required
@permission_required(VIEW_OCG, raise_exception=True)
@require_GET
def network_json(request: HttpRequest, pk: int) -> JsonResponse:
    ocg = selectors.ocg_network_centre(user=request.user, pk=pk)
    network = selectors.ocg_network(user=request.user, ocg=ocg)
    # The network names people: reading it is audited like a list of them.
    audit_read(
        actor=request.user, model=Nominal, ids=selectors.network_people(network), query={"ocg": pk}
    )
    return JsonResponse(network)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    ocg = selectors.ocg_get(user=request.user, pk=pk)
    if not request.user.has_perm(PERM_CHANGE):
        raise PermissionDenied("You may not change OCGs.")
    initial = {
        "name": ocg.name,
        "criminality": [c.code for c in ocg.criminality.all()],
        "division": ocg.division_id,
        "summary": ocg.summary,
        "version": ocg.version,
    }
    form = f.OcgEditForm(posted(request), initial=initial)
    if request.method == "POST":

        def perform(data: dict[str, Any]) -> str:
            nomination.ocg_update(
                actor=request.user,
                ocg=ocg,
                version=data["version"],
                name=data["name"],
                criminality=data["criminality"],
                division=data["division"],
                summary=data["summary"],
            )
            return f"{ocg.reference} saved."

        done = form_post(request, form, perform, then=reverse("ocg:detail", args=[ocg.pk]))
        if done:
            return done
    return render(
        request,
        "ocg/ocg_edit.html",
        {"ocg": ocg, "form": form},
        status=400 if request.method == "POST" else 200,
    )


# --- members and plan ---------------------------------------------------------------------------


@login_required
@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    ocg = selectors.ocg_get(user=request.user, pk=pk)
    form = f.MemberAddForm(request.POST)

    def perform(data: dict[str, Any]) -> str:
        membership = memberships.membership_add(actor=request.user, ocg=ocg, **data)
        return f"{membership.nominal.full_name} added."

    done = form_post(request, form, perform, then=f"{reverse('ocg:detail', args=[pk])}?tab=members")
    if done:
        return done
    ocg = selectors.ocg_get(user=request.user, pk=pk)
    context = detail_context(request, ocg, "members", member_form=form)
    return render(request, "ocg/ocg_detail.html", context, status=400)


@login_required
@require_POST
def member_end(request: HttpRequest, pk: int, membership_id: int) -> HttpResponse:
    ocg = selectors.ocg_get(user=request.user, pk=pk)
    membership = Membership.objects.filter(ocg=ocg, pk=membership_id).first()
    if membership is None:
        raise Http404
    form = f.MemberEndForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"to_date": "Enter the date the membership ended."})
        memberships.membership_end(
            actor=request.user, membership=membership, to_date=form.cleaned_data["to_date"]
        )
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, f"{membership.nominal.full_name}: {text}")
    else:
        messages.success(request, f"{membership.nominal.full_name}'s membership ended.")
    return redirect(f"{reverse('ocg:detail', args=[pk])}?tab=members")


@login_required
@require_POST
def plan_add(request: HttpRequest, pk: int) -> HttpResponse:
    ocg = selectors.ocg_get(user=request.user, pk=pk)
    form = f.PlanActionForm(request.POST)

    def perform(data: dict[str, Any]) -> str:
        plan.plan_action_add(actor=request.user, ocg=ocg, **data)
        return "Action added to the 4P plan."

    done = form_post(request, form, perform, then=f"{reverse('ocg:detail', args=[pk])}?tab=plan")
    if done:
        return done
    context = detail_context(request, ocg, "plan", plan_form=form)
    return render(request, "ocg/ocg_detail.html", context, status=400)


@login_required
@require_POST
def plan_status(request: HttpRequest, pk: int, action_id: int) -> HttpResponse:
    ocg = selectors.ocg_get(user=request.user, pk=pk)
    action = PlanAction.objects.filter(ocg=ocg, pk=action_id).first()
    if action is None:
        raise Http404
    form = f.PlanStatusForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"status": "Choose open, in progress or done."})
        plan.plan_action_update(
            actor=request.user,
            action=action,
            version=form.cleaned_data["version"],
            status=form.cleaned_data["status"],
        )
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, "Action updated.")
    return redirect(f"{reverse('ocg:detail', args=[pk])}?tab=plan")
