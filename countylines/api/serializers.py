"""Input and output shapes of the county-line API. Rules live in the services."""

from __future__ import annotations

import datetime
from typing import Any

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from countylines import scores, selectors
from countylines.models import CountyLine, PersonAtRisk, SafeguardingReferral
from countylines.phones import display_mobile
from kentsoc.limits import HAPPENED, LONG_TEXT, PLANNED, REASON_TEXT
from kentsoc.org.models import Division
from kentsoc.web.coerce import as_id
from kentsoc.web.lent import LentRowSerializerMixin, lent_cut
from kentsoc.web.rows import PlainRowsListSerializer


class CountyLineListSerializer(PlainRowsListSerializer):
    """A page of lines (from `selectors.line_api_rows`): districts, deal lines, nominals, scores
    and ranks read for the page as values, a query each, not a model row of each."""

    def related(self, rows: list[CountyLine]) -> dict[str, dict[Any, Any]]:
        ids = [row.pk for row in rows]
        return {
            **selectors.line_page_related(ids, user=self.context["request"].user),
            **scores.scores_data(ids),
        }

    def finish(self, item: dict[str, Any]) -> dict[str, Any]:
        return lent_cut(item)


class CountyLineSerializer(LentRowSerializerMixin, serializers.ModelSerializer):
    division_code = serializers.CharField(source="division.code", read_only=True)
    effective_division = serializers.SerializerMethodField()
    effective_division_code = serializers.SerializerMethodField()
    flexed = serializers.BooleanField(source="is_flexed", read_only=True)
    importing_districts = serializers.SerializerMethodField()
    primary_district = serializers.SerializerMethodField()
    deal_lines = serializers.SerializerMethodField()
    nominals = serializers.SerializerMethodField()
    dismantled_on = serializers.SerializerMethodField()
    days_to_dismantle = serializers.SerializerMethodField()
    missing_criteria = serializers.SerializerMethodField()
    warnings = serializers.SerializerMethodField()
    score = serializers.SerializerMethodField()
    threat = serializers.SerializerMethodField()
    risk = serializers.SerializerMethodField()
    harm = serializers.SerializerMethodField()
    confidence = serializers.SerializerMethodField()
    matrix_version = serializers.SerializerMethodField()
    rank = serializers.SerializerMethodField()
    top30 = serializers.SerializerMethodField()
    stale = serializers.SerializerMethodField()

    class Meta:
        model = CountyLine
        fields = [
            "id",
            "reference",
            "name",
            "exporting_area",
            "status",
            "division",
            "division_code",
            "effective_division",
            "effective_division_code",
            "flexed",
            "flexed_division",
            "flex_reason",
            "flexed_on",
            "importing_districts",
            "primary_district",
            "deal_lines",
            "ocg",
            "nominals",
            "handsets_seized",
            "nominated_on",
            "activated_on",
            "dismantled_on",
            "closed_on",
            "closure_reason",
            "days_to_dismantle",
            "missing_criteria",
            "warnings",
            "version",
            "score",
            "threat",
            "risk",
            "harm",
            "confidence",
            "matrix_version",
            "rank",
            "top30",
            "stale",
            "shared",
        ]
        read_only_fields = fields
        list_serializer_class = CountyLineListSerializer

    def get_effective_division(self, line: CountyLine) -> int:
        return line.flexed_division_id or line.division_id

    def get_effective_division_code(self, line: CountyLine) -> str:
        return (line.flexed_division if line.flexed_division_id else line.division).code

    def get_importing_districts(self, line: CountyLine) -> list[int]:
        return [link.district_id for link in line.line_districts.all()]

    def get_primary_district(self, line: CountyLine) -> int | None:
        return next(
            (link.district_id for link in line.line_districts.all() if link.is_primary), None
        )

    def get_deal_lines(self, line: CountyLine) -> list[dict[str, Any]]:
        return [
            {
                "number": dl.number,
                "display": display_mobile(dl.number),
                "active_from": dl.active_from,
                "active_to": dl.active_to,
            }
            for dl in line.deal_lines.all()
        ]

    def get_nominals(self, line: CountyLine) -> list[dict[str, Any]]:
        return [
            {"id": link.pk, "nominal": link.nominal_id, "role": link.role}
            for link in line.line_nominals.all()
        ]

    def get_dismantled_on(self, line: CountyLine) -> datetime.date | None:
        return line.closed_on if line.status == "dismantled" else None

    def get_days_to_dismantle(self, line: CountyLine) -> int | None:
        return selectors.days_to_dismantle(line)

    def get_missing_criteria(self, line: CountyLine) -> list[str]:
        return selectors.listed_missing_criteria(line)

    def get_warnings(self, line: CountyLine) -> list[dict[str, Any]]:
        return selectors.deal_line_warnings(line, user=self.context["request"].user)

    def _score_attr(self, line: CountyLine, attr: str):
        score = scores.current_score(line)
        return getattr(score, attr) if score else None

    def get_score(self, line: CountyLine) -> int | None:
        return self._score_attr(line, "total")

    def get_threat(self, line: CountyLine) -> int | None:
        return self._score_attr(line, "threat")

    def get_risk(self, line: CountyLine) -> int | None:
        return self._score_attr(line, "risk")

    def get_harm(self, line: CountyLine) -> int | None:
        return self._score_attr(line, "harm")

    def get_confidence(self, line: CountyLine) -> str | None:
        return self._score_attr(line, "confidence")

    def get_matrix_version(self, line: CountyLine) -> str | None:
        return self._score_attr(line, "matrix_version")

    def get_rank(self, line: CountyLine) -> int | None:
        ranking = scores.current_ranking(line)
        return ranking.rank if ranking else None

    def get_top30(self, line: CountyLine) -> bool:
        ranking = scores.current_ranking(line)
        return bool(ranking and ranking.top30)

    def get_stale(self, line: CountyLine) -> bool:
        return line.score_stale_since is not None


