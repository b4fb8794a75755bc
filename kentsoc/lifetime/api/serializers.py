"""Output shapes of the coordinator lists (issue 9). Read-only: writes go through the pages."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from kentsoc.lifetime.models import CustodyPeriod, Scpo, ScpoBreach
from ocg.models import Membership


def _ocgs(row: Any) -> list[dict[str, Any]]:
    # `current_memberships` is prefetched by the selector (current memberships only).
    return [
        {"id": m.ocg_id, "reference": m.ocg.reference, "name": m.ocg.name}
        for m in row.nominal.current_memberships
    ]


class ReleaseSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="nominal.reference")
    name = serializers.CharField(source="nominal.full_name")
    ocgs = serializers.SerializerMethodField()
    has_licence_conditions = serializers.BooleanField()
    has_scpo = serializers.BooleanField(help_text="An SCPO is in force (made, not ended).")

    class Meta:
        model = CustodyPeriod
        fields = [
            "id",
            "nominal",
            "reference",
            "name",
            "status",
            "establishment",
            "expected_release_date",
            "licence_end_date",
            "ocgs",
            "has_licence_conditions",
            "has_scpo",
        ]
        read_only_fields = fields

    def get_ocgs(self, period: CustodyPeriod) -> list[dict[str, Any]]:
        return _ocgs(period)


class ScpoExpiringSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    nominal_reference = serializers.CharField(source="nominal.reference")
    name = serializers.CharField(source="nominal.full_name")
    ocgs = serializers.SerializerMethodField()
    breaches = serializers.IntegerField(source="breach_count")

    class Meta:
        model = Scpo
        fields = [
            "id",
            "reference",
            "nominal",
            "nominal_reference",
            "name",
            "ocgs",
            "court",
            "made_on",
            "duration_months",
            "expires_on",
            "breaches",
        ]
        read_only_fields = fields

    def get_ocgs(self, scpo: Scpo) -> list[dict[str, Any]]:
        return _ocgs(scpo)


class ScpoBreachSerializer(serializers.ModelSerializer):
    scpo_reference = serializers.CharField(source="scpo.reference")
    nominal = serializers.IntegerField(source="scpo.nominal_id")
    nominal_reference = serializers.CharField(source="scpo.nominal.reference")
    name = serializers.CharField(source="scpo.nominal.full_name")

    class Meta:
        model = ScpoBreach
        fields = [
            "id",
            "scpo",
            "scpo_reference",
            "nominal",
            "nominal_reference",
            "name",
            "breached_on",
            "details",
            "action_taken",
        ]
        read_only_fields = fields


class InPrisonSerializer(serializers.ModelSerializer):
    ocg_reference = serializers.CharField(source="ocg.reference")
    ocg_name = serializers.CharField(source="ocg.name")
    division = serializers.IntegerField(source="ocg.division_id")
    reference = serializers.CharField(source="nominal.reference")
    name = serializers.CharField(source="nominal.full_name")
    custody_status = serializers.CharField()
    establishment = serializers.CharField()
    expected_release_date = serializers.DateField(allow_null=True)

    class Meta:
        model = Membership
        fields = [
            "ocg",
            "ocg_reference",
            "ocg_name",
            "division",
            "nominal",
            "reference",
            "name",
            "role",
            "custody_status",
            "establishment",
            "expected_release_date",
        ]
        read_only_fields = fields
