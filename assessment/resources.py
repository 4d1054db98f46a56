"""The self-assessment table in Excel: django-import-export resource, export and import (all or nothing)."""

from decimal import Decimal, InvalidOperation

import tablib
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from core import tables
from core.audit import audit_record, changed, snapshot
from core.figures_cache import dashboard_touch
from indicators.models import Indicator

from .models import Assessment, Rectification
from .services import FIELDS as ASSESSMENT_FIELDS
from .services import clean_values

R = Assessment.Result
# Codes and the Chinese labels offices type; compared after NFKC and without spaces.
RESULT_WORDS = {
    **{tables.norm_key(v): v for v in R.values},
    tables.norm_key("达标"): R.MET,
    tables.norm_key("基本达标"): R.PARTIAL,
    tables.norm_key("部分达标"): R.PARTIAL,
    tables.norm_key("未达标"): R.NOT_MET,
    tables.norm_key("不达标"): R.NOT_MET,
    tables.norm_key("不适用"): R.NOT_APPLICABLE,
}
RESULT_LABELS = {R.MET: "达标", R.PARTIAL: "基本达标", R.NOT_MET: "未达标", R.NOT_APPLICABLE: "不适用"}
# The table's columns: the Chinese header the export writes (the county's words, data like the
# result labels above, the same in every language) and the import's key. The import reads these
# headers, a few other words offices use, and the English keys of earlier exports.
COLUMNS = {
    "code": "编码",
    "level3": "三级指标",
    "result": "自评结果",
    "self_score": "自评分",
    "max_score": "分值",
    "narrative": "主要做法",
    "outcomes": "工作成效",
    "highlights": "特色亮点",
    "shortfall": "存在不足",
}
# What the import page lists (the table's own words: the same in every language).
IMPORT_COLUMNS_TEXT = "编码、自评结果（{}）、自评分、主要做法、工作成效、特色亮点、存在不足".format(
    "/".join(RESULT_LABELS.values())
)
HEADER_WORDS = {
    **{tables.norm_key(k): k for k in COLUMNS},
    **{tables.norm_key(v): k for k, v in COLUMNS.items()},
    tables.norm_key("指标编码"): "code",
    tables.norm_key("序号"): "code",
    tables.norm_key("结果"): "result",
    tables.norm_key("评估结果"): "result",
    tables.norm_key("自评得分"): "self_score",
    tables.norm_key("得分"): "self_score",
    tables.norm_key("做法"): "narrative",
    tables.norm_key("自评说明"): "narrative",
    tables.norm_key("成效"): "outcomes",
    tables.norm_key("亮点"): "highlights",
    tables.norm_key("不足"): "shortfall",
    tables.norm_key("短板"): "shortfall",
}


class ResultWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        key = tables.norm_key(value)
        if not key:
            return ""
        if key not in RESULT_WORDS:
            raise ValueError(
                _("%(value)s is not a result: use one of %(words)s.")
                % {"value": value, "words": "、".join(RESULT_LABELS.values())}
            )
        return RESULT_WORDS[key]

    def render(self, value, obj=None, **kwargs):
        return RESULT_LABELS.get(value, "")


class ScoreWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = tables.norm_key(value)
        if not text:
            return None
        try:
            return Decimal(text)
        except InvalidOperation:
            raise ValueError(_("%(value)s is not a score") % {"value": value}) from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else f"{value.normalize():f}"


class AssessmentResource(resources.ModelResource):
    """One row per level-3 indicator of the campaign's framework, found by `code`."""

    code = fields.Field(attribute="indicator__code", column_name="code", readonly=True)
    title = fields.Field(attribute="indicator__title", column_name="level3", readonly=True)
    result = fields.Field(attribute="result", column_name="result", widget=ResultWidget())
    self_score = fields.Field(attribute="self_score", column_name="self_score", widget=ScoreWidget())
    narrative = fields.Field(attribute="practice", column_name="narrative")
    outcomes = fields.Field(attribute="outcomes", column_name="outcomes")
    highlights = fields.Field(attribute="highlights", column_name="highlights")
    shortfall = fields.Field(attribute="shortfall", column_name="shortfall")

    class Meta:
        model = Assessment
        fields = ("code", "title", "result", "self_score", "narrative", "outcomes", "highlights", "shortfall")
        export_order = fields
        import_id_fields = ()
        skip_unchanged = True
        use_transactions = True
        clean_model_instances = False

    def __init__(self, campaign=None, user=None, **kwargs):
        super().__init__(**kwargs)
        self.campaign = campaign
        self.user = user
        self._indicators = None
        self._existing = None

    def indicators(self):
        if self._indicators is None:
            self._indicators = {
                i.code: i for i in Indicator.objects.filter(framework_id=self.campaign.framework_id, level=3)
            }
        return self._indicators

    def get_queryset(self):
        return Assessment.objects.filter(campaign=self.campaign).select_related("indicator")

    def _indicator(self, row):
        indicator = self.indicators().get(tables.norm_key(row.get("code")))
        if indicator is None:
            raise ValueError(
                _("%(code)s is not a level-3 indicator of this campaign.") % {"code": row.get("code") or "—"}
            )
        return indicator

    def existing(self):
        """The campaign's assessments by indicator, loaded once per import (not a query per row)."""
        if self._existing is None:
            self._existing = {a.indicator_id: a for a in self.get_queryset()}
        return self._existing

    def get_instance(self, instance_loader, row):
        # Rows are found by the indicator's code within this campaign, not by an id column.
        instance = self.existing().get(self._indicator(row).pk)
        if instance is not None:
            instance.audit_before = snapshot(instance, ASSESSMENT_FIELDS)  # the audit shows what each row changed
        return instance

    def init_instance(self, row=None):
        return Assessment(campaign=self.campaign, indicator=self._indicator(row))

    def before_save_instance(self, instance, row, **kwargs):
        cleaned = clean_values(instance.indicator, {"result": instance.result, "self_score": instance.self_score})
        instance.self_score = cleaned["self_score"]
        instance.updated_by = self.user

    def after_save_instance(self, instance, row, **kwargs):
        self.existing()[instance.indicator_id] = instance  # a later row for the same indicator finds it
        if not kwargs.get("dry_run"):
            old, new = changed(getattr(instance, "audit_before", {}), snapshot(instance, ASSESSMENT_FIELDS))
            audit_record(
                actor=self.user,
                verb="assessed",
                obj=instance,
                object_repr=f"{self.campaign.name} {instance.indicator.code}",
                before=old,
                after={**new, "via": "import"},
            )

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        # A column missing from the file leaves the field as it is.
        if field.column_name in row:
            super().import_field(field, instance, row, is_m2m, **kwargs)


