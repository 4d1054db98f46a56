"""django-import-export resources of this app (the admin's export, the report workbook)."""

from import_export import fields, resources

from .models import Evidence


class EvidenceResource(resources.ModelResource):
    """One row per piece of evidence, for the workbook and the admin's export."""

    code = fields.Field(attribute="assignment__indicator__code", column_name="code")
    unit = fields.Field(attribute="assignment__unit__name", column_name="unit")
    kind = fields.Field(attribute="get_kind_display", column_name="kind")
    title = fields.Field(attribute="title", column_name="title")
    issued_on = fields.Field(attribute="issued_on", column_name="date")
    review = fields.Field(attribute="get_review_status_display", column_name="review")
    file = fields.Field(attribute="current_revision__original_name", column_name="file")
    sha256 = fields.Field(attribute="current_revision__sha256", column_name="sha256")
    deleted = fields.Field(column_name="deleted")

    class Meta:
        model = Evidence
        fields = ("code", "unit", "kind", "title", "issued_on", "review", "file", "sha256", "deleted")
        export_order = fields

    def dehydrate_deleted(self, obj):
        return "yes" if obj.is_hidden else ""
