"""django-import-export formats for the admin's "Export": every cell formula-escaped
(core.tables.neutralise) like every other table the product writes, the CSV with a BOM
so that Excel on Chinese Windows reads it as UTF-8. Admins list them as
`export_formats = EXPORT_FORMATS`."""

from import_export.formats import base_formats

from . import tables


class _Neutralised:
    def export_data(self, dataset, **kwargs):
        return super().export_data(tables.neutralised(dataset), **kwargs)


class CSV(_Neutralised, base_formats.CSV):
    def export_data(self, dataset, **kwargs):
        return "\ufeff" + super().export_data(dataset, **kwargs)


class XLSX(_Neutralised, base_formats.XLSX):
    pass


EXPORT_FORMATS = [XLSX, CSV]
