from django.contrib import admin

from .models import Assignment


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("indicator", "unit", "role", "deadline", "ongoing", "campaign")
    list_filter = ("campaign", "role", "ongoing", "unit__kind")
    search_fields = ("indicator__code", "indicator__title", "unit__name")
    list_select_related = ("indicator", "unit", "campaign")
    raw_id_fields = ("indicator", "unit")
