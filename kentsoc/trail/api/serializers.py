from rest_framework import serializers

from kentsoc.audit.models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.IntegerField(source="actor_id", read_only=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "actor",
            "actor_username",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "changes",
            "reason",
            "ip_address",
            "request_id",
            "path",
        ]
        read_only_fields = fields
