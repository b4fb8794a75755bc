"""The /api/intelligence/ body. Input shape only; the rules are in kentsoc.intel.services."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from kentsoc.intel.choices import HandlingCode, IntelligenceAssessment, SourceEvaluation
from kentsoc.intel.models import IntelligenceRecord
from kentsoc.intel.selectors import (
    RESTRICTED_CONDITIONS,
    RecordLinks,
    can_read_conditions,
    intelligence_links,
    record_links,
)
from kentsoc.limits import HAPPENED, LONG_TEXT, REASON_TEXT


class FactorClaimSerializer(serializers.Serializer):
    factor = serializers.CharField(max_length=40)
    level = serializers.IntegerField(min_value=0)


class DeleteInput(serializers.Serializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=REASON_TEXT
    )


# POST /api/ocgs/<id>/evidence/: one criterion of the OCG definition and what shows it.
class EvidenceInput(serializers.Serializer):
    criterion = serializers.CharField(max_length=40)
    text = serializers.CharField(allow_blank=True, max_length=LONG_TEXT)
    records = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)


# The same body for a county line, under the schema name its clients were generated from.
@extend_schema_serializer(component_name="CountyLineEvidenceInput")
class CountyLineEvidenceInput(EvidenceInput):
    records = serializers.ListField(child=serializers.IntegerField(), required=False)


class IntelligenceRecordListSerializer(serializers.ListSerializer):
    """A page of the list: what each record names read as values for the page (one query per
    kind, `intelligence_links`), so the list needs only the records' own rows."""

    def to_representation(self, data: Any) -> list[dict[str, Any]]:
        records = list(data)
        links = intelligence_links(
            [record.pk for record in records], user=self.context["request"].user
        )
        return [self.child.represent(record, links[record.pk]) for record in records]


class IntelligenceRecordSerializer(serializers.Serializer):
    class Meta:
        list_serializer_class = IntelligenceRecordListSerializer

    reference = serializers.CharField(
        max_length=20, required=False, allow_null=True, allow_blank=True
    )
    rms_reference = serializers.CharField(max_length=40, required=False, allow_blank=True)
    information_date = serializers.DateField(validators=[HAPPENED])
    summary = serializers.CharField(allow_blank=True, max_length=LONG_TEXT)
    source_evaluation = serializers.ChoiceField(choices=SourceEvaluation.values)
    intelligence_assessment = serializers.ChoiceField(choices=IntelligenceAssessment.values)
    handling_code = serializers.ChoiceField(choices=HandlingCode.values)
    handling_conditions = serializers.CharField(
        required=False, allow_blank=True, max_length=LONG_TEXT
    )
    ocgs = serializers.ListField(child=serializers.IntegerField(), required=False)
    county_lines = serializers.ListField(child=serializers.IntegerField(), required=False)
    nominals = serializers.ListField(child=serializers.IntegerField(), required=False)
    gangs = serializers.ListField(child=serializers.IntegerField(), required=False)
    factor_claims = FactorClaimSerializer(many=True, required=False)
    version = serializers.IntegerField(
        required=False,
        help_text="On PATCH: the version you read (or send it as If-Match); without either the "
        "answer is 428, and a stale version is refused (400).",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        record = self.instance
        user = self.context["request"].user
        # A client that read "restricted: …" and sends it back unchanged is not editing it.
        if (
            record is not None
            and attrs.get("handling_conditions") == RESTRICTED_CONDITIONS
            and not can_read_conditions(user, record)
        ):
            attrs.pop("handling_conditions")
        return attrs

    def to_representation(self, record: IntelligenceRecord) -> dict[str, Any]:
        return self.represent(record, record_links(record, user=self.context["request"].user))

    def represent(self, record: IntelligenceRecord, links: RecordLinks) -> dict[str, Any]:
        readable = can_read_conditions(self.context["request"].user, record)
        return {
            "id": record.pk,
            "reference": record.reference,
            "rms_reference": record.rms_reference,
            "information_date": record.information_date.isoformat(),
            "summary": record.summary,
            "source_evaluation": record.source_evaluation,
            "intelligence_assessment": record.intelligence_assessment,
            "handling_code": record.handling_code,
            "handling_conditions": (
                record.handling_conditions if readable else RESTRICTED_CONDITIONS
            ),
            "handling_conditions_restricted": not readable,
            "ocgs": links.ocgs,
            "county_lines": links.county_lines,
            "nominals": links.nominals,
            "gangs": links.gangs,
            "factor_claims": [
                {"factor": factor, "level": level} for factor, level in links.factor_claims
            ],
            "grading": record.grading,
            "scorable": record.is_scorable,
            "deleted": record.deleted_at is not None,
            "deleted_at": record.deleted_at.isoformat() if record.deleted_at else None,
            "deleted_reason": record.deleted_reason,
            "version": record.version,
            "created_at": record.created_at.isoformat(),
            "owning_team": record.owning_team_id,
        }
