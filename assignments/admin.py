from django.contrib import admin
from import_export.admin import ExportActionModelAdmin

from .models import Assignment
from .resources import AssignmentResource


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
