import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapForm
from core.models import VERB_LABELS, AuditEvent

from . import permissions


def _verb_choices():
    verbs = AuditEvent.objects.order_by().values_list("verb", flat=True).distinct()
    return sorted((v, VERB_LABELS.get(v, v)) for v in verbs)


class AuditEventFilter(django_filters.FilterSet):
    actor = django_filters.CharFilter(field_name="actor_name", lookup_expr="icontains", label=_("User"), max_length=150)
    verb = django_filters.ChoiceFilter(choices=_verb_choices, label=_("Action"), empty_label=_("All"))
    unit = django_filters.ModelChoiceFilter(queryset=permissions.unit_choices, label=_("Unit"), empty_label=_("All"))
    object = django_filters.CharFilter(
        field_name="object_repr", lookup_expr="icontains", label=_("Object"), max_length=100
    )
    date_from = django_filters.DateFilter(
        field_name="at",
        lookup_expr="date__gte",
        label=_("From"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        field_name="at",
        lookup_expr="date__lte",
        label=_("To"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )

    class Meta:
        model = AuditEvent
        fields = []
        form = BootstrapForm
