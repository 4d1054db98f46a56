"""What changed between two submitted versions of a campaign, read from the state each froze at
submission (Submission.snapshot) — never from live data, so the comparison tells what was sent."""

from dataclasses import dataclass, field

from assessment.models import Assessment
from core import tables


def result_label(code):
    return Assessment.Result(code).label if code in Assessment.Result.values else "—"


@dataclass
class IndicatorChange:
    code: str
    title: str
    before: dict
    after: dict
    assessment_changed: bool
    evidence_added: list = field(default_factory=list)
    evidence_removed: list = field(default_factory=list)

    @property
    def evidence_changed(self):
        return bool(self.evidence_added or self.evidence_removed)

    @property
    def result_before(self):
        return result_label(self.before.get("result"))

    @property
    def result_after(self):
        return result_label(self.after.get("result"))


@dataclass
class VersionDiff:
    older: object
    newer: object
    changes: list

    @property
    def assessments_changed(self):
        return sum(1 for c in self.changes if c.assessment_changed)

    @property
    def evidence_changed(self):
        return sum(1 for c in self.changes if c.evidence_changed)

    @property
    def evidence_added(self):
        return sum(len(c.evidence_added) for c in self.changes)

    @property
    def evidence_removed(self):
        return sum(len(c.evidence_removed) for c in self.changes)


ASSESSMENT_KEYS = ("result", "score", "veto")
EMPTY = {"title": "", "result": "", "score": None, "veto": False, "evidence": []}


def version_diff(older, newer):
    """The indicators whose assessment (result, self-score, veto) or accepted evidence differ
    between two submissions, in code order, with the counts."""
    a = (older.snapshot or {}).get("indicators", {})
    b = (newer.snapshot or {}).get("indicators", {})
    changes = []
    for code in sorted(set(a) | set(b), key=tables.code_sort_key):
        before, after = a.get(code, EMPTY), b.get(code, EMPTY)
        assessment_changed = any(before.get(k) != after.get(k) for k in ASSESSMENT_KEYS)
        old_ev, new_ev = set(before.get("evidence", [])), set(after.get("evidence", []))
        if assessment_changed or old_ev != new_ev:
            changes.append(
                IndicatorChange(
                    code=code,
                    title=after.get("title") or before.get("title", ""),
                    before=before,
                    after=after,
                    assessment_changed=assessment_changed,
                    evidence_added=sorted(new_ev - old_ev),
                    evidence_removed=sorted(old_ev - new_ev),
                )
            )
    return VersionDiff(older, newer, changes)
