from rest_framework import serializers

from kentsoc.accounts.models import ApiToken


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, write_only=True)
    otp = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        write_only=True,
        help_text="The six-digit code from your authenticator app, or one of your recovery "
        "codes. Required when the second factor is on (outside the demo) and you have enrolled.",
    )


class TokenIssuedSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="The key, shown this once: only its hash is kept.")
    expiry = serializers.DateTimeField(help_text="When the token stops working.")


class ApiTokenSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    last_used = serializers.DateTimeField(source="last_used_at", read_only=True, allow_null=True)
    current = serializers.SerializerMethodField()

    class Meta:
        model = ApiToken
        fields = ["id", "created", "expiry", "last_used", "current"]

    def get_current(self, token: ApiToken) -> bool:
        """Whether this is the token that authenticated this request."""
        auth = getattr(self.context.get("request"), "auth", None)
        return isinstance(auth, ApiToken) and auth.pk == token.pk
