"""The city's and the province's decisions on submitted versions (初审), their return comments,
recommendations (推荐) and the recommendation letter (推荐函). Each operation owns its transaction
and its audit.

Races: every decision and recommendation first locks the campaign's row (as submission_create
does), so a resubmission and a decision on the same campaign happen one after the other: a
decision made on version 1 stays with version 1, and a decision asked for on version 1 after
version 2 arrived is refused (superseded). Two reviewers at once: the second waits for the lock,
then finds the first one's decision and is told; the unique constraints hold the rule even for
a caller that skipped the lock."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.selectors import IndicatorNote
from assessment.services import assessment_reopen
from campaign.models import Campaign
from campaign.services import campaign_move_stage
from core.audit import audit_record
from core.notifications import notify
from indicators.models import Indicator
from org import permissions
from org.models import Membership, Region, Unit
from reports.models import ReportJob, Submission
from reports.services import report_request_subject

from .models import Decision, Level, Recommendation, RecommendationLetter, ReturnComment
from .selectors import reviewer_cities, reviewer_provinces, submissions_for

Outcome = Decision.Outcome
LEVEL_PERMISSION = {Level.CITY: permissions.RECORD_CITY_REVIEW, Level.PROVINCE: permissions.RECORD_PROVINCE_REVIEW}
LETTER_KINDS = ("recommendation_pdf", "recommendation_docx")


def recommending_region(submission, level):
    """The city (for the city's 推荐) or the province (for the province's) that recommends this
    campaign: the city of the city office it declared to, and that city's province."""
    city = submission.city_office.region
    if city is None or city.kind != Region.Kind.CITY:
        city = submission.campaign.region.city
    return city if level == Level.CITY else city.parent


def _require_level(by, level, submission):
    permissions.require_perm(by, LEVEL_PERMISSION[level])
    if not submissions_for(by, level).filter(pk=submission.pk).exists():
        raise PermissionDenied


def _office_people(campaign):
    """The county office's active admins and staff of the campaign's county (who hear of each decision)."""
    User = get_user_model()
    return list(
        User.objects.filter(
            is_active=True,
            memberships__role__in=(Membership.Role.OFFICE_ADMIN, Membership.Role.OFFICE_STAFF),
            memberships__unit__kind=Unit.Kind.OFFICE,
            memberships__unit__region_id=campaign.region_id,
        ).distinct()
    )


def _province_reviewers(province):
    User = get_user_model()
    return list(
        User.objects.filter(
            is_active=True,
            memberships__role=Membership.Role.PROVINCE_REVIEWER,
            memberships__unit__region=province,
        ).distinct()
    )


def _lock_latest(submission):
    """Lock the campaign's row and refuse a superseded version. Returns the locked campaign."""
    campaign = Campaign.objects.select_for_update().get(pk=submission.campaign_id)
    latest = Submission.objects.filter(campaign=campaign).aggregate(v=Max("version"))["v"]
    if latest != submission.version:
        raise ValidationError(
            _(
                "Version %(version)s has been superseded by version %(latest)s: decide on the latest version. "
                "Nothing was changed."
            )
            % {"version": submission.version, "latest": latest}
        )
    return campaign


# --- 初审 ---------------------------------------------------------------------------------


def clean_comments(submission, comments):
    """[(indicator id or code, text)] → [(Indicator, text)]: level-3 indicators of the
    campaign's framework, each once, each with a text."""
    framework_id = submission.campaign.framework_id
    wanted = [(str(key).strip(), (text or "").strip()) for key, text in comments]
    wanted = [(key, text) for key, text in wanted if key or text]
    if not wanted:
        return []
    indicators = Indicator.objects.filter(framework_id=framework_id, level=3)
    by_key = {}
    for i in indicators.only("id", "code", "title"):
        by_key[str(i.pk)] = by_key[i.code] = i
    cleaned, seen = [], set()
    for key, text in wanted:
        indicator = by_key.get(key)
        if indicator is None:
            raise ValidationError(_("Indicator %(code)s is not a level-3 indicator of this campaign.") % {"code": key})
        if not text:
            raise ValidationError(_("Write a comment for indicator %(code)s.") % {"code": indicator.code})
        if len(text) > 2000:
            raise ValidationError(_("The comment on %(code)s is too long.") % {"code": indicator.code})
        if indicator.pk in seen:
            raise ValidationError(_("Indicator %(code)s is commented twice.") % {"code": indicator.code})
        seen.add(indicator.pk)
        cleaned.append((indicator, text))
    return cleaned


