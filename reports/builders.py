"""Building the campaign's outputs: the self-assessment report (WeasyPrint PDF),
the evidence package (ZIP streamed to disk) and the workbook (XLSX)."""

import base64
import copy
import csv
import hashlib
import io
import json
import os
import re
import shutil
import zipfile
from collections import defaultdict

import tablib
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.eligibility import eligibility
from assessment.models import Assessment, Rectification
from assessment.resources import RectificationResource
from assignments.models import Assignment
from assignments.resources import AssignmentResource
from core import tables
from evidence.models import Evidence
from evidence.resources import EvidenceResource
from indicators.models import Indicator

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
    photos = {}  # indicator id -> thumbnails (data: URLs) of its own accepted photos, at most PHOTOS_PER_INDICATOR
    for indicator_id, items in evidence.items():
        revisions = [
            e.current_revision
            for e in items
            if not e.linked_from and e.current_revision and e.current_revision.is_image and e.current_revision.thumbnail
        ]
        photos[indicator_id] = [src for src in map(_thumbnail_src, revisions[:PHOTOS_PER_INDICATOR]) if src]
    tree, by_id = [], {}
    for n in nodes:
        item = {"node": n, "children": [], "assessment": assessments.get(n.pk), "evidence": [], "photos": []}
        if n.level == 3:
            item["evidence"] = evidence.get(n.pk, [])
            item["photos"] = photos.get(n.pk, [])
        by_id[n.pk] = item
        (by_id[n.parent_id]["children"] if n.parent_id else tree).append(item)
    summary = []
    for l1 in tree:
        counts = defaultdict(int)
        for l2 in l1["children"]:
            for l3 in l2["children"]:
                counts[l3["assessment"].result if l3["assessment"] else ""] += 1
        summary.append({"node": l1["node"], **{k or "none": v for k, v in counts.items()}})
    text = ReportText.objects.filter(campaign=campaign).first()
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
        "tree": tree,
        "summary": summary,
        "eligibility": result,
        "text": text,
        "shortfalls": shortfalls,
        "rectifications": Rectification.objects.filter(campaign=campaign)
        .select_related("owner", "assessment__indicator")
        .order_by("deadline"),
    }


def _thumbnail_src(revision):
    try:
        with revision.thumbnail.open("rb") as fh:
            return "data:image/jpeg;base64," + base64.b64encode(fh.read()).decode()
    except OSError:
        return None  # a missing thumbnail must not stop the report


def render_report_html(context):
    return render_to_string("reports/report.html", context)


def build_pdf(campaign, out, progress=_noop):
    """Write the report PDF to the binary file `out`."""
    from weasyprint import HTML

    html = render_report_html(report_context(campaign, progress))
    progress(45, _("Laying out the pages"))
    HTML(string=html).write_pdf(out)
    progress(95, _("Saving"))


# --- the evidence package ---------------------------------------------------------------

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def safe_name(text, limit=60):
    """A file or folder name every system accepts: no separators or reserved characters, bounded length."""
    name = _UNSAFE.sub("_", tables.clean_text(text)).strip(". ")
    # A cut title does not end on a comma or an opening bracket ("依法行政，" reads as unfinished).
    return name[:limit].rstrip(". ,;，、；：:（(“") or "_"


def _unique(name, taken):
    if name not in taken:
        taken.add(name)
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    n = 2
    while True:
        candidate = f"{stem}（{n}）{'.' + ext if ext else ''}"
        if candidate not in taken:
            taken.add(candidate)
            return candidate
        n += 1


def build_package(campaign, out, progress=_noop, report_file=None):
    """Write the evidence package ZIP to the binary file `out`, file by file (memory
    stays flat whatever the total size). Returns the manifest rows."""
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
    manifest, taken = [], set()
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
        for n, e in enumerate(items, start=1):
            l3 = nodes[e.assignment.indicator_id]
            l2 = nodes[l3.parent_id]
            l1 = nodes[l2.parent_id]
            folder = "/".join(
                [
                    f"{l1.code} {safe_name(l1.title, 30)}",
                    f"{l2.code} {safe_name(l2.title, 30)}",
                    f"{l3.code} {safe_name(l3.title, 30)}",
                ]
            )
            r = e.current_revision
            meta = {
                "indicator": l3.code,
                "unit": e.assignment.unit.name,
                "kind": e.kind,
                "title": e.title,
                "also": "、".join(sorted(also[e.pk], key=tables.code_sort_key)),
            }
            stem = safe_name(f"{e.assignment.unit.short_name or e.assignment.unit.name}-{e.title}")
            if r is not None and r.file:
                ext = r.original_name.rsplit(".", 1)[-1].lower() if "." in r.original_name else "bin"
                if stem.lower().endswith("." + ext):
                    stem = stem[: -len(ext) - 1]
                with r.file.open("rb") as fh:
                    add(f"{folder}/{_unique(f'{stem}.{ext}', taken)}", fh.chunks(COPY_CHUNK), meta)
            elif r is not None and r.url:
                body = f"[InternetShortcut]\r\nURL={r.url}\r\n".encode()
                add(f"{folder}/{_unique(f'{stem}.url', taken)}", [body], meta)
            elif r is not None:
                add(f"{folder}/{_unique(f'{stem}.txt', taken)}", [r.text.encode("utf-8")], meta)
            if n % 20 == 0:
                progress(
                    5 + int(85 * n / max(1, len(items))),
                    _("Packing evidence %(n)s of %(total)s") % {"n": n, "total": len(items)},
                )
        progress(92, _("Writing the manifest"))
        buffer = io.StringIO()
        writer = csv.DictWriter(
            buffer,
            fieldnames=["path", "indicator", "also", "unit", "kind", "title", "size", "sha256"],
            extrasaction="ignore",
        )
        writer.writeheader()
        writer.writerows([{**m, "title": m.get("title", ""), "also": m.get("also", "")} for m in manifest])
        zf.writestr("manifest.csv", "\ufeff" + buffer.getvalue())
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
        zf.writestr(
            "index.html", render_to_string("reports/package_index.html", {"campaign": campaign, "manifest": manifest})
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
        data = resource.export(queryset)
        escaped = tablib.Dataset(headers=data.headers, title=title)
        for row in data:
            escaped.append([tables.neutralise(v) if isinstance(v, str) else v for v in row])
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
