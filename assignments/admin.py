from django.contrib import admin
from import_export import fields, resources
from import_export.admin import ExportActionModelAdmin

from .models import Assignment


class AssignmentResource(resources.ModelResource):
    """One row per unit share, for the admin's export. Imports of the division of work
    go through the county-table reader (assignments:import, import_assignments),
    which resolves unit names and keeps one lead per indicator."""

    campaign = fields.Field(attribute="campaign__slug", column_name="campaign")
    code = fields.Field(attribute="indicator__code", column_name="code")
    indicator = fields.Field(attribute="indicator__title", column_name="level3")
    unit_code = fields.Field(attribute="unit__code", column_name="unit_code")
    unit = fields.Field(attribute="unit__name", column_name="unit")
    role = fields.Field(attribute="role", column_name="role")
    deadline = fields.Field(attribute="deadline", column_name="deadline")
    ongoing = fields.Field(attribute="ongoing", column_name="ongoing")
    status = fields.Field(attribute="get_status_display", column_name="status")

    class Meta:
        model = Assignment
        fields = ("campaign", "code", "indicator", "unit_code", "unit", "role", "deadline", "ongoing", "status")
        export_order = fields


@admin.register(Assignment)
class AssignmentAdmin(ExportActionModelAdmin):
    resource_classes = [AssignmentResource]
    list_display = ("indicator", "unit", "role", "deadline", "ongoing", "campaign")
    list_filter = ("campaign", "role", "ongoing", "unit__kind")
    search_fields = ("indicator__code", "indicator__title", "unit__name")
    list_select_related = ("indicator", "unit", "campaign")
    raw_id_fields = ("indicator", "unit")

    def get_export_queryset(self, request):
        return super().get_export_queryset(request).select_related("campaign", "indicator", "unit")
