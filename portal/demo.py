"""The demo county: units, the sample indicator tree, a campaign with work at
every deadline state, and one login per role. Used by `manage.py load_demo`."""

import csv
import datetime
import io
import json
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from assessment.models import Assessment, DailySnapshot
from assessment.services import assessment_save, snapshot_take
from assignments.models import Assignment
from assignments.services import UnitDirectory, assignment_set_for_indicator, assignment_transition
from campaign.models import Campaign, CampaignStageEvent
from evidence.services import evidence_add, evidence_review
from indicators.models import Framework, Indicator
from indicators.services import IndicatorRow, framework_create_from_rows
from org.models import Membership, Unit
from org.services import membership_create, unit_upsert
from reports.models import ReportText
from reports.services import report_text_update

DATA_DIR = Path(__file__).resolve().parent / "demo_data"
DEMO_PASSWORD = "fazhi-demo-2026"
OFFICE_CODE = "D06"  # 县委全面依法治县委员会办公室
CITY_OFFICE = {"code": "C01", "name": "市委全面依法治市委员会办公室", "short_name": "市委依法治市办"}
FRAMEWORK_NAME = "市县法治政府建设示范指标体系（样例）"
FRAMEWORK_VERSION = "2021-sample"
CAMPAIGN_SLUG = "demo-2026"
# Deadline offsets in days from today, cycled over the indicators, so the demo
# shows overdue, due-today, due-soon and later work side by side.
DEADLINE_OFFSETS = [-21, -7, -2, 0, 3, 9, 20, 45, 75, 120]

DEMO_USERS = [
    # username, full name, role, unit code
    ("demo-office", "张主任", Membership.Role.OFFICE_ADMIN, OFFICE_CODE),
    ("demo-staff", "李干事", Membership.Role.OFFICE_STAFF, OFFICE_CODE),
    ("demo-city", "王科长", Membership.Role.CITY_REVIEWER, CITY_OFFICE["code"]),
    ("demo-leader-D16", "赵局长", Membership.Role.UNIT_LEADER, "D16"),
    ("demo-liaison-D16", "孙联络员", Membership.Role.LIAISON, "D16"),
    ("demo-leader-T01", "周镇长", Membership.Role.UNIT_LEADER, "T01"),
    ("demo-liaison-T01", "吴联络员", Membership.Role.LIAISON, "T01"),
]


def _read_csv(name):
    with open(DATA_DIR / name, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def load_units():
    for row in _read_csv("units.csv"):
        kind = Unit.Kind.OFFICE if row["code"] == OFFICE_CODE else row["type"]
        unit_upsert(
            code=row["code"],
            name=row["name"],
            short_name=row["short_name"],
            kind=kind,
            category=row["category"],
            is_law_enforcement=row["law_enforcement"] == "1",
            note=row["note"][:255],
        )
    unit_upsert(
        code=CITY_OFFICE["code"],
        name=CITY_OFFICE["name"],
        short_name=CITY_OFFICE["short_name"],
        kind=Unit.Kind.CITY_OFFICE,
        category="市级",
    )


def load_framework():
    framework = Framework.objects.filter(name=FRAMEWORK_NAME, version=FRAMEWORK_VERSION).first()
    if framework:
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
        )
        for n, r in enumerate(_read_csv("indicators.csv"), start=1)
    ]
    return framework_create_from_rows(
        name=FRAMEWORK_NAME, version=FRAMEWORK_VERSION, rows=rows, source="shared/data/indicators.csv"
    )


def load_campaign(framework, county):
    campaign = Campaign.objects.filter(slug=CAMPAIGN_SLUG).first()
    if campaign is None:
        campaign = Campaign.objects.create(
            slug=CAMPAIGN_SLUG,
            county=county,
            name="2026年法治政府建设示范创建（综合示范）",
            kind=Campaign.Kind.COMPREHENSIVE,
            framework=framework,
            stage=Campaign.Stage.SELF_ASSESSMENT,
        )
    if not framework.frozen:
        Framework.objects.filter(pk=framework.pk).update(frozen=True)
    if campaign.city_office_id is None:
        Campaign.objects.filter(pk=campaign.pk).update(city_office=Unit.objects.get(code=CITY_OFFICE["code"]))
        campaign.refresh_from_db()
    if not campaign.stage_events.exists():
        start = timezone.localdate() - datetime.timedelta(days=60)
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
            effective_on=start + datetime.timedelta(days=30),
            note="对照指标体系开展自查自评",
        )
    return campaign


def load_assignments(campaign, today):
    directory = UnitDirectory()
    indicators = {i.code: i for i in Indicator.objects.filter(framework=campaign.framework, level=3)}
    for n, row in enumerate(_read_csv("indicators.csv")):
        ongoing = row["deadline"].strip() in {"长期坚持", "持续推进"}
        deadline = None if ongoing else today + datetime.timedelta(days=DEADLINE_OFFSETS[n % len(DEADLINE_OFFSETS)])
        lead = directory.resolve(row["lead_unit"])[0]
        cooperating = [u for u in directory.resolve(row["cooperating_units"]) if u != lead]
        assignment_set_for_indicator(
            campaign=campaign,
            indicator=indicators[row["code"]],
            lead=lead,
            cooperating=cooperating,
            deadline=deadline,
            ongoing=ongoing,
        )


