"""The demo: one province, one city and three counties, each a campaign at its own readiness,
with one login per role. Used by `manage.py load_demo`.

One story per county, and every figure of it agrees with every other (issue 21, item 7): an
indicator assessed 达标 has every share accepted on accepted evidence; what is short has its
rectification item; work still open is where the overdue list, the reminders and the board find
it; the thirty days of history are counted from the same rows (each share's and each piece of
evidence's day), so the trend ends at today's figures; the campaign stands at the stage its
submissions put it.

- County 1 (the county of the existing logins, ``demo-office`` …): in 自查自评, short of 90 %
  (84 of 96 met, six 基本达标 with their rectification items, six still at work with overdue
  shares); a comprehensive campaign under its threshold cannot be submitted (issue 21, item 1),
  so it has no submission yet.
- County 2 (``demo-office-2``): eligible and declared (申报), one indicator left.
- County 3 (``demo-office-3``): declared while eligible; a court then revoked a major decision
  taken without collective discussion, and the office recorded the veto indicator as triggered.

`county_build()` builds one county at a given readiness; `demo_load()` builds the three.
The bulk of the accepted work is written in a few bulk inserts (the services' per-row checks,
audit and notifications would take minutes for the ~4,500 shares and tell nobody anything);
the shares the demo logins work on go through the real services.
"""

import csv
import datetime
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from PIL import Image, ImageDraw

from assessment.models import Assessment, DailySnapshot
from assessment.services import assessment_save, snapshot_take
from assignments.models import Assignment, AssignmentEvent
from assignments.services import GROUP_TOKENS, UnitDirectory, assignment_set_for_indicator, assignment_transition
from campaign.models import Campaign, CampaignStageEvent
from core import tables
from core.figures_cache import dashboard_touch
from evidence.models import Evidence, EvidenceRevision, Review
from evidence.services import evidence_add, evidence_review
from indicators.models import Framework, Indicator
from indicators.services import IndicatorRow, framework_create_from_rows
from org.models import Membership, Region, Unit
from org.services import membership_create, unit_upsert
from reports.models import ReportJob, ReportText, Submission
from reports.selectors import submission_checks
from reports.services import report_request, report_run, report_text_update, submission_create

DATA_DIR = Path(__file__).resolve().parent / "demo_data"
DEMO_PASSWORD = "fazhi-demo-2026"
OFFICE_CODE = "D06"  # 县委全面依法治县委员会办公室
CITY_OFFICE = {"code": "C01", "name": "市委全面依法治市委员会办公室", "short_name": "市委依法治市办"}
PROVINCE_OFFICE = {"code": "P01", "name": "省委全面依法治省委员会办公室", "short_name": "省委依法治省办"}
PROVINCE = {"code": "P0", "name": "示范省"}
CITY = {"code": "C0", "name": "示范市"}
FRAMEWORK_NAME = "市县法治政府建设示范指标体系（样例）"
FRAMEWORK_VERSION = "2021-sample"
CAMPAIGN_SLUG = "demo-2026"
CAMPAIGN_NAME = "2026年法治政府建设示范创建（综合示范）"
BATCH = "第五批"
# Veto indicators of the sample tree (一票否决): a major decision without its legal procedure,
# and a government that ignores a court's final judgment.
VETO_CODES = {"3.2.5", "5.1.3"}
# Deadline offsets in days from today, cycled over the indicators, so the demo
# shows overdue, due-today, due-soon and later work side by side.
DEADLINE_OFFSETS = [-21, -7, -2, 0, 3, 9, 20, 45, 75, 120]
# The open and short indicators' deadlines (their shares are still at work).
OPEN_OFFSETS = [-21, 9, 0, -2, -7, -35, 3, 20, 45]
HISTORY_DAYS = 30
VETO_RECORDED_DAYS_AGO = 3

ELIGIBLE, SHORT, VETO = "eligible", "short", "veto"

DEMO_USERS = [
    # username, full name, role, unit code (county 1 and the city)
    ("demo-office", "张主任", Membership.Role.OFFICE_ADMIN, OFFICE_CODE),
    ("demo-staff", "李干事", Membership.Role.OFFICE_STAFF, OFFICE_CODE),
    ("demo-city", "王科长", Membership.Role.CITY_REVIEWER, CITY_OFFICE["code"]),
    ("demo-leader-D16", "赵局长", Membership.Role.UNIT_LEADER, "D16"),
    ("demo-liaison-D16", "孙联络员", Membership.Role.LIAISON, "D16"),
    ("demo-leader-T01", "周镇长", Membership.Role.UNIT_LEADER, "T01"),
    ("demo-liaison-T01", "吴联络员", Membership.Role.LIAISON, "T01"),
]
REGION_USERS = [
    ("demo-office-2", "陈主任", Membership.Role.OFFICE_ADMIN, "X2-" + OFFICE_CODE),
    ("demo-office-3", "刘主任", Membership.Role.OFFICE_ADMIN, "X3-" + OFFICE_CODE),
    ("demo-province", "黄处长", Membership.Role.PROVINCE_REVIEWER, PROVINCE_OFFICE["code"]),
]


