from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kentsoc.dashboard.clio_activity import ClioActivityForm, clio_activity
from kentsoc.dashboard.clio_views import VIEW_PERM


class ReadsPrevention(BasePermission):
    message = "Your role does not include prevention work."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.user.has_perm(VIEW_PERM)


class ClioActivityView(APIView):
    """GET /api/reports/clio-activity/?from=YYYY-MM-DD&to=YYYY-MM-DD&division=<id or code>: the
    CLIOs' school sessions, audience, street-group interventions, young people engaged, referrals
    made, people at risk recorded and safeguarding referrals, counted over what the caller may
    see."""

    permission_classes = [IsAuthenticated, ReadsPrevention]

    @extend_schema(
        responses=OpenApiTypes.OBJECT,
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, required=True, description="First day"),
            OpenApiParameter("to", OpenApiTypes.DATE, required=True, description="Last day"),
            OpenApiParameter("division", OpenApiTypes.STR, description="A division's id or code"),
        ],
    )
    def get(self, request: Request) -> Response:
        form = ClioActivityForm(request.query_params)
        if not form.is_valid():
            return Response(form.error_dict(), status=status.HTTP_400_BAD_REQUEST)
        data = form.cleaned_data
        summary = clio_activity(
            user=request.user,
            date_from=data["from"],
            date_to=data["to"],
            division=data.get("division"),
        )
        return Response(summary.as_dict())
