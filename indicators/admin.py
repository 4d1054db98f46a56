from django.contrib import admin

from .models import Framework, Indicator


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ("name", "version", "frozen", "created_at")


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "level", "title", "score", "is_veto", "framework")
    list_filter = ("framework", "level", "is_veto")
    search_fields = ("code", "title")
    list_select_related = ("framework",)
