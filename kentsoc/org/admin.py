from django.contrib import admin

from kentsoc.org.models import District, Division, Force, Officer, Team
from kentsoc.org.services import officer_sync_group


@admin.register(Force)
class ForceAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "force"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "division"]
    list_filter = ["division"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "division"]
    list_filter = ["kind", "division"]


@admin.register(Officer)
class OfficerAdmin(admin.ModelAdmin):
    list_display = ["collar_number", "rank", "user", "role", "team", "division"]
    list_filter = ["role", "team", "division"]
    search_fields = ["collar_number", "user__username", "user__last_name"]
    list_select_related = ["user", "team", "division"]

    def get_readonly_fields(self, request, obj=None):
        # A profile never moves to another account (that would hand its role over), and nobody
        # changes their own role or team: another administrator must.
        if obj is None:
            return []
        if obj.user_id == request.user.pk:
            return ["user", "role", "team", "division"]
        return ["user"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Scoping reads the role, permissions come from the group: keep them in step, or a
        # demoted officer would keep the old role's permissions.
        officer_sync_group(officer=obj)