def load_users():
    User = get_user_model()
    admin, created = User.objects.get_or_create(
        username="demo-admin", defaults={"full_name": "系统管理员", "is_staff": True, "is_superuser": True}
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
    units = {u.code: u for u in Unit.objects.all()}
    for username, full_name, role, unit_code in DEMO_USERS:
        user, created = User.objects.get_or_create(username=username, defaults={"full_name": full_name})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        membership_create(user=user, unit=units[unit_code], role=role)


# Demo shares put through the workflow so every state shows: (unit, n-th share, steps, comment).
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


def load_progress(campaign):
    """Give a few demo shares evidence and move them through the workflow, once
    (shares with history are left alone)."""

    User = get_user_model()
    staff = User.objects.get(username="demo-staff")
    for n, (unit_code, index, steps, comment) in enumerate(DEMO_PROGRESS):
        shares = list(
            Assignment.objects.filter(campaign=campaign, unit__code=unit_code)
            .select_related("unit", "indicator")
            .order_by("indicator__code")
        )
        share = shares[index]
        if share.events.exists():
            continue
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


def load_assessments(campaign, today):
    """A self-assessment in progress, once: most indicators met, some short with a
    rectification item, a few not applicable; and a month of daily figures for the trend."""

    if Assessment.objects.filter(campaign=campaign).exists():
        return
    office = get_user_model().objects.get(username="demo-office")
    units = {u.code: u for u in Unit.objects.filter(code__in=["D16", "T01"])}
    indicators = sorted(
        Indicator.objects.filter(framework=campaign.framework, level=3).select_related("parent__parent"),
        key=lambda i: [int(p) for p in i.code.split(".")],
    )
    narratives = _narratives()["level1"]
    told = set()  # the level-1 sections whose own text is already given to one indicator
    for n, indicator in enumerate(indicators):
        section = indicator.parent.parent.title
        first = section in narratives and section not in told
        if n % 25 == 7:
            values = {"result": Assessment.Result.NOT_APPLICABLE, "status": Assessment.Status.DONE}
        elif n % 11 == 3:
            values = {
                "result": Assessment.Result.PARTIAL,
                "status": Assessment.Status.IN_REVIEW,
                "shortfall": "佐证材料不够完整，部分工作尚未形成制度。",
            }
        elif n >= 88 and not first:
            continue  # not yet assessed
        else:
            values = {
                "result": Assessment.Result.MET,
                "status": Assessment.Status.DONE,
                "self_score": indicator.score,
                # Never a title cut short ("…无法定依据的中介服”): the indicator's own words stand above it.
                "practice": "牵头单位制定工作方案，明确责任分工和完成时限，按期推进落实，相关制度文件和工作台账已归档。",
            }
            if first:
                told.add(section)  # the section's story, told once, at its first indicator met
                text = narratives[section]
                values.update(practice=text["practice"], outcomes=text["outcomes"], highlights=text["highlight"])
        rect = None
        if values["result"] == Assessment.Result.PARTIAL and n < 40:
            rect = {
                "measure": "补充完善相关制度文件并报送佐证材料",
                "owner": units["D16" if n % 2 else "T01"],
                "deadline": today + datetime.timedelta(days=n % 20 - 5),
            }
        assessment_save(campaign=campaign, indicator=indicator, by=office, rectification=rect, **values)
    # Thirty days of history that climb to where the county stands today (its real figures),
    # so the trend, the tiles and the lists tell one story (issue 21: it used to climb to 117
    # accepted beside a tile of 4).
    now = snapshot_take(campaign=campaign, day=today)
    for back in range(30, 0, -1):
        share = (30 - back) / 30
        DailySnapshot.objects.update_or_create(
            campaign=campaign,
            day=today - datetime.timedelta(days=back),
            defaults={
                "evidence_accepted": int(now.evidence_accepted * share),
                "evidence_total": int(now.evidence_total * share),
                "shares_accepted": int(now.shares_accepted * share),
                "indicators_met": int(now.indicators_met * share),
            },
        )


def _narratives():
    with open(DATA_DIR / "narratives.json", encoding="utf-8") as fh:
        return json.load(fh)


def load_report_text(campaign):
    """The report's free texts (基本情况, 特色亮点, 下一步打算), once: an office's edits stay."""
    if ReportText.objects.filter(campaign=campaign).exists():
        return
    office = get_user_model().objects.get(username="demo-office")
    report_text_update(campaign=campaign, by=office, **_narratives()["report_text"])


@transaction.atomic
def demo_load(*, county, today=None):
    """Load or refresh the demo county. Idempotent: a second run changes nothing
    except moving demo deadlines along with today's date."""
    today = today or timezone.localdate()
    load_units()
    framework = load_framework()
    campaign = load_campaign(framework, county)
    load_assignments(campaign, today)
    load_users()
    load_progress(campaign)
    load_assessments(campaign, today)
    load_report_text(campaign)
    return campaign
