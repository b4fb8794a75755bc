from rest_framework import viewsets

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