@dataclass(frozen=True)
class CountySpec:
    """One demo county: where it is, who runs it and how far it has come.

    Indicator plans are by code: `open` still at work (unassessed), `partial` 基本达标 with a
    rectification item, `veto` met at submission, then the veto triggered; every other applicable indicator is met."""

    number: int
    region_code: str
    unit_prefix: str
    slug: str
    readiness: str
    office_login: str
    staff_login: str
    location: str
    open: tuple = ()
    partial: tuple = ()
    veto: tuple = ()
    not_applicable: tuple = ()
    submitted_days_ago: int | None = 12
    # County 1's table writes group words (县直各单位, 各乡镇（街道）) that expand to every unit;
    # the neighbours' tables name their cooperating units only (fewer, larger shares).
    group_words: bool = True
    story: dict = field(default_factory=dict)


COUNTIES = [
    CountySpec(
        number=1,
        region_code="X0",
        unit_prefix="",
        slug=CAMPAIGN_SLUG,
        readiness=SHORT,
        office_login="demo-office",
        staff_login="demo-staff",
        location="东部",
        # The work the demo logins see: 县司法局 (D16) leads all six, 城关镇 (T01) shares three.
        open=("2.2.2", "4.3.4", "4.6.1", "6.3.1", "6.4.1", "7.2.3"),
        partial=("1.2.2", "3.2.3", "4.2.2", "4.5.2", "5.3.1", "6.1.3"),
        not_applicable=("1.5.3", "4.1.1", "5.4.3", "8.4.3"),
        submitted_days_ago=None,  # under 90 %: a comprehensive campaign cannot be submitted (issue 21, item 1)
    ),
    CountySpec(
        number=2,
        region_code="X2",
        unit_prefix="X2-",
        slug="demo-2026-x2",
        group_words=False,
        readiness=ELIGIBLE,
        office_login="demo-office-2",
        staff_login="demo-office-2",
        location="北部",
        open=("6.3.2",),
        partial=("1.4.3", "4.3.3", "7.2.3"),
        not_applicable=("1.5.3", "4.1.1", "5.4.3", "8.4.3"),
        submitted_days_ago=6,
    ),
    CountySpec(
        number=3,
        region_code="X3",
        unit_prefix="X3-",
        slug="demo-2026-x3",
        group_words=False,
        readiness=VETO,
        office_login="demo-office-3",
        staff_login="demo-office-3",
        location="西部",
        open=("4.4.3", "6.5.1", "8.4.2"),
        partial=("1.1.3", "2.1.4", "4.3.4", "5.1.4"),
        veto=("3.2.5",),
        not_applicable=("1.5.3", "4.1.1", "8.4.3"),
        submitted_days_ago=9,
        story={
            "veto": "2026年11月，县人民法院判决撤销县政府作出的某片区房屋征收决定，该决定未经县政府常务会议集体讨论，"
            "触发一票否决指标。",
            "section3": "近三年作出的 19 项重大行政决策履行了法定程序；1 项房屋征收决定未经集体讨论即作出，已被人民法院"
            "判决撤销，正在依法重新作出并追究相关责任。",
        },
    ),
]
COUNTY_NAMES = {1: None, 2: "东山县", 3: "西河县"}  # county 1 is named by settings.COUNTY_NAME


