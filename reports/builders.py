"""Building the campaign's outputs: the self-assessment report (WeasyPrint PDF, and the
editable DOCX in official-document layout), the evidence package (ZIP streamed to disk)
and the workbook (XLSX)."""

import base64
import copy
import hashlib
import json
import os
import re
import shutil
import zipfile
from collections import defaultdict
from urllib.parse import quote

import tablib
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.eligibility import eligibility
from assessment.models import Assessment, Rectification
from assessment.resources import RectificationResource
from assignments.models import Assignment
from assignments.resources import AssignmentResource
from core import officedoc, tables
from evidence.models import Evidence
from evidence.resources import EvidenceResource
from indicators.models import Indicator
from org.models import Unit

from .models import ReportText

PHOTOS_PER_INDICATOR = 4
COPY_CHUNK = 1024 * 1024


def _noop(pct, step):
    pass


def report_context(campaign, progress=_noop):
    """Everything the report shows, in a fixed number of queries."""
    progress(5, _("Reading the indicators"))
    nodes = sorted(
        Indicator.objects.filter(framework_id=campaign.framework_id), key=lambda i: tables.code_sort_key(i.code)
    )
    assessments = {a.indicator_id: a for a in Assessment.objects.filter(campaign=campaign).select_related("indicator")}
    progress(15, _("Reading the evidence"))
    evidence = defaultdict(list)
    accepted = {}
    for e in (
        Evidence.objects.accepted()
        .filter(assignment__campaign=campaign)
        .select_related("assignment__unit", "assignment__indicator", "current_revision")
        .order_by("assignment__indicator__code", "created_at")
    ):
        e.linked_from = ""
        evidence[e.assignment.indicator_id].append(e)
        accepted[e.pk] = e
    # A piece linked to further indicators is listed under them too, pointing back to its own.
    for evidence_id, indicator_id in Evidence.also_proves.through.objects.filter(evidence_id__in=accepted).values_list(
        "evidence_id", "indicator_id"
    ):
        e = accepted[evidence_id]
        linked = copy.copy(e)
        linked.linked_from = e.assignment.indicator.code
        evidence[indicator_id].append(linked)
    photos = {}  # indicator id -> thumbnails of its own accepted photos, at most PHOTOS_PER_INDICATOR
    for indicator_id, items in evidence.items():
        revisions = [
            e.current_revision
            for e in items
            if not e.linked_from and e.current_revision and e.current_revision.is_image and e.current_revision.thumbnail
        ]
        photos[indicator_id] = [p for p in map(_thumbnail, revisions[:PHOTOS_PER_INDICATOR]) if p]
    tree, by_id = [], {}
    for n in nodes:
        item = {"node": n, "children": [], "assessment": assessments.get(n.pk), "evidence": [], "photos": []}
        if n.level == 3:
            item["evidence"] = evidence.get(n.pk, [])
            item["photos"] = photos.get(n.pk, [])
        by_id[n.pk] = item
        (by_id[n.parent_id]["children"] if n.parent_id else tree).append(item)
    for number, l1 in enumerate(tree, start=1):
        l1["number"] = officedoc.chinese_number(number)  # （一）, （二）: the second heading level
    unassessed = [
        l3["node"]
        for l1 in tree
        for l2 in l1["children"]
        for l3 in l2["children"]
        if not (l3["assessment"] and l3["assessment"].result)
    ]
    summary = []
    for l1 in tree:
        counts = defaultdict(int)
        for l2 in l1["children"]:
            for l3 in l2["children"]:
                counts[l3["assessment"].result if l3["assessment"] else ""] += 1
        summary.append({"node": l1["node"], **{k or "none": v for k, v in counts.items()}})
    text = ReportText.objects.filter(campaign=campaign).first()
    highlights = [
        l3["assessment"].highlights.strip()
        for l1 in tree
        for l2 in l1["children"]
        for l3 in l2["children"]
        if l3["assessment"] and l3["assessment"].highlights.strip()
    ]
    shortfalls = (
        [
            a
            for a in sorted(assessments.values(), key=lambda a: tables.code_sort_key(a.indicator.code))
            if a.result in (Assessment.Result.PARTIAL, Assessment.Result.NOT_MET)
        ]
        if assessments
        else []
    )
    progress(30, _("Writing the report"))
    result = eligibility(campaign, assessments=assessments.values())
    return {
        "campaign": campaign,
        "indicator_count": sum(1 for n in nodes if n.level == 3),
        "unassessed": result.counts[""],
        "date": timezone.localdate(),
        "date_cn": officedoc.chinese_date(timezone.localdate()),
        "issuer": report_issuer(campaign),
        "unassessed_items": unassessed,
        "highlights": highlights,
        "tree": tree,
        "summary": summary,
        "eligibility": result,
        "text": text,
        "shortfalls": shortfalls,
        "rectifications": Rectification.objects.filter(campaign=campaign)
        .select_related("owner", "assessment__indicator")
        .order_by("deadline"),
    }


