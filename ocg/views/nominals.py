"""People: the nominal list, search and picker used by the nomination form, record and edit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_read, audit_view
from kentsoc.web.extensions import sections_for
from kentsoc.web.forms import apply_service_errors, posted
from kentsoc.web.generic import FilteredListView
from ocg import forms as f
from ocg import selectors
from ocg.choices import (
    MembershipRole,
)
from ocg.filters import NominalFilterSet
from ocg.models import Nominal
from ocg.nominal_rows import nominal_rows
from ocg.services import nominals
from ocg.services.common import (
    PERM_ADD_NOMINAL,
    PERM_CHANGE_NOMINAL,
)

VIEW_NOMINAL = "ocg.view_nominal"


class NominalListView(FilteredListView):
    selector = staticmethod(selectors.nominal_list)
    filterset_class = NominalFilterSet
    permission_required = VIEW_NOMINAL
    template_name = "ocg/nominal_list.html"
    partial_template_name = "ocg/partials/nominal_table.html"
    title = "Nominals"
    csv_filename = "nominals"
    csv_columns = [
        ("Reference", "reference"),
        ("First name", "first_name"),
        ("Last name", "last_name"),
        ("Aliases", "aliases"),
        ("Date of birth", "date_of_birth"),
        ("Custody status", "get_custody_status_display"),
        ("Current OCGs", "ocg_count"),
    ]

    def get_extra_context(self) -> dict[str, Any]:
        return {"can_add": self.request.user.has_perm(PERM_ADD_NOMINAL)}

    def get_page_context(self, rows: list[Any]) -> dict[str, Any]:
        # The table's rows as one piece of HTML, written in Python (ocg.nominal_rows).
        return {"nominal_rows": nominal_rows(rows)}


@login_required
@require_GET
def nominal_search(request: HttpRequest) -> HttpResponse:
    """htmx: people matching what was typed, each with a button to pick them."""
    if not request.user.has_perm(VIEW_NOMINAL):
        raise Http404
    results = selectors.nominal_search(user=request.user, text=request.GET.get("q", ""))
    audit_read(
        actor=request.user,
        model=Nominal,
        ids=[n.pk for n in results],
        query=request.GET.lists(),
        action=AuditAction.SEARCH,
    )
    return render(
        request,
        "ocg/partials/nominal_results.html",
        {"results": results, "target": request.GET.get("target", "nominate")},
    )


@login_required
@require_GET
def nominal_pick(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: one picked-member row for the nomination form."""
    nominal = selectors.nominal_get(user=request.user, pk=pk)
    return render(
        request,
        "ocg/partials/picked_member.html",
        {
            "row": {"nominal": nominal, "role": MembershipRole.MEMBER},
            "roles": MembershipRole.choices,
        },
    )


@login_required
@permission_required(PERM_ADD_NOMINAL, raise_exception=True)
@require_POST
def nominal_inline_create(request: HttpRequest) -> HttpResponse:
    """htmx: create a person from the nomination form; on success a picked row plus any
    duplicate warning, otherwise the small form again with its messages."""
    form = f.NominalForm(request.POST, prefix="new")
    if form.is_valid():
        try:
            created = nominals.nominal_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            response = render(
                request,
                "ocg/partials/picked_member.html",
                {
                    "row": {"nominal": created.nominal, "role": MembershipRole.MEMBER},
                    "roles": MembershipRole.choices,
                    "duplicates": created.possible_duplicates,
                    "created": True,
                },
            )
            # Clear the inline form after a success.
            response["HX-Trigger"] = "nominal-created"
            return response
    response = render(
        request, "ocg/partials/new_person.html", {"new_person_form": form}, status=200
    )
    response["HX-Retarget"] = "#new-person"
    response["HX-Reswap"] = "outerHTML"
    return response


@login_required
@permission_required(PERM_ADD_NOMINAL, raise_exception=True)
@require_http_methods(["GET", "POST"])
def nominal_create(request: HttpRequest) -> HttpResponse:
    form = f.NominalForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            created = nominals.nominal_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{created.nominal.reference} recorded.")
            for dup in created.possible_duplicates:
                messages.warning(
                    request,
                    f"Possible duplicate of {dup.reference} {dup.full_name}"
                    f"{f' (born {dup.date_of_birth:%-d %b %Y})' if dup.date_of_birth else ''}.",
                )
            return redirect("ocg:nominal-detail", pk=created.nominal.pk)
    return render(
        request,
        "ocg/nominal_form.html",
        {"form": form, "title": "Record a person"},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@permission_required(VIEW_NOMINAL, raise_exception=True)
@require_GET
def nominal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    nominal = selectors.nominal_get(user=request.user, pk=pk)
    audit_view(actor=request.user, obj=nominal)
    return render(
        request,
        "ocg/nominal_detail.html",
        {
            "nominal": nominal,
            "can_edit": request.user.has_perm(PERM_CHANGE_NOMINAL),
            "duplicates": nominals.nominal_possible_duplicates(
                user=request.user,
                first_name=nominal.first_name,
                last_name=nominal.last_name,
                date_of_birth=nominal.date_of_birth,
                exclude=nominal.pk,
            ),
            **selectors.nominal_appearances(user=request.user, nominal=nominal),
            "sections": sections_for("nominal_detail", request, nominal),
        },
    )


@login_required
@permission_required(PERM_CHANGE_NOMINAL, raise_exception=True)
@require_http_methods(["GET", "POST"])
def nominal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    nominal = selectors.nominal_get(user=request.user, pk=pk)
    if request.method != "POST":
        # The form shows the person's details: opening it is reading them.
        audit_view(actor=request.user, obj=nominal)
    initial = {name: getattr(nominal, name) for name in nominals.NOMINAL_FIELDS}
    form = f.NominalEditForm(posted(request), initial={**initial, "version": nominal.version})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            nominals.nominal_update(actor=request.user, nominal=nominal, version=version, **data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{nominal.reference} saved.")
            return redirect("ocg:nominal-detail", pk=nominal.pk)
    return render(
        request,
        "ocg/nominal_form.html",
        {"form": form, "nominal": nominal, "title": f"Change {nominal.full_name}"},
        status=400 if request.method == "POST" else 200,
    )
