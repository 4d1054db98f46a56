"""Adding, replacing, hiding and reviewing evidence. Each owns its transaction,
writes the audit trail, and moves the share through the workflow service."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from assignments.models import Assignment
from assignments.services import assignment_transition
from core.audit import audit_record
from core.figures_cache import dashboard_touch
from core.notifications import notify
from core.outbox import send_later
from core.uploads import sha256_of
from org import permissions
from org.selectors import unit_people

from .models import Evidence, EvidenceRevision, Review
from .sniff import Refused, clean_filename, sniff


def _check_share_open(assignment):
    if not assignment.is_open:
        raise ValidationError(
            _("The task is %(status)s: withdraw it before changing its evidence.")
            % {"status": assignment.get_status_display()}
        )


def _start_work(assignment, by):
    """The first evidence moves a not-started share to in progress."""
    if assignment.status == Assignment.Status.NOT_STARTED:
        assignment_transition(assignment=assignment, to_status=Assignment.Status.IN_PROGRESS, by=by)


def _checked_file(assignment, upload, kind):
    """Sniff the upload, refuse a non-image as a photo and the same bytes twice in the
    campaign. Returns (Sniffed, the name to keep, SHA-256)."""
    name = clean_filename(upload.name)
    if upload.size == 0:
        raise Refused(_("The file is empty."))
    # Not "with upload.open()": closing a temporary upload deletes it from disk.
    sniffed = sniff(upload, name)
    digest = getattr(upload, "sha256", None) or sha256_of(upload)  # the upload handler hashed it on the way in
    duplicate = (
        EvidenceRevision.objects.filter(sha256=digest, evidence__assignment__campaign_id=assignment.campaign_id)
        .select_related("evidence__assignment__unit", "evidence__assignment__indicator")
        .first()
    )
    if duplicate is not None:
        e = duplicate.evidence
        raise Refused(
            _(
                "This file was already uploaded as “%(title)s” (%(unit)s, %(code)s). Link that evidence to this indicator instead of uploading it again."
            )
            % {"title": e.title, "unit": e.assignment.unit, "code": e.assignment.indicator.code}
        )
    if kind == Evidence.Kind.IMAGE and not sniffed.is_image:
        raise Refused(_("Photos must be JPG or PNG images."))
    if sniffed.is_image:
        _check_pixels(upload)
    return sniffed, name, digest


def _check_pixels(upload):
    """Refuse a picture larger than EVIDENCE_MAX_IMAGE_MEGAPIXELS from its header alone
    (Image.open reads the size without decoding the pixels)."""
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            width, height = image.size
    except (OSError, Image.DecompressionBombError, ValueError) as exc:
        raise Refused(_("The picture cannot be read: save it again as JPG or PNG.")) from exc
    finally:
        upload.seek(0)
    limit = settings.EVIDENCE_MAX_IMAGE_MEGAPIXELS
    if width * height > limit * 1_000_000:
        raise Refused(
            _(
                "The picture is %(width)s × %(height)s pixels (%(mp)s megapixels); the limit is %(limit)s megapixels. Make it smaller and upload it again."
            )
            % {"width": width, "height": height, "mp": round(width * height / 1_000_000), "limit": limit}
        )


def _file_revision(evidence, number, upload, checked, by):
    sniffed, name, digest = checked
    revision = EvidenceRevision(
        evidence=evidence,
        number=number,
        original_name=name,
        content_type=sniffed.content_type,
        size=upload.size,
        sha256=digest,
        uploaded_by=by,
    )
    # Storage streams the temporary file into place under a generated name.
    revision.file.save(upload.name, upload, save=False)
    revision.save()
    if sniffed.is_image:
        send_later("evidence.make_thumbnail", str(revision.pk))  # with the revision's transaction
    return revision


def _content_revision(evidence, number, url, text, by):
    """A revision of a news link or a written summary."""
    return EvidenceRevision.objects.create(
        evidence=evidence,
        number=number,
        url=url,
        text=text,
        uploaded_by=by,
        content_type="text/uri-list" if url else "text/plain",
        size=len(url or text),
    )


# Stems that phones and chat apps give pictures: they say nothing of what a photo shows.
MACHINE_STEMS = re.compile(r"^(微信图片|屏幕截图|截图|mmexport|img|dsc|dcim|pxl|photo|image|screenshot)", re.IGNORECASE)
CJK_CHARS = re.compile(r"[\u3400-\u9fff]")


def evidence_default_title(*, assignment, kind, upload_name="", issued_on=None):
    """The title of a file given without one; it also names the file in the package.

    A document, or a photo whose name a person typed (Chinese words: "现场照片.jpg"), keeps
    its file name as before (the package drops a repeated extension). A photo named by the camera
    ("IMG_2041.jpg", "photo1.jpg", "微信图片_2023….jpg") is called by what it proves: indicator
    code, 照片, date, and a number when the share has that title already (the page's script
    sends one file per request, so the number comes from the rows, not the batch). The unit is
    not repeated: every list shows it beside the title and the package puts it before the name."""
    stem = upload_name.rsplit(".", 1)[0].strip() if "." in upload_name else upload_name.strip()
    typed = bool(stem) and CJK_CHARS.search(stem) and not MACHINE_STEMS.match(stem)
    if stem and (kind != Evidence.Kind.IMAGE or typed):
        return upload_name
    title = _("%(code)s photo %(date)s") % {
        "code": assignment.indicator.code,
        "date": (issued_on or timezone.localdate()).isoformat(),
    }
    taken = Evidence.objects.filter(assignment=assignment, title__startswith=title).count()
    return f"{title}（{taken + 1}）" if taken else title


@transaction.atomic
def evidence_add(*, assignment, kind, title, by, upload=None, url="", text="", issued_on=None, note=""):
    """Add one piece of evidence (a file, a link or a text) to a share."""
    dashboard_touch(assignment.campaign_id)
    permissions.require_perm(by, permissions.CONTRIBUTE_UNIT_WORK, assignment)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    _check_share_open(assignment)
    checked = _checked_file(assignment, upload, kind) if upload is not None else None
    evidence = Evidence.objects.create(
        assignment=assignment,
        campaign_id=assignment.campaign_id,
        kind=kind,
        title=(title or (upload.name if upload else ""))[:200],
        issued_on=issued_on,
        note=note[:500],
        created_by=by,
    )
    revision = (
        _file_revision(evidence, 1, upload, checked, by)
        if upload is not None
        else _content_revision(evidence, 1, url, text, by)
    )
    evidence.current_revision = revision
    evidence.save(update_fields=["current_revision"])
    audit_record(
        actor=by,
        verb="evidence_added",
        obj=evidence,
        unit=assignment.unit,
        after={"kind": kind, "title": evidence.title, "file": revision.original_name, "sha256": revision.sha256},
    )
    _start_work(assignment, by)
    return evidence


@transaction.atomic
def evidence_replace(*, evidence, by, upload=None, url="", text=""):
    """A new revision; the old ones stay. The evidence goes back to waiting for review."""
    dashboard_touch(evidence.assignment.campaign_id)
    permissions.require_perm(by, permissions.CONTRIBUTE_UNIT_WORK, evidence)
    evidence = Evidence.objects.select_for_update().select_related("assignment__unit").get(pk=evidence.pk)
    _check_share_open(evidence.assignment)
    number = (evidence.revisions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    if upload is not None:
        revision = _file_revision(
            evidence, number, upload, _checked_file(evidence.assignment, upload, evidence.kind), by
        )
    elif url or text:
        revision = _content_revision(evidence, number, url, text, by)
    else:
        raise ValidationError(_("Give the new content."))
    evidence.current_revision = revision
    evidence.review_status = Evidence.Review.PENDING
    evidence.save(update_fields=["current_revision", "review_status", "updated_at"])
    audit_record(
        actor=by,
        verb="evidence_replaced",
        obj=evidence,
        unit=evidence.assignment.unit,
        after={"revision": number, "file": revision.original_name, "sha256": revision.sha256},
    )
    return revision


@transaction.atomic
def evidence_hide(*, evidence, by):
    """A liaison's delete: the evidence disappears from the unit's view; files stay."""
    dashboard_touch(evidence.assignment.campaign_id)
    permissions.require_perm(by, permissions.CONTRIBUTE_UNIT_WORK, evidence)
    _check_share_open(evidence.assignment)
    if Evidence.objects.filter(pk=evidence.pk, hidden_at__isnull=True).update(hidden_at=timezone.now(), hidden_by=by):
        audit_record(actor=by, verb="evidence_hidden", obj=evidence, unit=evidence.assignment.unit)


@transaction.atomic
def evidence_restore(*, evidence, by):
    dashboard_touch(evidence.assignment.campaign_id)
    permissions.require_perm(by, permissions.REVIEW_UNIT_WORK, evidence)
    if Evidence.objects.filter(pk=evidence.pk, hidden_at__isnull=False).update(hidden_at=None, hidden_by=None):
        audit_record(actor=by, verb="evidence_restored", obj=evidence, unit=evidence.assignment.unit)


@transaction.atomic
def evidence_link_indicators(*, evidence, indicators, by):
    """Let one document prove further level-3 indicators of the same campaign."""
    permissions.require_perm(by, permissions.CONTRIBUTE_UNIT_WORK, evidence)
    campaign = evidence.assignment.campaign
    wrong = [i for i in indicators if i.level != 3 or i.framework_id != campaign.framework_id]
    if wrong:
        raise ValidationError(_("Only level-3 indicators of the same campaign can be linked."))
    # Evidence proves the unit's own work: it may stand for indicators the unit has a task in.
    unit = evidence.assignment.unit
    tasked = set(
        Assignment.objects.filter(campaign=campaign, unit=unit, indicator__in=indicators).values_list(
            "indicator_id", flat=True
        )
    )
    untasked = sorted(i.code for i in indicators if i.pk not in tasked)
    if untasked:
        raise ValidationError(
            _("%(unit)s has no task in %(codes)s: evidence can be linked only to indicators the unit works on.")
            % {"unit": unit, "codes": "、".join(untasked)}
        )
    evidence.also_proves.set([i for i in indicators if i.pk != evidence.assignment.indicator_id])
    audit_record(
        actor=by,
        verb="evidence_linked",
        obj=evidence,
        unit=evidence.assignment.unit,
        after={"indicators": sorted(i.code for i in indicators)},
    )


@transaction.atomic
def evidence_link_to_campaign(*, evidence, assignment, by):
    """Evidence once (最多报一次): put a piece the county already holds into a share of another
    of its campaigns (the single-item one beside the comprehensive one, next year's) without
    uploading it again. The link is a new piece of evidence in the target share whose revision
    points to the same stored file (same SHA-256): nothing is copied, and a package holds the
    file once. It remembers its origin (`origin`, always the first upload, never a link).

    A link is reviewed in its own campaign, like any other piece there: it starts waiting for
    review, because it proves a different share, and an acceptance in one campaign is no
    decision for another. Only who may contribute to the target share may link (its unit's
    liaison), only within the same county and the same unit, once per campaign."""
    permissions.require_perm(by, permissions.CONTRIBUTE_UNIT_WORK, assignment)
    permissions.require_perm(by, permissions.VIEW_UNIT_WORK, evidence)
    source = Evidence.objects.select_related("assignment__campaign", "current_revision").get(pk=evidence.pk)
    target = (
        Assignment.objects.select_for_update().select_related("campaign", "indicator", "unit").get(pk=assignment.pk)
    )
    if source.assignment.campaign.region_id != target.campaign.region_id:
        raise ValidationError(_("Evidence can be linked only into another campaign of the same county."))
    if source.assignment.unit_id != target.unit_id:
        raise ValidationError(_("Evidence proves its own unit's work: link it into a task of the same unit."))
    if source.is_hidden or source.current_revision is None:
        raise ValidationError(_("Deleted evidence cannot be linked: restore it first."))
    _check_share_open(target)
    origin_id = source.origin_id or source.pk
    held = (
        Evidence.objects.filter(Q(pk=origin_id) | Q(origin_id=origin_id), assignment__campaign=target.campaign)
        .select_related("assignment__indicator", "assignment__unit")
        .first()
    )
    if held is not None:
        raise ValidationError(
            _("“%(title)s” is already in %(campaign)s (%(unit)s, %(code)s): it is linked only once per campaign.")
            % {
                "title": held.title,
                "campaign": target.campaign.name,
                "unit": held.assignment.unit,
                "code": held.assignment.indicator.code,
            }
        )
    dashboard_touch(target.campaign_id)
    r = source.current_revision
    try:
        with transaction.atomic():  # a second request racing this one meets the unique constraint
            link = Evidence.objects.create(
                assignment=target,
                campaign_id=target.campaign_id,
                origin_id=origin_id,
                kind=source.kind,
                title=source.title,
                issued_on=source.issued_on,
                note=source.note,
                created_by=by,
            )
    except IntegrityError:
        raise ValidationError(
            _("This evidence was just linked into %(campaign)s.") % {"campaign": target.campaign.name}
        ) from None
    # The same stored file (its name in storage), link or text: nothing is uploaded or copied.
    revision = EvidenceRevision.objects.create(
        evidence=link,
        number=1,
        file=r.file.name,
        url=r.url,
        text=r.text,
        original_name=r.original_name,
        content_type=r.content_type,
        size=r.size,
        sha256=r.sha256,
        thumbnail=r.thumbnail.name,
        uploaded_by=by,
    )
    link.current_revision = revision
    link.save(update_fields=["current_revision"])
    if revision.is_image and not revision.thumbnail:  # the origin's thumbnail is not made yet
        send_later("evidence.make_thumbnail", str(revision.pk))
    audit_record(
        actor=by,
        verb="evidence_linked_campaign",
        obj=link,
        unit=target.unit,
        after={
            "from_evidence": str(source.pk),
            "from_campaign": source.assignment.campaign.name,
            "campaign": target.campaign.name,
            "indicator": target.indicator.code,
            "sha256": r.sha256,
        },
    )
    _start_work(target, by)
    return link


@transaction.atomic
def evidence_review(*, evidence, decision, by, comment=""):
    """The office accepts or returns a piece of evidence. A return sends the share
    back to the unit with the comment (through the workflow service)."""
    dashboard_touch(evidence.assignment.campaign_id)
    permissions.require_perm(by, permissions.REVIEW_UNIT_WORK, evidence)
    comment = (comment or "").strip()
    if decision not in (Evidence.Review.ACCEPTED, Evidence.Review.RETURNED):
        raise ValidationError(_("Choose accept or return."))
    if decision == Evidence.Review.RETURNED and not comment:
        raise ValidationError(_("Say why the evidence is returned: the unit needs to know what to fix."))
    evidence = (
        Evidence.objects.select_for_update()
        .select_related("assignment__unit", "assignment__indicator")
        .get(pk=evidence.pk)
    )
    review = Review.objects.create(
        evidence=evidence, revision=evidence.current_revision, status=decision, comment=comment[:2000], reviewer=by
    )
    evidence.review_status = decision
    evidence.save(update_fields=["review_status", "updated_at"])
    audit_record(
        actor=by,
        verb="evidence_reviewed",
        obj=evidence,
        unit=evidence.assignment.unit,
        after={"decision": decision, **({"comment": comment} if comment else {})},
    )
    share = evidence.assignment
    if decision == Evidence.Review.RETURNED:
        if share.status in (Assignment.Status.SUBMITTED, Assignment.Status.ACCEPTED):
            assignment_transition(
                assignment=share,
                to_status=Assignment.Status.RETURNED,
                by=by,
                comment=_("%(name)s: %(message)s") % {"name": evidence.title, "message": comment},
            )
        else:
            notify(
                unit_people(share.unit),
                title=_("Evidence returned: %(title)s") % {"title": evidence.title},
                body=comment,
                link=share.get_absolute_url(),
            )
    return review


@transaction.atomic
def evidence_accept_many(*, evidences, by):
    """The office accepts several pieces at once (the queue's bulk action, after its
    confirmation page): each reviewed, audited and notified as one accepted alone. All or
    nothing. Returns how many were accepted."""
    for evidence in evidences:
        evidence_review(evidence=evidence, decision=Evidence.Review.ACCEPTED, by=by)
    return len(evidences)


def evidence_for_answer(*, unit, campaign, by, note, evidence=None, assignment=None, upload=None, kind=None):
    """The evidence a unit answers with (a rectification's fix, an assessors' request): a piece
    of its own visible evidence in the campaign, or a new file added to one of its tasks through
    evidence_add — the same checks (sniffing, size, duplicates) and the same review as any other
    upload, so there is one upload path. Returns the evidence; ValidationError when none fits."""
    if upload is not None:
        if assignment is None or assignment.unit_id != unit.pk or assignment.campaign_id != campaign.pk:
            raise ValidationError(_("Choose one of your unit's tasks for the file."))
        try:
            return evidence_add(
                assignment=assignment, kind=kind or Evidence.Kind.DOCUMENT, title="", by=by, upload=upload, note=note
            )
        except Refused as exc:
            raise ValidationError(str(exc)) from exc
    if evidence is None:
        raise ValidationError(_("Answer with evidence: choose a piece or upload a file."))
    if evidence.assignment.unit_id != unit.pk or evidence.campaign_id != campaign.pk or evidence.hidden_at is not None:
        raise ValidationError(_("The evidence must be your unit's, in this campaign."))
    return evidence
