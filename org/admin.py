from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from core.export_formats import EXPORT_FORMATS

from .models import Membership, Region, Unit
from .resources import UnitResource
from .services import membership_create, membership_end


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    """IT sets up a city's or a province's counties here (one county needs nothing)."""

    list_display = ("code", "name", "kind", "parent", "is_city_level")
    list_filter = ("kind", "is_city_level")
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)


@admin.register(Unit)
class UnitAdmin(ImportExportModelAdmin):
    resource_classes = [UnitResource]
    export_formats = EXPORT_FORMATS  # formula-escaped
    list_display = ("code", "name", "short_name", "kind", "region", "is_law_enforcement", "is_active")
    list_filter = ("kind", "region", "is_law_enforcement", "is_active")
    autocomplete_fields = ("region",)
    search_fields = ("code", "name", "short_name")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Memberships go through the services so permissions are granted and revoked with them."""

    list_display = ("user", "unit", "role")
    list_filter = ("role", "unit__kind")
    search_fields = ("user__username", "user__full_name", "unit__name")
    autocomplete_fields = ("user", "unit")

    def get_readonly_fields(self, request, obj=None):
        # Changing a membership in place would skip the grant/revoke: end it and add a new one.
        return ("user", "unit", "role") if obj else ()

    def save_model(self, request, obj, form, change):
        if not change:
            created = membership_create(user=obj.user, unit=obj.unit, role=obj.role, by=request.user)
            obj.pk = created.pk

    def delete_model(self, request, obj):
        membership_end(membership=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            membership_end(membership=membership, by=request.user)
