"""GET /api/search/?q=&types=&page=: one ranked list across every kind the caller may look for."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kentsoc.org.scoping import access_for
from kentsoc.search import services
from kentsoc.search.context import may_search
from kentsoc.search.kinds import TYPES
from kentsoc.web.coerce import as_id

API_PAGE_SIZE = 20

ROW_FIELDS = {
    "type": serializers.ChoiceField(choices=TYPES),
    "id": serializers.IntegerField(),
    "reference": serializers.CharField(),
    "label": serializers.CharField(),
    "snippet": serializers.CharField(help_text="HTML: the text escaped, matches in <mark>"),
    "score": serializers.FloatField(),
    "url": serializers.CharField(),
}


def _types(request: Request) -> list[str]:
    """`types=person,ocg` or `types=person&types=ocg`; an unknown one is a 400 naming them all."""
    requested = [
        t.strip() for value in request.query_params.getlist("types") for t in value.split(",")
    ]
    requested = [t for t in requested if t]
    unknown = services.unknown_types(requested)
    if unknown:
        raise ValidationError(
            {"types": [f"Unknown type {', '.join(unknown)}: use any of {', '.join(TYPES)}."]}
        )
    return requested


class SearchView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Search every kind of record",
        description=(
            "Ranked rows across people (nominals), OCGs, county lines, gangs, intelligence "
            "records, disruptions, operations and people at risk, only what the caller may "
            "see. Names match misspelt, by nickname, alias or sound; phone numbers in any "
            "spelling; references exactly; intelligence summaries and disruption narratives "
            'by full text ("quoted phrases"). Each search is audited.'
        ),
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="What to look for (2+ chars)"),
            OpenApiParameter(
                "types",
                OpenApiTypes.STR,
                description=f"Comma-separated kinds, any of: {', '.join(TYPES)} (default all)",
            ),
            OpenApiParameter("page", OpenApiTypes.INT, description=f"{API_PAGE_SIZE} rows a page"),
        ],
        responses=inline_serializer(
            "SearchAnswer",
            {
                "q": serializers.CharField(),
                "types": serializers.ListField(child=serializers.CharField()),
                "page": serializers.IntegerField(),
                "next": serializers.IntegerField(allow_null=True),
                "results": inline_serializer("SearchRow", ROW_FIELDS, many=True),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        access = access_for(request.user)
        if access is None or not may_search(access.role):
            raise PermissionDenied("Your role does not look up police records.")
        raw_page = request.query_params.get("page")
        page = as_id(raw_page) if raw_page is not None else 1
        if page is None or page < 1 or page > services.MAX_PAGE:
            raise ValidationError(
                {"page": [f"Enter a whole number from 1 to {services.MAX_PAGE}."]}
            )
        answer = services.search_run(
            actor=request.user,
            text=request.query_params.get("q", ""),
            types=_types(request) or None,
            page=page,
            per_kind=API_PAGE_SIZE,
            merged=True,
        )
        body: dict[str, Any] = {
            "q": answer.text,
            "types": answer.types,
            "page": answer.page,
            "next": answer.page + 1 if answer.more else None,
            "results": [{**row, "snippet": str(row["snippet"])} for row in answer.rows],
        }
        return Response(body)
