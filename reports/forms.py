from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin

from .models import ReportText


class ReportTextForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ReportText
        fields = ["basic_facts", "highlights", "next_steps"]
        widgets = {f: forms.Textarea(attrs={"rows": 5}) for f in ["basic_facts", "highlights", "next_steps"]}


class CityReviewForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label=_("Initial review"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