class Photo:
    """A thumbnail's bytes (the DOCX embeds them) and its data: URL (the PDF's <img>)."""

    def __init__(self, data):
        self.data = data

    @property
    def src(self):
        return "data:image/jpeg;base64," + base64.b64encode(self.data).decode()


def _thumbnail(revision):
    try:
        with revision.thumbnail.open("rb") as fh:
            return Photo(fh.read())
    except OSError:
        return None  # a missing thumbnail must not stop the report


def report_issuer(campaign):
    """Who issues the report: the county's rule-of-law office by its name, the county written
    out where the name says only "县委…" ("县委全面依法治县委员会办公室" → "中共某某县委全面依法
    治县委员会办公室"); the office's usual name when the county has no office unit."""
    office = (
        Unit.objects.filter(kind=Unit.Kind.OFFICE, is_active=True, region=campaign.region_id).order_by("code").first()
    )
    name = office.name if office else "县委全面依法治县委员会办公室"
    county = campaign.county
    if name.startswith("县委") and county:
        name = county + name[1:]
    if county and name.startswith(county + "委") and not name.startswith("中共"):
        name = "中共" + name
    return name


def render_report_html(context):
    return render_to_string("reports/report.html", context)


def build_pdf(campaign, out, progress=_noop):
    """Write the report PDF to the binary file `out`."""
    from weasyprint import HTML

    html = render_report_html(report_context(campaign, progress))
    progress(45, _("Laying out the pages"))
    HTML(string=html).write_pdf(out)
    progress(95, _("Saving"))


# --- the editable report (DOCX) -----------------------------------------------------------
# The same outline and the same Chinese wording as reports/report.html (the report is a
# Chinese document whatever the interface language), laid out by core.officedoc.

CENTER = officedoc.WD_ALIGN_PARAGRAPH.CENTER
PHOTO_WIDTH_MM = 74  # two photos side by side on the 156 mm text width


def _paragraphs(doc, text, empty=None):
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    for line in lines or ([empty] if empty else []):
        officedoc.paragraph(doc, line)


def _percent(e):
    return "—" if e.percent is None else f"{e.percent}%"


def _threshold(e):
    return f"{floatformat(e.threshold_percent, '-1')}%"


def _score_line(node, a):
    line = "自评结果：" + (a.get_result_display() if a and a.result else "未自评")
    if node.score is not None:
        if a and a.self_score is not None:
            line += f"　自评分：{floatformat(a.self_score, '-2')} / {floatformat(node.score, '-2')}"
        else:
            line += f"　分值 {floatformat(node.score, '-2')}，未自评分"
    return line


def _evidence_line(e):
    extra = [e.assignment.unit.name]
    if e.issued_on:
        extra.append(f"{e.issued_on.year}年{e.issued_on.month}月{e.issued_on.day}日")
    if e.linked_from:
        extra.append(f"见 {e.linked_from}")
    return f"{e.get_kind_display()}：{e.title}（{'，'.join(extra)}）"


