import datetime
import itertools

import factory
from django.utils import timezone

from assignments.models import Assignment
from campaign.models import Campaign
from core.models import User
from indicators.models import Framework, Indicator
from org.models import Unit

_seq = itertools.count(1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password("correct-horse-battery")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:03d}")
    name = factory.Sequence(lambda n: f"县测试局{n}")
    short_name = factory.LazyAttribute(lambda o: o.name)
    kind = Unit.Kind.DEPARTMENT


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Framework

    name = "测试指标体系"
    version = factory.Sequence(lambda n: f"v{n}")


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    county = "测试县"
    name = factory.Sequence(lambda n: f"测试创建{n}")
    slug = factory.Sequence(lambda n: f"test-{n}")
    framework = factory.SubFactory(FrameworkFactory)


def make_tree(framework, level3_count=3):
    """A minimal tree: 1 / 1.1 / 1.1.1.. level-3 indicators, returned in order."""
    root = Indicator.objects.create(framework=framework, level=1, code="1", position=1, title="政府职能依法全面履行")
    mid = Indicator.objects.create(
        framework=framework, parent=root, level=2, code="1.1", position=1, title="加大简政放权力度"
    )
    return [
        Indicator.objects.create(
            framework=framework, parent=mid, level=3, code=f"1.1.{i}", position=i, title=f"三级指标{i}"
        )
        for i in range(1, level3_count + 1)
    ]


def make_assignment(campaign, indicator, unit, role=Assignment.Role.LEAD, days=10, ongoing=False):
    deadline = None if ongoing else timezone.localdate() + datetime.timedelta(days=days)
    return Assignment.objects.create(
        campaign=campaign, indicator=indicator, unit=unit, role=role, deadline=deadline, ongoing=ongoing
    )
