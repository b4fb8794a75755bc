from rest_framework import serializers

from kentsoc.org.models import District, Division, Officer, Team


class DivisionSerializer(serializers.ModelSerializer):
    # Issue 4 gives divisions and districts one shape, {"id", "code", "name", "division"}: a
    # division is its own division, so clients can key any row by the division it ranks in.
    division = serializers.IntegerField(source="pk", read_only=True)

    class Meta:
        model = Division
        fields = ["id", "code", "name", "division", "is_central"]


class DistrictSerializer(serializers.ModelSerializer):
    class Meta:
        model = District
        fields = ["id", "code", "name", "division"]


class TeamSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "code", "name", "kind", "division"]


class OfficerSerializer(serializers.ModelSerializer):
    user = serializers.IntegerField(source="user_id", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    name = serializers.CharField(source="user.get_full_name", read_only=True)

    class Meta:
        model = Officer
        fields = [
            "id",
            "user",
            "username",
            "name",
            "collar_number",
            "rank",
            "role",
            "team",
            "division",
        ]
