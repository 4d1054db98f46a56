"""Building indicator frameworks. Spreadsheet readers (issue 3) normalise a file
into IndicatorRow values and call framework_create_from_rows()."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_record

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


@transaction.atomic
def framework_create_from_rows(*, name, version, rows, source="", by=None):
    """Create a framework and its three-level tree from level-3 rows, all or nothing.

    Level-1 and level-2 nodes are created from the first row that names them;
    a later row giving another title for the same code is an error.
    """
    framework = Framework(name=name, version=version, source=source)
    framework.full_clean()
    framework.save()
    nodes = {}
    for row in rows:
        p1, p2, p3 = _code_parts(row.code)
        for level, code, title, parent_code, position in (
            (1, f"{p1}", row.level1, None, p1),
            (2, f"{p1}.{p2}", row.level2, f"{p1}", p2),
        ):
            node = nodes.get(code)
            if node is None:
                nodes[code] = Indicator.objects.create(
                    framework=framework,
                    parent=nodes.get(parent_code),
                    level=level,
                    code=code,
                    position=position,
                    title=title.strip(),
                )
            elif node.title != title.strip():
                raise ValidationError(
                    _("Indicator %(code)s has two titles: %(a)s / %(b)s")
                    % {"code": code, "a": node.title, "b": title.strip()}
                )
        if row.code in nodes:
            raise ValidationError(_("Indicator code %(code)s appears twice.") % {"code": row.code})
        nodes[row.code] = Indicator.objects.create(
            framework=framework,
            parent=nodes[f"{p1}.{p2}"],
            level=3,
            code=row.code,
            position=p3,
            serial=row.serial,
            title=row.level3.strip(),
            score=row.score,
            evaluation_method=row.evaluation_method.strip(),
            criteria=row.criteria,
            is_veto=row.is_veto,
        )
    audit_record(
        actor=by,
        verb="created",
        obj=framework,
        after={"indicators": sum(1 for n in nodes.values() if n.level == 3)},
    )
    return framework
