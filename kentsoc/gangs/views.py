"""Gang pages: the list (most recent activity first), recording a gang, its page and its edit
form, and the small forms on its page that add members and link lines and OCGs. Thin views over
the selectors and services: a POST a service refuses shows the form again with the message at the
field (status 400)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kentsoc.audit.services import audit_view
from kentsoc.gangs import forms as f
from kentsoc.gangs import selectors
from kentsoc.gangs.filters import GangFilterSet
from kentsoc.gangs.models import Gang
from kentsoc.gangs.services.base import PERM_ADD, PERM_CHANGE, PERM_VIEW
from kentsoc.gangs.services.gangs import gang_create, gang_update
from kentsoc.gangs.services.links import gang_link, gang_unlink
from kentsoc.gangs.services.members import gang_add_member, gang_remove_member
from kentsoc.web.coerce import as_id
from kentsoc.web.extensions import sections_for
from kentsoc.web.forms import form_post, posted
from kentsoc.web.generic import FilteredListView

# The address names a link the way the API does; the service names the gang's field.
LINK_KINDS = {"county-lines": "county_lines", "ocgs": "ocgs"}


def detail_url(gang: Gang) -> str:
    return reverse("gangs:detail", args=[gang.pk])


class GangListView(FilteredListView):
    selector = staticmethod(selectors.gang_list)
    filterset_class = GangFilterSet
    permission_required = PERM_VIEW
    template_name = "gangs/gang_list.html"
    partial_template_name = "gangs/partials/gang_table.html"
    title = "Gangs and street groups"
    csv_filename = "gangs"
    csv_columns = [
        ("Reference", "reference"),
        ("Name", "name"),
        ("Kind", "get_kind_display"),
        ("Area", "area"),
        ("Division", "division.name"),
        ("Status", "get_status_display"),
        ("Members", lambda g: len(g.memberships.all())),
        ("County lines", lambda g: " ".join(line.reference for line in g.county_lines.all())),
        ("OCGs", lambda g: " ".join(ocg.reference for ocg in g.ocgs.all())),
        ("Latest intelligence", "last_intelligence_on"),
        ("Intelligence records", "intelligence_count"),
        ("Latest disruption", "last_disruption_on"),
        ("Disruptions", "disruption_count"),
    ]

    def get_extra_context(self) -> dict[str, Any]:
        return {"can_add": self.request.user.has_perm(PERM_ADD)}


def _initial_pick(request: HttpRequest, name: str) -> dict[str, Any]:
    """A choice made without JavaScript comes back as `?<name>=<id>` (the picker's links)."""
    pk = as_id(request.GET.get(name))
    return {name: pk} if pk is not None else {}


def _detail(
    request: HttpRequest, gang: Gang, *, status: int = 200, **bound: forms.Form
) -> HttpResponse:
    user = request.user
    member_form = bound.get("member_form") or f.MemberForm(
        initial=_initial_pick(request, "nominal")
    )
    line_form = bound.get("line_form") or f.CountyLineLinkForm(
        initial=_initial_pick(request, "county_line")
    )
    ocg_form = bound.get("ocg_form") or f.OcgLinkForm(initial=_initial_pick(request, "ocg"))
    for form in (member_form, line_form, ocg_form):
        f.with_user(form, user)
    context = {
        "gang": gang,
        "members": list(gang.memberships.all()),
        "county_lines": list(gang.county_lines.all()),
        "ocgs": list(gang.ocgs.all()),
        "can_change": user.has_perm(PERM_CHANGE),
        "can_link_lines": user.has_perm("countylines.view_countyline"),
        "can_link_ocgs": user.has_perm("ocg.view_ocg"),
        "member_form": member_form,
        "line_form": line_form,
        "ocg_form": ocg_form,
        "sections": sections_for("gang_detail", request, gang),
    }
    return render(request, "gangs/gang_detail.html", context, status=status)


@login_required
@permission_required(PERM_VIEW, raise_exception=True)
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    gang = selectors.gang_get(user=request.user, pk=pk)
    audit_view(actor=request.user, obj=gang)
    return _detail(request, gang)


def _gang_form(request: HttpRequest, *, initial: dict[str, Any]) -> f.GangForm:
    return f.GangForm(
        posted(request), initial=initial, divisions=selectors.divisions_for(user=request.user)
    )


@login_required
@permission_required(PERM_ADD, raise_exception=True)
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    divisions = selectors.divisions_for(user=request.user)
    own = divisions.first() if divisions.count() == 1 else None
    form = _gang_form(request, initial={"division": own})
    if request.method == "POST":
        made: list[Gang] = []

        def run(data: dict[str, Any]) -> str:
            gang = gang_create(
                actor=request.user,
                name=data["name"],
                kind=data["kind"],
                area=data["area"],
                division=data["division"].pk,
                status=data["status"],
                description=data["description"],
                review_date=data["review_date"],
            )
            made.append(gang)
            return f"{gang.reference} {gang.name} recorded. Add its members and links below."

        done = form_post(request, form, run, then=lambda: detail_url(made[0]))
        if done:
            return done
    return render(
        request,
        "gangs/gang_form.html",
        {"form": form, "title": "Record a gang or street group"},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@permission_required(PERM_CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    gang = selectors.gang_get(user=request.user, pk=pk)
    form = _gang_form(
        request,
        initial={
            "version": gang.version,
            "name": gang.name,
            "kind": gang.kind,
            "area": gang.area,
            "division": gang.division,
            "status": gang.status,
            "description": gang.description,
            "review_date": gang.review_date,
        },
    )
    if request.method == "POST":

        def run(data: dict[str, Any]) -> str:
            gang_update(
                actor=request.user,
                gang=gang,
                version=data["version"],
                name=data["name"],
                kind=data["kind"],
                area=data["area"],
                division=data["division"].pk,
                status=data["status"],
                description=data["description"],
                review_date=data["review_date"],
            )
            return f"{gang.reference} updated."

        done = form_post(request, form, run, then=detail_url(gang))
        if done:
            return done
    return render(
        request,
        "gangs/gang_form.html",
        {"form": form, "gang": gang, "title": f"Edit {gang.reference} {gang.name}"},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@permission_required(PERM_CHANGE, raise_exception=True)
@require_POST
def add_member(request: HttpRequest, pk: int) -> HttpResponse:
    gang = selectors.gang_get(user=request.user, pk=pk)
    form = f.with_user(f.MemberForm(request.POST), request.user)

    def run(data: dict[str, Any]) -> str:
        member = gang_add_member(
            actor=request.user,
            gang=gang,
            nominal=data["nominal"],
            role=data["role"],
            from_date=data["from_date"],
        )
        return f"{member.nominal.full_name} added as {member.get_role_display().lower()}."

    done = form_post(request, form, run, then=detail_url(gang) + "#members")
    return done or _detail(request, gang, status=400, member_form=form)


@login_required
@permission_required(PERM_CHANGE, raise_exception=True)
@require_POST
def remove_member(request: HttpRequest, pk: int, member_id: int) -> HttpResponse:
    gang = selectors.gang_get(user=request.user, pk=pk)
    return _remove(
        request,
        lambda: gang_remove_member(actor=request.user, gang=gang, membership_id=member_id),
        done="Member removed.",
        then=detail_url(gang) + "#members",
    )


def _link_form(kind: str, data: Any) -> forms.Form:
    return f.CountyLineLinkForm(data) if kind == "county_lines" else f.OcgLinkForm(data)


@login_required
@permission_required(PERM_CHANGE, raise_exception=True)
@require_POST
def add_link(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    field = LINK_KINDS.get(kind)
    if field is None:
        raise Http404
    gang = selectors.gang_get(user=request.user, pk=pk)
    form = f.with_user(_link_form(field, request.POST), request.user)
    target_name = "county_line" if field == "county_lines" else "ocg"

    def run(data: dict[str, Any]) -> str:
        gang_link(actor=request.user, gang=gang, kind=field, target=data[target_name])
        return "Linked."

    done = form_post(
        request, form, run, then=detail_url(gang) + "#links", field_map={field: target_name}
    )
    if done:
        return done
    bound = {"line_form": form} if field == "county_lines" else {"ocg_form": form}
    return _detail(request, gang, status=400, **bound)


@login_required
@permission_required(PERM_CHANGE, raise_exception=True)
@require_POST
def remove_link(request: HttpRequest, pk: int, kind: str, target: int) -> HttpResponse:
    field = LINK_KINDS.get(kind)
    if field is None:
        raise Http404
    gang = selectors.gang_get(user=request.user, pk=pk)
    return _remove(
        request,
        lambda: gang_unlink(actor=request.user, gang=gang, kind=field, target=target),
        done="Link removed.",
        then=detail_url(gang) + "#links",
    )


def _remove(request: HttpRequest, act: Any, *, done: str, then: str) -> HttpResponse:
    """A remove button has no form to show a refusal on (someone removed it first): the
    message goes at the top of the gang's page."""
    try:
        act()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect(then)
