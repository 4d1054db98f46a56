from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from core.export_formats import EXPORT_FORMATS

from .models import Framework, Indicator
from .resources import FrameworkConfirmImportForm, FrameworkImportForm, IndicatorResource, TaskTableFormat


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ("name", "version", "frozen", "created_at")


@admin.register(Indicator)
class IndicatorAdmin(ImportExportModelAdmin):
    """Import reads the county's task table through the same reader as the office's
    upload page and the import_indicators command (indicators.tables)."""

    resource_classes = [IndicatorResource]
    import_formats = [TaskTableFormat]
    export_formats = EXPORT_FORMATS  # formula-escaped
    import_form_class = FrameworkImportForm
    confirm_form_class = FrameworkConfirmImportForm
    list_display = ("code", "level", "title", "score", "is_veto", "framework")
    list_filter = ("framework", "level", "is_veto")
    search_fields = ("code", "title")
    list_select_related = ("framework",)

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["framework"] = import_form.cleaned_data["framework"]
        return initial

    def get_import_resource_kwargs(self, request, **kwargs):
        resource_kwargs = super().get_import_resource_kwargs(request, **kwargs)
        form = kwargs.get("form")
        if form is not None and hasattr(form, "cleaned_data"):
            resource_kwargs["framework_name"] = form.cleaned_data.get("framework")
        return resource_kwargs

    def add_data_read_fail_error_to_form(self, form, e):
        # Our reader's messages say which row and column is wrong: show them
        # instead of import-export's generic "ValueError encountered".
        if isinstance(e, ValueError):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def get_export_queryset(self, request):
        return super().get_export_queryset(request).filter(level=3).select_related("parent__parent")
