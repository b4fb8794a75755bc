"""County-line pages: thin views over the selectors and services.

A POST that a service refuses re-renders the page it came from with the message at the field
(status 400); nothing is saved. Lines the user may not see are 404, as are safeguarding records.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from countylines import forms as f
from countylines import scores, selectors
from countylines.filters import CountyLineFilterSet, PersonAtRiskFilterSet
from countylines.models import CountyLine, PersonAtRisk
from countylines.phones import display_mobile, normalise_mobile
from countylines.presenters import detail_context
from countylines.services.base import (
    PERM_ADD,
    PERM_ADD_PERSON,
    PERM_ADD_REFERRAL,
    PERM_CHANGE,
    PERM_CHANGE_PERSON,
    PERM_CHANGE_REFERRAL,
)
from countylines.services.deal_lines import line_add_deal_line
from countylines.services.lifecycle import line_activate, line_dismantle, line_flex, line_reject
from countylines.services.lines import line_nominate, line_update
from countylines.services.nominals import line_add_nominal, line_remove_nominal
from countylines.services.people import (
    PERSON_FIELDS,
    person_at_risk_create,
    person_at_risk_update,
    referral_create,
    referral_record_outcome,
)
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_read, audit_view
from kentsoc.web.forms import form_post
from kentsoc.web.generic import FilteredListView
from ocg import selectors as ocg_selectors
from ocg.models import OCG, Nominal

_VIEW = "countylines.view_countyline"
# The service names the districts as a list; the form's first choice is the primary one.
_DISTRICTS_AT_PRIMARY = {"importing_districts": "primary_district"}


def _detail_url(line: CountyLine) -> str:
    return reverse("countylines:detail", args=[line.pk])


def _person_url(pk: int) -> str:
    return reverse("countylines:person", args=[pk])


def _pk(record: Any) -> int | None:
    return record.pk if record is not None else None


def _ocgs_for(user: Any):
    return OCG.objects.visible_to(user).order_by("reference")


class LineListView(FilteredListView):
    selector = staticmethod(selectors.line_list)
    filterset_class = CountyLineFilterSet
    permission_required = _VIEW
    template_name = "countylines/line_list.html"
    partial_template_name = "countylines/partials/line_table.html"
    title = "County lines"
    csv_filename = "county-lines"
    csv_columns = [
        ("Reference", "reference"),
        ("Name", "name"),
        ("Status", "get_status_display"),
        ("Exporting area", "exporting_area"),
        ("Division", "division.name"),
        ("Flexed to", "flexed_division.name"),
        ("Primary district", lambda line: selectors.primary_district(line) or ""),
        ("Deal lines", lambda line: " ".join(dl.number for dl in line.deal_lines.all())),
        ("OCG", "ocg.reference"),
        ("Nominated on", "nominated_on"),
        ("Activated on", "activated_on"),
        ("Closed on", "closed_on"),
        ("Score", lambda line: getattr(scores.current_score(line), "total", "")),
        ("Rank", lambda line: getattr(scores.current_ranking(line), "rank", "")),
    ]

    def get_extra_context(self) -> dict[str, Any]:
        return {"can_nominate": self.request.user.has_perm(PERM_ADD)}


@login_required
@permission_required(PERM_ADD, raise_exception=True)
@require_http_methods(["GET", "POST"])
def nominate(request: HttpRequest) -> HttpResponse:
    ocgs = _ocgs_for(request.user)
    form = f.NominateForm(request.POST if request.method == "POST" else None, ocgs=ocgs)
    chosen = _posted_nominals(request)
    if request.method == "POST":
        nominated: list[CountyLine] = []

        def run(data: dict[str, Any]) -> str:
            line = line_nominate(
                actor=request.user,
                name=data["name"],
                exporting_area=data["exporting_area"],
                importing_districts=form.district_ids(),
                deal_lines=form.numbers(),
                nominals=[{"nominal": n.pk, "role": role} for n, role in chosen],
                ocg=_pk(data["ocg"]),
            )
            nominated.append(line)
            return f"{line.reference} {line.name} nominated."

        done = form_post(
            request,
            form,
            run,
            then=lambda: _detail_url(nominated[0]),
            field_map=_DISTRICTS_AT_PRIMARY,
        )
        if done:
            return done
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "countylines/nominate.html",
        {"form": form, "chosen_nominals": chosen, "roles": f.LineRole.choices},
        status=status,
    )


def _posted_nominals(request: HttpRequest) -> list[tuple[Any, str]]:
    """The nominals picked on the nomination form (parallel `nominal` / `nominal_role` fields),
    re-read so a redisplayed form shows them; unknown or hidden ids simply drop out."""
    ids = request.POST.getlist("nominal")
    roles = request.POST.getlist("nominal_role")
    pairs = [(int(i), r) for i, r in zip(ids, roles, strict=False) if i.isdecimal()]
    found = Nominal.objects.visible_to(request.user).in_bulk([i for i, _ in pairs])
    return [(found[i], r) for i, r in pairs if i in found]


@login_required
@require_GET
def deal_line_check(request: HttpRequest) -> HttpResponse:
    """htmx: the nomination form's deal-line numbers checked as they are typed."""
    if not request.user.has_perm(PERM_ADD):
        raise Http404
    raw = [n.strip() for n in request.GET.get("deal_lines", "").splitlines() if n.strip()]
    rows, seen = [], set()
    for text in raw[:20]:
        number = normalise_mobile(text)
        rows.append({"text": text, "number": number, "repeat": number in seen})
        seen.add(number)
    used = selectors.numbers_on_other_lines([r["number"] for r in rows if r["number"]])
    for row in rows:
        row["display"] = display_mobile(row["number"]) if row["number"] else ""
        row["other"] = used.get(row["number"])
    return render(request, "countylines/partials/deal_line_check.html", {"rows": rows})


