from __future__ import annotations

from rest_framework import serializers

from kentsoc.limits import HAPPENED, LONG_TEXT
from kentsoc.prevention.models import SchoolSession, StreetGroupIntervention


class SchoolSessionSerializer(serializers.ModelSerializer):
    division_code = serializers.CharField(source="division.code", read_only=True)
    officer_name = serializers.SerializerMethodField()

    class Meta:
        model = SchoolSession
        fields = [
            "id",
            "school",
            "held_on",
            "audience",
            "topic",
            "division",
            "division_code",
            "officer",
            "officer_name",
            "notes",
            "version",
            "created_at",
        ]
        read_only_fields = fields

    def get_officer_name(self, session: SchoolSession) -> str:
        return session.officer.get_full_name() or session.officer.username


class SchoolSessionCreateInput(serializers.Serializer):
    school = serializers.CharField(allow_blank=True, max_length=160)
    held_on = serializers.DateField(validators=[HAPPENED])
    audience = serializers.IntegerField(min_value=1, max_value=1_000_000)
    topic = serializers.CharField(allow_blank=True, max_length=160)
    notes = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=LONG_TEXT
    )
    # Only the CLIO coordinator (no division of their own) names one: an id or a code.
    division = serializers.CharField(required=False, allow_blank=True, default="", max_length=16)


class SchoolSessionUpdateInput(serializers.Serializer):
    # Or If-Match; without either the view answers 428.
    version = serializers.IntegerField(required=False)
    school = serializers.CharField(required=False, allow_blank=True, max_length=160)
    held_on = serializers.DateField(required=False, validators=[HAPPENED])
    audience = serializers.IntegerField(required=False, min_value=1, max_value=1_000_000)
    topic = serializers.CharField(required=False, allow_blank=True, max_length=160)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=LONG_TEXT)


class InterventionSerializer(serializers.ModelSerializer):
    gang_name = serializers.CharField(source="gang.name", read_only=True)
    division_code = serializers.CharField(source="division.code", read_only=True)
    officer_name = serializers.SerializerMethodField()

    class Meta:
        model = StreetGroupIntervention
        fields = [
            "id",
            "gang",
            "gang_name",
            "held_on",
            "young_people_engaged",
            "referrals_made",
            "outcome",
            "division",
            "division_code",
            "officer",
            "officer_name",
            "version",
            "created_at",
        ]
        read_only_fields = fields

    def get_officer_name(self, intervention: StreetGroupIntervention) -> str:
        return intervention.officer.get_full_name() or intervention.officer.username


class InterventionCreateInput(serializers.Serializer):
    gang = serializers.IntegerField(min_value=1)
    held_on = serializers.DateField(validators=[HAPPENED])
    young_people_engaged = serializers.IntegerField(min_value=1, max_value=1_000_000)
    referrals_made = serializers.IntegerField(
        required=False, default=0, min_value=0, max_value=1_000_000
    )
    outcome = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=LONG_TEXT
    )
    division = serializers.CharField(required=False, allow_blank=True, default="", max_length=16)


class InterventionUpdateInput(serializers.Serializer):
    # Or If-Match; without either the view answers 428.
    version = serializers.IntegerField(required=False)
    held_on = serializers.DateField(required=False, validators=[HAPPENED])
    young_people_engaged = serializers.IntegerField(
        required=False, min_value=1, max_value=1_000_000
    )
    referrals_made = serializers.IntegerField(required=False, min_value=0, max_value=1_000_000)
    outcome = serializers.CharField(required=False, allow_blank=True, max_length=LONG_TEXT)
