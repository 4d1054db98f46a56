"""Forms of the city's and the province's decisions. The rules themselves are in services: a
form only reads the POST."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin

from .models import Decision

COMMENT_ROWS = 6  # blank comment rows on the decision form; the service takes any number


class DecisionForm(BootstrapFormMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=Decision.Outcome.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def comments(self):
        """[(indicator id, text)] from the repeated comment_indicator / comment_text fields."""
        data = self.data
        return list(zip(data.getlist("comment_indicator"), data.getlist("comment_text"), strict=False))


class RecommendForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Short reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class LetterForm(BootstrapFormMixin, forms.Form):
    batch = forms.CharField(label=_("Batch"), max_length=50, required=False, widget=forms.HiddenInput)
    number = forms.CharField(label=_("Document number"), max_length=100)
    issued_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
