"""Operations on campaigns and their stages. Each owns its transaction and audit."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record, audited_update, changed, snapshot
from indicators.services import framework_freeze
from org import permissions

from .models import Campaign, CampaignStageEvent, SingleItemNarrative

CAMPAIGN_FIELDS = [
    "county",
    "name",
    "slug",
    "kind",
    "single_item_title",
    "single_item_area",
    "focus_areas",
    "framework",
    "threshold",
    "city_office",
    "stage",
]


@transaction.atomic
def campaign_create(*, by, **values):
    """Create a campaign; its framework is frozen from now on (re-imports make new versions)."""
    if "region" not in values and "region_id" not in values:
        values["region"] = permissions.working_county(by)
    campaign = Campaign(**values)
    if by is not None:  # commands and the demo act as the system
        permissions.require_perm(by, permissions.ADD_CAMPAIGN, campaign)  # only in the creator's own county
    campaign.full_clean()
    campaign.save()
    if campaign.framework is not None:
        framework_freeze(campaign.framework)
    CampaignStageEvent.objects.create(
        campaign=campaign, to_stage=campaign.stage, effective_on=timezone.localdate(), by=by
    )
    audit_record(actor=by, verb="created", obj=campaign, after=snapshot(campaign, CAMPAIGN_FIELDS))
    return campaign


# --- stages ------------------------------------------------------------------------------

_S = Campaign.Stage
# Allowed moves and the permission each needs. Batches skip stages, so some moves
# jump ahead; a step back corrects a mistaken move. Nothing else is allowed.
STAGE_TRANSITIONS = {
    (_S.PREPARATION, _S.SELF_ASSESSMENT): permissions.MANAGE_CAMPAIGN,
    (_S.PREPARATION, _S.DECLARED): permissions.MANAGE_CAMPAIGN,
    (_S.SELF_ASSESSMENT, _S.PREPARATION): permissions.MANAGE_CAMPAIGN,
    (_S.SELF_ASSESSMENT, _S.DECLARED): permissions.MANAGE_CAMPAIGN,
    # Withdrawn to rework by the office, or returned for more material by the city (退回补充).
    (_S.DECLARED, _S.SELF_ASSESSMENT): (permissions.MANAGE_CAMPAIGN, permissions.RECORD_CITY_REVIEW),
    # The city's initial review: recorded by the city reviewer or, on its word, the office.
    (_S.DECLARED, _S.RECOMMENDED): (permissions.RECORD_CITY_REVIEW, permissions.MANAGE_CAMPAIGN),
    (_S.DECLARED, _S.NOT_NAMED): (permissions.RECORD_CITY_REVIEW, permissions.MANAGE_CAMPAIGN),
    # The province's 省级初审 may return a recommended campaign for more material or turn it down.
    (_S.RECOMMENDED, _S.SELF_ASSESSMENT): (permissions.MANAGE_CAMPAIGN, permissions.RECORD_PROVINCE_REVIEW),
    (_S.RECOMMENDED, _S.INSPECTION): permissions.MANAGE_CAMPAIGN,
    (_S.RECOMMENDED, _S.PUBLICISED): permissions.MANAGE_CAMPAIGN,
    (_S.RECOMMENDED, _S.NOT_NAMED): (permissions.MANAGE_CAMPAIGN, permissions.RECORD_PROVINCE_REVIEW),
    (_S.INSPECTION, _S.PUBLICISED): permissions.MANAGE_CAMPAIGN,
    (_S.INSPECTION, _S.NOT_NAMED): permissions.MANAGE_CAMPAIGN,
    (_S.PUBLICISED, _S.NAMED): permissions.MANAGE_CAMPAIGN,
    (_S.PUBLICISED, _S.NOT_NAMED): permissions.MANAGE_CAMPAIGN,
}


# What holds a campaign to its indicator framework (assignments: the tasks point at its
# indicators). Each lock(campaign) returns a reason or ""; registered in AppConfig.ready().
FRAMEWORK_LOCKS = []


def register_framework_lock(lock):
    if lock not in FRAMEWORK_LOCKS:
        FRAMEWORK_LOCKS.append(lock)


def framework_change_refusal(campaign, raise_it=False):
    """Why the campaign's framework can no longer change ("" when it still can)."""
    reasons = [reason for lock in FRAMEWORK_LOCKS if (reason := lock(campaign))]
    message = (
        _("The indicator framework cannot change any more: %(reasons)s.") % {"reasons": "；".join(reasons)}
        if reasons
        else ""
    )
    if message and raise_it:
        raise ValidationError({"framework": message})
    return message


