"""Building indicator frameworks from normalised rows or from a county's table."""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import tables
from core.audit import audit_record
from core.tables import ImportRejected

from .models import Framework, Indicator


@dataclass(frozen=True)
class IndicatorRow:
    """One level-3 indicator with its ancestors' titles, as a table states it."""

    code: str  # "1.2.3"
    level1: str
    level2: str
    level3: str
    score: Decimal | None = None
    evaluation_method: str = ""
    serial: int | None = None
    criteria: str = ""
    is_veto: bool = False


def _code_parts(code):
    parts = code.split(".")
    if len(parts) != 3 or not all(p.isdigit() and int(p) > 0 for p in parts):
        raise ValidationError(_("Indicator code %(code)s is not of the form 1.2.3.") % {"code": code})
    return [int(p) for p in parts]


def _build_tree(framework, rows):
    """Create the three-level tree under `framework`. Raises ValidationError on conflicts."""
    nodes = {}
    for row in sorted(rows, key=lambda r: tables.code_sort_key(r.code)):
        p1, p2, p3 = _code_parts(row.code)
        for level, code, title, parent_code, position in (
            (1, f"{p1}", row.level1, None, p1),
            (2, f"{p1}.{p2}", row.level2, f"{p1}", p2),
        ):
            node = nodes.get(code)
            if node is None:
                nodes[code] = Indicator(
                    framework=framework,
                    parent=nodes.get(parent_code),
                    level=level,
                    code=code,
                    position=position,
                    title=title.strip(),
                )
            elif tables.title_key(node.title) != tables.title_key(title):
                raise ValidationError(
                    _("Indicator %(code)s has two titles: %(a)s / %(b)s")
                    % {"code": code, "a": node.title, "b": title.strip()}
                )
        if row.code in nodes:
            raise ValidationError(_("Indicator code %(code)s appears twice.") % {"code": row.code})
        nodes[row.code] = Indicator(
            framework=framework,
            parent=nodes[f"{p1}.{p2}"],
            level=3,
            code=row.code,
            position=p3,
            serial=row.serial,
            title=row.level3.strip(),
            score=row.score,
            evaluation_method=row.evaluation_method.strip()[:200],
            criteria=row.criteria,
            is_veto=row.is_veto,
        )
    # UUID keys are set in Python, so parents and children go in three INSERTs, one per level.
    for level in (1, 2, 3):
        Indicator.objects.bulk_create([n for n in nodes.values() if n.level == level], batch_size=1000)
    return nodes


@transaction.atomic
def framework_create_from_rows(*, name, version, rows, source="", by=None):
    """Create a framework and its three-level tree from level-3 rows, all or nothing."""
    framework = Framework(name=name, version=version, source=source)
    framework.full_clean()
    framework.save()
    nodes = _build_tree(framework, rows)
    audit_record(
        actor=by, verb="created", obj=framework, after={"indicators": sum(n.level == 3 for n in nodes.values())}
    )
    return framework


@dataclass
class FrameworkPlan:
    """What importing a table into framework `name` would do."""

    name: str
    rows: list = field(default_factory=list)  # IndicatorRow
    errors: list = field(default_factory=list)
    target: Framework | None = None  # the unfrozen framework that would be replaced
    new_version: str = "1"
    counts: dict = field(default_factory=dict)
    added: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    removed: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors


def framework_plan(*, table, name):
    """Check a parsed table against the indicator rules and compare it with the
    framework of that name. Writes nothing."""
    plan = FrameworkPlan(name=name)
    codes, plan.errors = tables.table_codes(table)
    plan.errors = list(table.errors) + plan.errors
    seen = {}
    level1_titles, level2_titles = {}, {}
    for row, code in zip(table.rows, codes):
        if code is None:
            continue
        if code in seen:
            plan.errors.append(
                tables.CellError(
                    row.row,
                    "",
                    _("indicator %(code)s already given on row %(other)s") % {"code": code, "other": seen[code]},
                )
            )
            continue
        seen[code] = row.row
        p1, p2, _p3 = code.split(".")
        for titles, key, title in ((level1_titles, p1, row.level1), (level2_titles, f"{p1}.{p2}", row.level2)):
            if titles.setdefault(key, title) != title and tables.title_key(titles[key]) != tables.title_key(title):
                plan.errors.append(
                    tables.CellError(
                        row.row,
                        "",
                        _("indicator %(code)s has two titles: %(a)s / %(b)s")
                        % {"code": key, "a": titles[key], "b": title},
                    )
                )
        plan.rows.append(
            IndicatorRow(
                code=code,
                level1=row.level1,
                level2=row.level2,
                level3=row.level3,
                score=row.score,
                evaluation_method=row.evaluation_method,
                serial=row.serial,
                criteria=row.criteria,
            )
        )
    plan.errors.sort(key=lambda e: getattr(e, "row", 0))
    plan.counts = {"level1": len(level1_titles), "level2": len(level2_titles), "level3": len(plan.rows)}
    latest = Framework.objects.filter(name=name).order_by("-created_at").first()
    if latest is not None and not latest.frozen:
        plan.target = latest
        plan.new_version = latest.version
        existing = {i.code: i for i in latest.indicators.filter(level=3)}
        incoming = {r.code: r for r in plan.rows}
        plan.added = sorted(set(incoming) - set(existing), key=tables.code_sort_key)
        plan.removed = sorted(set(existing) - set(incoming), key=tables.code_sort_key)
        plan.changed = sorted(
            (
                c
                for c in set(incoming) & set(existing)
                if incoming[c].level3 != existing[c].title  # verbatim: a changed 。 is a change
                or incoming[c].score != existing[c].score
            ),
            key=tables.code_sort_key,
        )
    else:
        plan.added = [r.code for r in plan.rows]
        if latest is not None:
            plan.new_version = _next_version(name)
    return plan


def _next_version(name):
    numbers = [int(v) for v in Framework.objects.filter(name=name).values_list("version", flat=True) if v.isdigit()]
    return str(max(numbers, default=0) + 1)


@transaction.atomic
def framework_import(*, table, name, by=None, source=""):
    """Import a parsed table as framework `name`: replace the tree of an unfrozen
    framework of that name, or make a new version when it is frozen (a campaign
    uses it). Any error raises ImportRejected and writes nothing."""
    plan = framework_plan(table=table, name=name)
    if not plan.ok:
        raise ImportRejected(plan.errors)
    if plan.target is not None:
        # Lock the framework row: two admins confirming at once must not interleave.
        target = Framework.objects.select_for_update().get(pk=plan.target.pk)
        if target.frozen:
            raise ImportRejected([_("A campaign started using this framework meanwhile; import again.")])
        before = target.indicators.filter(level=3).count()
        target.indicators.all().delete()
        if source:
            target.source = source
            target.save(update_fields=["source", "updated_at"])
        try:
            _build_tree(target, plan.rows)
        except ValidationError as exc:
            raise ImportRejected(exc.messages) from exc
        audit_record(
            actor=by, verb="updated", obj=target, before={"indicators": before}, after={"indicators": len(plan.rows)}
        )
        return target
    try:
        return framework_create_from_rows(name=name, version=plan.new_version, rows=plan.rows, source=source, by=by)
    except ValidationError as exc:
        raise ImportRejected(exc.messages) from exc


def framework_freeze(framework):
    """Mark a framework as in use by a campaign; later imports make a new version."""
    if not framework.frozen:
        Framework.objects.filter(pk=framework.pk).update(frozen=True)
        framework.frozen = True


def framework_level_counts(framework):
    return Counter(framework.indicators.values_list("level", flat=True))
