"""The activity summary page: the form, `?format=csv` and `?print=1` (one A4 page)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kentsoc.audit.services import audit_export
from kentsoc.dashboard.forms import ActivitySummaryForm
from kentsoc.dashboard.reports import activity_summary
from kentsoc.org.scoping import force_id_of
from kentsoc.web.generic import csv_response


@login_required
@permission_required("disruptions.view_disruption", raise_exception=True)
def reports(request: HttpRequest) -> HttpResponse:
    """The activity summary: page, `?format=csv`, and `?print=1` (one A4 page)."""
    params = request.GET if "from" in request.GET or "to" in request.GET else None
    form = ActivitySummaryForm(params or ActivitySummaryForm.default_period())
    summary = None
    if form.is_valid():
        data = form.cleaned_data
        summary = activity_summary(
            # The reader's own force: a "whole force" report is theirs, never the country's.
            force_id=force_id_of(request.user),
            date_from=data["from"],
            date_to=data["to"],
            team=data.get("team"),
            division=data.get("division"),
            team_kind=data.get("team_kind") or "",
        )
        if request.GET.get("format") == "csv":
            audit_export(
                actor=request.user,
                object_type="disruptions.activitysummary",
                count=len(summary.all_rows()),
                filters=request.GET.items(),
            )
            return csv_response(
                filename="activity-summary",
                columns=[("Measure", lambda r: r[0]), ("Value", lambda r: r[1])],
                rows=summary.all_rows(),
            )
    query = request.GET.copy()
    for key in ("format", "print"):
        query.pop(key, None)
    if not query:
        query.update(ActivitySummaryForm.default_period())
    template = (
        "dashboard/activity_summary_print.html"
        if request.GET.get("print")
        else "dashboard/activity_summary.html"
    )
    return render(
        request,
        template,
        {"form": form, "summary": summary, "query": query.urlencode()},
        status=200 if summary is not None else 400,
    )
