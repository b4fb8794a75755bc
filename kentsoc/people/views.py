"""Likely duplicates, side-by-side compare, the merge confirm page and the merge history with
undo. Coordinators and supervisors only (people.merge_nominals); views parse input and call the
selectors and services of this app."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_read, audit_view
from kentsoc.people import selectors, services
from kentsoc.people.filters import MergeFilterSet
from kentsoc.people.forms import MergeForm, UndoForm
from kentsoc.people.models import NominalMerge
from kentsoc.web.coerce import as_id
from kentsoc.web.forms import form_post
from kentsoc.web.generic import FilteredListView
from ocg.models import Nominal

PERM = services.PERM_MERGE


def _audit_people(request: HttpRequest, ids: list[int], action: str) -> None:
    audit_read(actor=request.user, model=Nominal, ids=ids, query=request.GET.lists(), action=action)


@require_GET
@login_required
@permission_required(PERM, raise_exception=True)
def duplicates(request: HttpRequest) -> HttpResponse:
    pairs = selectors.duplicate_pairs(user=request.user)
    _audit_people(
        request,
        list(dict.fromkeys(n.pk for p in pairs for n in (p.first, p.second))),
        AuditAction.LIST,
    )
    return render(
        request,
        "people/duplicates.html",
        {"pairs": pairs, "limited": len(pairs) >= selectors.MAX_PAIRS},
    )


@require_GET
@login_required
@permission_required(PERM, raise_exception=True)
def compare(request: HttpRequest) -> HttpResponse:
    ids = [as_id(request.GET.get(key)) for key in ("a", "b")]
    if None in ids:
        raise Http404("Choose two people to compare.")
    if ids[0] == ids[1]:
        return render(
            request,
            "people/compare.html",
            {"error": "That is the same person twice: choose two different people."},
            status=400,
        )
    sides = selectors.compare(user=request.user, ids=ids)
    if len(sides) != 2:
        raise Http404("No such person.")
    _audit_people(request, ids, AuditAction.VIEW)
    first, second = sides
    return render(
        request,
        "people/compare.html",
        {
            "sides": sides,
            "rows": [(noun, first.counts[noun], second.counts[noun]) for noun in first.counts],
            "keep_first": _merge_url(first.nominal.pk, second.nominal.pk),
            "keep_second": _merge_url(second.nominal.pk, first.nominal.pk),
        },
    )


def _merge_url(survivor: int, merged: int) -> str:
    return f"{reverse('people:merge')}?survivor={survivor}&merged={merged}"


@require_http_methods(["GET", "POST"])
@login_required
@permission_required(PERM, raise_exception=True)
def merge(request: HttpRequest) -> HttpResponse:
    """GET: what merging `merged` into `survivor` would move and set aside, and the form to do
    it; POST: do it, then show the merge (with its undo)."""
    source = request.POST if request.method == "POST" else request.GET
    ids = {key: as_id(source.get(key)) for key in ("survivor", "merged")}
    try:
        survivor, merged = services.merge_check(actor=request.user, **ids)
    except ValidationError as exc:
        return render(request, "people/merge_confirm.html", {"refusal": exc.messages}, status=400)
    form = MergeForm(
        request.POST if request.method == "POST" else None,
        initial={"survivor": survivor.pk, "merged": merged.pk},
    )
    if request.method == "POST":
        done: dict[str, NominalMerge] = {}

        def perform(data: dict[str, Any]) -> str:
            done["merge"] = services.nominal_merge(
                actor=request.user,
                survivor=data["survivor"],
                merged=data["merged"],
                reason=data["reason"],
            )
            return f"{merged.reference} merged into {survivor.reference}. You can undo it here."

        then = lambda: reverse("people:merge-detail", args=[done["merge"].pk])  # noqa: E731
        if response := form_post(request, form, perform, then=then):
            return response
    _audit_people(request, [survivor.pk, merged.pk], AuditAction.VIEW)
    plan = services.merge_plan(survivor_id=survivor.pk, merged_id=merged.pk)
    return render(
        request,
        "people/merge_confirm.html",
        {
            "survivor": survivor,
            "merged": merged,
            "form": form,
            "plan": [
                {"noun": p.relation.noun, "moves": len(p.move), "set_aside": len(p.drop)}
                for p in plan
            ],
            "any_set_aside": any(p.drop for p in plan),
            "compare_url": f"{reverse('people:compare')}?a={survivor.pk}&b={merged.pk}",
        },
        status=400 if form.is_bound else 200,
    )


class MergeListView(FilteredListView):
    selector = staticmethod(selectors.merge_list)
    filterset_class = MergeFilterSet
    template_name = "people/merge_list.html"
    partial_template_name = "people/partials/merge_table.html"
    permission_required = PERM
    title = "Merged people"
    audit_people = "survivor"

    def get_page_context(self, rows: list[Any]) -> dict[str, Any]:
        survivors = selectors.surviving(user=self.request.user, merges=rows)
        for merge in rows:
            merge.survivor = survivors.get(merge.survivor_id)
        return {}


def _detail(request: HttpRequest, merge: NominalMerge, form: UndoForm, status: int = 200):
    survivors = selectors.surviving(user=request.user, merges=[merge])
    moved = _described(merge.moved, lambda g: len(g["ids"]))
    set_aside = _described(merge.dropped, lambda g: 1)
    return render(
        request,
        "people/merge_detail.html",
        {
            "merge": merge,
            "survivor": survivors.get(merge.survivor_id),
            "moved": moved,
            "set_aside": set_aside,
            "problems": services.undo_problems(merge) if merge.is_live else [],
            "form": form,
        },
        status=status,
    )


def _described(groups: list[dict[str, Any]], size: Any) -> list[tuple[str, int]]:
    """[(what officers call the rows, how many)] for a merge's stored groups of rows."""
    nouns = {(r.label, r.field.name): r.noun for r in services.relations()}
    counts: dict[str, int] = {}
    for group in groups:
        noun = nouns.get((group["model"], group["field"]), group["model"])
        counts[noun] = counts.get(noun, 0) + size(group)
    return sorted(counts.items())


@require_GET
@login_required
@permission_required(PERM, raise_exception=True)
def merge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    merge = selectors.merge_get(user=request.user, pk=pk)
    audit_view(actor=request.user, obj=merge)
    return _detail(request, merge, UndoForm())


@require_POST
@login_required
@permission_required(PERM, raise_exception=True)
def merge_undo(request: HttpRequest, pk: int) -> HttpResponse:
    merge = selectors.merge_get(user=request.user, pk=pk)
    form = UndoForm(request.POST)

    def perform(data: dict[str, Any]) -> str:
        services.merge_undo(actor=request.user, merge=merge, reason=data["reason"])
        return f"Merge undone: {merge.merged_label} is a person of their own again."

    then = reverse("people:merge-detail", args=[merge.pk])
    if response := form_post(request, form, perform, then=then):
        return response
    return _detail(request, merge, form, status=400)