def _read_csv(name):
    with open(DATA_DIR / name, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _narratives():
    with open(DATA_DIR / "narratives.json", encoding="utf-8") as fh:
        return json.load(fh)


def _code_key(code):
    return [int(p) for p in code.split(".")]


# --- the region tree, the framework -------------------------------------------------------------


def load_regions(county_names):
    """The province, its city and the three counties (codes P0 / C0 / X0 are the ones a
    single-county deployment makes on first use, so county 1 stays the default county)."""
    province, _ = Region.objects.update_or_create(
        code=PROVINCE["code"], defaults={"kind": Region.Kind.PROVINCE, "name": PROVINCE["name"]}
    )
    city, _ = Region.objects.update_or_create(
        code=CITY["code"], defaults={"kind": Region.Kind.CITY, "name": CITY["name"], "parent": province}
    )
    counties = {}
    for spec in (s for s in COUNTIES if s.number in county_names):
        counties[spec.number], _ = Region.objects.update_or_create(
            code=spec.region_code,
            defaults={"kind": Region.Kind.COUNTY, "name": county_names[spec.number], "parent": city},
        )
    # A demo loaded before regions existed put its city office in the default county: it moves
    # to its city (the demo's own unit; unit_upsert rightly refuses to take a code across counties).
    Unit.objects.filter(code=CITY_OFFICE["code"]).exclude(region=city).update(region=city)
    unit_upsert(
        code=CITY_OFFICE["code"],
        name=CITY_OFFICE["name"],
        short_name=CITY_OFFICE["short_name"],
        kind=Unit.Kind.CITY_OFFICE,
        category="市级",
        region=city,
    )
    unit_upsert(
        code=PROVINCE_OFFICE["code"],
        name=PROVINCE_OFFICE["name"],
        short_name=PROVINCE_OFFICE["short_name"],
        kind=Unit.Kind.PROVINCE_OFFICE,
        category="省级",
        region=province,
    )
    return counties


def load_units(region=None, prefix=""):
    """The county's 42 departments and 15 townships (codes prefixed per county: codes are
    unique across the deployment, names within a county); by default in the deployment's county."""
    region = region or Region.objects.default_county()
    existing = set(Unit.objects.filter(region=region).values_list("code", flat=True))
    rows = _read_csv("units.csv")
    if {prefix + r["code"] for r in rows} <= existing:
        return  # loaded before (an office's edits to its units stay)
    for row in rows:
        kind = Unit.Kind.OFFICE if row["code"] == OFFICE_CODE else row["type"]
        unit_upsert(
            code=prefix + row["code"],
            name=row["name"],
            short_name=row["short_name"],
            kind=kind,
            category=row["category"],
            is_law_enforcement=row["law_enforcement"] == "1",
            note=row["note"][:255],
            region=region,
        )


def load_framework():
    framework = Framework.objects.filter(name=FRAMEWORK_NAME, version=FRAMEWORK_VERSION).first()
    if framework:
        # The veto flags came after the first demos: a database loaded before gets them too.
        Indicator.objects.filter(framework=framework, level=3, code__in=VETO_CODES, is_veto=False).update(is_veto=True)
        return framework
    rows = [
        IndicatorRow(
            code=r["code"],
            level1=r["level1"],
            level2=r["level2"],
            level3=r["level3"],
            score=Decimal(r["score"]) if r["score"] else None,
            evaluation_method=r["evaluation_method"],
            serial=n,
            is_veto=r["code"] in VETO_CODES,
        )
        for n, r in enumerate(_read_csv("indicators.csv"), start=1)
    ]
    return framework_create_from_rows(
        name=FRAMEWORK_NAME, version=FRAMEWORK_VERSION, rows=rows, source="shared/data/indicators.csv"
    )


# --- one county ---------------------------------------------------------------------------------


def load_campaign(spec, framework, region, county_name, today):
    campaign = Campaign.objects.filter(slug=spec.slug).first()
    if campaign is None:
        campaign = Campaign.objects.create(
            slug=spec.slug,
            region=region,
            county=county_name,
            name=CAMPAIGN_NAME,
            batch=BATCH,
            kind=Campaign.Kind.COMPREHENSIVE,
            framework=framework,
            stage=Campaign.Stage.SELF_ASSESSMENT,
            city_office=Unit.objects.get(code=CITY_OFFICE["code"]),
        )
        start = today - datetime.timedelta(days=75)
        CampaignStageEvent.objects.create(
            campaign=campaign,
            to_stage=Campaign.Stage.PREPARATION,
            effective_on=start,
            note="印发《法治政府建设示范创建活动实施方案》",
        )
        CampaignStageEvent.objects.create(
            campaign=campaign,
            from_stage=Campaign.Stage.PREPARATION,
            to_stage=Campaign.Stage.SELF_ASSESSMENT,
            effective_on=start + datetime.timedelta(days=15),
            note="对照指标体系开展自查自评",
        )
    if not framework.frozen:
        Framework.objects.filter(pk=framework.pk).update(frozen=True)
    return campaign


def load_assignments(spec, campaign, region, today):
    """The division of work from the sample table; deadlines move along with today's date. The
    work still open has the deadlines that make a board: overdue, due today, due soon, later."""
    directory = UnitDirectory(Unit.objects.filter(region=region, is_active=True).order_by("code"))
    indicators = {i.code: i for i in Indicator.objects.filter(framework=campaign.framework, level=3)}
    for n, row in enumerate(_read_csv("indicators.csv")):
        ongoing = row["deadline"].strip() in {"长期坚持", "持续推进"}
        at_work = [*spec.open, *spec.partial]
        offset = (
            OPEN_OFFSETS[at_work.index(row["code"]) % len(OPEN_OFFSETS)]
            if row["code"] in at_work
            else DEADLINE_OFFSETS[n % len(DEADLINE_OFFSETS)]
        )
        deadline = None if ongoing else today + datetime.timedelta(days=offset)
        lead = directory.resolve(row["lead_unit"])[0]
        named = row["cooperating_units"]
        if not spec.group_words:
            named = "、".join(t for t in re.split(r"[、,，;；/\s]+", named) if tables.norm_key(t) not in GROUP_TOKENS)
        cooperating = [u for u in directory.resolve(named) if u != lead]
        assignment_set_for_indicator(
            campaign=campaign,
            indicator=indicators[row["code"]],
            lead=lead,
            cooperating=cooperating,
            deadline=deadline,
            ongoing=ongoing,
        )


def _user(username, full_name, **extra):
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"full_name": full_name, **extra}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def load_users(users):
    units = {u.code: u for u in Unit.objects.filter(code__in=[u[3] for u in users])}
    for username, full_name, role, unit_code in users:
        membership_create(user=_user(username, full_name), unit=units[unit_code], role=role)


