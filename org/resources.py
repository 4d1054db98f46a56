"""django-import-export resources of this app (IT's unit import in the admin)."""

from import_export import fields, resources, widgets

from .models import Unit


class UnitResource(resources.ModelResource):
    """Columns as in units.csv (code,name,short_name,type,category,law_enforcement,note)."""

    kind = fields.Field(attribute="kind", column_name="type")
    is_law_enforcement = fields.Field(
        attribute="is_law_enforcement", column_name="law_enforcement", widget=widgets.BooleanWidget()
    )

    class Meta:
        model = Unit
        import_id_fields = ("code",)
        fields = (
            "code",
            "name",
            "short_name",
            "kind",
            "category",
            "is_law_enforcement",
            "locality",
            "note",
            "is_active",
        )
        skip_unchanged = True
