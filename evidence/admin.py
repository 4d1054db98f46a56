from django.contrib import admin
from import_export.admin import ExportActionModelAdmin

from .models import Evidence
from .resources import EvidenceResource


@admin.register(Evidence)
class EvidenceAdmin(ExportActionModelAdmin):
    resource_classes = [EvidenceResource]
    list_display = ("title", "kind", "review_status", "assignment", "created_at")
    list_filter = ("kind", "review_status")
    search_fields = ("title",)
    list_select_related = (
        "assignment__indicator",
        "assignment__unit",
        "current_revision",
    )  # what the list and the export read

    def has_add_permission(self, request):
        return False  # evidence comes through the upload service, which sniffs and hashes it

    def has_delete_permission(self, request, obj=None):
        return False  # nothing destroys evidence