# Shares of county 1 the demo logins work on, through the real services so every state shows:
# (unit, n-th of its shares on the open indicators, steps, the office's comment).
DEMO_PROGRESS = [
    ("D16", 0, ["submitted", "returned"], "佐证材料缺少2025年度的文件，请补充后重新提交。"),
    ("D16", 1, ["submitted"], ""),
    ("D16", 2, ["submitted", "accepted"], ""),
    ("D16", 3, ["in_progress"], ""),
    ("T01", 0, ["submitted"], ""),
    ("T01", 1, ["submitted", "returned"], "照片缺少拍摄时间和地点说明。"),
]


def _demo_files(n, title):
    """A real PDF and a JPEG photo, different for every demo share (the duplicate check would refuse twins)."""

    colour = (180 - 20 * n, 40 + 25 * n, 60 + 15 * n)
    photo = Image.new("RGB", (960, 640), colour)
    draw = ImageDraw.Draw(photo)
    draw.rectangle((80, 80, 880, 560), outline=(255, 255, 255), width=8)
    draw.ellipse((380 + 10 * n, 220, 580 + 10 * n, 420), fill=(255, 255, 255))
    jpeg, pdf = io.BytesIO(), io.BytesIO()
    photo.save(jpeg, "JPEG", quality=85)
    page = Image.new("RGB", (595, 842), (255, 255, 255))
    ImageDraw.Draw(page).rectangle((60, 60 + 4 * n, 535, 120 + 4 * n), fill=(179, 38, 30))
    page.save(pdf, "PDF")
    return (
        SimpleUploadedFile(f"{title}.pdf", pdf.getvalue(), "application/pdf"),
        SimpleUploadedFile(f"{title}现场照片.jpg", jpeg.getvalue(), "image/jpeg"),
    )


def _tiny_pdf(line):
    """A small valid one-page PDF saying `line` (ASCII): the bulk documents' bytes, unique per share."""
    stream = f"BT /F1 14 Tf 72 770 Td ({line}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


