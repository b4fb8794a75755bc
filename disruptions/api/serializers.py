from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from rest_framework import serializers

from countylines.models import CountyLine
from disruptions.choices import WarrantPower
from disruptions.models import (
    COUNT_FIELDS,
    CourtResult,
    Disruption,
    DrugSeizure,
    Operation,
    WeaponSeizure,
)
from disruptions.selectors import disruption_subjects
from kentsoc.gangs.models import Gang
from kentsoc.limits import HAPPENED, LONG_TEXT, PLANNED, REASON_TEXT
from kentsoc.org.models import Team
from kentsoc.org.scoping import READ
from kentsoc.web.rows import PlainRowsListSerializer, nested_rows
from ocg.models import OCG, Nominal


class WeaponSeizureSerializer(serializers.ModelSerializer):
    class Meta:
        model = WeaponSeizure
        fields = ["kind", "count"]


class DrugSeizureSerializer(serializers.ModelSerializer):
    class Meta:
        model = DrugSeizure
        fields = ["drug_class", "drug", "amount", "unit", "estimated_value"]


def officer_name(first_name: str, last_name: str, username: str) -> str:
    """A disruption's officer as DisruptionSerializer names them, from the user's columns."""
    return f"{first_name} {last_name}".strip() or username


class DisruptionListSerializer(PlainRowsListSerializer):
    """A page of disruptions: the subjects and gangs each names and its seizures read for the
    page as values (a query each), not as a model row and a serializer per id and seizure."""

    def related(self, rows: list[Disruption]) -> dict[str, dict[Any, Any]]:
        ids = [row.pk for row in rows]
        fields = self.child_fields
        user = self.context["request"].user
        return {
            # Named from the columns disruption_api_rows reads beside each row.
            "team_name": {row.pk: row.team_name for row in rows},
            "officer_name": {
                row.pk: officer_name(
                    row.officer_first_name, row.officer_last_name, row.officer_username
                )
                for row in rows
            },
            # Only the subjects the user may see, as the record's endpoint (disruption_records).
            **disruption_subjects(ids, user=user).shown,
            # By the disruption's id (`disruption__id`, the same column), which Django reads as
            # a plain number: `disruption_id__in` made each id of the page a model lookup.
            "weapons": nested_rows(
                fields["weapons"], WeaponSeizure.objects.all(), "disruption__id", ids
            ),
            "drugs": nested_rows(fields["drugs"], DrugSeizure.objects.all(), "disruption__id", ids),
        }


class DisruptionSerializer(serializers.ModelSerializer):
    """Output shape of a disruption."""

    reference = serializers.CharField(read_only=True)
    team_name = serializers.CharField(source="team.name", read_only=True)
    officer_name = serializers.SerializerMethodField()
    ocgs = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    county_lines = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    nominals = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    gangs = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    weapons = WeaponSeizureSerializer(many=True, read_only=True)
    drugs = DrugSeizureSerializer(many=True, read_only=True)
    # Blank when no warrant was executed: the schema's enum must allow "" as the body carries it.
    warrant_power = serializers.ChoiceField(
        choices=WarrantPower.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Disruption
        fields = [
            "id",
            "reference",
            "status",
            "date",
            "team",
            "team_name",
            "officer",
            "officer_name",
            "operation",
            "ocgs",
            "county_lines",
            "nominals",
            "gangs",
            "strand",
            "tactic",
            "narrative",
            "impact_grade",
            "impact_rationale",
            *COUNT_FIELDS,
            "warrant_power",
            "cash_seized",
            "weapons",
            "drugs",
            "created_by",
            "submitted_by",
            "submitted_at",
            "approved_by",
            "approved_at",
            "returned_by",
            "returned_at",
            "return_reason",
            "version",
        ]
        read_only_fields = fields
        list_serializer_class = DisruptionListSerializer

    def get_officer_name(self, obj: Disruption) -> str:
        officer = obj.officer
        return officer_name(officer.first_name, officer.last_name, officer.get_username())


class _LooseRow(serializers.Serializer):
    """Rows are checked by the service, which names the row and what is missing."""


class WeaponInputSerializer(_LooseRow):
    kind = serializers.CharField(required=False, allow_blank=True, max_length=20)
    count = serializers.IntegerField(required=False)


class DrugInputSerializer(_LooseRow):
    drug_class = serializers.CharField(required=False, allow_blank=True, max_length=1)
    drug = serializers.CharField(required=False, allow_blank=True, max_length=80)
    amount = serializers.DecimalField(max_digits=12, decimal_places=3, required=False)
    unit = serializers.CharField(required=False, allow_blank=True, max_length=8)
    estimated_value = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)