# Checks a higher floor makes before a move (assessment: no open rectification before 迎检).
# Each guard(campaign, to_stage) raises ValidationError to refuse; registered in AppConfig.ready().
STAGE_GUARDS = []


def register_stage_guard(guard):
    if guard not in STAGE_GUARDS:
        STAGE_GUARDS.append(guard)


def stage_moves_from(campaign):
    """The stages the table allows from the campaign's stage now, whoever asks."""
    return [to for (frm, to) in STAGE_TRANSITIONS if frm == campaign.stage]


def stage_moves_for(campaign, user):
    """The stages this user may move the campaign to now."""
    return [
        to
        for (frm, to), perms in STAGE_TRANSITIONS.items()
        if frm == campaign.stage and permissions.can(user, perms, campaign)
    ]


@transaction.atomic
def campaign_move_stage(*, campaign, to_stage, by, effective_on=None, note=""):
    """Move a campaign to another stage, if the table allows it and the user may."""
    rule = STAGE_TRANSITIONS.get((campaign.stage, to_stage))
    if rule is None:
        raise ValidationError(
            _("A campaign cannot move from %(a)s to %(b)s.")
            % {"a": Campaign.Stage(campaign.stage).label, "b": Campaign.Stage(to_stage).label}
        )
    permissions.require_perm(by, rule, campaign)
    for guard in STAGE_GUARDS:
        guard(campaign, to_stage)  # raises ValidationError to refuse the move
    # Compare-and-set: two people moving the same campaign at once cannot both win.
    moved = Campaign.objects.filter(pk=campaign.pk, stage=campaign.stage).update(
        stage=to_stage, updated_at=timezone.now()
    )
    if not moved:
        raise ValidationError(_("Someone else changed the stage meanwhile; reload the page."))
    event = CampaignStageEvent.objects.create(
        campaign=campaign,
        from_stage=campaign.stage,
        to_stage=to_stage,
        effective_on=effective_on or timezone.localdate(),
        note=note[:500],
        by=by,
    )
    audit_record(
        actor=by, verb="stage_changed", obj=campaign, before={"stage": campaign.stage}, after={"stage": to_stage}
    )
    campaign.stage = to_stage
    return event


@transaction.atomic
def campaign_update(*, campaign, by, **values):
    """Edit a campaign's details (not its stage: that moves through campaign_move_stage)."""
    values.pop("stage", None)
    # From the stored row: a ModelForm bound to this instance has already set the new values on it.
    stored = Campaign.objects.select_for_update().get(pk=campaign.pk)
    framework = values.get("framework", stored.framework)
    if getattr(framework, "pk", framework) != stored.framework_id:
        framework_change_refusal(stored, raise_it=True)
    before = snapshot(stored, CAMPAIGN_FIELDS)
    for field, value in values.items():
        setattr(campaign, field, value)
    campaign.full_clean()
    campaign.save()
    if campaign.framework is not None:
        framework_freeze(campaign.framework)
    old, new = changed(before, snapshot(campaign, CAMPAIGN_FIELDS))
    if new:
        audit_record(actor=by, verb="updated", obj=campaign, before=old, after=new)
    return campaign


@transaction.atomic
def single_item_narrative_update(*, campaign, by, **values):
    """Save the 申报 narrative of a single-item campaign; the audit keeps what each section
    changed from. A comprehensive campaign has none (its report texts are in reports)."""
    permissions.require_perm(by, permissions.COMPILE_REPORTS)
    if not campaign.is_single_item:
        raise ValidationError(_("Only a single-item campaign has a single-item narrative."))
    narrative, _created = SingleItemNarrative.objects.select_for_update().get_or_create(campaign=campaign)
    return audited_update(
        obj=narrative,
        fields=list(SingleItemNarrative.SECTIONS),
        values=values,
        by=by,
        object_repr=_("%(campaign)s single-item narrative") % {"campaign": campaign.name},
    )
