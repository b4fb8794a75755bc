"""The monthly matrix page (`/matrix/monthly/`, its CSV with `?format=csv`). The page and the
API (api/monthly.py) parse the month with MonthForm and read `monthly_matrix`; every read names
the lines it showed on the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from countylines.models import CountyLine
from kentsoc.audit.services import audit_export, audit_read
from kentsoc.dashboard.forms import MonthForm
from kentsoc.dashboard.monthly import (
    CSV_HEADERS,
    MonthlyMatrix,
    last_complete_month,
    monthly_matrix,
)
from kentsoc.dashboard.views import VIEW_PERM
from kentsoc.web.generic import csv_response


def audit_monthly_read(user: Any, report: MonthlyMatrix) -> None:
    audit_read(actor=user, model=CountyLine, ids=report.line_ids(), query={"month": report.key})


@require_GET
@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def monthly_view(request: HttpRequest) -> HttpResponse:
    params = (
        request.GET if request.GET.get("month") else {"month": f"{last_complete_month():%Y-%m}"}
    )
    form = MonthForm(params)
    if not form.is_valid():
        return render(request, "matrix/monthly.html", {"form": form, "report": None}, status=400)
    report = monthly_matrix(user=request.user, month=form.cleaned_data["month"])
    if request.GET.get("format") == "csv":
        rows = report.csv_rows()
        audit_export(
            actor=request.user,
            object_type="matrix.monthly",
            count=len(rows),
            filters=[("month", report.key)],
        )
        response = csv_response(
            filename="monthly-matrix",
            columns=[(header, _column(i)) for i, header in enumerate(CSV_HEADERS)],
            rows=rows,
        )
        response["Content-Disposition"] = f'attachment; filename="monthly-matrix-{report.key}.csv"'
        return response
    audit_monthly_read(request.user, report)
    return render(request, "matrix/monthly.html", {"form": form, "report": report})


def _column(index: int):
    return lambda row: row[index]
