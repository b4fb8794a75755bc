"""Input and output shapes of the share API. Rules live in the services and selectors."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kentsoc.limits import PLANNED, REASON_TEXT
from kentsoc.org.scoping import access_for
from kentsoc.sharing.choices import ShareAccess
from kentsoc.sharing.models import Share
from kentsoc.sharing.selectors import who


class _ForceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class _SubjectSerializer(serializers.Serializer):
    type = serializers.CharField()
    id = serializers.IntegerField()
    reference = serializers.CharField()
    name = serializers.CharField(allow_null=True, help_text="Null until the share lends it to you")


def _reader_force(serializer: serializers.Serializer) -> int | None:
    access = access_for(serializer.context["request"].user)
    return access.force_id if access is not None else None


class ShareSerializer(serializers.ModelSerializer):
    """A share as either force's supervisors (or, while it is live, the receiving force's
    readers) see it: the subject's name only to its owner or while it is lent."""

    subject = serializers.SerializerMethodField()
    owner_force = _ForceSerializer(read_only=True)
    receiving_force = _ForceSerializer(read_only=True)
    status = serializers.CharField(source="status_label", read_only=True)
    live = serializers.BooleanField(source="is_live", read_only=True)
    records = serializers.SerializerMethodField()
    requested_by = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()
    revoked_by = serializers.SerializerMethodField()

    class Meta:
        model = Share
        fields = [
            "id",
            "subject",
            "owner_force",
            "receiving_force",
            "access",
            "state",
            "status",
            "live",
            "starts_on",
            "ends_on",
            "reason",
            "records",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_reason",
            "revoked_by",
            "revoked_at",
            "revoke_reason",
        ]
        read_only_fields = fields

    def _owns(self, share: Share) -> bool:
        access = access_for(self.context["request"].user)
        return access is not None and access.force_id == share.owner_force_id

    @extend_schema_field(_SubjectSerializer)
    def get_subject(self, share: Share) -> dict[str, Any]:
        subject = share.subject
        return {
            "type": share.subject_kind,
            "id": subject.pk,
            "reference": subject.reference,
            "name": subject.name if self._owns(share) or share.is_live else None,
        }

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_records(self, share: Share) -> list[int]:
        """The chosen intelligence's ids (the owner's to see; the receiver reads it lent)."""
        if not self._owns(share):
            return []
        return sorted(r.pk for r in share.records.all())

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_requested_by(self, share: Share) -> str | None:
        # The other force's officers by that force's name only (selectors.who).
        user = share.requested_by
        return None if user is None else who(share, user, _reader_force(self))

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_decided_by(self, share: Share) -> str | None:
        # The other force's officers by that force's name only (selectors.who).
        user = share.decided_by
        return None if user is None else who(share, user, _reader_force(self))

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_revoked_by(self, share: Share) -> str | None:
        # The other force's officers by that force's name only (selectors.who).
        user = share.revoked_by
        return None if user is None else who(share, user, _reader_force(self))


class LentRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    information_date = serializers.DateField()
    summary = serializers.CharField()
    grading = serializers.CharField()


class LentDisruptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    tactic = serializers.CharField()
    strand = serializers.CharField()
    impact_grade = serializers.CharField()
    narrative = serializers.CharField()
    force = serializers.CharField(source="team.force.code")


class LentSubjectSerializer(serializers.Serializer):
    type = serializers.CharField()
    id = serializers.IntegerField()
    reference = serializers.CharField()
    name = serializers.CharField()
    status = serializers.CharField()
    division = serializers.CharField()


class ShareDetailSerializer(ShareSerializer):
    """One share, with what it lends as the caller reads it (nothing once it is over)."""

    lent = serializers.SerializerMethodField()
    contribute = serializers.SerializerMethodField()

    class Meta(ShareSerializer.Meta):
        fields = [*ShareSerializer.Meta.fields, "lent", "contribute"]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {
                "subject": {"type": "object"},
                "records": {"type": "array", "items": {"type": "object"}},
                "disruptions": {"type": "array", "items": {"type": "object"}},
            },
        }
    )
    def get_lent(self, share: Share) -> dict[str, Any] | None:
        page = self.context["page"]
        if page.subject is None:
            return None
        subject = page.subject
        return {
            "subject": LentSubjectSerializer(
                {
                    "type": share.subject_kind,
                    "id": subject.pk,
                    "reference": subject.reference,
                    "name": subject.name,
                    "status": subject.status,
                    "division": subject.division.name,
                }
            ).data,
            "records": LentRecordSerializer(page.records, many=True).data,
            "disruptions": LentDisruptionSerializer(page.disruptions, many=True).data,
        }

    @extend_schema_field(serializers.BooleanField())
    def get_contribute(self, share: Share) -> bool:
        """Whether the caller may add intelligence and disruptions to the subject now."""
        return self.context["page"].contributes


class ShareCreateInput(serializers.Serializer):
    """Offer one of your force's lines or OCGs (`county_line` or `ocg`, `receiving_force`,
    `records`), or ask another force for one by its `reference`."""

    county_line = serializers.IntegerField(required=False, min_value=1)
    ocg = serializers.IntegerField(required=False, min_value=1)
    reference = serializers.CharField(required=False, max_length=16)
    receiving_force = serializers.IntegerField(required=False, min_value=1)
    access = serializers.ChoiceField(choices=ShareAccess.choices, default=ShareAccess.READ)
    records = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=200
    )
    reason = serializers.CharField(max_length=REASON_TEXT)
    starts_on = serializers.DateField(required=False, validators=[PLANNED])
    ends_on = serializers.DateField(required=False, validators=[PLANNED])

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        given = [k for k in ("county_line", "ocg", "reference") if attrs.get(k)]
        if len(given) != 1:
            raise serializers.ValidationError(
                "Give one of county_line or ocg (to offer your own) or reference (to ask)."
            )
        if given[0] != "reference" and not attrs.get("receiving_force"):
            raise serializers.ValidationError({"receiving_force": "Say which force receives it."})
        return attrs


class ShareApproveInput(serializers.Serializer):
    records = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=200
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=REASON_TEXT)


class ShareReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_TEXT)
