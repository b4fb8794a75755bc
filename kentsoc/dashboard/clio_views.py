"""The CLIO activity summary page: the period picker of the activity summary, `?format=csv`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kentsoc.audit.services import audit_export
from kentsoc.dashboard.clio_activity import ClioActivityForm, clio_activity
from kentsoc.prevention.views import TABS
from kentsoc.web.generic import csv_response

# Who reads prevention work reads its summary: CLIOs, supervisors and analysts.
VIEW_PERM = "prevention.view_schoolsession"


@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def activity(request: HttpRequest) -> HttpResponse:
    params = request.GET if "from" in request.GET or "to" in request.GET else None
    form = ClioActivityForm(params or ClioActivityForm.default_period())
    summary = None
    if form.is_valid():
        data = form.cleaned_data
        summary = clio_activity(
            user=request.user,
            date_from=data["from"],
            date_to=data["to"],
            division=data.get("division"),
        )
        if request.GET.get("format") == "csv":
            audit_export(
                actor=request.user,
                object_type="prevention.clioactivity",
                count=len(summary.rows()),
                filters=request.GET.items(),
            )
            rows = [("Period", f"{summary.date_from} to {summary.date_to}")]
            rows += [("Scope", summary.scope_label), *summary.rows()]
            return csv_response(
                filename="clio-activity",
                columns=[("Measure", lambda r: r[0]), ("Value", lambda r: r[1])],
                rows=rows,
            )
    query = request.GET.copy()
    query.pop("format", None)
    if not query:
        query.update(ClioActivityForm.default_period())
    return render(
        request,
        "dashboard/clio_activity.html",
        {
            "form": form,
            "summary": summary,
            "query": query.urlencode(),
            "tabs": TABS,
            "current_url": request.path,
        },
        status=200 if summary is not None else 400,
    )