def assessment_import_rows(*, campaign, dataset, user, dry_run):
    """Run the import; returns (result, errors as "Row N: message" strings). With errors nothing is kept."""
    missing = {"code", "result"} - set(dataset.headers or [])
    if missing:
        return None, [_("Column missing: %(columns)s") % {"columns": "、".join(COLUMNS[m] for m in sorted(missing))}]
    resource = AssessmentResource(campaign=campaign, user=user)
    if not dry_run:
        dashboard_touch(campaign.pk)
    result = resource.import_data(
        dataset, dry_run=dry_run, raise_errors=False, use_transactions=True, collect_failed_rows=True
    )
    errors = []
    for line, row_errors in result.row_errors():
        for error in row_errors:
            errors.append(_("Row %(row)s: %(message)s") % {"row": line + 1, "message": _error_text(error.error)})
    for invalid in result.invalid_rows:
        errors.append(
            _("Row %(row)s: %(message)s") % {"row": invalid.number + 1, "message": "; ".join(invalid.error.messages)}
        )
    for error in result.base_errors:
        errors.append(_error_text(error.error))
    return result, errors


def _error_text(exc):
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


def assessment_dataset(data):
    """A tablib Dataset from an uploaded CSV/XLSX/XLS, read by our table loader (any
    Chinese encoding, header row found by its names)."""

    grid = tables.load_grid(data)
    rows = [[("" if v is None else v) for v in r] for r in grid.rows]

    def keys(row):
        return [HEADER_WORDS.get(tables.norm_key(v), tables.norm_key(v)) for v in row]

    header_at = next((i for i, r in enumerate(rows[: tables.HEADER_SEARCH_ROWS]) if "code" in keys(r)), None)
    if header_at is None:
        raise tables.TableError(_("No header row with the column %(column)s was found.") % {"column": COLUMNS["code"]})
    headers = keys(rows[header_at])
    dataset = tablib.Dataset(headers=headers)
    for r in rows[header_at + 1 :]:
        if any(str(v).strip() for v in r):
            dataset.append((r + [""] * len(headers))[: len(headers)])
    return dataset


def assessment_export(*, campaign, fmt):
    """Every level-3 indicator, assessed or not, in code order."""
    by_indicator = {a.indicator_id: a for a in Assessment.objects.filter(campaign=campaign)}
    indicators = sorted(
        Indicator.objects.filter(framework_id=campaign.framework_id, level=3),
        key=lambda i: tables.code_sort_key(i.code),
    )
    headers = list(COLUMNS.values())
    rows = []
    for i in indicators:
        a = by_indicator.get(i.pk)
        rows.append(
            [
                i.code,
                i.title,
                RESULT_LABELS.get(a.result, "") if a else "",
                ScoreWidget().render(a.self_score) if a else "",
                ScoreWidget().render(i.score),
                a.practice if a else "",
                a.outcomes if a else "",
                a.highlights if a else "",
                a.shortfall if a else "",
            ]
        )
    return tables.export_table(headers, rows, fmt)


class RectificationResource(resources.ModelResource):
    code = fields.Field(attribute="indicator__code", column_name="code")
    owner = fields.Field(attribute="owner__name", column_name="owner")
    measure = fields.Field(attribute="measure", column_name="measure")
    deadline = fields.Field(attribute="deadline", column_name="deadline")
    status = fields.Field(attribute="get_status_display", column_name="status")
    closing_note = fields.Field(attribute="closing_note", column_name="closing_note")

    class Meta:
        model = Rectification
        fields = ("code", "owner", "measure", "deadline", "status", "closing_note")
        export_order = fields
