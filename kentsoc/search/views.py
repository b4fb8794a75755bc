"""The search pages: the full results grouped by kind, and the header box's suggestions."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kentsoc.org.scoping import access_for
from kentsoc.search import services
from kentsoc.search.context import may_search
from kentsoc.search.kinds import BY_TYPE, kinds_for
from kentsoc.web.coerce import as_id


def _allowed(request: HttpRequest) -> None:
    access = access_for(request.user)
    if access is None or not may_search(access.role):
        raise PermissionDenied("Your role does not look up police records.")


def _address(text: str, types: list[str], page: int = 1) -> str:
    query = [("q", text), *(("types", t) for t in types)]
    if page > 1:
        query.append(("page", str(page)))
    return "?" + urlencode(query)


@login_required
@require_GET
def results(request: HttpRequest) -> HttpResponse:
    """/search/?q=: every kind the officer may look for, a few of each best first, with a link
    to the rest of a kind; ?types=<one kind> pages through that kind alone."""
    _allowed(request)
    text = request.GET.get("q", "")
    requested = [t for t in request.GET.getlist("types") if t in BY_TYPE]
    page = as_id(request.GET.get("page")) or 1
    single = len(requested) == 1
    answer = services.search_run(
        actor=request.user, text=text, types=requested or None, page=page if single else 1
    )
    for group in answer.groups:
        group.more_url = _address(answer.text, [group.kind.type], answer.page + 1 if single else 2)
    return render(
        request,
        "search/results.html",
        {
            "answer": answer,
            "too_short": bool(answer.text) and not answer.searched,
            "min_length": services.MIN_LENGTH,
            "kinds": kinds_for(request.user),
            "requested": requested,
            "single": single,
            "found": sum(len(g.rows) for g in answer.groups),
            "previous_url": _address(answer.text, requested, answer.page - 1)
            if single and answer.page > 1
            else "",
            "all_url": _address(answer.text, []),
        },
    )


@login_required
@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    """htmx, as the officer types in the header box: the best few of each kind, as links."""
    _allowed(request)
    answer = services.search_run(
        actor=request.user,
        text=request.GET.get("q", ""),
        per_kind=services.SUGGESTIONS_PER_KIND,
    )
    return render(
        request,
        "search/partials/suggestions.html",
        {
            "answer": answer,
            "groups": [g for g in answer.groups if g.rows],
            "all_url": "/search/" + _address(answer.text, []),
        },
    )