def render_report_docx(context, out, progress=_noop):
    """Write the report DOCX for `context` (report_context) to the binary file `out`."""
    c = context
    campaign, e = c["campaign"], c["eligibility"]
    doc = officedoc.new_document()
    # The cover: title, the campaign, the issuer and the date in Chinese numerals; no page number.
    for _blank in range(3):
        officedoc.paragraph(doc)
    if campaign.kind == "single_item":
        headline = f"{campaign.county}\n全国法治政府建设示范项目创建\n{campaign.single_item_title}\n自评报告"
    else:
        headline = f"{campaign.county}\n全国法治政府建设示范县创建\n自评报告"
    officedoc.title(doc, headline)
    officedoc.paragraph(doc)
    officedoc.paragraph(doc, campaign.name, align=CENTER, indent=False)
    for _blank in range(8):
        officedoc.paragraph(doc)
    for line in (c["issuer"], c["date_cn"]):
        officedoc.paragraph(doc, line, align=CENTER, indent=False)
    officedoc.page_break(doc)
    sections = [
        "一、基本情况",
        "二、主要做法和成效",
        "三、特色亮点",
        "四、存在问题",
        "五、下一步打算",
        "附表：自评结果汇总",
    ]
    entries = [(1, sections[0]), (1, sections[1])]
    entries += [(2, f"（{l1['number']}）{l1['node'].title}") for l1 in c["tree"]]
    entries += [(1, title) for title in sections[2:]]
    officedoc.toc(doc, "目　录", entries, levels="1-2")
    officedoc.page_break(doc)

    officedoc.heading(doc, sections[0], 1)
    _paragraphs(doc, c["text"].basic_facts if c["text"] else "", empty="（尚未填写基本情况。）")
    officedoc.paragraph(
        doc,
        f"对照《市县法治政府建设示范指标体系》逐项开展自查自评，三级指标共 {c['indicator_count']} 项，"
        f"其中未自评 {c['unassessed']} 项，适用指标 {e.applicable} 项，达标 {e.met} 项，"
        f"达标率 {_percent(e)}（要求 {_threshold(e)}）。",
    )

    officedoc.heading(doc, sections[1], 1)
    total = max(1, len(c["tree"]))
    for n, l1 in enumerate(c["tree"], start=1):
        officedoc.heading(doc, f"（{l1['number']}）{l1['node'].title}", 2)
        for l2 in l1["children"]:
            officedoc.heading(doc, f"{l2['node'].code} {l2['node'].title}", 3)
            for l3 in l2["children"]:
                node, a = l3["node"], l3["assessment"]
                officedoc.paragraph(doc, bold_lead=f"{node.code} {node.title}")
                officedoc.paragraph(doc, _score_line(node, a))
                if a and a.practice:
                    officedoc.paragraph(doc, a.practice, bold_lead="主要做法：")
                if a and a.outcomes:
                    officedoc.paragraph(doc, a.outcomes, bold_lead="成效：")
                for item in l3["evidence"]:
                    officedoc.paragraph(doc, _evidence_line(item), style=officedoc.TABLE_STYLE)
                picture = None
                for photo in l3["photos"]:
                    picture = officedoc.image(doc, photo.data, PHOTO_WIDTH_MM, paragraph=picture)
        progress(30 + int(55 * n / total), _("Writing the report"))

    officedoc.heading(doc, sections[2], 1)
    _paragraphs(doc, c["text"].highlights if c["text"] else "")
    for text in c["highlights"]:
        officedoc.paragraph(doc, text)

    officedoc.heading(doc, sections[3], 1)
    for a in c["shortfalls"]:
        officedoc.paragraph(
            doc, f"{a.indicator.code} {a.indicator.title}（{a.get_result_display()}）：{a.shortfall or '待补充'}"
        )
    if c["unassessed_items"]:
        officedoc.paragraph(doc, f"尚有 {len(c['unassessed_items'])} 项指标未自评：")
        for node in c["unassessed_items"]:
            officedoc.paragraph(doc, f"{node.code} {node.title}（未自评）")
    elif not c["shortfalls"]:
        officedoc.paragraph(doc, "对照指标体系逐项自查，未发现未达标指标。")

    officedoc.heading(doc, sections[4], 1)
    _paragraphs(doc, c["text"].next_steps if c["text"] else "")
    rectifications = list(c["rectifications"])
    if rectifications:
        officedoc.table(
            doc,
            ["指标", "整改措施", "责任单位", "完成时限"],
            [
                [
                    r.assessment.indicator.code,
                    r.measure,
                    r.owner.name,
                    f"{r.deadline.year}年{r.deadline.month}月{r.deadline.day}日"
                    + ("（已销号）" if r.status == "closed" else ""),
                ]
                for r in rectifications
            ],
            [18, 60, 36, 42],
            nowrap=(3,),
        )

    officedoc.heading(doc, sections[5], 1)
    rows = [
        [
            f"{row['node'].code}. {row['node'].title}",
            *(row.get(k, 0) for k in ("met", "partial", "not_met", "not_applicable", "none")),
        ]
        for row in c["summary"]
    ]
    counts = e.counts
    rows.append(
        ["合计", counts["met"], counts["partial"], counts["not_met"], counts["not_applicable"], c["unassessed"]]
    )
    officedoc.table(
        doc,
        ["一级指标", "达标", "基本达标", "未达标", "不适用", "未自评"],
        rows,
        [46, 22, 22, 22, 22, 22],
        bold_last=True,
        center=(1, 2, 3, 4, 5),
    )
    if campaign.kind == "comprehensive":
        verdict = f"综合示范要求 {_threshold(e)}，" + ("达到申报条件" if e.eligible else "尚未达到申报条件")
    else:
        verdict = "单项示范（达标率仅供参考）"
    if e.veto_blockers:
        verdict += "；触发一票否决指标：" + "、".join(map(str, e.veto_blockers))
    officedoc.paragraph(doc, f"适用指标 {e.applicable} 项，达标 {e.met} 项，达标率 {_percent(e)}，{verdict}。")
    progress(90, _("Saving"))
    doc.save(out)


