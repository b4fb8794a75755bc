"""GET /api/reports/monthly-matrix/?month=YYYY-MM: the monthly matrix as JSON."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kentsoc.dashboard.forms import MonthForm
from kentsoc.dashboard.monthly import monthly_matrix
from kentsoc.dashboard.monthly_views import audit_monthly_read
from kentsoc.dashboard.views import VIEW_PERM


class ReadsTheMatrix(BasePermission):
    message = "Your role does not give access to the matrix."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.user.has_perm(VIEW_PERM)


class MonthlyMatrixView(APIView):
    """GET /api/reports/monthly-matrix/?month=YYYY-MM (default: the last complete month)"""

    permission_classes = [IsAuthenticated, ReadsTheMatrix]

    @extend_schema(
        responses=OpenApiTypes.OBJECT,
        parameters=[
            OpenApiParameter(
                "month",
                OpenApiTypes.STR,
                description="YYYY-MM; the figures are that month's month-end reading",
            ),
        ],
    )
    def get(self, request: Request) -> Response:
        form = MonthForm(request.query_params)
        if not form.is_valid():
            return Response(form.error_dict(), status=status.HTTP_400_BAD_REQUEST)
        report = monthly_matrix(user=request.user, month=form.cleaned_data["month"])
        audit_monthly_read(request.user, report)
        return Response(report.as_dict())
