"""Safeguarding pages: a line's people at risk, the force-wide list, a person's record and their
referrals. Every read names the records shown on the audit trail; a record the user may not see
is 404, as is the tab of a line whose people they may not see."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from countylines import forms as f
from countylines import selectors
from countylines.filters import PersonAtRiskFilterSet
from countylines.models import PersonAtRisk
from countylines.services.base import (
    PERM_ADD_PERSON,
    PERM_ADD_REFERRAL,
    PERM_CHANGE_PERSON,
    PERM_CHANGE_REFERRAL,
)
from countylines.services.people import (
    PERSON_FIELDS,
    person_at_risk_create,
    person_at_risk_update,
    referral_create,
    referral_record_outcome,
)
from kentsoc.audit.services import audit_read, audit_view
from kentsoc.web.forms import form_post, posted


def _person_url(pk: int) -> str:
    return reverse("countylines:person", args=[pk])


def _audit_listed(request: HttpRequest, people: list, total: int | None = None) -> None:
    """One audit row naming every safeguarding record a list showed (ids only, never names)."""
    audit_read(
        actor=request.user,
        model=PersonAtRisk,
        ids=[p.pk for p in people],
        query=request.GET.lists(),
        total=total,
    )


def _safeguarding_line(request: HttpRequest, pk: int):
    line = selectors.line_get(user=request.user, pk=pk)
    if not selectors.can_see_safeguarding(user=request.user, line=line):
        raise Http404("No county line matches the given query.")
    return line


@login_required
@require_http_methods(["GET", "POST"])
def safeguarding(request: HttpRequest, pk: int) -> HttpResponse:
    line = _safeguarding_line(request, pk)
    can_add = request.user.has_perm(PERM_ADD_PERSON)
    form = (
        f.PersonAtRiskForm(request.POST if request.method == "POST" else None) if can_add else None
    )
    if request.method == "POST":
        if form is None:
            raise Http404
        recorded: list[PersonAtRisk] = []

        def run(data: dict[str, Any]) -> str:
            person = person_at_risk_create(actor=request.user, county_line=line, **data)
            recorded.append(person)
            return f"{person.name} recorded as at risk."

        done = form_post(request, form, run, then=lambda: _person_url(recorded[0].pk))
        if done:
            return done
    people = list(selectors.people_at_risk_list(user=request.user, line=line))
    _audit_listed(request, people)
    return render(
        request,
        "countylines/safeguarding.html",
        {
            "line": line,
            "tab": "safeguarding",
            "show_safeguarding": True,
            "people": people,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@permission_required(PERM_ADD_PERSON, raise_exception=True)
@require_http_methods(["GET", "POST"])
def person_new(request: HttpRequest) -> HttpResponse:
    """Record someone met through a school or a street group, with no county line yet: the
    record is kept in the recording CLIO's division (see countylines.models.lineless_people_q)."""
    form = f.PersonWithoutLineForm(posted(request))
    if request.method == "POST":
        recorded: list[PersonAtRisk] = []

        def run(data: dict[str, Any]) -> str:
            person = person_at_risk_create(actor=request.user, county_line=None, **data)
            recorded.append(person)
            return f"{person.name} recorded as at risk (no county line yet)."

        done = form_post(request, form, run, then=lambda: _person_url(recorded[0].pk))
        if done:
            return done
    return render(
        request,
        "countylines/person_new.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@permission_required("countylines.view_personatrisk", raise_exception=True)
@require_GET
def people_list(request: HttpRequest) -> HttpResponse:
    filterset = PersonAtRiskFilterSet(
        request.GET or None, queryset=selectors.people_at_risk_list(user=request.user)
    )
    # No filter at all (unbound: django-filter's is_valid() is then False) lists everything.
    valid = not filterset.is_bound or filterset.is_valid()
    queryset = filterset.qs if valid else filterset.queryset.none()
    ordered = queryset.order_by(F("county_line__reference").asc(nulls_first=True), "name", "id")
    page = Paginator(ordered, 50).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    _audit_listed(request, page.object_list, total=page.paginator.count)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "countylines/people_list.html",
        {
            "filterset": filterset,
            "page_obj": page,
            "querystring": query.urlencode(),
            "can_add": request.user.has_perm(PERM_ADD_PERSON),
        },
    )


def _person_page(request: HttpRequest, person, **forms: Any) -> HttpResponse:
    # Every render shows the record, including a form sent back with errors: each is audited.
    audit_view(actor=request.user, obj=person)
    can_change = request.user.has_perm(PERM_CHANGE_PERSON)
    context = {
        "person": person,
        "line": person.county_line,
        "referrals": list(person.referrals.all()),
        "can_refer": request.user.has_perm(PERM_ADD_REFERRAL),
        "can_record_outcome": request.user.has_perm(PERM_CHANGE_REFERRAL),
        "referral_form": forms.get("referral_form") or f.ReferralForm(),
        "outcome_form": forms.get("outcome_form") or f.ReferralOutcomeForm(),
        "outcome_for": forms.get("outcome_for"),
        "edit_form": forms.get("edit_form")
        or (
            f.PersonAtRiskEditForm(
                initial={
                    "version": person.version,
                    **{field: getattr(person, field) for field in PERSON_FIELDS},
                }
            )
            if can_change
            else None
        ),
    }
    status = 400 if forms else 200
    return render(request, "countylines/person_detail.html", context, status=status)


@login_required
@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_at_risk_get(user=request.user, pk=pk)
    return _person_page(request, person)


@login_required
@require_POST
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_at_risk_get(user=request.user, pk=pk)
    form = f.PersonAtRiskEditForm(request.POST)

    def run(data: dict[str, Any]) -> str:
        person_at_risk_update(actor=request.user, person=person, **data)
        return f"{person.name}'s record updated."

    return form_post(request, form, run, then=_person_url(person.pk)) or _person_page(
        request, person, edit_form=form
    )


@login_required
@require_POST
def referral_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_at_risk_get(user=request.user, pk=pk)
    form = f.ReferralForm(request.POST)

    def run(data: dict[str, Any]) -> str:
        referral_create(actor=request.user, person=person, **data)
        return "Referral recorded."

    return form_post(request, form, run, then=_person_url(person.pk)) or _person_page(
        request, person, referral_form=form
    )


@login_required
@require_POST
def referral_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    referral = selectors.referral_get(user=request.user, pk=pk)
    form = f.ReferralOutcomeForm(request.POST)

    def run(data: dict[str, Any]) -> str:
        referral_record_outcome(actor=request.user, referral=referral, **data)
        return "Referral outcome recorded."

    done = form_post(request, form, run, then=_person_url(referral.person_id))
    if done:
        return done
    person = selectors.person_at_risk_get(user=request.user, pk=referral.person_id)
    return _person_page(request, person, outcome_form=form, outcome_for=referral.pk)