class _Bulk:
    """Evidence, reviews and status events for many shares, written in a few inserts."""

    def __init__(self, campaign, office, today):
        self.campaign, self.office, self.today = campaign, office, today
        self.evidence, self.revisions, self.reviews, self.events = [], [], [], []
        self.share_updates = []

    def _at(self, days_ago, hour=10):
        day = self.today - datetime.timedelta(days=days_ago)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))

    def add(self, share, status, days_ago, comment=""):
        """Give `share` one piece of evidence reviewed as its status needs and move it to `status`
        (accepted, submitted, returned, in_progress), `days_ago` being the day of the last step."""
        uploaded = days_ago + 3
        code, unit = share.indicator.code, share.unit
        if share.role == Assignment.Role.LEAD:
            kind, title = Evidence.Kind.DOCUMENT, f"{unit.short_name}{code}工作方案及落实情况"
            body = _tiny_pdf(f"{self.campaign.slug} {code} {unit.code} work plan")
            revision = EvidenceRevision(
                number=1,
                original_name=f"{title}.pdf",
                content_type="application/pdf",
                size=len(body),
                sha256=hashlib.sha256(body).hexdigest(),
            )
            revision.file.save(f"{title}.pdf", ContentFile(body), save=False)
        else:
            kind, title = Evidence.Kind.SUMMARY, f"{unit.short_name}{code}落实情况说明"
            text = f"{unit.name}按照分工，对照指标{code}的要求制定落实措施，明确责任人和完成时限，相关台账已归档备查。"
            revision = EvidenceRevision(number=1, text=text, content_type="text/plain", size=len(text))
        review = {"accepted": Evidence.Review.ACCEPTED, "returned": Evidence.Review.RETURNED}.get(
            status, Evidence.Review.PENDING
        )
        evidence = Evidence(
            assignment=share,
            campaign_id=self.campaign.pk,
            kind=kind,
            title=title,
            issued_on=self.today - datetime.timedelta(days=uploaded + 5),
            review_status=review,
        )
        revision.evidence = evidence
        self.evidence.append((evidence, uploaded))
        self.revisions.append((revision, uploaded))
        if review != Evidence.Review.PENDING:
            self.reviews.append(
                (
                    Review(evidence=evidence, revision=revision, status=review, comment=comment, reviewer=self.office),
                    days_ago,
                )
            )
        steps = {
            "in_progress": ["in_progress"],
            "submitted": ["in_progress", "submitted"],
            "accepted": ["in_progress", "submitted", "accepted"],
            "returned": ["in_progress", "submitted", "returned"],
        }[status]
        frm = Assignment.Status.NOT_STARTED
        for n, step in enumerate(steps):
            day = uploaded - n if n < len(steps) - 1 else days_ago
            self.events.append(
                (
                    AssignmentEvent(
                        assignment=share,
                        from_status=frm,
                        to_status=step,
                        comment=comment if step == "returned" else "",
                        by=self.office if step in ("accepted", "returned") else None,
                    ),
                    day,
                )
            )
            frm = step
        self.share_updates.append((share, days_ago))
        share.status = status

    def _stamped(self, model, rows, name):
        """Insert the rows, then set `name` to each row's day (auto_now_add stamps inserts with now):
        one UPDATE per day, not a CASE over thousands of rows."""
        model.objects.bulk_create([obj for obj, _ in rows], batch_size=1000)
        days = {}
        for obj, days_ago in rows:
            days.setdefault(days_ago, []).append(obj.pk)
        for days_ago, pks in days.items():
            model.objects.filter(pk__in=pks).update(**{name: self._at(days_ago)})

    def write(self):
        self._stamped(Evidence, self.evidence, "created_at")
        for revision, _ in self.revisions:
            revision.evidence_id = revision.evidence.pk
        self._stamped(EvidenceRevision, self.revisions, "uploaded_at")
        # One statement for every evidence row's current revision (the first and only one).
        Evidence.objects.filter(campaign_id=self.campaign.pk, current_revision__isnull=True).update(
            current_revision=Subquery(EvidenceRevision.objects.filter(evidence=OuterRef("pk")).values("pk")[:1])
        )
        for review, _ in self.reviews:
            review.evidence_id, review.revision_id = review.evidence.pk, review.revision.pk
        self._stamped(Review, self.reviews, "at")
        self._stamped(AssignmentEvent, self.events, "at")
        moves = {}
        for share, days_ago in self.share_updates:
            moves.setdefault((share.status, days_ago), []).append(share.pk)
        for (status, days_ago), pks in moves.items():
            Assignment.objects.filter(pk__in=pks).update(status=status, status_changed_at=self._at(days_ago))


def _plan(spec, indicators):
    """Each level-3 indicator's part in the county's story: met, partial, veto,
    open or not_applicable."""
    named = {
        **dict.fromkeys(spec.open, "open"),
        **dict.fromkeys(spec.partial, "partial"),
        **dict.fromkeys(spec.veto, "veto"),
        **dict.fromkeys(spec.not_applicable, "not_applicable"),
    }
    return {i.code: named.get(i.code, "met") for i in indicators}


