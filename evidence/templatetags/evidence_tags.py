"""The evidence part of a share's page, rendered by this floor: the assignments page
includes it with {% evidence_panel a %} instead of importing evidence code."""

from django import template

from ..forms import FileEvidenceForm, LinkEvidenceForm, SummaryEvidenceForm
from ..models import Evidence
from ..selectors import evidence_for_share, evidence_may_add
from ..services import evidence_default_title

register = template.Library()


@register.inclusion_tag("evidence/_panel.html", takes_context=True)
def evidence_panel(context, assignment):
    user = context["request"].user
    can_add = evidence_may_add(user=user, assignment=assignment)
    file_form = FileEvidenceForm(auto_id="file_%s") if can_add else None
    if file_form is not None:  # show what an empty title becomes, so the liaison can accept or type one
        file_form.fields["title"].widget.attrs["placeholder"] = evidence_default_title(
            assignment=assignment, kind=Evidence.Kind.IMAGE
        )
    return {
        "a": assignment,
        "evidence_items": evidence_for_share(user=user, assignment=assignment),
        "can_add_evidence": can_add,
        # Three forms on one page: distinct element ids so every label finds its field.
        "file_form": file_form,
        "link_form": LinkEvidenceForm(auto_id="link_%s") if can_add else None,
        "summary_form": SummaryEvidenceForm(auto_id="summary_%s") if can_add else None,
    }