def decision_make(*, submission, outcome, reason, by, comments=(), level=Level.CITY):
    """Record the 初审 (or, level province, the 省级初审) on one submitted version.

    退回补充 needs at least one comment on an indicator: the commented indicators' assessments
    re-open, the campaign goes back to self-assessment and the county office gets the list. 通过初审
    leaves the stage as it is (declared; recommended at the province), 不予推荐 ends the
    application (not named). Refused, with nothing changed, on a superseded version, a version
    already decided at this level, or — at the province — a version its city did not recommend."""
    _require_level(by, level, submission)
    if outcome not in Outcome.values:
        raise ValidationError(_("Choose a decision."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason for the decision."))
    if len(reason) > 2000:
        raise ValidationError(_("The reason is too long (2000 characters at most)."))
    cleaned = clean_comments(submission, comments)
    if outcome == Outcome.RETURNED and not cleaned:
        raise ValidationError(_("Returning for more material needs a comment on at least one indicator."))
    if outcome != Outcome.RETURNED and cleaned:
        raise ValidationError(_("Comments per indicator go with a return for more material only."))
    with transaction.atomic():
        campaign = _lock_latest(submission)
        existing = Decision.objects.filter(submission=submission, level=level).select_related("decided_by").first()
        if existing is not None:
            raise ValidationError(
                _("This version was already decided (%(outcome)s) by %(who)s. Nothing was changed.")
                % {"outcome": existing.get_outcome_display(), "who": _person(existing.decided_by)}
            )
        if level == Level.PROVINCE and campaign.stage != Campaign.Stage.RECOMMENDED:
            raise ValidationError(_("Only a campaign its city recommended comes to the province's review."))
        if level == Level.CITY and campaign.stage != Campaign.Stage.DECLARED:
            raise ValidationError(_("The campaign is not declared to the city any more. Nothing was changed."))
        try:
            with transaction.atomic():
                decision = Decision.objects.create(
                    submission=submission, campaign=campaign, level=level, outcome=outcome, reason=reason, decided_by=by
                )
        except IntegrityError:
            raise ValidationError(_("Someone else decided on this version meanwhile. Nothing was changed.")) from None
        ReturnComment.objects.bulk_create(
            [ReturnComment(decision=decision, campaign=campaign, indicator=i, text=t) for i, t in cleaned]
        )
        audit_record(
            actor=by,
            verb="review_decided",
            obj=decision,
            object_repr=f"{campaign.county} {campaign.name} v{submission.version}",
            after={
                "level": level,
                "outcome": outcome,
                "reason": reason[:200],
                "indicators": [i.code for i, _t in cleaned],
            },
        )
        note = _("%(level)s initial review: %(outcome)s") % {
            "level": Level(level).label,
            "outcome": Outcome(outcome).label,
        }
        if outcome == Outcome.RETURNED:
            assessment_reopen(campaign=campaign, indicators=[i for i, _t in cleaned], by=by, note=note)
            campaign_move_stage(campaign=campaign, to_stage=Campaign.Stage.SELF_ASSESSMENT, by=by, note=note)
        elif outcome == Outcome.REJECTED:
            campaign_move_stage(campaign=campaign, to_stage=Campaign.Stage.NOT_NAMED, by=by, note=note)
        link = reverse("review:comments") if outcome == Outcome.RETURNED else reverse("reports:index")
        notify(
            _office_people(campaign),
            title=_("%(level)s review of %(campaign)s (version %(version)s): %(outcome)s")
            % {
                "level": Level(level).label,
                "campaign": campaign.name,
                "version": submission.version,
                "outcome": Outcome(outcome).label,
            },
            body=reason
            + "".join(f"\n{i.code} {i.title[:40]}：{t}" for i, t in cleaned),  # the e-mail carries the list too
            link=link,
        )
    return decision


def _person(user):
    if user is None:
        return _("someone")
    return user.full_name or user.username


def comment_done(*, comment, by, done=True):
    """The county office marks a return comment dealt with (or not yet)."""
    permissions.require_perm(by, permissions.REVIEW_UNIT_WORK)
    with transaction.atomic():
        changed = ReturnComment.objects.filter(pk=comment.pk, done_at__isnull=done).update(
            done_at=timezone.now() if done else None, done_by=by if done else None
        )
        if changed:
            audit_record(actor=by, verb="comment_done" if done else "comment_reopened", obj=comment)
    return bool(changed)


def comments_open_by_indicator(campaign):
    """The note source for the county's assessment pages: the comments of the latest return on
    this campaign that are not dealt with yet. One query."""
    latest = (
        Decision.objects.filter(campaign=campaign, outcome=Outcome.RETURNED).order_by("-created_at").values("pk")[:1]
    )
    notes = {}
    source = _("City office")
    for c in ReturnComment.objects.filter(decision__in=latest, done_at__isnull=True).select_related("decision"):
        label = source if c.decision.level == Level.CITY else _("Province office")
        notes.setdefault(c.indicator_id, []).append(IndicatorNote(label, c.text, reverse("review:comments")))
    return notes


# --- 推荐 -------------------------------------------------------------------------------------


def recommendation_make(*, submission, reason, by, level=Level.CITY):
    """Recommend one campaign (this version, which passed the 初审 of this level) to the level
    above. Per recommending region and batch at most one comprehensive and one single-item
    campaign, never the city's own 市本级 one as the comprehensive candidate: checked here for a
    clear message and held by the database for the race."""
    _require_level(by, level, submission)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a short reason for the recommendation."))
    if len(reason) > 500:
        raise ValidationError(_("The reason is too long (500 characters at most)."))
    with transaction.atomic():
        campaign = _lock_latest(submission)
        decision = Decision.objects.filter(submission=submission, level=level).first()
        if decision is None or decision.outcome != Outcome.PASSED:
            raise ValidationError(_("Only a version that passed the initial review can be recommended."))
        region = recommending_region(submission, level)
        is_city_level = campaign.region.is_city_level
        if campaign.kind == Campaign.Kind.COMPREHENSIVE and is_city_level:
            raise ValidationError(_("The city's own level is never recommended as the comprehensive candidate."))
        if Recommendation.objects.filter(level=level, campaign=campaign).exists():
            raise ValidationError(_("This campaign is already recommended."))
        taken = (
            Recommendation.objects.filter(level=level, region=region, batch=campaign.batch, kind=campaign.kind)
            .select_related("campaign")
            .first()
        )
        if taken is not None:
            raise ValidationError(
                _(
                    "%(campaign)s is already recommended as the %(kind)s campaign of batch %(batch)s. Nothing was changed."
                )
                % {
                    "campaign": f"{taken.campaign.county} {taken.campaign.name}",
                    "kind": Campaign.Kind(campaign.kind).label,
                    "batch": campaign.batch or "—",
                }
            )
        try:
            with transaction.atomic():
                rec = Recommendation.objects.create(
                    level=level,
                    region=region,
                    batch=campaign.batch,
                    kind=campaign.kind,
                    is_city_level=is_city_level,
                    submission=submission,
                    campaign=campaign,
                    decision=decision,
                    reason=reason,
                    recommended_by=by,
                )
        except IntegrityError:
            raise ValidationError(
                _("Another campaign of this kind was recommended meanwhile. Nothing was changed.")
            ) from None
        audit_record(
            actor=by,
            verb="recommended",
            obj=rec,
            object_repr=f"{campaign.county} {campaign.name} v{submission.version}",
            after={"level": level, "region": region.name, "batch": campaign.batch, "kind": campaign.kind},
        )
        if level == Level.CITY:
            campaign_move_stage(
                campaign=campaign, to_stage=Campaign.Stage.RECOMMENDED, by=by, note=_("Recommended by the city")
            )
            notify(
                _province_reviewers(region.parent),
                title=_("Recommended by %(city)s: %(campaign)s") % {"city": region.name, "campaign": campaign.name},
                link=reverse("review:submission", args=[submission.pk]),
            )
        notify(
            _office_people(campaign),
            title=_("%(campaign)s was recommended by %(region)s") % {"campaign": campaign.name, "region": region.name},
            body=reason,
            link=reverse("reports:index"),
        )
    return rec


# --- 推荐函 -----------------------------------------------------------------------------------


def letter_make(*, region, batch, number, issued_on, by, level=Level.CITY):
    """Make the 推荐函 of one batch: the recommendations standing now are frozen into it, and its
    PDF and DOCX are compiled as report jobs."""
    permissions.require_perm(by, LEVEL_PERMISSION[level])
    mine = reviewer_cities(by) if level == Level.CITY else reviewer_provinces(by)
    if not by.is_superuser and not mine.filter(pk=region.pk).exists():
        raise PermissionDenied
    number = (number or "").strip()
    if not number:
        raise ValidationError(_("Give the letter's document number."))
    recs = list(
        Recommendation.objects.filter(level=level, region=region, batch=batch)
        .select_related("campaign", "submission")
        .order_by("kind")
    )
    if not recs:
        raise ValidationError(_("Nothing is recommended in this batch yet: there is nothing to write a letter about."))
    entries = [
        {
            "county": r.campaign.county,
            "campaign": r.campaign.name,
            "kind": r.kind,
            "kind_label": str(Campaign.Kind(r.kind).label),
            "title": r.campaign.single_item_title,
            "reason": r.reason,
            "submission": str(r.submission_id),
            "version": r.submission.version,
        }
        for r in recs
    ]
    with transaction.atomic():
        letter = RecommendationLetter.objects.create(
            level=level, region=region, batch=batch, number=number, issued_on=issued_on, entries=entries, created_by=by
        )
        audit_record(actor=by, verb="created", obj=letter, after={"number": number, "batch": batch})
        for kind in LETTER_KINDS:
            report_request_subject(subject_id=letter.pk, kind=kind, by=by)
    return letter


def letter_jobs(letter):
    """The latest job of each of the letter's kinds."""
    jobs = {}
    for job in ReportJob.objects.filter(subject_id=letter.pk, kind__in=LETTER_KINDS).order_by("-created_at"):
        jobs.setdefault(job.kind, job)
    return [jobs.get(kind) for kind in LETTER_KINDS]
