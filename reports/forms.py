from django import forms

from core.forms import BootstrapFormMixin

from .models import ReportText


class ReportTextForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ReportText
        fields = ["basic_facts", "highlights", "next_steps"]
        widgets = {f: forms.Textarea(attrs={"rows": 5}) for f in ["basic_facts", "highlights", "next_steps"]}