def load_progress(spec, campaign, plan, today):
    """The county's work: every share of a met indicator accepted on accepted evidence, short
    indicators with a share sent back, open indicators at every state."""
    office = get_user_model().objects.get(username=spec.office_login)
    bulk = _Bulk(campaign, office, today)
    shares = list(
        Assignment.objects.filter(campaign=campaign)
        .select_related("unit", "indicator")
        .order_by("indicator__code", "-role", "unit__code")
    )
    demo_units = {spec.unit_prefix + code for code, *_ in DEMO_PROGRESS} if spec.number == 1 else set()
    by_indicator = {}
    for share in shares:
        by_indicator.setdefault(share.indicator.code, []).append(share)
    for n, (code, group) in enumerate(sorted(by_indicator.items(), key=lambda kv: _code_key(kv[0]))):
        part = plan[code]
        if part == "not_applicable":
            continue
        # An indicator's work was accepted over a few days, the earlier indicators earlier.
        # accepted before the county submitted (the submission counted them met).
        done = (spec.submitted_days_ago or 0) + 4 + (len(by_indicator) - n) * 25 // len(by_indicator)
        for i, share in enumerate(group):
            if part in ("met", "veto"):
                bulk.add(share, "accepted", done - i % 3)
            elif part == "partial":
                if i % 5 == 1 or len(group) == 1:
                    bulk.add(share, "returned", 2 + i % 4, comment="佐证材料未体现落实成效，请补充数据或典型案例。")
                else:
                    bulk.add(share, "accepted", done - i % 3)
            elif share.unit.code in demo_units:
                continue  # the demo logins' own work: not started, or moved by the services below
            else:
                # The lead's own part is never the one done: an indicator still open has work left.
                status = ["submitted", "accepted", "returned", "in_progress", None, None][i % 6]
                if status == "returned":
                    bulk.add(share, status, 1 + i % 3, comment="材料与指标要求不符，请按评价标准补充。")
                elif status:
                    bulk.add(share, status, i % 4 if status != "accepted" else 6 + i % 5)
    bulk.write()
    if spec.number == 1:
        _progress_through_services(spec, campaign, plan)


def _progress_through_services(spec, campaign, plan):
    """The demo logins' shares go through the real workflow: real files, reviews, sign-off requests."""
    User = get_user_model()
    staff = User.objects.get(username=spec.staff_login)
    open_codes = [c for c, part in plan.items() if part == "open"]
    for n, (unit_code, index, steps, comment) in enumerate(DEMO_PROGRESS):
        shares = sorted(
            Assignment.objects.filter(campaign=campaign, unit__code=unit_code, indicator__code__in=open_codes)
            .select_related("unit", "indicator")
            .order_by("indicator__code"),
            key=lambda s: _code_key(s.indicator.code),
        )
        share = shares[index]
        liaison = User.objects.get(username=f"demo-liaison-{unit_code}")
        pdf, photo = _demo_files(n, f"{share.unit.short_name}{share.indicator.code}工作方案")
        document = evidence_add(
            assignment=share,
            kind="document",
            title=pdf.name[:-4],
            upload=pdf,
            by=liaison,
            issued_on=timezone.localdate(),
        )
        photo_ev = evidence_add(assignment=share, kind="image", title=photo.name[:-4], upload=photo, by=liaison)
        share.refresh_from_db()
        for step in steps:
            if step == "in_progress" and share.status == step:
                continue
            if step == "returned":
                # The office accepts the document and returns the photo: the share goes back with the comment.
                evidence_review(evidence=document, decision="accepted", by=staff)
                evidence_review(evidence=photo_ev, decision="returned", comment=comment, by=staff)
                continue
            if step == "accepted":
                for e in (document, photo_ev):
                    evidence_review(evidence=e, decision="accepted", by=staff)
            assignment_transition(assignment=share, to_status=step, by=staff if step == "accepted" else liaison)


NEUTRAL_PRACTICE = "牵头单位制定工作方案，明确责任分工和完成时限，按期推进落实，相关制度文件和工作台账已归档。"
SHORTFALL = "佐证材料未能充分体现落实成效，部分工作尚未形成制度。"


