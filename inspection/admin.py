from django.contrib import admin

from .models import FieldCheckItem, PublicityAction, PublicityTarget, SurveyRound


@admin.register(PublicityAction)
class PublicityActionAdmin(admin.ModelAdmin):
    list_display = ("title", "unit", "platform", "happened_on", "reads", "participants")
    list_filter = ("platform",)
    search_fields = ("title",)
    list_select_related = ("unit",)  # the list shows the unit's name
    raw_id_fields = ("evidence",)


@admin.register(PublicityTarget)
class PublicityTargetAdmin(admin.ModelAdmin):
    list_display = ("unit", "month", "platform", "count")
    list_select_related = ("unit",)


@admin.register(SurveyRound)
class SurveyRoundAdmin(admin.ModelAdmin):
    list_display = ("title", "response_count", "created_at")


@admin.register(FieldCheckItem)
class FieldCheckItemAdmin(admin.ModelAdmin):
    list_display = ("title", "place", "unit", "status")
    list_filter = ("status", "kind")
    list_select_related = ("unit",)  # the list shows the unit's name
