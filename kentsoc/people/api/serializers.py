"""The people API's shapes: a likely duplicate pair, a merge, and the merge and undo inputs."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kentsoc.limits import REASON_TEXT
from kentsoc.people.models import NominalMerge


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    name = serializers.CharField(source="full_name")
    aliases = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)


class PairSerializer(serializers.Serializer):
    first = PersonSerializer()
    second = PersonSerializer()
    score = serializers.FloatField(help_text="How alike the names are, 0 to 1 (pg_trgm).")
    why = serializers.CharField(help_text="Why they look like one person, in words.")


class MergeInput(serializers.Serializer):
    survivor = serializers.IntegerField(min_value=1, help_text="The person kept (id).")
    merged = serializers.IntegerField(
        min_value=1, help_text="The person merged into the survivor, then deleted (id)."
    )
    reason = serializers.CharField(max_length=REASON_TEXT, help_text="Why they are one person.")


class UndoInput(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_TEXT, help_text="Why the merge is undone.")


def _by_model(groups: list[dict[str, Any]], size: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for group in groups:
        counts[group["model"]] = counts.get(group["model"], 0) + size(group)
    return counts


class MergeSerializer(serializers.ModelSerializer):
    survivor = serializers.IntegerField(source="survivor_id")
    merged = serializers.IntegerField(source="merged_id")
    merged_by = serializers.CharField(source="merged_by.username")
    undone_by = serializers.CharField(source="undone_by.username", allow_null=True, default=None)
    moved = serializers.SerializerMethodField(help_text="Rows re-pointed, by table.")
    set_aside = serializers.SerializerMethodField(
        help_text="Rows removed because the survivor had the same, by table (put back on undo)."
    )

    class Meta:
        model = NominalMerge
        fields = [
            "id",
            "survivor",
            "survivor_label",
            "merged",
            "merged_label",
            "reason",
            "merged_by",
            "merged_at",
            "moved",
            "set_aside",
            "undone_by",
            "undone_at",
            "undo_reason",
        ]

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_moved(self, merge: NominalMerge) -> dict[str, int]:
        return _by_model(merge.moved, lambda g: len(g["ids"]))

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_set_aside(self, merge: NominalMerge) -> dict[str, int]:
        return _by_model(merge.dropped, lambda g: 1)
