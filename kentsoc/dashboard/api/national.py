"""GET /api/reports/national/: each force's figures, for the NCA / ERSOU supervisors."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kentsoc.dashboard.national import may_see_national, national_view


class ReadsTheNation(BasePermission):
    message = "The national view is for the supervisors of NCA / ERSOU teams."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return may_see_national(request.user)


class NationalView(APIView):
    """GET /api/reports/national/: per force, its latest snapshot's active lines, total TRH and
    mapped OCGs, its approved disruptions of the last 30 days and its top county line score."""

    permission_classes = [IsAuthenticated, ReadsTheNation]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        return Response(national_view(user=request.user).as_dict())
