"""初审 decisions on one submitted version, return comments, recommendations and their
constraints, on PostgreSQL (issue 14 items 3, 5, 6, 7 and its "Bad input and races")."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connections, transaction
from django.urls import reverse

from assessment.models import Assessment
from campaign.models import Campaign
from core.models import Notification
from review.models import Decision, Recommendation, ReturnComment
from review.services import decision_make, recommendation_make
from tests.review.conftest import submit_version

pytestmark = pytest.mark.django_db


def _return(w, s, by=None, codes=None):
    indicators = [i for i in w.indicators if codes is None or i.code in codes]
    return decision_make(
        submission=s,
        outcome="returned",
        reason="材料不全",
        comments=[(str(i.pk), f"补充{i.code}的佐证") for i in indicators[:2]],
        by=by or w.city_reviewer,
    )


def test_return_reopens_the_commented_assessments_sends_the_campaign_back_and_tells_the_office(tree):
    w = tree
    Assessment.objects.filter(campaign=w.campaign).update(status="done")
    s = submit_version(w.campaign, by=w.office_admin)
    decision = _return(w, s)
    assert decision.level == "city" and decision.campaign_id == w.campaign.pk
    assert ReturnComment.objects.filter(decision=decision).count() == 2
    statuses = dict(Assessment.objects.filter(campaign=w.campaign).values_list("indicator__code", "status"))
    assert [statuses[i.code] for i in w.indicators] == ["todo", "todo", "done"]
    w.campaign.refresh_from_db()
    assert w.campaign.stage == Campaign.Stage.SELF_ASSESSMENT
    told = Notification.objects.filter(recipient=w.office_admin, link=reverse("review:comments"))
    assert told.count() == 1 and "补充" in told.get().body
    assert not Notification.objects.filter(recipient=w.liaison_a, link=reverse("review:comments")).exists()


def test_passing_keeps_the_campaign_declared_and_rejecting_ends_it(tree):
    w = tree
    s = submit_version(w.campaign)
    decision_make(submission=s, outcome="passed", reason="材料齐全", by=w.city_reviewer)
    w.campaign.refresh_from_db()
    assert w.campaign.stage == Campaign.Stage.DECLARED
    other = w.other_campaign(w.region.county_b)
    s2 = submit_version(other)
    decision_make(submission=s2, outcome="rejected", reason="未达到90%", by=w.city_reviewer)
    other.refresh_from_db()
    assert other.stage == Campaign.Stage.NOT_NAMED


@pytest.mark.parametrize(
    ("outcome", "reason", "comments", "message"),
    [
        ("returned", "材料不全", [], "至少对一项指标"),
        ("passed", "", [], "请填写决定理由"),
        ("maybe", "理由", [], "请选择初审结果"),
        ("returned", "材料不全", [("9.9.9", "补充")], "不是本次创建活动的三级指标"),
        ("returned", "材料不全", [("1.1.1", "")], "请填写对指标"),
        ("returned", "材料不全", [("1.1.1", "一"), ("1.1.1", "二")], "重复填写"),
        ("passed", "理由", [("1.1.1", "一")], "仅用于退回补充"),
    ],
)
def test_bad_decisions_are_refused_with_a_message_and_change_nothing(tree, outcome, reason, comments, message):
    w = tree
    s = submit_version(w.campaign)
    with pytest.raises(ValidationError, match=message):
        decision_make(submission=s, outcome=outcome, reason=reason, comments=comments, by=w.city_reviewer)
    assert not Decision.objects.exists() and not ReturnComment.objects.exists()
    w.campaign.refresh_from_db()
    assert w.campaign.stage == Campaign.Stage.DECLARED


def test_deciding_on_a_superseded_version_is_refused(tree):
    w = tree
    v1 = submit_version(w.campaign)
    v2 = submit_version(w.campaign)  # resubmitted while the city was deciding
    with pytest.raises(ValidationError, match="已被第 2 版取代"):
        decision_make(submission=v1, outcome="passed", reason="同意", by=w.city_reviewer)
    assert not Decision.objects.exists()
    decision_make(submission=v2, outcome="passed", reason="同意", by=w.city_reviewer)
    assert list(Decision.objects.values_list("submission__version", flat=True)) == [2]


def test_a_decision_stays_with_the_version_it_was_made_on_after_a_resubmission(tree):
    w = tree
    v1 = submit_version(w.campaign)
    _return(w, v1)
    v2 = submit_version(w.campaign)
    assert Decision.objects.get().submission_id == v1.pk
    assert not Decision.objects.filter(submission=v2).exists()
    decision_make(submission=v2, outcome="passed", reason="已补齐", by=w.city_reviewer)
    assert dict(Decision.objects.values_list("submission__version", "outcome")) == {1: "returned", 2: "passed"}


def test_a_version_is_decided_once(tree):
    w = tree
    s = submit_version(w.campaign)
    decision_make(submission=s, outcome="passed", reason="同意", by=w.city_reviewer)
    with pytest.raises(ValidationError, match="此版本已由"):
        decision_make(submission=s, outcome="rejected", reason="改主意", by=w.city_reviewer)
    assert Decision.objects.get().outcome == "passed"


def test_the_database_holds_one_decision_per_version_and_level(tree):
    w = tree
    s = submit_version(w.campaign)
    Decision.objects.create(submission=s, campaign=w.campaign, outcome="passed", reason="同意")
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(submission=s, campaign=w.campaign, outcome="rejected", reason="不同意")


def test_the_database_numbers_versions_once_per_campaign(tree):
    w = tree
    s = submit_version(w.campaign)
    s.pk = None
    s.id = None
    s._state.adding = True
    with pytest.raises(IntegrityError), transaction.atomic():
        s.save()


def test_a_reviewer_of_another_city_cannot_decide(tree):
    from org.models import Membership, Unit
    from org.services import membership_create
    from tests.factories import UnitFactory, UserFactory

    w = tree
    s = submit_version(w.campaign)
    other_office = UnitFactory(code="C09", name="另一市依法治市办", kind=Unit.Kind.CITY_OFFICE)
    stranger = UserFactory(username="other-city")
    membership_create(user=stranger, unit=other_office, role=Membership.Role.CITY_REVIEWER)
    for who in (stranger, w.office_admin, w.liaison_a, w.province_reviewer):
        with pytest.raises(PermissionDenied):
            decision_make(submission=s, outcome="passed", reason="同意", by=who)
    assert not Decision.objects.exists()


# --- 推荐 ---------------------------------------------------------------------------------


def _passed(w, campaign):
    s = submit_version(campaign)
    decision_make(submission=s, outcome="passed", reason="材料齐全", by=w.city_reviewer)
    return s


def test_the_city_recommends_one_comprehensive_and_one_single_item_campaign_per_batch(tree):
    w = tree
    Campaign.objects.filter(pk=w.campaign.pk).update(kind="single_item", single_item_title="行政执法三项制度")
    w.campaign.refresh_from_db()
    single = _passed(w, w.campaign)
    comp_b = _passed(w, w.other_campaign(w.region.county_b))
    rec = recommendation_make(submission=comp_b, reason="指标达标率高", by=w.city_reviewer)
    assert (rec.region, rec.batch, rec.kind, rec.is_city_level) == (w.region.city, "第五批", "comprehensive", False)
    recommendation_make(submission=single, reason="创新性突出", by=w.city_reviewer)
    w.campaign.refresh_from_db()
    assert w.campaign.stage == Campaign.Stage.RECOMMENDED
    assert Notification.objects.filter(recipient=w.province_reviewer).count() == 2
    third = _passed(w, w.other_campaign(w.region.county_b, slug="third"))
    with pytest.raises(ValidationError, match="第五批已推荐.*为.*创建对象"):
        recommendation_make(submission=third, reason="也不错", by=w.city_reviewer)
    assert Recommendation.objects.count() == 2


def test_a_campaign_that_did_not_pass_or_the_citys_own_cannot_be_recommended(tree):
    w = tree
    undecided = submit_version(w.other_campaign(w.region.county_b))
    with pytest.raises(ValidationError, match="只有通过初审的版本"):
        recommendation_make(submission=undecided, reason="好", by=w.city_reviewer)
    own = _passed(w, w.other_campaign(w.region.city_level))
    with pytest.raises(ValidationError, match="市本级不得"):
        recommendation_make(submission=own, reason="好", by=w.city_reviewer)
    assert not Recommendation.objects.exists()


def test_the_database_refuses_a_second_comprehensive_and_the_citys_own(tree):
    w = tree
    a = _passed(w, w.other_campaign(w.region.county_b))
    b = _passed(w, w.other_campaign(w.region.county_b, slug="b2"))
    own = _passed(w, w.other_campaign(w.region.city_level))

    def row(s, **extra):
        d = Decision.objects.get(submission=s)
        values = {
            "region": w.region.city,
            "batch": "第五批",
            "kind": "comprehensive",
            "submission": s,
            "campaign": s.campaign,
            "decision": d,
            "reason": "好",
        }
        return Recommendation(**(values | extra))

    row(a).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        row(b).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        row(own, batch="第六批", is_city_level=True).save()
    row(own, kind="single_item", is_city_level=True).save()  # the city's own may be its single-item one


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_deciding_at_once_one_wins_and_the_other_is_told(tree):
    from org.models import Membership
    from org.services import membership_create
    from tests.factories import UserFactory

    w = tree
    second = UserFactory(username="city-reviewer-2")
    membership_create(user=second, unit=w.city, role=Membership.Role.CITY_REVIEWER)
    s = submit_version(w.campaign)
    barrier = threading.Barrier(2)
    results = []

    def decide(user, outcome):
        try:
            barrier.wait()
            decision_make(submission=s, outcome=outcome, reason="意见", by=user)
            results.append("ok")
        except ValidationError as exc:
            results.append(" ".join(exc.messages))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=(w.city_reviewer, "passed")),
        threading.Thread(target=decide, args=(second, "rejected")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r == "ok" for r in results) == [False, True]
    assert "此版本已由" in next(r for r in results if r != "ok")
    assert Decision.objects.count() == 1
    w.campaign.refresh_from_db()
    expected = Campaign.Stage.DECLARED if Decision.objects.get().outcome == "passed" else Campaign.Stage.NOT_NAMED
    assert w.campaign.stage == expected


@pytest.mark.django_db(transaction=True)
def test_two_comprehensive_recommendations_at_once_make_one(tree):
    w = tree
    a = _passed(w, w.other_campaign(w.region.county_b))
    b = _passed(w, w.other_campaign(w.region.county_b, slug="b2"))
    barrier = threading.Barrier(2)
    results = []

    def recommend(s):
        try:
            barrier.wait()
            recommendation_make(submission=s, reason="好", by=w.city_reviewer)
            results.append("ok")
        except ValidationError as exc:
            results.append(" ".join(exc.messages))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=recommend, args=(s,)) for s in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r == "ok" for r in results) == [False, True]
    assert Recommendation.objects.count() == 1


# --- the province -------------------------------------------------------------------------


def test_the_province_decides_only_on_what_its_cities_recommended_and_recommends_to_central(tree):
    w = tree
    s = _passed(w, w.other_campaign(w.region.county_b))
    with pytest.raises(PermissionDenied):
        decision_make(submission=s, outcome="passed", reason="同意", by=w.province_reviewer, level="province")
    recommendation_make(submission=s, reason="达标率高", by=w.city_reviewer)
    decision_make(submission=s, outcome="passed", reason="省级初审通过", by=w.province_reviewer, level="province")
    rec = recommendation_make(submission=s, reason="择优推荐", by=w.province_reviewer, level="province")
    assert (rec.level, rec.region) == ("province", w.region.province)
    with pytest.raises(PermissionDenied):  # a city reviewer cannot act for the province
        decision_make(submission=s, outcome="rejected", reason="否", by=w.city_reviewer, level="province")


def test_the_county_office_is_emailed_every_decision_with_the_comments(tree, django_capture_on_commit_callbacks):
    from django.core import mail

    from config.celery_app import app

    w = tree
    w.office_admin.email = "office@example.gov.cn"
    w.office_admin.save()
    s = submit_version(w.campaign)
    app.conf.task_always_eager = True  # the e-mails go through the outbox after the commit
    try:
        with django_capture_on_commit_callbacks(execute=True):
            _return(w, s)
    finally:
        app.conf.task_always_eager = False
    assert [m.to for m in mail.outbox] == [["office@example.gov.cn"]]
    assert "补充1.1.1的佐证" in mail.outbox[0].body and "退回补充" in mail.outbox[0].subject
