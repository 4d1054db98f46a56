"""Read-only queries about indicator frameworks."""

from django.db.models import Count, Q

from .models import Framework


def framework_list():
    return Framework.objects.annotate(
        level3=Count("indicators", filter=Q(indicators__level=3)), campaign_count=Count("campaigns", distinct=True)
    ).order_by("name", "-created_at")


def framework_level_counts(framework):
    counts = dict(framework.indicators.values_list("level").annotate(n=Count("id")).values_list("level", "n"))
    return {level: counts.get(level, 0) for level in (1, 2, 3)}
