"""Reading the office's pre-survey export (满意度模拟测评): one row per response, a township
column and one column per question. The file goes through core.tables' loader (xlsx, xls,
ods, csv in any Chinese encoding; bombs refused) like every other import; this module
knows only the survey's columns and scores. Every error names its row; one error and
nothing is written."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core import tables
from org.models import Unit

from .models import SurveyQuestion

TOWNSHIP_HEADERS = {"乡镇", "乡镇街道", "乡镇(街道)", "所属乡镇", "所在乡镇", "街道", "township"}
# Columns a survey tool adds that are not questions.
IGNORED_HEADERS = {"序号", "编号", "id", "答卷编号", "提交时间", "时间", "电话", "手机", "备注", "note", "respondent"}
AWARENESS_MARKS = ("知晓", "知道", "awareness")
SATISFACTION_WORDS = {"非常满意": 5, "满意": 4, "基本满意": 3, "不满意": 2, "非常不满意": 1}
AWARENESS_WORDS = {"是": 1, "知道": 1, "知晓": 1, "否": 0, "不知道": 0, "不知晓": 0}
MAX_ERRORS = 200  # a wholly wrong file would list thousands: the first ones say enough
MAX_QUESTIONS = 50


@dataclass
class ParsedSurvey:
    questions: list = field(default_factory=list)  # (position, text, kind)
    rows: list = field(default_factory=list)  # (row number, township unit, {position: score})
    errors: list = field(default_factory=list)

    @property
    def townships(self):
        return sorted({r[1].name for r in self.rows})


def _key(value):
    return tables.norm_key(value).replace("（", "(").replace("）", ")")


def township_lookup(region=None):
    """Every name a township of the county goes by (name, short name, aliases) -> the unit."""
    lookup = {}
    townships = Unit.objects.filter(kind=Unit.Kind.TOWNSHIP, is_active=True)
    for unit in townships.filter(region=region) if region is not None else townships:
        for name in (unit.name, unit.short_name, *(unit.aliases or [])):
            if name:
                lookup[_key(name)] = unit
    return lookup


def _kind(header):
    awareness = any(mark in header for mark in AWARENESS_MARKS)
    return SurveyQuestion.Kind.AWARENESS if awareness else SurveyQuestion.Kind.SATISFACTION


def _score(value, kind):
    """The score of one cell, or None for an empty one; ValueError when out of range."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = tables.clean_text(value)
    words = AWARENESS_WORDS if kind == SurveyQuestion.Kind.AWARENESS else SATISFACTION_WORDS
    if text in words:
        return words[text]
    try:
        number = float(text)
    except ValueError:
        raise ValueError(text) from None
    low, high = (0, 1) if kind == SurveyQuestion.Kind.AWARENESS else (1, 5)
    if number != int(number) or not low <= number <= high:
        raise ValueError(text)
    return int(number)


def survey_parse(data, region=None):
    """Parse a survey file. Raises TableError for a file that is not a table."""
    grid = tables.load_grid(data)
    rows = grid.rows
    parsed = ParsedSurvey()
    header_at = next(
        (i for i, r in enumerate(rows[: tables.HEADER_SEARCH_ROWS]) if any(_key(v) in TOWNSHIP_HEADERS for v in r)),
        None,
    )
    if header_at is None:
        parsed.errors.append(_("Column missing: %(columns)s") % {"columns": "乡镇"})
        return parsed
    header = [tables.clean_text(v) if v is not None else "" for v in rows[header_at]]
    township_col = next(i for i, v in enumerate(header) if _key(v) in TOWNSHIP_HEADERS)
    columns = [
        (i, text) for i, text in enumerate(header) if i != township_col and text and _key(text) not in IGNORED_HEADERS
    ]
    if not columns:
        parsed.errors.append(_("No question columns: each question needs a column with its text in the header row."))
        return parsed
    if len(columns) > MAX_QUESTIONS:
        parsed.errors.append(_("More than %(n)s question columns.") % {"n": MAX_QUESTIONS})
        return parsed
    parsed.questions = [(n, text[:500], _kind(text)) for n, (_i, text) in enumerate(columns, start=1)]
    towns = township_lookup(region)
    for offset, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        if not any(v is not None and str(v).strip() for v in row):
            continue
        cells = list(row) + [None] * (len(header) - len(row))
        name = tables.clean_text(cells[township_col] or "")
        unit = towns.get(_key(name))
        row_errors = []
        if not name:
            row_errors.append(_("Row %(row)s: the township is empty.") % {"row": offset})
        elif unit is None:
            row_errors.append(
                _("Row %(row)s: the county has no township “%(name)s”.") % {"row": offset, "name": name[:50]}
            )
        scores = {}
        for (position, text, kind), (col, _text) in zip(parsed.questions, columns):
            try:
                score = _score(cells[col], kind)
            except ValueError as exc:
                # The words a survey tool writes are Chinese in every language of the page.
                allowed = (
                    _("0 or 1") + " (是/否)"
                    if kind == SurveyQuestion.Kind.AWARENESS
                    else _("1 to 5") + " (非常不满意 … 非常满意)"
                )
                row_errors.append(
                    _("Row %(row)s, “%(question)s”: %(value)s is not a score; use %(allowed)s.")
                    % {"row": offset, "question": text[:30], "value": str(exc)[:30], "allowed": allowed}
                )
                continue
            if score is not None:
                scores[position] = score
        if row_errors:
            parsed.errors.extend(row_errors)
            if len(parsed.errors) >= MAX_ERRORS:
                parsed.errors.append(_("… and more: the first %(n)s errors are shown.") % {"n": MAX_ERRORS})
                break
            continue
        parsed.rows.append((offset, unit, scores))
    if not parsed.rows and not parsed.errors:
        parsed.errors.append(_("The file has a header row but no responses."))
    return parsed
