"""django-import-export resources of this app (the admin's export, the report workbook)."""

from import_export import fields, resources

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