def load_assessments(spec, campaign, plan, today, *, at_submission):
    """The self-assessment as it stood when the county submitted (`at_submission`: the veto
    indicator still met), then what changed since. Returns the codes met at submission."""
    office = get_user_model().objects.get(username=spec.office_login)
    indicators = sorted(
        Indicator.objects.filter(framework=campaign.framework, level=3).select_related("parent__parent"),
        key=lambda i: _code_key(i.code),
    )
    units = {
        a.indicator_id: a.unit
        for a in Assignment.objects.filter(campaign=campaign, role=Assignment.Role.LEAD).select_related("unit")
    }
    narratives = _narratives()["level1"]
    told, met = set(), []
    for n, indicator in enumerate(indicators):
        part = plan[indicator.code]
        if at_submission:
            if part == "open":
                continue  # still at work: not assessed yet
            part = "met" if part == "veto" else part
        elif part != "veto":
            continue  # assessed at submission and unchanged since
        section = indicator.parent.parent.title
        rect = None
        if part == "met":
            values = {
                "result": Assessment.Result.MET,
                "status": Assessment.Status.DONE,
                "self_score": indicator.score,
                "practice": NEUTRAL_PRACTICE,
            }
            if section in narratives and section not in told:
                told.add(section)  # the section's story, told once, at its first indicator met
                text = narratives[section]
                outcomes = text["outcomes"]
                if section.startswith("重大行政决策") and spec.story.get("section3"):
                    outcomes = spec.story["section3"]
                values.update(practice=text["practice"], outcomes=outcomes, highlights=text["highlight"])
            met.append(indicator.code)
        elif part == "not_applicable":
            values = {"result": Assessment.Result.NOT_APPLICABLE, "status": Assessment.Status.DONE}
        elif part == "veto":
            values = {
                "result": Assessment.Result.NOT_MET,
                "status": Assessment.Status.DONE,
                "self_score": Decimal("0"),
                "veto_triggered": True,
                "shortfall": spec.story["veto"],
            }
        else:
            values = {
                "result": Assessment.Result.PARTIAL,
                "status": Assessment.Status.IN_REVIEW,
                "self_score": (indicator.score / 2).quantize(Decimal("0.1")) if indicator.score else None,
                "practice": NEUTRAL_PRACTICE,
                "shortfall": SHORTFALL,
            }
            rect = {
                "measure": "补充完善相关制度文件和落实台账，报送体现成效的数据和典型案例",
                "owner": units[indicator.pk],
                "deadline": today + datetime.timedelta(days=(-4, 6, 12, 25)[n % 4]),
            }
        assessment_save(campaign=campaign, indicator=indicator, by=office, rectification=rect, **values)
    return met


def load_report_text(spec, campaign):
    """The report's free texts (基本情况, 特色亮点, 下一步打算), once: an office's edits stay."""
    if ReportText.objects.filter(campaign=campaign).exists():
        return
    office = get_user_model().objects.get(username=spec.office_login)
    texts = dict(_narratives()["report_text"])
    texts["basic_facts"] = texts["basic_facts"].replace("本市东部", f"本市{spec.location}")
    report_text_update(campaign=campaign, by=office, **texts)


def _compile(campaign):
    """The PDF report and the evidence package, built here (no job for the worker to chew through)."""
    for kind in (ReportJob.Kind.PDF, ReportJob.Kind.PACKAGE):
        job = report_request(campaign=campaign, kind=kind, by=None, enqueue=False)
        report_run(job.pk)


def load_submission(spec, campaign, today):
    """Submit through the real service (so the county must have been eligible that day), dated
    `submitted_days_ago` days back."""
    office = get_user_model().objects.get(username=spec.office_login)
    checks = submission_checks(campaign)
    submission = submission_create(campaign=campaign, by=office, confirmed=[c.key for c in checks.warnings])
    day = today - datetime.timedelta(days=spec.submitted_days_ago)
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(16)))
    Submission.objects.filter(pk=submission.pk).update(created_at=at, updated_at=at)
    ReportJob.objects.filter(campaign=campaign).update(created_at=at, finished_at=at)
    campaign.stage_events.filter(to_stage=Campaign.Stage.DECLARED).update(effective_on=day)
    return submission


