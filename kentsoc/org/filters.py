import django_filters

from kentsoc.org.models import District, Officer, Team


class DistrictFilterSet(django_filters.FilterSet):
    division = django_filters.CharFilter(method="filter_division")

    class Meta:
        model = District
        fields = ["division"]

    def filter_division(self, queryset, name, value):
        # Accept the division's id or its code.
        return (
            queryset.filter(division_id=value)
            if value.isdecimal()
            else queryset.filter(division__code__iexact=value)
        )


class TeamFilterSet(django_filters.FilterSet):
    class Meta:
        model = Team
        fields = ["kind", "division"]


class OfficerFilterSet(django_filters.FilterSet):
    class Meta:
        model = Officer
        fields = ["role", "team", "division"]
