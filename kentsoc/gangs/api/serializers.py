"""Input and output shapes of the gang API. Rules live in the services."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from kentsoc.gangs.models import Gang
from kentsoc.limits import HAPPENED, LONG_TEXT, PLANNED, REASON_TEXT


class GangSerializer(serializers.ModelSerializer):
    division_code = serializers.CharField(source="division.code", read_only=True)
    members = serializers.SerializerMethodField()
    county_lines = serializers.SerializerMethodField()
    ocgs = serializers.SerializerMethodField()
    last_intelligence_on = serializers.DateField(read_only=True)
    intelligence_count = serializers.IntegerField(read_only=True)
    last_disruption_on = serializers.DateField(read_only=True)
    disruption_count = serializers.IntegerField(read_only=True)
    last_activity_on = serializers.DateField(read_only=True)

    class Meta:
        model = Gang
        fields = [
            "id",
            "reference",
            "name",
            "kind",
            "area",
            "status",
            "division",
            "division_code",
            "description",
            "members",
            "county_lines",
            "ocgs",
            "last_intelligence_on",
            "intelligence_count",
            "last_disruption_on",
            "disruption_count",
            "last_activity_on",
            "review_date",
            "version",
            "created_at",
        ]
        read_only_fields = fields

    def get_members(self, gang: Gang) -> list[dict[str, Any]]:
        return [
            {
                "id": m.pk,
                "nominal": m.nominal_id,
                "role": m.role,
                "from_date": m.from_date,
                "to_date": m.to_date,
            }
            for m in gang.memberships.all()
        ]

    def get_county_lines(self, gang: Gang) -> list[int]:
        return [line.pk for line in gang.county_lines.all()]

    def get_ocgs(self, gang: Gang) -> list[int]:
        return [ocg.pk for ocg in gang.ocgs.all()]


class GangCreateInput(serializers.Serializer):
    name = serializers.CharField(allow_blank=True, max_length=120)
    kind = serializers.CharField(required=False, default="gang", max_length=16)
    area = serializers.CharField(allow_blank=True, max_length=160)
    division = serializers.IntegerField(allow_null=True)
    status = serializers.CharField(required=False, default="active", max_length=16)
    description = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=LONG_TEXT
    )
    review_date = serializers.DateField(required=False, allow_null=True, validators=[PLANNED])


class GangUpdateInput(serializers.Serializer):
    # Or If-Match; without either the view answers 428.
    version = serializers.IntegerField(required=False)
    name = serializers.CharField(required=False, allow_blank=True, max_length=120)
    kind = serializers.CharField(required=False, max_length=16)
    area = serializers.CharField(required=False, allow_blank=True, max_length=160)
    division = serializers.IntegerField(required=False, allow_null=True)
    status = serializers.CharField(required=False, max_length=16)
    description = serializers.CharField(required=False, allow_blank=True, max_length=LONG_TEXT)
    review_date = serializers.DateField(required=False, allow_null=True, validators=[PLANNED])


class GangMemberInput(serializers.Serializer):
    nominal = serializers.IntegerField()
    role = serializers.CharField(required=False, default="member", max_length=16)
    from_date = serializers.DateField(required=False, allow_null=True, validators=[HAPPENED])
    to_date = serializers.DateField(required=False, allow_null=True, validators=[HAPPENED])


class GangCountyLineInput(serializers.Serializer):
    county_line = serializers.IntegerField()


class GangOcgInput(serializers.Serializer):
    ocg = serializers.IntegerField()


class GangUnlinkInput(serializers.Serializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=REASON_TEXT
    )
