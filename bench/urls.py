"""The app's URLs plus the dashboard benchmark's baseline: the dashboard's template rendered
with an empty context behind the same decorators, so the two timings differ only by the data."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from kentsoc.dashboard.views import VIEW_PERM
from kentsoc.urls import urlpatterns as app_urlpatterns


@require_GET
@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def bare_dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "matrix/dashboard.html", {})


urlpatterns = [path("bench/bare-dashboard/", bare_dashboard), *app_urlpatterns]
