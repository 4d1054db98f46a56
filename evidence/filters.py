import datetime

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapForm
from org import permissions

from .models import Evidence


class ReviewQueueFilter(django_filters.FilterSet):
    code = django_filters.CharFilter(
        field_name="assignment__indicator__code", lookup_expr="startswith", label=_("Indicator code"), max_length=20
    )
    unit = django_filters.ModelChoiceFilter(
        field_name="assignment__unit",
        queryset=permissions.unit_choices,
        label=_("Unit"),
        empty_label=_("All"),
    )
    kind = django_filters.ChoiceFilter(choices=Evidence.Kind.choices, label=_("Kind"), empty_label=_("All"))
    review = django_filters.ChoiceFilter(
        field_name="review_status", choices=Evidence.Review.choices, label=_("Review"), empty_label=None
    )
    waiting = django_filters.ChoiceFilter(
        method="filter_waiting",
        label=_("Waiting"),
        empty_label=_("All"),
        choices=[("3", _("3 days or more")), ("7", _("7 days or more")), ("14", _("14 days or more"))],
    )

    class Meta:
        model = Evidence
        fields = []
        form = BootstrapForm

    def __init__(self, data=None, *args, **kwargs):
        # The queue shows what waits for review unless another state is asked for.
        data = data.copy() if data is not None else None
        if data is not None and not data.get("review"):
            data["review"] = Evidence.Review.PENDING
        super().__init__(data, *args, **kwargs)

    def filter_waiting(self, queryset, name, value):
        return queryset.filter(created_at__lte=timezone.now() - datetime.timedelta(days=int(value)))