@extend_schema_serializer(component_name="CountyLineNominalLinkInput")
class NominalLinkInput(serializers.Serializer):
    nominal = serializers.IntegerField()
    role = serializers.CharField(max_length=20)


class CountyLineCreateInput(serializers.Serializer):
    name = serializers.CharField(allow_blank=True, max_length=80)
    exporting_area = serializers.CharField(allow_blank=True, max_length=120)
    importing_districts = serializers.ListField(child=serializers.IntegerField(), allow_empty=True)
    deal_lines = serializers.ListField(
        child=serializers.CharField(allow_blank=True, max_length=30), allow_empty=True
    )
    ocg = serializers.IntegerField(required=False, allow_null=True)
    nominals = NominalLinkInput(many=True, required=False)
    nominated_on = serializers.DateField(required=False, allow_null=True, validators=[HAPPENED])


class CountyLineUpdateInput(serializers.Serializer):
    # Or If-Match; without either the view answers 428.
    version = serializers.IntegerField(required=False)
    name = serializers.CharField(required=False, allow_blank=True, max_length=80)
    exporting_area = serializers.CharField(required=False, allow_blank=True, max_length=120)
    importing_districts = serializers.ListField(child=serializers.IntegerField(), required=False)
    handsets_seized = serializers.IntegerField(required=False)
    review_date = serializers.DateField(required=False, allow_null=True, validators=[PLANNED])
    ocg = serializers.IntegerField(required=False, allow_null=True)


class DealLineInput(serializers.Serializer):
    number = serializers.CharField(allow_blank=True, max_length=30)
    active_from = serializers.DateField(required=False, allow_null=True, validators=[HAPPENED])


class DismantleInput(serializers.Serializer):
    date = serializers.DateField(validators=[HAPPENED])
    reason = serializers.CharField(allow_blank=True, max_length=REASON_TEXT)


@extend_schema_serializer(component_name="CountyLineReasonInput")
class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(
        allow_blank=True, required=False, default="", max_length=REASON_TEXT
    )


