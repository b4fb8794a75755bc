"""One FilterSet for the audit trail, used by the Audit page, its CSV export and /api/audit/."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.models import AuditEvent
from kentsoc.trail.record_types import record_type_choices
from kentsoc.web.pickers import PickerFilterSet, PickerWidget
from kentsoc.web.widgets import DatePairWidget


class AuditEventFilterSet(PickerFilterSet):
    who = django_filters.CharFilter(
        field_name="actor_username",
        lookup_expr="iexact",
        label="Who",
        help_text="Name, username or collar number",
        widget=PickerWidget("officer-username"),
    )
    action = django_filters.ChoiceFilter(choices=AuditAction.choices, empty_label="Any action")
    # The page offers the kinds the trail holds by name (read when the form is drawn, never for
    # the API); the API still takes the stored form, e.g. ?object_type=ocg.ocg.
    object_type = django_filters.CharFilter(
        method="filter_object_type",
        label="Kind of record",
        widget=forms.Select(choices=record_type_choices),
    )
    object_id = django_filters.CharFilter(field_name="object_id", label="Object id")
    date = django_filters.DateFromToRangeFilter(
        field_name="at",
        label="Date (from – to)",
        widget=DatePairWidget("Date"),
    )
    request_id = django_filters.CharFilter(field_name="request_id", label="Request id")

    class Meta:
        model = AuditEvent
        fields: list[str] = []

    def filter_object_type(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Stored as app_label.model in lower case; people type "OCG.Ocg" as often as not.
        value = value.strip().lower()
        return queryset.filter(object_type=value) if value else queryset