class DisruptionInputSerializer(serializers.Serializer):
    """Input shape for create (all required fields) and PATCH (partial, with `version`)."""

    date = serializers.DateField(validators=[HAPPENED])
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), required=False)
    officer = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(officer__isnull=False), required=False
    )
    operation = serializers.PrimaryKeyRelatedField(
        queryset=Operation.objects.all(), required=False, allow_null=True
    )
    ocgs = serializers.PrimaryKeyRelatedField(
        many=True, queryset=OCG.objects.none(), required=False
    )
    county_lines = serializers.PrimaryKeyRelatedField(
        many=True, queryset=CountyLine.objects.none(), required=False
    )
    nominals = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Nominal.objects.none(), required=False
    )
    gangs = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Gang.objects.none(), required=False
    )
    strand = serializers.CharField(max_length=10)
    tactic = serializers.CharField(max_length=24)
    narrative = serializers.CharField(required=False, allow_blank=True, max_length=LONG_TEXT)
    impact_grade = serializers.CharField(max_length=10)
    impact_rationale = serializers.CharField(
        allow_blank=True,
        max_length=REASON_TEXT,
        error_messages={"required": "Explain why you chose this impact grade: it is required."},
    )
    arrests = serializers.IntegerField(required=False)
    prisoners_dealt_with = serializers.IntegerField(required=False)
    warrants_executed = serializers.IntegerField(required=False)
    warrant_power = serializers.CharField(required=False, allow_blank=True, max_length=8)
    charges = serializers.IntegerField(required=False)
    handsets = serializers.IntegerField(required=False)
    sim_cards = serializers.IntegerField(required=False)
    vehicles = serializers.IntegerField(required=False)
    safeguarding_referrals = serializers.IntegerField(required=False)
    cash_seized = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)
    weapons = WeaponInputSerializer(many=True, required=False)
    drugs = DrugInputSerializer(many=True, required=False)
    version = serializers.IntegerField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # No request (the schema generator) means no user: deny by default, every choice empty.
        user = getattr(self.context.get("request"), "user", None)
        # Only subjects the caller may see can be chosen; others read as "does not exist".
        # Also a line or OCG another force lends: the service refuses one lent read-only, saying so.
        self.fields["ocgs"].child_relation.queryset = OCG.objects.visible_to(user, lent=READ)
        self.fields["county_lines"].child_relation.queryset = CountyLine.objects.visible_to(
            user, lent=READ
        )
        self.fields["nominals"].child_relation.queryset = Nominal.objects.visible_to(user)
        self.fields["gangs"].child_relation.queryset = Gang.objects.visible_to(user)
        self.fields["operation"].queryset = Operation.objects.visible_to(user)

    def split(self) -> dict[str, Any]:
        """validated_data as service keyword arguments."""
        data = dict(self.validated_data)
        relations = {
            name: data.pop(name)
            for name in ("ocgs", "county_lines", "nominals", "gangs", "weapons", "drugs")
            if name in data
        }
        version = data.pop("version", None)
        return {"values": data, "version": version, **relations}


class DecisionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False)


class ReturnSerializer(DecisionSerializer):
    reason = serializers.CharField(
        allow_blank=True,
        max_length=REASON_TEXT,
        error_messages={"required": "Say what the author must correct: a reason is required."},
    )


class OperationSerializer(serializers.ModelSerializer):
    teams = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Team.objects.all(), required=False
    )
    lines_targeted = serializers.IntegerField(read_only=True)
    arrests = serializers.IntegerField(source="total_arrests", read_only=True)
    charges = serializers.IntegerField(source="total_charges", read_only=True)
    handsets = serializers.IntegerField(source="total_handsets", read_only=True)
    approved_disruptions = serializers.IntegerField(read_only=True)
    version = serializers.IntegerField(required=False)

    class Meta:
        model = Operation
        fields = [
            "id",
            "name",
            "start_date",
            "end_date",
            "teams",
            "description",
            "lines_targeted",
            "arrests",
            "charges",
            "handsets",
            "approved_disruptions",
            "version",
        ]
        # Uniqueness and date order are checked by the service with friendly messages.
        validators: list = []
        extra_kwargs = {
            "name": {"validators": []},
            "description": {"max_length": LONG_TEXT},
            # An operation can be planned: its dates may be ahead.
            "start_date": {"validators": [PLANNED]},
            "end_date": {"validators": [PLANNED]},
        }


class CourtResultSerializer(serializers.ModelSerializer):
    disruption = serializers.PrimaryKeyRelatedField(queryset=Disruption.objects.none())
    nominal = serializers.PrimaryKeyRelatedField(queryset=Nominal.objects.none())
    sentence = serializers.CharField(source="sentence_display", read_only=True)

    class Meta:
        model = CourtResult
        fields = [
            "id",
            "disruption",
            "nominal",
            "court",
            "offences",
            "outcome",
            "sentence_years",
            "sentence_months",
            "non_custodial_kind",
            "sentence",
            "result_date",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["created_by", "created_at"]
        extra_kwargs = {
            "sentence_years": {"required": False},
            "sentence_months": {"required": False},
            "non_custodial_kind": {"required": False},
            "offences": {"allow_blank": True, "max_length": LONG_TEXT},
            # Left to the service, which names the field when it is missing or blank.
            "court": {"default": "", "allow_blank": True, "max_length": 120},
            "result_date": {"validators": [HAPPENED]},
        }
        validators: list = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["disruption"].queryset = Disruption.objects.visible_to(request.user)
            self.fields["nominal"].queryset = Nominal.objects.visible_to(request.user)
