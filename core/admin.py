from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .forms import LimitedUserCreationForm
from .models import AuditEvent, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = LimitedUserCreationForm
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("full_name", "phone", "email")}),
        (_("Permissions"), {"fields": ("is_active", "must_change_password", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    list_display = ("username", "full_name", "phone", "is_active", "is_superuser", "last_login")
    search_fields = ("username", "full_name", "phone", "email")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is written by services only."""

    list_display = ("at", "actor_name", "verb", "object_type", "object_repr", "ip_address")
    list_filter = ("verb", "object_type")
    search_fields = ("actor_name", "object_repr", "object_id")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
