"""django-import-export glue for the Django admin: the county task-table reader as
an import format, and a resource that turns its rows into the indicator tree."""

import tablib
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.formats.base_formats import Format
from import_export.forms import ConfirmImportForm, ImportForm

from core import tables

from .models import Framework, Indicator
from .services import framework_plan

CANONICAL_HEADERS = [
    "code",
    "level1",
    "level2",
    "level3",
    "serial",
    "score",
    "evaluation_method",
    "lead_unit",
    "cooperating_units",
    "deadline",
]


class TaskTableFormat(Format):
    """Reads .xlsx, .xls (WPS .et), .ods and .csv task tables as counties circulate them
    (see core.tables) and hands import-export a clean dataset with one row per
    level-3 indicator and canonical column names."""

    def __init__(self, encoding=None):
        # The encoding is detected from the content (UTF-8, UTF-8 with BOM, GB18030).
        self.encoding = encoding

    def get_title(self):
        return _("county task table (xlsx / xls / et / ods / csv)")

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def get_extension(self):
        return "xlsx"

    def can_import(self):
        return True

    def can_export(self):
        return False

    def create_dataset(self, in_stream):
        try:
            table = tables.read_table(in_stream)
        except tables.TableError as exc:
            raise ValueError(str(exc)) from exc
        codes, code_errors = tables.table_codes(table)
        errors = list(table.errors) + code_errors
        if errors:
            raise ValueError("; ".join(str(e) for e in errors[:20]))
        dataset = tablib.Dataset(headers=CANONICAL_HEADERS)
        for row, code in zip(table.rows, codes):
            deadline = "" if row.ongoing or row.deadline is None else row.deadline.isoformat()
            dataset.append(
                [
                    code,
                    row.level1,
                    row.level2,
                    row.level3,
                    row.serial or "",
                    row.score if row.score is not None else "",
                    row.evaluation_method,
                    row.lead,
                    row.cooperating,
                    deadline,
                ]
            )
        return dataset


class FrameworkImportForm(ImportForm):
    framework = forms.CharField(label=gettext_lazy("Framework name"), max_length=200)


class FrameworkConfirmImportForm(ConfirmImportForm):
    framework = forms.CharField(widget=forms.HiddenInput, max_length=200)


class IndicatorResource(resources.ModelResource):
    """Rows are level-3 indicators; their level-1 and level-2 parents are created from
    the titles in the same row. The target framework follows the same rule as the
    office's import: an unfrozen framework of that name is updated in place, a
    frozen one gets a new version."""

    code = fields.Field(attribute="code", column_name="code")
    level1 = fields.Field(column_name="level1", readonly=True)
    level2 = fields.Field(column_name="level2", readonly=True)
    title = fields.Field(attribute="title", column_name="level3")
    serial = fields.Field(attribute="serial", column_name="serial", widget=widgets.IntegerWidget())
    score = fields.Field(attribute="score", column_name="score", widget=widgets.DecimalWidget())
    evaluation_method = fields.Field(attribute="evaluation_method", column_name="evaluation_method")

    class Meta:
        model = Indicator
        import_id_fields = ("code",)
        fields = ("code", "level1", "level2", "title", "serial", "score", "evaluation_method")
        skip_unchanged = True
        use_transactions = True

    def __init__(self, framework_name=None, **kwargs):
        super().__init__(**kwargs)
        self.framework_name = framework_name
        self.framework = None
        self.parents = {}

    def get_queryset(self):
        if self.framework is None:
            return Indicator.objects.filter(level=3)
        return Indicator.objects.filter(framework=self.framework, level=3)

    def dehydrate_level1(self, obj):
        return obj.parent.parent.title if obj.level == 3 else ""

    def dehydrate_level2(self, obj):
        return obj.parent.title if obj.level == 3 else ""

    def before_import(self, dataset, **kwargs):
        if not self.framework_name:
            raise ValueError(_("Give the framework a name."))
        table = tables.ParsedTable(sheet="", sheets=[], columns={"code": 0})
        for n, values in enumerate(dataset.dict, start=2):
            table.rows.append(
                tables.TaskRow(
                    row=n,
                    level1=values["level1"],
                    level2=values["level2"],
                    level3=values["level3"],
                    code=values["code"],
                )
            )
        plan = framework_plan(table=table, name=self.framework_name)
        if not plan.ok:
            raise ValueError("; ".join(str(e) for e in plan.errors[:20]))
        self.framework = plan.target or Framework.objects.create(
            name=self.framework_name, version=plan.new_version, source="admin import"
        )
        Indicator.objects.filter(framework=self.framework, level=3, code__in=plan.removed).delete()
        existing = {i.code: i for i in Indicator.objects.filter(framework=self.framework, level__lt=3)}
        for row in plan.rows:
            p1, p2, _p3 = row.code.split(".")
            for level, code, title, parent in ((1, p1, row.level1, None), (2, f"{p1}.{p2}", row.level2, p1)):
                node = existing.get(code)
                if node is None:
                    node = Indicator.objects.create(
                        framework=self.framework,
                        level=level,
                        code=code,
                        position=int(code.split(".")[-1]),
                        title=title,
                        parent=existing.get(parent),
                    )
                    existing[code] = node
                elif node.title != title:
                    node.title = title
                    node.save(update_fields=["title", "updated_at"])
        self.parents = existing

    def before_save_instance(self, instance, row, **kwargs):
        p1, p2, p3 = instance.code.split(".")
        instance.framework = self.framework
        instance.level = 3
        instance.position = int(p3)
        instance.parent = self.parents[f"{p1}.{p2}"]
