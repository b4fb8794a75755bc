from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kentsoc.dashboard.forms import ActivitySummaryForm
from kentsoc.dashboard.reports import activity_summary
from kentsoc.org.scoping import force_id_of


class ReadsDisruptions(BasePermission):
    message = "Your role does not give access to disruptions."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.user.has_perm("disruptions.view_disruption")


class ActivitySummaryView(APIView):
    """GET /api/reports/activity-summary/?from=YYYY-MM-DD&to=YYYY-MM-DD&team=<id>&division=<id>
    &team_kind=clgt (every CLGT: the divisional ones and the Central CLGT)"""

    permission_classes = [IsAuthenticated, ReadsDisruptions]

    @extend_schema(
        responses=OpenApiTypes.OBJECT,
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, required=True, description="First day"),
            OpenApiParameter("to", OpenApiTypes.DATE, required=True, description="Last day"),
            OpenApiParameter("team", OpenApiTypes.STR, description="A team's id or code"),
            OpenApiParameter("division", OpenApiTypes.STR, description="A division's id or code"),
            OpenApiParameter(
                "team_kind",
                OpenApiTypes.STR,
                enum=["clgt"],
                description="clgt: every CLGT, the divisional ones and the Central CLGT",
            ),
        ],
    )
    def get(self, request: Request) -> Response:
        form = ActivitySummaryForm(request.query_params)
        if not form.is_valid():
            return Response(form.error_dict(), status=status.HTTP_400_BAD_REQUEST)
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
        return Response(summary.as_dict())
