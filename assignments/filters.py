import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapForm
from indicators.models import Indicator
from org import permissions
from org.models import Unit

from .models import Assignment


class AssignmentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"), max_length=100)
    level1 = django_filters.ModelChoiceFilter(
        field_name="indicator__parent__parent",
        queryset=Indicator.objects.none(),
        label=_("Level-1"),
        empty_label=_("All"),
    )
    unit = django_filters.ModelChoiceFilter(queryset=permissions.unit_choices, label=_("Unit"), empty_label=_("All"))
    unit_kind = django_filters.ChoiceFilter(
        field_name="unit__kind",
        choices=[(Unit.Kind.DEPARTMENT, _("Department")), (Unit.Kind.TOWNSHIP, _("Township / subdistrict"))],
        label=_("Kind"),
        empty_label=_("All"),
    )
    status = django_filters.ChoiceFilter(choices=Assignment.Status.choices, label=_("Status"), empty_label=_("All"))
    role = django_filters.ChoiceFilter(choices=Assignment.Role.choices, label=_("Role"), empty_label=_("All"))
    # All or overdue only ("No" would filter nothing, and Django's default says "Unknown").
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label=_("Overdue only"),
        widget=forms.Select(choices=[("", _("All")), ("true", _("Yes"))]),
    )
    # "Not accepted yet": what the submission page counts as tasks still open.
    accepted = django_filters.BooleanFilter(
        method="filter_accepted",
        label=_("Accepted"),
        widget=forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("Not yet"))]),
    )

    # Not finished (not started, in progress, returned): what the board counts as open, so its
    # "all N open items" link opens exactly N.
    open = django_filters.BooleanFilter(
        method="filter_open",
        label=_("Open only"),
        widget=forms.Select(choices=[("", _("All")), ("true", _("Yes"))]),
    )

    class Meta:
        model = Assignment
        fields = []
        form = BootstrapForm

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        if campaign is not None and campaign.framework_id:
            self.filters["level1"].queryset = Indicator.objects.filter(
                framework_id=campaign.framework_id, level=1
            ).order_by("position")

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(indicator__code__startswith=value)
            | Q(indicator__title__icontains=value)
            | Q(unit__name__icontains=value)
            | Q(unit__short_name__icontains=value)
        )

    def filter_open(self, queryset, name, value):
        return queryset.filter(status__in=Assignment.OPEN_STATUSES) if value else queryset

    def filter_overdue(self, queryset, name, value):
        if value:
            return queryset.overdue(timezone.localdate())
        return queryset

    def filter_accepted(self, queryset, name, value):
        if value is None:
            return queryset
        accepted = Q(status=Assignment.Status.ACCEPTED)
        return queryset.filter(accepted) if value else queryset.exclude(accepted)
