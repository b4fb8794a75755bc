from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kentsoc.matrix.models import ForceSnapshot, Ranking
from kentsoc.org.choices import scd_by_unit
from kentsoc.web.rows import PlainRowsListSerializer


class RankingListSerializer(PlainRowsListSerializer):
    """A page of rankings written from its rows (their score and subject read with them), without
    DRF's per-row, per-field machinery."""


class _RankingSerializer(serializers.ModelSerializer):
    division = serializers.CharField(source="partition")
    score = serializers.IntegerField(source="score.total")
    threat = serializers.IntegerField(source="score.threat")
    risk = serializers.IntegerField(source="score.risk")
    harm = serializers.IntegerField(source="score.harm")
    confidence = serializers.CharField(source="score.confidence")
    matrix_version = serializers.CharField(source="score.matrix_version")
    scored_at = serializers.DateTimeField(source="score.computed_at")


class CountyLineRankingSerializer(_RankingSerializer):
    reference = serializers.CharField(source="county_line.reference")
    name = serializers.CharField(source="county_line.name")
    stale = serializers.SerializerMethodField()

    class Meta:
        model = Ranking
        fields = [
            "county_line",
            "reference",
            "name",
            "division",
            "rank",
            "top30",
            "score",
            "threat",
            "risk",
            "harm",
            "confidence",
            "matrix_version",
            "scored_at",
            "stale",
            "flexed",
        ]
        list_serializer_class = RankingListSerializer

    def get_stale(self, obj: Ranking) -> bool:
        return obj.county_line.score_stale_since is not None


class OcgRankingSerializer(_RankingSerializer):
    reference = serializers.CharField(source="ocg.reference")
    name = serializers.CharField(source="ocg.name")
    tier = serializers.IntegerField(source="score.tier")
    stale = serializers.SerializerMethodField()

    class Meta:
        model = Ranking
        fields = [
            "ocg",
            "reference",
            "name",
            "division",
            "rank",
            "top30",
            "score",
            "tier",
            "threat",
            "risk",
            "harm",
            "confidence",
            "matrix_version",
            "scored_at",
            "stale",
        ]
        list_serializer_class = RankingListSerializer

    def get_stale(self, obj: Ranking) -> bool:
        return obj.ocg.score_stale_since is not None


class _ScdUnitSerializer(serializers.Serializer):
    unit = serializers.CharField()
    label = serializers.CharField()
    ocgs = serializers.IntegerField()


class ForceSnapshotSerializer(serializers.ModelSerializer):
    ocgs_with_scd_by_unit = serializers.SerializerMethodField(
        help_text="ocgs_with_scd broken down by adopting unit (SOC, Money Laundering Team, ...)"
    )

    class Meta:
        model = ForceSnapshot
        fields = [
            "on",
            "active_lines",
            "total_trh",
            "mapped_ocgs",
            "ocgs_by_status",
            "ocgs_by_team",
            "ocgs_on_division",
            "ocgs_with_scd",
            "ocgs_with_scd_by_unit",
        ]

    @extend_schema_field(_ScdUnitSerializer(many=True))
    def get_ocgs_with_scd_by_unit(self, obj: ForceSnapshot) -> list[dict]:
        return [
            {"unit": unit, "label": label, "ocgs": count}
            for unit, label, count in scd_by_unit(obj.ocgs_by_team)
        ]


class _ExplainedRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField(allow_null=True)
    grading = serializers.CharField()
    information_date = serializers.DateField()
    scorable = serializers.BooleanField()


class _ExplainedFactorSerializer(serializers.Serializer):
    factor = serializers.CharField()
    label = serializers.CharField()
    part = serializers.CharField()
    level = serializers.IntegerField()
    level_label = serializers.CharField()
    points = serializers.IntegerField()
    from_data = serializers.BooleanField()
    records = _ExplainedRecordSerializer(many=True)
    unscorable_records = _ExplainedRecordSerializer(many=True)


class ScoreExplanationSerializer(serializers.Serializer):
    """The shape of `…/explain/` (built by selectors.score_explain): the score factor by
    factor, with the records the reader may see behind each level. Unscored: nulls and no
    factors, with the reason."""

    subject = serializers.IntegerField()
    subject_type = serializers.CharField()
    reference = serializers.CharField(allow_null=True)
    name = serializers.CharField()
    scored = serializers.BooleanField()
    not_scored_reason = serializers.CharField(allow_blank=True)
    stale = serializers.BooleanField()
    total = serializers.IntegerField(allow_null=True)
    threat = serializers.IntegerField(allow_null=True)
    risk = serializers.IntegerField(allow_null=True)
    harm = serializers.IntegerField(allow_null=True)
    confidence = serializers.CharField(allow_null=True)
    tier = serializers.IntegerField(allow_null=True)
    matrix_version = serializers.CharField(allow_null=True)
    scored_at = serializers.DateTimeField(allow_null=True)
    factors = _ExplainedFactorSerializer(many=True)
    breakdown = _ExplainedFactorSerializer(many=True, help_text="The same list as `factors`.")
