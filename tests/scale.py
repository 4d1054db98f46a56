"""More of everything that grows in a county, added to the `world` fixture's campaign: the data
builder of the scaling walk (tests/test_query_scaling.py), bench/county.py's shape made small.

`grow(world, n)` adds n level-1 indicators (each 2 level-2 × 3 level-3), n × 3 units with a
liaison each, for every new level-3 indicator a share of unit A (the personas' unit) and of
two new units and of unit B, evidence on unit A's and B's new shares (pending, accepted,
returned), assessments, rectifications, notifications and audit events for every persona.
Call it again to grow more; every row goes in with bulk_create or the services that grant
permissions (memberships)."""

import datetime
import itertools

from django.utils import timezone

from assessment.models import Assessment, Rectification
from assignments.models import Assignment
from core.models import AuditEvent, Notification, User
from evidence.models import Evidence, EvidenceRevision
from indicators.models import Indicator
from org.models import Membership, Unit
from org.services import membership_create

_serial = itertools.count(1)

PERSONAS = (
    "liaison_a",
    "liaison_b",
    "leader_a",
    "leader_b",
    "office_staff",
    "office_admin",
    "city_reviewer",
    "superuser",
    "nobody",
)


def grow(world, n):
    today = timezone.localdate()
    campaign, fw = world.campaign, world.campaign.framework
    level3 = []
    for _ in range(n):
        k = next(_serial) + 1
        root = Indicator.objects.create(framework=fw, level=1, code=f"{k}", position=k, title=f"一级指标{k}")
        for b in (1, 2):
            mid = Indicator.objects.create(
                framework=fw, parent=root, level=2, code=f"{k}.{b}", position=b, title=f"二级指标{k}.{b}"
            )
            level3 += Indicator.objects.bulk_create(
                Indicator(
                    framework=fw, parent=mid, level=3, code=f"{k}.{b}.{c}", position=c, title=f"三级指标{k}.{b}.{c}"
                )
                for c in (1, 2, 3)
            )
    tag = next(_serial)
    units = Unit.objects.bulk_create(
        Unit(
            code=f"G{tag}-{u}",
            name=f"增长单位{tag}-{u}",
            short_name=f"增长{tag}-{u}",
            kind="township" if u % 2 else "department",
        )
        for u in range(3 * n)
    )
    for u, unit in enumerate(units):
        membership_create(user=User.objects.create(username=f"grow-{tag}-{u}"), unit=unit, role=Membership.Role.LIAISON)
    membership_create(
        user=User.objects.create(username=f"grow-{tag}-a"), unit=world.unit_a, role=Membership.Role.LIAISON
    )
    statuses = ["not_started", "in_progress", "submitted", "returned", "accepted"]
    shares = []
    for i, ind in enumerate(level3):
        for j, unit in enumerate((world.unit_a, units[i % len(units)], units[(i + 1) % len(units)], world.unit_b)):
            shares.append(
                Assignment(
                    campaign=campaign,
                    indicator=ind,
                    unit=unit,
                    role="lead" if j == 0 else "cooperating",
                    deadline=today + datetime.timedelta(days=(i * 7 + j * 11) % 60 - 30),
                    status=statuses[(i + j) % len(statuses)],
                )
            )
    Assignment.objects.bulk_create(shares)
    mine = [s for s in shares if s.unit_id in (world.unit_a.pk, world.unit_b.pk)]
    evidence = Evidence.objects.bulk_create(
        Evidence(
            assignment=share,
            campaign=campaign,
            kind="document",
            title=f"材料{tag}-{m}",
            review_status=("pending", "accepted", "returned")[m % 3],
        )
        for m, share in enumerate(mine * 2)
    )
    revisions = EvidenceRevision.objects.bulk_create(
        EvidenceRevision(
            evidence=e,
            number=1,
            file=f"evidence/grow-{e.pk}.pdf",
            original_name=f"{e.title}.pdf",
            content_type="application/pdf",
            size=1000,
            sha256=f"{m:064d}",
            uploaded_by=world.liaison_a,
        )
        for m, e in enumerate(evidence)
    )
    for e, r in zip(evidence, revisions, strict=True):
        e.current_revision = r
    Evidence.objects.bulk_update(evidence, ["current_revision"])
    assessments = Assessment.objects.bulk_create(
        Assessment(campaign=campaign, indicator=ind, result=("met", "partial", "not_met", "")[i % 4])
        for i, ind in enumerate(level3)
    )
    Rectification.objects.bulk_create(
        Rectification(
            campaign=campaign,
            assessment=a,
            indicator_id=a.indicator_id,
            owner=world.unit_a if i % 2 else world.unit_b,
            measure=f"整改措施{i}",
            deadline=today + datetime.timedelta(days=i % 20 - 10),
        )
        for i, a in enumerate(assessments)
        if a.result in ("partial", "not_met")
    )
    people = [getattr(world, p) for p in PERSONAS]
    Notification.objects.bulk_create(
        Notification(recipient=user, title=f"通知{tag}-{m}", body="内容", link="/")
        for user in people
        for m in range(5 * n)
    )
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=world.liaison_a,
            actor_name="liaison",
            verb="uploaded",
            object_type="evidence.evidence",
            object_id=str(e.pk),
            object_repr=e.title,
            unit=world.unit_a,
        )
        for e in evidence
    )