def load_history(spec, campaign, today):
    """Thirty days of daily figures counted from the rows themselves (each figure on a day is what
    had happened by then: evidence by its upload, acceptance by its review, a share by its last
    move, an indicator met from the day after its last share was accepted, the veto's indicator
    until the day it was recorded), ending at today's live snapshot. Written once: later days
    are the beat job's."""
    if DailySnapshot.objects.filter(campaign=campaign, day__lt=today).exists():
        return

    def day(at):
        return timezone.localtime(at).date()

    evidence = list(
        Evidence.objects.visible().filter(campaign=campaign).values_list("pk", "created_at", "review_status")
    )
    accepted_on = {}
    for evidence_id, at in Review.objects.filter(
        evidence__campaign=campaign, status=Evidence.Review.ACCEPTED
    ).values_list("evidence_id", "at"):
        accepted_on[evidence_id] = max(accepted_on.get(evidence_id, day(at)), day(at))
    shares = list(campaign.assignments.values_list("indicator_id", "status", "status_changed_at"))
    last_accepted = {}
    for indicator_id, status, at in shares:
        if status == Assignment.Status.ACCEPTED:
            last_accepted[indicator_id] = max(last_accepted.get(indicator_id, day(at)), day(at))
    vetoed_on = today - datetime.timedelta(days=VETO_RECORDED_DAYS_AGO)
    met = [
        (last_accepted[a.indicator_id] + datetime.timedelta(days=1), vetoed_on if a.veto_triggered else None)
        for a in campaign.assessments.filter(Q(result=Assessment.Result.MET) | Q(veto_triggered=True))
        if a.indicator_id in last_accepted
    ]
    for back in range(HISTORY_DAYS, 0, -1):
        d = today - datetime.timedelta(days=back)
        DailySnapshot.objects.update_or_create(
            campaign=campaign,
            day=d,
            defaults={
                "evidence_total": sum(1 for _, at, _ in evidence if day(at) <= d),
                "evidence_accepted": sum(
                    1
                    for pk, _, review in evidence
                    if review == Evidence.Review.ACCEPTED and accepted_on.get(pk, today) <= d
                ),
                "shares_accepted": sum(
                    1 for _, status, at in shares if status == Assignment.Status.ACCEPTED and day(at) <= d
                ),
                "indicators_met": sum(1 for since, until in met if since <= d and (until is None or d < until)),
            },
        )
    snapshot_take(campaign=campaign, day=today)


def county_build(*, spec, framework, region, county_name, today):
    """Build (or, on a rerun, refresh the deadlines of) one county at the readiness of `spec`.
    Returns its campaign.

    A few short transactions, not one long one: on SQLite a write transaction holds the whole
    database, and a worker starting beside `make run` must not wait for a county's PDF."""
    with transaction.atomic():
        load_units(region, spec.unit_prefix)
        campaign = load_campaign(spec, framework, region, county_name, today)
        load_assignments(spec, campaign, region, today)
        load_users(
            [u for u in DEMO_USERS if u[3] != CITY_OFFICE["code"]]
            if spec.number == 1
            else [u for u in REGION_USERS if u[0] == spec.office_login]
        )
    plan = _plan(spec, Indicator.objects.filter(framework=framework, level=3))
    with transaction.atomic():
        if not Assessment.objects.filter(campaign=campaign).exists():  # built before: the work since stays
            load_progress(spec, campaign, plan, today)
            load_assessments(spec, campaign, plan, today, at_submission=True)
            load_report_text(spec, campaign)
    if spec.submitted_days_ago is not None and not Submission.objects.filter(campaign=campaign).exists():
        _compile(campaign)  # outside a transaction: the PDF takes a while
        with transaction.atomic():
            load_submission(spec, campaign, today)
            load_assessments(spec, campaign, plan, today, at_submission=False)  # the veto, recorded since
            recorded = timezone.make_aware(
                datetime.datetime.combine(today - datetime.timedelta(days=VETO_RECORDED_DAYS_AGO), datetime.time(9))
            )
            Assessment.objects.filter(campaign=campaign, veto_triggered=True).update(updated_at=recorded)
    with transaction.atomic():
        load_history(spec, campaign, today)
        dashboard_touch(campaign.pk)
    return campaign


def demo_load(*, county, today=None, neighbours=True):
    """Load or refresh the demo: the province, the city and its counties (county 1 only with
    neighbours=False: the browser journeys work in it, and the neighbours' two submissions take a
    PDF each). Idempotent: a second run changes nothing except moving demo deadlines along with
    today's date. Returns county 1's campaign, the newest (the one `campaign_current()` opens)."""
    today = today or timezone.localdate()
    names = {**COUNTY_NAMES, 1: county}
    with transaction.atomic():
        regions = load_regions(names if neighbours else {1: county})
        framework = load_framework()
        _user("demo-admin", "系统管理员", is_staff=True, is_superuser=True)
        load_users([u for u in DEMO_USERS if u[3] == CITY_OFFICE["code"]])
        load_users([u for u in REGION_USERS if u[2] == Membership.Role.PROVINCE_REVIEWER])
    campaigns = {}
    for spec in sorted(COUNTIES, key=lambda s: s.number == 1):  # county 1 last
        if spec.number == 1 or neighbours:
            campaigns[spec.number] = county_build(
                spec=spec, framework=framework, region=regions[spec.number], county_name=names[spec.number], today=today
            )
    # A database loaded before the neighbours existed: county 1 stays the current campaign.
    first = campaigns[1]
    Campaign.objects.filter(
        slug__in=[s.slug for s in COUNTIES if s.number != 1], created_at__gt=first.created_at
    ).update(created_at=first.created_at - datetime.timedelta(minutes=1))
    return first
