from django.contrib import admin

from .models import Campaign


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "county", "kind", "stage", "threshold", "created_at")
    list_filter = ("kind", "stage")
    search_fields = ("name", "county", "slug")
