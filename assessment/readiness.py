"""Whether a single-item campaign (单项示范创建) is ready: computed here and nowhere else.

A single-item application showcases one project, so the 90 % rule over the indicator
system is not its measure (eligibility() still shows it, for information). It is ready when
every section of its 申报 narrative is written (overview, 创新性, 引领性, 典型性,
可复制可推广) and its evidence is accepted: at least one accepted piece, none waiting for
review, none returned to its unit.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from campaign.models import SingleItemNarrative
from campaign.selectors import single_item_narrative_of
from evidence.models import Evidence


@dataclass
class Readiness:
    sections: list = field(default_factory=list)  # (field name, label, written?) in the narrative's order
    accepted: int = 0
    pending: int = 0
    returned: int = 0

    @property
    def missing(self):
        return [label for _name, label, done in self.sections if not done]

    @property
    def sections_done(self):
        return sum(1 for _name, _label, done in self.sections if done)

    @property
    def ready(self):
        return not self.missing and self.accepted > 0 and not self.pending and not self.returned


def single_item_readiness(campaign):
    """The readiness of a single-item campaign, in two queries (the narrative, the evidence counts)."""
    narrative = single_item_narrative_of(campaign)
    sections = [
        (name, narrative._meta.get_field(name).verbose_name, bool(getattr(narrative, name).strip()))
        for name in SingleItemNarrative.SECTIONS
    ]
    R = Evidence.Review
    counts = (
        Evidence.objects.visible()
        .filter(assignment__campaign=campaign)
        .aggregate(
            accepted=Count("pk", filter=Q(review_status=R.ACCEPTED)),
            pending=Count("pk", filter=Q(review_status=R.PENDING)),
            returned=Count("pk", filter=Q(review_status=R.RETURNED)),
        )
    )
    return Readiness(sections=sections, **counts)