def build_docx(campaign, out, progress=_noop):
    """Write the report DOCX (official-document layout, editable in WPS and Word) to `out`."""
    render_report_docx(report_context(campaign, progress), out, progress)


# --- the evidence package ---------------------------------------------------------------

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')
# A name never ends on these: a comma or an opening bracket reads as unfinished ("依法行政，"),
# a trailing dot or space is dropped by Windows.
_NO_END = ". ,;，、；：:（(“‘《〈【「『[{"
# A title that does not fit is cut after one of these (a phrase ends there), never mid-phrase.
_BREAKS = frozenset("，、；。：！？,;:!?）)」』】》〉”’ ")
ELLIPSIS = "…"
# Device names Windows reserves whatever extension follows them ("NUL.txt" too).
_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"{p}{n}" for p in ("COM", "LPT") for n in [*"123456789", "¹", "²", "³"]]
)

# Windows Explorer's path limit (MAX_PATH, 260 UTF-16 code units with the terminating NUL;
# a folder's path leaves 12 more for an 8.3 name: CreateDirectory). PATH_MARGIN is what we
# allow for the folder the package is extracted into, trailing backslash included:
# "C:\Users\Administrator\Downloads\" (33) and a folder named like the ZIP (Explorer's
# "Extract all" suggests it) of up to 56 characters: "某某县-2026年法治政府建设示范创建（综合示范）-
# 佐证材料包（ZIP）-20260612" is 44, a volume ("…-第1卷（共3卷）") 53.
MAX_PATH = 260
PATH_MARGIN = 90