@extend_schema_field(
    {"oneOf": [{"type": "string", "maxLength": 16}, {"type": "integer"}], "nullable": True}
)
class DivisionCodeOrId(serializers.CharField):
    """A division's code ("EAST") or its id (3): the flex contract takes either."""

    def to_internal_value(self, data: Any) -> str:
        if isinstance(data, int) and not isinstance(data, bool):
            data = str(data)
        return super().to_internal_value(data)


class FlexInput(serializers.Serializer):
    division = DivisionCodeOrId(allow_blank=True, allow_null=True, required=False, max_length=16)
    reason = serializers.CharField(
        allow_blank=True, required=False, default="", max_length=REASON_TEXT
    )

    def validate_division(self, value: str | None) -> Division | None:
        """The division named by its id or code; none (which ends a flex) when empty."""
        if not value:
            return None
        pk = as_id(value)
        division = (
            Division.objects.filter(pk=pk).first()
            if pk is not None
            else Division.objects.filter(code__iexact=value).first()
        )
        if division is None:
            raise serializers.ValidationError(f"There is no division {value!r}.")
        return division


class ReferralSerializer(serializers.ModelSerializer):
    class Meta:
        model = SafeguardingReferral
        fields = [
            "id",
            "person",
            "agency",
            "partner_name",
            "referred_on",
            "outcome",
            "outcome_on",
            "created_at",
        ]
        read_only_fields = fields


class PersonAtRiskSerializer(serializers.ModelSerializer):
    referrals = ReferralSerializer(many=True, read_only=True)

    class Meta:
        model = PersonAtRisk
        fields = [
            "id",
            "county_line",
            "division",
            "met_through",
            "street_group",
            "name",
            "kind",
            "age_band",
            "setting",
            "engagement_status",
            "notes",
            "review_date",
            "version",
            "referrals",
            "created_at",
        ]
        read_only_fields = fields


class PersonAtRiskCreateInput(serializers.Serializer):
    # None (or left out) for someone met through a school or a street group with no line yet:
    # `met_through` then says which, and the record is kept in the recording CLIO's division.
    county_line = serializers.IntegerField(required=False, allow_null=True, default=None)
    met_through = serializers.CharField(required=False, allow_blank=True, default="", max_length=20)
    street_group = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=120
    )
    name = serializers.CharField(allow_blank=True, max_length=120)
    kind = serializers.CharField(max_length=20)
    age_band = serializers.CharField(max_length=10)
    setting = serializers.CharField(required=False, allow_blank=True, default="", max_length=160)
    engagement_status = serializers.CharField(
        required=False, default="not_yet_contacted", max_length=20
    )
    notes = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=LONG_TEXT
    )
    review_date = serializers.DateField(required=False, allow_null=True, validators=[PLANNED])


class PersonAtRiskUpdateInput(serializers.Serializer):
    # Or If-Match; without either the view answers 428.
    version = serializers.IntegerField(required=False)
    name = serializers.CharField(required=False, allow_blank=True, max_length=120)
    kind = serializers.CharField(required=False, max_length=20)
    age_band = serializers.CharField(required=False, max_length=10)
    setting = serializers.CharField(required=False, allow_blank=True, max_length=160)
    met_through = serializers.CharField(required=False, max_length=20)
    street_group = serializers.CharField(required=False, allow_blank=True, max_length=120)
    engagement_status = serializers.CharField(required=False, max_length=20)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=LONG_TEXT)
    review_date = serializers.DateField(required=False, allow_null=True, validators=[PLANNED])


class ReferralCreateInput(serializers.Serializer):
    agency = serializers.CharField(max_length=20)
    partner_name = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=120
    )
    referred_on = serializers.DateField(validators=[HAPPENED])
    outcome = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=REASON_TEXT
    )
    outcome_on = serializers.DateField(required=False, allow_null=True, validators=[HAPPENED])


class ReferralOutcomeInput(serializers.Serializer):
    outcome = serializers.CharField(allow_blank=True, max_length=REASON_TEXT)
    outcome_on = serializers.DateField(validators=[HAPPENED])
