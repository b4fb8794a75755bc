from rest_framework import viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record
from kentsoc.org.api.serializers import (
    DistrictSerializer,
    DivisionSerializer,
    OfficerSerializer,
    TeamSerializer,
)
from kentsoc.org.filters import DistrictFilterSet, OfficerFilterSet, TeamFilterSet
from kentsoc.org.models import District, Division, Officer, Team


class _ReferenceViewSet(viewsets.ReadOnlyModelViewSet):
    # Paged like every other list, so clients handle one shape ({"count", "next", "previous",
    # "results"}); a national deployment has thousands of officers. ?page_size= up to 500.

    def get_queryset(self):
        return self.queryset.visible_to(self.request.user)


class DivisionViewSet(_ReferenceViewSet):
    queryset = Division.objects.all()
    serializer_class = DivisionSerializer
    filterset_class = None


class DistrictViewSet(_ReferenceViewSet):
    queryset = District.objects.all()
    serializer_class = DistrictSerializer
    filterset_class = DistrictFilterSet


class TeamViewSet(_ReferenceViewSet):
    queryset = Team.objects.all()
    serializer_class = TeamSerializer
    filterset_class = TeamFilterSet


class OfficerViewSet(_ReferenceViewSet):
    queryset = Officer.objects.select_related("user")
    serializer_class = OfficerSerializer
    filterset_class = OfficerFilterSet


class TokenObtainView(ObtainAuthToken):
    """POST {"username", "password"} → {"token"} for `Authorization: Token <token>` (DRF's
    TokenAuthentication). The check goes through authenticate(), so django-axes counts failures
    and locks the account like the login page, and a failure is audited by the same receiver."""

    renderer_classes = [JSONRenderer]

    def post(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token, created = Token.objects.get_or_create(user=user)
        # Issuing a token is a login by another door: it goes on the audit trail like one.
        audit_record(
            actor=user,
            action=AuditAction.LOGIN,
            obj=user,
            changes={"via": "api token", "new_token": created},
        )
        return Response({"token": token.key})
