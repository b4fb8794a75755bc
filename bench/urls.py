"""The app's URLs plus the benchmarks' baselines: the dashboard's and the search results'
templates rendered with an empty context behind the same decorators, so the timings differ only
by the data."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from kentsoc.dashboard.views import VIEW_PERM
from kentsoc.search.services import Answer
from kentsoc.urls import urlpatterns as app_urlpatterns


@require_GET
@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def bare_dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "matrix/dashboard.html", {})


@require_GET
@login_required
def bare_search(request: HttpRequest) -> HttpResponse:
    return render(request, "search/results.html", {"answer": Answer(text="", types=[], page=1)})


urlpatterns = [
    path("bench/bare-dashboard/", bare_dashboard),
    path("bench/bare-search/", bare_search),
    *app_urlpatterns,
]
