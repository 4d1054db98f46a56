import re
from collections import defaultdict

import pytest
from django.core.management import CommandError, call_command

from assignments.models import Assignment, AssignmentEvent
from assignments.reminders import reminders_send
from campaign.models import Campaign
from core.models import AuditEvent, Notification, User
from indicators.models import Indicator
from org import permissions
from org.models import Membership, Unit
from portal.demo import demo_load

pytestmark = pytest.mark.django_db


def _counts():
    return {
        "units": Unit.objects.count(),
        "indicators": Indicator.objects.count(),
        "level3": Indicator.objects.filter(level=3).count(),
        "campaigns": Campaign.objects.count(),
        "assignments": Assignment.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "audit": AuditEvent.objects.count(),
        "notifications": Notification.objects.count(),
        "events": AssignmentEvent.objects.count(),
    }


def _county():
    """County 1 alone (the neighbours and their submissions are tested in test_demo_story)."""
    return demo_load(county="示范县", neighbours=False)


def test_demo_load_loads_the_county_and_is_idempotent():
    _county()
    first = _counts()
    assert first["units"] == 59  # 42 departments, 15 townships, the city office, the province office
    assert first["level3"] == 100 and first["indicators"] == 141
    assert first["campaigns"] == 1
    _county()
    assert _counts() == first


def test_demo_logins_have_their_roles():
    _county()
    assert User.objects.get(username="demo-admin").is_superuser
    roles = dict(Membership.objects.values_list("user__username", "role"))
    assert roles == {
        "demo-office": "office_admin",
        "demo-staff": "office_staff",
        "demo-city": "city_reviewer",
        "demo-leader-D16": "unit_leader",
        "demo-liaison-D16": "liaison",
        "demo-leader-T01": "unit_leader",
        "demo-liaison-T01": "liaison",
        "demo-province": "province_reviewer",
    }
    liaison = User.objects.get(username="demo-liaison-T01")
    assert liaison.check_password("fazhi-demo-2026")
    visible = permissions.restrict(liaison, permissions.VIEW_UNIT_WORK, Assignment)
    assert visible.exists() and set(visible.values_list("unit__code", flat=True)) == {"T01"}


def test_demo_deadlines_show_overdue_due_and_later_work():
    from django.utils import timezone

    _county()
    today = timezone.localdate()
    d16 = Assignment.objects.filter(unit__code="D16")
    assert d16.filter(deadline__lt=today).exists()
    assert d16.filter(deadline__gte=today).exists()
    assert Assignment.objects.filter(ongoing=True).exists()


def test_demo_group_tokens_expand_to_units():
    _county()
    # 县直各行政执法部门 on 1.1.2 expands to the law-enforcement departments, lead excluded.
    units = set(
        Assignment.objects.filter(indicator__code="1.1.2", role="cooperating").values_list("unit__code", flat=True)
    )
    law_enforcement = set(
        Unit.objects.filter(kind="department", is_law_enforcement=True).values_list("code", flat=True)
    )
    assert law_enforcement <= units
    assert "D34" not in units  # the lead, 县行政审批服务局


def test_load_demo_refuses_production_settings(settings):
    settings.DEMO_ALLOWED = False
    with pytest.raises(CommandError, match="production"):
        call_command("load_demo")
    assert not User.objects.exists()


def test_demo_shows_every_task_state_and_has_messages():
    _county()
    reminders_send()  # as load_demo does
    statuses = set(Assignment.objects.filter(unit__code__in=["D16", "T01"]).values_list("status", flat=True))
    assert statuses == {"not_started", "in_progress", "submitted", "returned", "accepted"}
    assert Assignment.objects.filter(escalated_at__isnull=False).exists()
    assert Notification.objects.filter(recipient__username="demo-liaison-D16").exists()
    assert Notification.objects.filter(recipient__username="demo-office", title__contains="督办").exists()


def test_demo_report_texts_tell_each_section_whole():
    """Each level-1 section has its 主要做法 and 成效 in the county's voice; no narrative quotes an
    indicator's title cut short ("…无法定依据的中介服”); the report's free texts are there."""
    from assessment.models import Assessment
    from reports.models import ReportText

    _county()
    titles = list(Indicator.objects.values_list("title", flat=True))
    told = defaultdict(list)
    for a in Assessment.objects.select_related("indicator__parent__parent"):
        if a.practice and a.outcomes:
            told[a.indicator.parent.parent.title].append(a)
        for quoted in re.findall("“([^”]{8,})”", a.practice + a.outcomes + a.highlights):
            assert not any(t.startswith(quoted) and t != quoted for t in titles), quoted  # a title cut short
    sections = set(Indicator.objects.filter(level=1).values_list("title", flat=True))
    assert set(told) == sections
    assert all(len(a.practice) >= 80 and "我县" in a.practice for items in told.values() for a in items)
    text = ReportText.objects.get()
    assert text.basic_facts and text.highlights and text.next_steps


def test_the_demos_history_climbs_to_where_the_county_stands_today():
    """Issue 21: the trend climbed to 117 accepted beside a tile of 4. The history ends at today's
    real figures and never passes them."""
    from django.utils import timezone

    from assessment.models import DailySnapshot
    from evidence.models import Evidence

    _county()
    campaign = Campaign.objects.get()
    accepted = Evidence.objects.filter(Evidence.accepted_q(), campaign=campaign).count()
    history = list(DailySnapshot.objects.filter(campaign=campaign).order_by("day"))
    assert len(history) == 31 and history[-1].day == timezone.localdate()
    assert history[-1].evidence_accepted == accepted
    assert [h.evidence_accepted for h in history] == sorted(h.evidence_accepted for h in history)
    shares = Assignment.objects.filter(campaign=campaign, status=Assignment.Status.ACCEPTED).count()
    assert history[-1].shares_accepted == shares


def test_the_demo_logins_units_have_overdue_work_still_to_start():
    """The journeys (and a new liaison) open an overdue task and start it: 城关镇 and 县司法局 each have one."""
    from django.utils import timezone

    _county()
    today = timezone.localdate()
    for code in ("T01", "D16"):
        overdue = Assignment.objects.filter(unit__code=code, status="not_started", ongoing=False, deadline__lt=today)
        assert overdue.exists(), code


def test_a_demo_loaded_before_regions_is_brought_into_them():
    """The previous demo made its city office in the default county; load_demo moves it to the city."""
    from org.models import Region
    from org.services import unit_upsert

    unit_upsert(code="C01", name="市委全面依法治市委员会办公室", kind=Unit.Kind.CITY_OFFICE)
    assert Unit.objects.get(code="C01").region.kind == Region.Kind.COUNTY
    campaign = _county()
    office = Unit.objects.get(code="C01")
    assert office.region.kind == Region.Kind.CITY and campaign.region.parent == office.region