@login_required
@permission_required("ocg.view_nominal", raise_exception=True)
@require_GET
def nominal_search(request: HttpRequest) -> HttpResponse:
    """htmx: nominals matching what was typed, to link to a new or existing line."""
    line = None
    if request.GET.get("line"):
        line = selectors.line_get(user=request.user, pk=request.GET["line"])
    results = ocg_selectors.nominal_search(user=request.user, text=request.GET.get("q", ""))
    audit_read(
        actor=request.user,
        model="ocg.nominal",
        ids=[n.pk for n in results],
        query=request.GET.lists(),
        action=AuditAction.SEARCH,
    )
    return render(
        request,
        "countylines/partials/nominal_results.html",
        {"results": results, "line": line, "roles": f.LineRole.choices},
    )


@login_required
@permission_required(_VIEW, raise_exception=True)
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    line = selectors.line_get(user=request.user, pk=pk)
    audit_view(actor=request.user, obj=line)
    return render(request, "countylines/line_detail.html", detail_context(request, line))


@login_required
@permission_required(_VIEW, raise_exception=True)
@require_GET
def score_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the score panel alone, polled while the worker recomputes a stale score."""
    line = selectors.line_get(user=request.user, pk=pk)
    return render(
        request, "countylines/partials/score.html", scores.score_context(request.user, line)
    )


def _line_post(request: HttpRequest, pk: int, form_name: str, form: Any, run) -> HttpResponse:
    """Run a service from one of the detail page's forms; on refusal show the page again with
    the message at that form."""
    line = selectors.line_get(user=request.user, pk=pk)
    done = form_post(request, form, lambda data: run(line, data), then=_detail_url(line))
    if done:
        return done
    # The page is shown again, so it is a view of the line like any other.
    audit_view(actor=request.user, obj=line)
    context = detail_context(request, line, **{form_name: form})
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

    return _line_post(request, pk, "flex_form", f.FlexForm(request.POST, line=line), run)


@login_required
@require_POST
def dismantle(request: HttpRequest, pk: int) -> HttpResponse:
    def run(line, data):
        line_dismantle(actor=request.user, line=line, date=data["date"], reason=data["reason"])
        return f"{line.reference} recorded as dismantled."

    return _line_post(request, pk, "dismantle_form", f.DismantleForm(request.POST), run)


@login_required
@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    def run(line, data):
        line_reject(actor=request.user, line=line, reason=data["reason"])
        return f"{line.reference} nomination rejected."

    return _line_post(request, pk, "reject_form", f.RejectForm(request.POST), run)


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


@login_required
@permission_required(PERM_CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    line = selectors.line_get(user=request.user, pk=pk)
    districts = [link.district for link in line.line_districts.all()]
    initial = {
        "version": line.version,
        "name": line.name,
        "exporting_area": line.exporting_area,
        "primary_district": districts[0] if districts else None,
        "other_districts": districts[1:],
        "handsets_seized": line.handsets_seized,
        "ocg": line.ocg,
    }
    form = f.LineEditForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        ocgs=_ocgs_for(request.user),
    )
    if request.method == "POST":

        def run(data: dict[str, Any]) -> str:
            line_update(
                actor=request.user,
                line=line,
                version=data["version"],
                name=data["name"],
                exporting_area=data["exporting_area"],
                importing_districts=form.district_ids(),
                handsets_seized=data["handsets_seized"],
                ocg=_pk(data["ocg"]),
            )
            return f"{line.reference} updated."

        done = form_post(
            request, form, run, then=_detail_url(line), field_map=_DISTRICTS_AT_PRIMARY
        )
        if done:
            return done
    return render(
        request,
        "countylines/line_edit.html",
        {"line": line, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@permission_required(_VIEW, raise_exception=True)
@require_GET
def history(request: HttpRequest, pk: int) -> HttpResponse:
    line = selectors.line_get(user=request.user, pk=pk)
    return render(
        request,
        "countylines/line_history.html",
        {
            "line": line,
            "tab": "history",
            "history": selectors.line_history(user=request.user, line=line),
            "show_safeguarding": selectors.can_see_safeguarding(user=request.user, line=line),
        },
    )


# --- safeguarding -------------------------------------------------------------------------------


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
@permission_required("countylines.view_personatrisk", raise_exception=True)
@require_GET
def people_list(request: HttpRequest) -> HttpResponse:
    filterset = PersonAtRiskFilterSet(
        request.GET or None, queryset=selectors.people_at_risk_list(user=request.user)
    )
    # No filter at all (unbound: django-filter's is_valid() is then False) lists everything.
    valid = not filterset.is_bound or filterset.is_valid()
    queryset = filterset.qs if valid else filterset.queryset.none()
    page = Paginator(queryset.order_by("county_line__reference", "name", "id"), 50).get_page(
        request.GET.get("page")
    )
    page.object_list = list(page.object_list)
    _audit_listed(request, page.object_list, total=page.paginator.count)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "countylines/people_list.html",
        {"filterset": filterset, "page_obj": page, "querystring": query.urlencode()},
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
