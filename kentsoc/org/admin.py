from django.contrib import admin

from kentsoc.org.models import District, Division, Force, Officer, Team


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