def utf16_len(text):
    """Length as Windows counts it: UTF-16 code units (a character outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def _take(text, units):
    """The longest start of `text` that takes at most `units` UTF-16 code units."""
    used = 0
    for i, ch in enumerate(text):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > units:
            return text[:i]
    return text


def _reserved(name):
    return name.split(".", 1)[0].rstrip(" ").upper() in _RESERVED


def safe_name(text, limit=60):
    """A file or folder name every system accepts: no separators or reserved characters
    (\\ / : * ? " < > | and control characters), no trailing dot or space, not a device name
    Windows reserves (CON, NUL, COM1, …), at most `limit` UTF-16 code units; a cut name never
    ends on a comma or an opening bracket."""
    name = _UNSAFE.sub("_", tables.clean_text(text)).strip(". ")
    name = _take(name, limit).rstrip(_NO_END) or "_"
    if _reserved(name):
        name = _take("_" + name, limit).rstrip(_NO_END)
    return name


def fit_title(name, room):
    """`name` (already safe) whole if it takes at most `room` UTF-16 code units; otherwise
    cut after the last punctuation mark that leaves room for "…" (a hard cut only when
    there is none) and "…" added. Returns "" when not even one character and "…" fit."""
    if utf16_len(name) <= room:
        return name
    if room < 2:
        return ""
    head = _take(name, room - 1)
    for i in range(len(head), 0, -1):
        if head[i - 1] in _BREAKS:
            cut = head[:i].rstrip(_NO_END)
            if cut:
                return cut + ELLIPSIS
    cut = head.rstrip(_NO_END)
    return cut + ELLIPSIS if cut else ""


def folder_names(files, margin=PATH_MARGIN):
    """The folder name ("code title") of every indicator on the way to the package's files,
    keeping whole titles where the path budget allows.

    `files` are (chain, file name): chain is [(code, title), …] from level 1 down, the
    folders the file lies in. Every file's path, extracted into a folder of `margin` UTF-16
    units, stays within MAX_PATH (and its folder within CreateDirectory's limit). Where a
    path would be too long, the longest titles on it give way first: going down the tree,
    each folder gets the largest share that leaves its descendants' titles the same share,
    and a title longer than its share is cut at punctuation with "…" (fit_title). A folder
    is shared by all its files, so the file with the longest path decides. Codes are unique,
    so the names are too. Returns {code: folder name}."""
    file_limit, folder_limit = MAX_PATH - 1 - margin, MAX_PATH - 12 - 1 - margin  # in the package, UTF-16 units
    titles, paths, depth = {}, [], 0
    for chain, file_name in files:
        for code, title in chain:
            titles.setdefault(code, safe_name(title, 240))
        codes = [code for code, _title in chain]
        # "code title" per folder (the space counted even when the title ends up empty), a separator after each
        fixed = sum(utf16_len(code) + 1 for code in codes)
        room = min(file_limit - len(codes) - utf16_len(file_name), folder_limit - (len(codes) - 1)) - fixed
        paths.append((codes, room))
        depth = max(depth, len(codes))
    chosen = {}
    for level in range(depth):
        under = defaultdict(list)
        for codes, room in paths:
            if len(codes) > level:
                rest = [utf16_len(titles[c]) for c in codes[level:]]
                under[codes[level]].append((room - sum(utf16_len(chosen[c]) for c in codes[:level]), rest))
        for code, constraints in under.items():

            def fits(share, constraints=constraints):
                return all(sum(min(n, share) for n in rest) <= room for room, rest in constraints)

            low, high = 0, utf16_len(titles[code])
            while low < high:  # the largest share that fits
                mid = (low + high + 1) // 2
                low, high = (mid, high) if fits(mid) else (low, mid - 1)
            chosen[code] = fit_title(titles[code], low)
    return {code: f"{code} {name}" if name else code for code, name in chosen.items()}


def _unique(name, taken):
    """`name`, or "name（2）.ext", … when a name that differs only in case is taken (Windows ignores case)."""
    if name.casefold() not in taken:
        taken.add(name.casefold())
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    n = 2
    while True:
        candidate = f"{stem}（{n}）{'.' + ext if ext else ''}"
        if candidate.casefold() not in taken:
            taken.add(candidate.casefold())
            return candidate
        n += 1


def _href(path):
    """A relative link to a file of the package: ASCII specials (space, #, ?, %) escaped,
    Chinese kept as it is (a UTF-8 page may link so, and a third of the bytes)."""
    return "".join(quote(c, safe="/") if ord(c) < 128 else c for c in path)


def manifest_columns():
    """The manifest's columns: (JSON key, CSV header). The JSON keys are stable English
    (read back by submissions and by whoever checks a package); the CSV headers and the
    index page's are in the language the package is built in (the county's: report_run)."""
    return [
        ("path", _("Path")),
        ("indicator", _("Indicator")),
        ("indicator_title", _("Indicator title")),
        ("also", _("Also used for")),
        ("unit", _("Unit")),
        ("kind", _("Kind")),
        ("title", _("Title")),
        ("size", _("Size (bytes)")),
        ("sha256", "SHA-256"),
    ]


def kind_label(kind):
    """The readable kind of a manifest entry: the report, or an evidence kind's label."""
    if kind == "report":
        return _("Self-assessment report")
    return str(dict(Evidence.Kind.choices).get(kind, kind))


def manifest_csv(manifest):
    """manifest.csv: readable headers and kinds, every cell formula-escaped (UTF-8 with BOM)."""
    columns = manifest_columns()
    rows = [[kind_label(m["kind"]) if key == "kind" else m.get(key, "") for key, _label in columns] for m in manifest]
    return tables.export_table([str(label) for _key, label in columns], rows, "csv")


def build_package(campaign, out, progress=_noop, report_file=None, document_file=None):
    """Write the evidence package ZIP to the binary file `out`, file by file (memory
    stays flat whatever the total size). Returns the manifest rows.

    Folders go by indicator, "code title" on three levels (folder_names: whole titles
    where the Windows path budget allows, cut at punctuation with "…" otherwise). At the
    top: the report (PDF, and the DOCX when one is compiled), manifest.json, manifest.csv and index.html. Each manifest.json entry
    has the same stable English keys and codes, whatever the language:
    path, size (bytes), sha256, indicator (the level-3 code), indicator_title (in full),
    unit, kind ("report" or an evidence kind: document, image, news_link, award, summary,
    data), title (the evidence's), also (further indicator codes, joined by "、"); the
    report's entry has only path, size, sha256, kind and an empty indicator and unit. Keys
    are only ever added (indicator_title came later): submission_verify reads path and
    size back from stored submissions. manifest.csv and index.html show the same in the
    package's language, with the kinds' labels (manifest_columns, kind_label)."""
    nodes = {n.pk: n for n in Indicator.objects.filter(framework_id=campaign.framework_id)}
    items = list(
        Evidence.objects.accepted()
        .filter(assignment__campaign=campaign)
        .select_related("assignment__unit", "current_revision")
        .order_by("assignment__indicator__code", "created_at")
    )
    also = defaultdict(list)  # packed once, under its own indicator; the manifest names the others
    for evidence_id, code in Evidence.also_proves.through.objects.filter(
        evidence_id__in=[e.pk for e in items]
    ).values_list("evidence_id", "indicator__code"):
        also[evidence_id].append(code)
    # First the names (each file's, then the folders', which depend on the longest path), then the bytes.
    planned, taken = [], defaultdict(set)
    for e in items:
        r = e.current_revision
        if r is None:
            continue
        l3 = nodes[e.assignment.indicator_id]
        l2 = nodes[l3.parent_id]
        l1 = nodes[l2.parent_id]
        stem = safe_name(f"{e.assignment.unit.short_name or e.assignment.unit.name}-{e.title}")
        if r.file:
            ext = r.original_name.rsplit(".", 1)[-1].lower() if "." in r.original_name else "bin"
            if stem.lower().endswith("." + ext):
                stem = stem[: -len(ext) - 1]
            name = f"{stem}.{ext}"
        else:
            name = f"{stem}.url" if r.url else f"{stem}.txt"
        planned.append((e, (l1, l2, l3), _unique(name, taken[l3.code])))
    folders = folder_names([([(n.code, n.title) for n in chain], name) for _e, chain, name in planned])
    manifest = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:

        def add(path, source, meta):
            digest, size = hashlib.sha256(), 0
            info = zipfile.ZipInfo(path, date_time=timezone.localtime().timetuple()[:6])
            with zf.open(info, "w", force_zip64=True) as dest:
                for chunk in source:
                    digest.update(chunk)
                    size += len(chunk)
                    dest.write(chunk)
            manifest.append({"path": path, "size": size, "sha256": digest.hexdigest(), **meta})

        if report_file is not None:
            add(
                _("Self-assessment report") + ".pdf",
                report_file.chunks(COPY_CHUNK),
                {"indicator": "", "unit": "", "kind": "report"},
            )
        if document_file is not None:
            add(
                _("Self-assessment report") + ".docx",
                document_file.chunks(COPY_CHUNK),
                {"indicator": "", "unit": "", "kind": "report"},
            )
        for n, (e, chain, name) in enumerate(planned, start=1):
            l3 = chain[-1]
            path = "/".join([*(folders[node.code] for node in chain), name])
            r = e.current_revision
            meta = {
                "indicator": l3.code,
                "indicator_title": l3.title,
                "unit": e.assignment.unit.name,
                "kind": e.kind,
                "title": e.title,
                "also": "、".join(sorted(also[e.pk], key=tables.code_sort_key)),
            }
            if r.file:
                with r.file.open("rb") as fh:
                    add(path, fh.chunks(COPY_CHUNK), meta)
            elif r.url:
                add(path, [f"[InternetShortcut]\r\nURL={r.url}\r\n".encode()], meta)
            else:
                add(path, [r.text.encode("utf-8")], meta)
            if n % 20 == 0:
                progress(
                    5 + int(85 * n / max(1, len(planned))),
                    _("Packing evidence %(n)s of %(total)s") % {"n": n, "total": len(planned)},
                )
        progress(92, _("Writing the manifest"))
        zf.writestr("manifest.csv", manifest_csv(manifest))
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
        labels = dict(manifest_columns())
        rows = [{**m, "kind_label": kind_label(m["kind"]), "href": _href(m["path"])} for m in manifest]
        zf.writestr(
            "index.html",
            render_to_string("reports/package_index.html", {"campaign": campaign, "rows": rows, "labels": labels}),
        )
    return manifest


# Bytes a stored entry adds besides its data: local header (30) and central directory
# entry (46), each with the name and a ZIP64 extra field (20 and 28), plus the end
# records of the archive (22 + 56 + 20). Used to keep each volume under its limit.
_ENTRY_OVERHEAD = 30 + 46 + 20 + 28
_ARCHIVE_OVERHEAD = 22 + 56 + 20
VOLUME_FRONT = ("manifest.csv", "manifest.json", "index.html")


def plan_volumes(infos, limit):
    """Group a package's entries, in order, into volumes of at most `limit` bytes. An
    entry larger than the limit on its own gets a volume to itself (nothing is cut)."""
    volumes, current, size = [], [], _ARCHIVE_OVERHEAD
    for info in infos:
        need = info.file_size + _ENTRY_OVERHEAD + 2 * len(info.filename.encode("utf-8"))
        if current and size + need > limit:
            volumes.append(current)
            current, size = [], _ARCHIVE_OVERHEAD
        current.append(info)
        size += need
    if current:
        volumes.append(current)
    return volumes


def split_package(package_path, limit, out_dir, stem, progress=_noop):
    """Write the package's entries again as volumes: ZIP files of at most `limit` bytes
    that each open on their own, their union being exactly the package. The first volume
    opens with the manifest (every path with its checksum) and the index page, so whoever
    receives the volumes can check them all. Entries are copied in chunks, never whole
    into memory. Returns [(volume file name, path), …]."""
    written = []
    with zipfile.ZipFile(package_path) as src:
        infos = sorted(
            src.infolist(), key=lambda i: i.filename not in VOLUME_FRONT
        )  # stable: the rest keep their order
        plan = plan_volumes(infos, limit)
        for number, infos in enumerate(plan, start=1):
            name = (
                safe_name(f"{stem}-" + _("volume %(n)s of %(total)s") % {"n": number, "total": len(plan)}, 120) + ".zip"
            )
            path = os.path.join(out_dir, f"volume-{number}.zip")
            with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as dest:
                for info in infos:
                    target = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                    with src.open(info) as fin, dest.open(target, "w", force_zip64=True) as fout:
                        shutil.copyfileobj(fin, fout, COPY_CHUNK)
            written.append((name, path))
            progress(
                95 + int(4 * number / len(plan)),
                _("Writing volume %(n)s of %(total)s") % {"n": number, "total": len(plan)},
            )
    return written


# --- the workbook -------------------------------------------------------------------------


def build_xlsx(campaign, out, progress=_noop):
    """Tasks with status, the evidence list and the rectification items, one sheet
    each, through django-import-export resources, formula-escaped."""

    def sheet(title, resource, queryset):
        escaped = tables.neutralised(resource.export(queryset))
        escaped.title = title
        return escaped

    book = tablib.Databook(
        [
            sheet(
                _("Tasks"),
                AssignmentResource(),
                Assignment.objects.filter(campaign=campaign)
                .select_related("campaign", "indicator", "unit")
                .order_by("indicator__code", "role", "unit__code"),
            ),
            sheet(
                _("Evidence"),
                EvidenceResource(),
                Evidence.objects.filter(assignment__campaign=campaign)
                .select_related("assignment__indicator", "assignment__unit", "current_revision")
                .order_by("assignment__indicator__code"),
            ),
            sheet(
                _("Rectification"),
                RectificationResource(),
                Rectification.objects.filter(campaign=campaign)
                .select_related("owner", "assessment__indicator")
                .order_by("deadline"),
            ),
        ]
    )
    out.write(book.export("xlsx"))
