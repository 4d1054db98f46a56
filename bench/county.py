"""A generated county for the dashboard benchmark: `scale` 20 gives 150 level-3
indicators, 60 units, 1,500 shares, 20,000 evidence items and 200 users."""

import datetime
import random

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from assessment.models import Assessment
from assignments.models import Assignment
from campaign.models import Campaign
from core.models import User
from evidence.models import Evidence, EvidenceRevision
from indicators.models import Framework, Indicator
from org.models import Membership, Unit
from org.services import membership_create


def build_county(scale, tag):
    rng = random.Random(scale)
    today = timezone.localdate()
    fw = Framework.objects.create(name=f"bench-{tag}", version="1")
    level3 = []
    for a in range(1, 11):
        root = Indicator.objects.create(framework=fw, level=1, code=f"{a}", position=a, title=f"一级指标{a}")
        for b in range(1, 4):
            mid = Indicator.objects.create(
                framework=fw, parent=root, level=2, code=f"{a}.{b}", position=b, title=f"二级指标{a}.{b}"
            )
            for c in range(1, 6):
                level3.append(
                    Indicator(
                        framework=fw,
                        parent=mid,
                        level=3,
                        code=f"{a}.{b}.{c}",
                        position=c,
                        title=f"三级指标{a}.{b}.{c}",
                        score=1,
                    )
                )
    Indicator.objects.bulk_create(level3)
    campaign = Campaign.objects.create(
        county="基准县", name=f"基准{tag}", slug=f"bench-{tag}", framework=fw, stage="self_assessment"
    )
    units = Unit.objects.bulk_create(
        [
            Unit(
                code=f"B{tag}{n:03d}",
                name=f"{tag}单位{n}",
                short_name=f"{tag}单位{n}",
                kind="department" if n < 45 else "township",
            )
            for n in range(60)
        ]
    )
    shares_per_indicator = max(1, round(10 * scale / 20))
    shares = []
    for i, ind in enumerate(level3):
        for k in range(shares_per_indicator):
            unit = units[(i * 7 + k) % 60]
            shares.append(
                Assignment(
                    campaign=campaign,
                    indicator=ind,
                    unit=unit,
                    role="lead" if k == 0 else "cooperating",
                    deadline=today + datetime.timedelta(days=rng.randint(-30, 60)),
                    status=rng.choice(["not_started", "in_progress", "submitted", "accepted", "returned"]),
                )
            )
    Assignment.objects.bulk_create(shares, batch_size=2000)
    evidence_count = 1000 * scale
    evidence = Evidence.objects.bulk_create(
        [
            Evidence(
                assignment=shares[n % len(shares)],
                campaign=campaign,
                kind="document",
                title=f"材料{n}",
                review_status=rng.choice(["pending", "accepted", "accepted", "returned"]),
            )
            for n in range(evidence_count)
        ],
        batch_size=5000,
    )
    # Every piece has its file's revision, as an upload leaves it (the files themselves are not
    # written: pages list them, and the walk opens only the matrix's own PDF).
    EvidenceRevision.objects.bulk_create(
        [
            EvidenceRevision(
                evidence=e,
                number=1,
                file=f"evidence/bench-{e.pk}.pdf",
                original_name=f"{e.title}.pdf",
                content_type="application/pdf",
                size=1000 + n,
                sha256=f"{n:064d}",
            )
            for n, e in enumerate(evidence)
        ],
        batch_size=5000,
    )
    Evidence.objects.filter(campaign=campaign).update(
        current_revision=Subquery(EvidenceRevision.objects.filter(evidence=OuterRef("pk")).values("pk")[:1])
    )
    Assessment.objects.bulk_create(
        [
            Assessment(
                campaign=campaign,
                indicator=ind,
                result=rng.choice(["met", "met", "met", "partial", "not_applicable", ""]),
            )
            for ind in level3
        ]
    )
    users = User.objects.bulk_create(
        [User(username=f"bench-{tag}-{n}", full_name=f"用户{n}") for n in range(10 * scale)]
    )
    for n, user in enumerate(users[:120]):
        membership_create(
            user=user, unit=units[n % 60], role=Membership.Role.LIAISON if n < 60 else Membership.Role.UNIT_LEADER
        )
    return campaign, users[0]


def county_personas(campaign, tag):
    """The URL matrix's world (tests/test_url_matrix.py) on a generated county: its personas with
    real memberships, unit A the busiest department, unit B a township, and the shares and
    indicators the matrix's paths name."""
    from types import SimpleNamespace

    from django.db.models import Count

    R = Membership.Role
    busiest = (
        Unit.objects.filter(assignments__campaign=campaign, kind="department")
        .annotate(n=Count("assignments"))
        .order_by("-n")
    )
    unit_a = busiest.first()
    unit_b = Unit.objects.filter(assignments__campaign=campaign, kind="township").distinct().first()
    # The matrix's tables name its units (a division table's 县司法局, a survey's 城关镇).
    Unit.objects.filter(pk=unit_a.pk).update(name="县司法局", short_name="县司法局")
    Unit.objects.filter(pk=unit_b.pk).update(name="城关镇", short_name="城关镇")
    unit_a.refresh_from_db()
    unit_b.refresh_from_db()
    office = Unit.objects.create(
        code=f"O{tag}", name=f"{tag}县委依法治县办", short_name=f"{tag}依法治县办", kind="office"
    )
    city = Unit.objects.create(
        code=f"C{tag}", name=f"{tag}市委依法治市办", short_name=f"{tag}依法治市办", kind="city_office"
    )
    mine = Assignment.objects.filter(campaign=campaign, unit=unit_a).order_by("indicator__code")
    today = timezone.localdate()
    overdue = mine.filter(deadline__lt=today).exclude(status="accepted").first() or mine.first()
    # A share without evidence (the walk is rolled back): the matrix's _evidence() gives it the one
    # PDF its file pages open.
    spare = Indicator.objects.filter(framework=campaign.framework, level=3).exclude(assignments__in=mine).first()
    soon = Assignment.objects.create(
        campaign=campaign,
        indicator=spare,
        unit=unit_a,
        role="cooperating",
        deadline=today + datetime.timedelta(days=5),
    )
    ongoing = mine.exclude(pk__in=[overdue.pk, soon.pk]).first()

    def person(name, role=None, unit=None, **extra):
        user = User.objects.create(username=f"{tag}-{name}", full_name=name, **extra)
        if role:
            membership_create(user=user, unit=unit, role=role)
        return user

    level3 = list(Indicator.objects.filter(framework=campaign.framework, level=3).order_by("code")[:3])
    return SimpleNamespace(
        office=office,
        city=city,
        unit_a=unit_a,
        unit_b=unit_b,
        campaign=campaign,
        indicators=tuple(level3),
        shares=SimpleNamespace(
            a_overdue=overdue,
            a_soon=soon,
            a_ongoing=ongoing,
            b_lead=Assignment.objects.filter(campaign=campaign, unit=unit_b).first(),
        ),
        office_admin=person("office_admin", R.OFFICE_ADMIN, office),
        office_staff=person("office_staff", R.OFFICE_STAFF, office),
        leader_a=person("leader_a", R.UNIT_LEADER, unit_a),
        liaison_a=person("liaison_a", R.LIAISON, unit_a),
        leader_b=person("leader_b", R.UNIT_LEADER, unit_b),
        liaison_b=person("liaison_b", R.LIAISON, unit_b),
        city_reviewer=person("city_reviewer", R.CITY_REVIEWER, city),
        superuser=person("superuser", is_superuser=True, is_staff=True),
        nobody=person("nobody"),
    )
