"""Input and output shapes of the OCG and nominal API. Rules live in the services."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kentsoc.limits import HAPPENED, LONG_TEXT, PLANNED, REASON_TEXT
from kentsoc.web.lent import LentRowSerializerMixin, lent_cut
from kentsoc.web.rows import PlainRowsListSerializer
from ocg import scores, selectors
from ocg.models import OCG, Membership, Nominal, PlanAction


class MembershipSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="nominal.reference", read_only=True)
    name = serializers.CharField(source="nominal.full_name", read_only=True)
    # The stored code as a plain string: a second choice set named "role" in the schema would
    # collide with the officers' roles (drf-spectacular's W001).
    role = serializers.CharField(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "nominal", "reference", "name", "role", "from_date", "to_date"]
        read_only_fields = fields


class OcgListSerializer(PlainRowsListSerializer):
    """A page of OCGs (from `selectors.ocg_api_rows`): members, criminality, scores and ranks read
    for the page as values, a query each, not a model row of each."""

    def related(self, rows: list[OCG]) -> dict[str, dict[Any, Any]]:
        ids = [row.pk for row in rows]
        return {
            "criminality": selectors.ocg_criminality(ids),
            "members": selectors.ocg_members(ids),
            "score": scores.scores_data(rows),
        }

    def finish(self, item: dict[str, Any]) -> dict[str, Any]:
        return lent_cut(item)


class OcgSerializer(LentRowSerializerMixin, serializers.ModelSerializer):
    criminality = serializers.SerializerMethodField()
    division_code = serializers.CharField(source="division.code", read_only=True)
    # MembershipSerializer's rows written out directly: a list of 50 OCGs has a few hundred
    # members, and a serializer field per value of each was a third of the list's Python time.
    members = serializers.SerializerMethodField()
    awaiting_approval = serializers.SerializerMethodField()
    missing_criteria = serializers.SerializerMethodField()
    score = serializers.SerializerMethodField()

    class Meta:
        model = OCG
        fields = [
            "id",
            "reference",
            "name",
            "status",
            "criminality",
            "division",
            "division_code",
            "summary",
            "managing_team",
            "lead_responsible_officer",
            "members",
            "nominated_on",
            "mapped_on",
            "adopted_on",
            "closed_on",
            "closure_reason",
            "awaiting_approval",
            "version",
            "missing_criteria",
            "score",
            "shared",
        ]
        read_only_fields = fields
        list_serializer_class = OcgListSerializer

    def get_criminality(self, ocg: OCG) -> list[str]:
        return sorted(c.code for c in ocg.criminality.all())

    @extend_schema_field(MembershipSerializer(many=True))
    def get_members(self, ocg: OCG) -> list[dict[str, Any]]:
        return [
            {
                "id": m.pk,
                "nominal": m.nominal_id,
                "reference": m.nominal.reference,
                "name": m.nominal.full_name,
                "role": m.role,
                "from_date": m.from_date.isoformat() if m.from_date else None,
                "to_date": m.to_date.isoformat() if m.to_date else None,
            }
            for m in ocg.memberships.all()
        ]

    def get_awaiting_approval(self, ocg: OCG) -> bool:
        return ocg.mapping_submitted_at is not None

    def get_missing_criteria(self, ocg: OCG) -> list[str]:
        return selectors.missing_criteria(ocg)

    def get_score(self, ocg: OCG) -> dict[str, Any] | None:
        return scores.score_data(ocg)


class MemberInput(serializers.Serializer):
    nominal = serializers.IntegerField()
    role = serializers.CharField(max_length=16)


class OcgCreateInput(serializers.Serializer):
    name = serializers.CharField(allow_blank=True, max_length=120)
    criminality = serializers.ListField(child=serializers.CharField(max_length=40))
    division = serializers.IntegerField(allow_null=True)
    summary = serializers.CharField(
        allow_blank=True, required=False, default="", max_length=LONG_TEXT
    )
    members = serializers.ListField(child=MemberInput(), allow_empty=True)
    nominated_on = serializers.DateField(required=False, allow_null=True, validators=[HAPPENED])


class OcgUpdateInput(serializers.Serializer):
    name = serializers.CharField(allow_blank=True, required=False, max_length=120)
    criminality = serializers.ListField(child=serializers.CharField(max_length=40), required=False)
    division = serializers.IntegerField(allow_null=True, required=False)
    summary = serializers.CharField(allow_blank=True, required=False, max_length=LONG_TEXT)
    version = serializers.IntegerField(required=False)


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=REASON_TEXT)


class AdoptInput(serializers.Serializer):
    managing_team = serializers.IntegerField(allow_null=True)
    lead_responsible_officer = serializers.IntegerField(allow_null=True)
    # Adopted by the NCA/ERSOU team: the regional unit's force, which the OCG is shared with.
    regional_force = serializers.IntegerField(allow_null=True, required=False)


class CloseInput(serializers.Serializer):
    status = serializers.CharField(max_length=16)
    date = serializers.DateField(validators=[HAPPENED])
    reason = serializers.CharField(allow_blank=True, max_length=REASON_TEXT)


class MembershipAddInput(serializers.Serializer):
    nominal = serializers.IntegerField()
    role = serializers.CharField(max_length=16)
    from_date = serializers.DateField(required=False, allow_null=True, validators=[HAPPENED])
    to_date = serializers.DateField(required=False, allow_null=True, validators=[HAPPENED])


class PlanActionSerializer(serializers.ModelSerializer):
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = PlanAction
        fields = [
            "id",
            "ocg",
            "strand",
            "description",
            "owner",
            "due_on",
            "status",
            "is_overdue",
            "version",
        ]
        read_only_fields = fields


class PlanActionInput(serializers.Serializer):
    strand = serializers.CharField(max_length=8)
    description = serializers.CharField(allow_blank=True, max_length=LONG_TEXT)
    owner = serializers.IntegerField()
    due_on = serializers.DateField(validators=[PLANNED])
    status = serializers.CharField(required=False, default="open", max_length=20)


class NominalSerializer(serializers.ModelSerializer):
    class Meta:
        model = Nominal
        fields = [
            "id",
            "reference",
            "first_name",
            "last_name",
            "aliases",
            "date_of_birth",
            "custody_status",
            "version",
        ]
        read_only_fields = fields


class NominalCreateInput(serializers.Serializer):
    first_name = serializers.CharField(allow_blank=True, max_length=80)
    last_name = serializers.CharField(allow_blank=True, max_length=80)
    date_of_birth = serializers.DateField(required=False, allow_null=True, validators=[HAPPENED])
    aliases = serializers.CharField(allow_blank=True, required=False, default="", max_length=300)
    custody_status = serializers.CharField(required=False, default="at_liberty", max_length=16)


class NominalUpdateInput(serializers.Serializer):
    first_name = serializers.CharField(allow_blank=True, required=False, max_length=80)
    last_name = serializers.CharField(allow_blank=True, required=False, max_length=80)
    date_of_birth = serializers.DateField(required=False, allow_null=True, validators=[HAPPENED])
    aliases = serializers.CharField(allow_blank=True, required=False, max_length=300)
    custody_status = serializers.CharField(required=False, max_length=16)
    version = serializers.IntegerField(required=False)
