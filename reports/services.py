"""Report jobs: request (one active job per campaign and kind), run (claimed with a
compare-and-set so a re-delivered task does nothing twice), and submission."""

import contextlib
import dataclasses
import datetime
import glob
import json
import logging
import os
import shutil
import tempfile
import threading
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from campaign.models import Campaign
from campaign.services import campaign_move_stage
from core.audit import audit_record, audited_update
from core.notifications import notify
from core.outbox import send_later
from core.uploads import sha256_of
from org import permissions
from org.selectors import city_reviewers

from . import builders
from .models import ReportJob, ReportText, Submission
from .selectors import latest_file, latest_job, submission_checks, submission_frozen_figures, submission_state

logger = logging.getLogger(__name__)
EXTENSIONS = {"pdf": "pdf", "docx": "docx", "package": "zip", "xlsx": "xlsx", "answers": "zip"}
# Errors worth another try (remote storage, database connection); anything else fails the job.
TRANSIENT = (ConnectionError, TimeoutError)


def _build_package(campaign, out, progress):
    """The package, with the latest compiled report on top when there is one: the PDF and,
    beside it, the editable DOCX."""
    report, document = latest_file(campaign, ReportJob.Kind.PDF), latest_file(campaign, ReportJob.Kind.DOCX)
    with (
        report.open("rb") if report is not None else contextlib.nullcontext() as fh,
        document.open("rb") if document is not None else contextlib.nullcontext() as doc_fh,
    ):
        builders.build_package(campaign, out, progress, report_file=fh, document_file=doc_fh)


BUILDERS = {
    "pdf": builders.build_pdf,
    "docx": builders.build_docx,
    "package": _build_package,
    "xlsx": builders.build_xlsx,
    # Kinds with a subject get its id as a fourth argument (ReportJob.SUBJECT_KINDS).
    "answers": builders.build_answers,
}


@dataclasses.dataclass(frozen=True)
class RegisteredKind:
    """A report kind a higher floor builds from a row of its own (review: the 推荐函). builder(subject_id,
    out, progress) writes the file; file_stem(subject_id) names it; link(subject_id) is the page
    the ready notification opens."""

    label: str
    extension: str
    builder: object
    file_stem: object
    link: object


# kind -> RegisteredKind, filled from AppConfig.ready() of the floors above (reports imports none of them).
REGISTERED_KINDS = {}


def register_report_kind(kind, *, label, extension, builder, file_stem, link):
    REGISTERED_KINDS[kind] = RegisteredKind(label, extension, builder, file_stem, link)


def report_kind_label(kind):
    if kind in REGISTERED_KINDS:
        return str(REGISTERED_KINDS[kind].label)
    return str(ReportJob.Kind(kind).label)


def report_request_subject(*, subject_id, kind, by):
    """A job of a registered kind about one row of the registering app (the caller checked the
    right to it). As report_request: the second request while one runs joins it."""
    if kind not in REGISTERED_KINDS:
        raise ValidationError(_("Unknown report kind."))
    ReportJob.objects.filter(_stale(), subject_id=subject_id, kind=kind).update(
        status=ReportJob.Status.FAILED,
        error=_("Interrupted: the worker stopped; compiled again."),
        finished_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            job = ReportJob.objects.create(subject_id=subject_id, kind=kind, requested_by=by)
            audit_record(actor=by, verb="report_requested", obj=job, object_repr=report_kind_label(kind))
    except IntegrityError:
        return ReportJob.objects.get(subject_id=subject_id, kind=kind, status__in=ReportJob.ACTIVE)
    send_later("reports.compile", str(job.pk))
    return job


def report_request(*, campaign, kind, by, join=True, enqueue=True, subject=""):
    """A job for this report, or the one already under way (the second request joins the first;
    with join=False it is refused instead). `by` None is the server's command line
    (compile_report), which needs no right; enqueue=False leaves running the job to the caller."""
    if by is not None:
        permissions.require_perm(by, permissions.COMPILE_REPORTS)
    if kind not in ReportJob.Kind.values:
        raise ValidationError(_("Unknown report kind."))
    if campaign.framework_id is None:
        raise ValidationError(_("The campaign has no indicator framework yet."))
    if (kind in ReportJob.SUBJECT_KINDS) != bool(subject):
        raise ValidationError(_("This report is compiled from the page of what it is about."))
    if subject and not builders.subject_exists(kind, campaign, subject):
        raise ValidationError(_("Unknown report kind."))
    _retire_stale(campaign, kind)
    try:
        with transaction.atomic():
            job = ReportJob.objects.create(campaign=campaign, kind=kind, subject=subject, requested_by=by)
            audit_record(
                actor=by,
                verb="report_requested",
                obj=job,
                # Read by people on the audit page: the campaign's name and the report's label, not codes.
                object_repr=f"{campaign.name} {ReportJob.Kind(kind).label}"
                + ("" if by is not None else " " + _("(requested by the system)")),
            )
    except IntegrityError:
        if not join:
            raise ValidationError(_("A job for this report is already queued or running; wait for it.")) from None
        return ReportJob.objects.get(campaign=campaign, kind=kind, subject=subject, status__in=ReportJob.ACTIVE)
    if enqueue:
        send_later("reports.compile", str(job.pk))  # with the job row: a broker outage loses nothing
    return job


def _stale_before():
    # A running job whose heartbeat stopped this long ago belongs to a worker that died.
    return timezone.now() - datetime.timedelta(seconds=settings.REPORT_STALE_SECONDS)


def _stale():
    """Running jobs without a heartbeat for REPORT_STALE_SECONDS, queued ones nobody took."""
    before = _stale_before()
    return (
        Q(status=ReportJob.Status.RUNNING, heartbeat_at__lt=before)
        | Q(status=ReportJob.Status.RUNNING, heartbeat_at__isnull=True, started_at__lt=before)
        | Q(status=ReportJob.Status.QUEUED, created_at__lt=before)
    )


def _retire_stale(campaign, kind):
    """A new request for a report whose job lost its worker starts afresh instead of joining
    a job that will never finish: the stale one is marked failed (compare-and-set)."""
    ReportJob.objects.filter(_stale(), campaign=campaign, kind=kind).update(
        status=ReportJob.Status.FAILED,
        error=_("Interrupted: the worker stopped; compiled again."),
        finished_at=timezone.now(),
    )


def _temp_prefix(job_id):
    return f"report-{job_id}-"


def _remove_temp_files(job_id):
    """What a killed worker left of this job in the temporary folder (SIGKILL runs no `finally`)."""
    folder = settings.FILE_UPLOAD_TEMP_DIR or tempfile.gettempdir()
    for path in glob.glob(os.path.join(folder, _temp_prefix(job_id) + "*")):
        shutil.rmtree(path, ignore_errors=True) if os.path.isdir(path) else os.unlink(path)


def report_requeue_stale():
    """Send again the jobs whose worker died (SIGKILL, a lost machine): queued ones nobody
    took and running ones whose heartbeat stopped. The claim decides who runs them, so
    sending one twice is harmless. Returns how many were sent."""
    stale = list(ReportJob.objects.filter(_stale()).values_list("pk", flat=True))
    for pk in stale:
        send_later("reports.compile", str(pk))
    return len(stale)


def report_fail(job_id, exc):
    ReportJob.objects.filter(pk=job_id, status__in=ReportJob.ACTIVE).update(
        status=ReportJob.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now()
    )


def report_claim(job_id):
    """Take the job: queued → running, or reclaim a running job whose worker died.
    Returns the job, or None when another run has it or it is finished."""
    now = timezone.now()
    claimed = (
        ReportJob.objects.filter(pk=job_id)
        .filter(Q(status=ReportJob.Status.QUEUED) | (Q(status=ReportJob.Status.RUNNING) & _stale()))
        .update(
            status=ReportJob.Status.RUNNING,
            started_at=now,
            heartbeat_at=now,
            progress=0,
            step="",
            error="",
            attempts=F("attempts") + 1,
        )
    )
    if not claimed:
        return None
    _remove_temp_files(job_id)  # a previous, killed run's leftovers
    return ReportJob.objects.select_related("campaign").get(pk=job_id)


def _progress(job_id):
    last = {"pct": -1}

    def report(pct, step):
        if pct != last["pct"]:
            last["pct"] = pct
            ReportJob.objects.filter(pk=job_id, status=ReportJob.Status.RUNNING).update(
                progress=min(pct, 99), step=str(step)[:200], heartbeat_at=timezone.now()
            )

    return report


def report_run(job_id):
    """Build the report of a claimed job and store it. Idempotent: a finished or
    foreign job is left alone. Returns the job's final status (or None)."""
    job = report_claim(job_id)
    if job is None:
        return None

    with translation.override(settings.LANGUAGE_CODE), _heartbeat(job.pk):  # reports are Chinese documents
        return _report_build(job)


@contextlib.contextmanager
def _heartbeat(job_id):
    """While the job builds, a thread writes its heartbeat every REPORT_HEARTBEAT_SECONDS —
    also through long stretches without progress (WeasyPrint laying out a big report). A
    worker killed mid-job stops beating, and the sweeper sends the job again."""
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(settings.REPORT_HEARTBEAT_SECONDS):
                ReportJob.objects.filter(pk=job_id, status=ReportJob.Status.RUNNING).update(heartbeat_at=timezone.now())
        finally:
            connection.close()  # the thread's own database connection

    thread = threading.Thread(target=beat, name=f"heartbeat-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _report_build(job):
    campaign = job.campaign
    progress = _progress(job.pk)
    registered = REGISTERED_KINDS.get(job.kind)
    if registered is not None:
        extension = registered.extension
        name = f"{registered.file_stem(job.subject_id)}-{timezone.localdate():%Y%m%d}.{extension}"
    else:
        extension = EXTENSIONS[job.kind]
        label = str(ReportJob.label_for(job.kind, campaign)).split(" ")[0]
        name = f"{campaign.county}-{campaign.name}-{label}-{timezone.localdate():%Y%m%d}.{extension}"
    fd, path = tempfile.mkstemp(prefix=_temp_prefix(job.pk), suffix="." + extension, dir=settings.FILE_UPLOAD_TEMP_DIR)
    try:
        with os.fdopen(fd, "wb") as out:
            if registered is not None:
                registered.builder(job.subject_id, out, progress)
            elif job.kind in ReportJob.SUBJECT_KINDS:
                BUILDERS[job.kind](campaign, out, progress, job.subject)
            else:
                BUILDERS[job.kind](campaign, out, progress)
        digest, size = sha256_of(path), os.path.getsize(path)
        with open(path, "rb") as fh:
            job.file.save(name, File(fh), save=False)
        volumes = []
        limit = int(settings.PACKAGE_VOLUME_MB * 1024 * 1024)
        if job.kind == ReportJob.Kind.PACKAGE and limit and size > limit:
            volumes = _store_volumes(job, path, limit, name.rsplit(".", 1)[0], progress)
        done = ReportJob.objects.filter(pk=job.pk, status=ReportJob.Status.RUNNING).update(
            status=ReportJob.Status.DONE,
            progress=100,
            step="",
            file=job.file.name,
            file_name=name,
            size=size,
            sha256=digest,
            volumes=volumes,
            finished_at=timezone.now(),
        )
    except TRANSIENT:
        # Storage or network hiccup: give the job back; the task retries with back-off.
        ReportJob.objects.filter(pk=job.pk, status=ReportJob.Status.RUNNING).update(
            status=ReportJob.Status.QUEUED, started_at=None
        )
        raise
    except Exception as exc:  # the job row must say what went wrong, whatever it was
        logger.exception("report job %s failed", job.pk)
        report_fail(job.pk, exc)
        return ReportJob.Status.FAILED
    finally:
        if os.path.exists(path):
            os.unlink(path)
    if done and job.requested_by_id:
        notify(
            [job.requested_by],
            title=_("Ready: %(kind)s")
            % {
                "kind": report_kind_label(job.kind)
                if registered is not None
                else ReportJob.label_for(job.kind, job.campaign)
            },
            link=registered.link(job.subject_id) if registered is not None else _reports_url(),
        )
    return ReportJob.Status.DONE if done else None


def _store_volumes(job, package_path, limit, stem, progress):
    """Split the finished package into volumes and keep them beside it in storage."""

    stored = []
    with tempfile.TemporaryDirectory(prefix=_temp_prefix(job.pk), dir=settings.FILE_UPLOAD_TEMP_DIR) as tmp:
        for name, path in builders.split_package(package_path, limit, tmp, stem, progress):
            with open(path, "rb") as fh:
                key = default_storage.save(f"reports/volumes/{job.pk}/{os.path.basename(path)}", File(fh))
            stored.append({"name": name, "path": key, "size": os.path.getsize(path), "sha256": sha256_of(path)})
    return stored


def _reports_url():
    return reverse("reports:index")


# --- submission -------------------------------------------------------------------------------

REPORT_TEXT_FIELDS = ["basic_facts", "highlights", "next_steps"]


@transaction.atomic
def report_text_update(*, campaign, by, **values):
    """Save the report's free-text sections; the audit keeps what each changed from."""
    permissions.require_perm(by, permissions.COMPILE_REPORTS)
    text, _created = ReportText.objects.select_for_update().get_or_create(campaign=campaign)
    return audited_update(
        obj=text,
        fields=REPORT_TEXT_FIELDS,
        values=values,
        by=by,
        object_repr=_("%(campaign)s report text") % {"campaign": campaign.name},
    )


class SubmissionFiguresChanged(ValidationError):
    """The figures changed between the confirmation page and the POST: show the page again."""


@transaction.atomic
def submission_create(*, campaign, by, confirmed=(), figures=None):
    """Freeze the latest finished report and package into a submission to the city
    office: the files are copied (later compilations never change what was sent),
    checksummed, and the campaign moves to the declared stage.

    Refused while a blocker stands (submission_checks: a comprehensive campaign under its
    threshold or with a triggered veto, no city office, nothing compiled) and until every
    warning's key is in `confirmed`; what was confirmed is kept with the submission and in
    the audit. `figures` is the digest the confirmation page showed: when the figures
    changed since, nothing is submitted (SubmissionFiguresChanged)."""
    permissions.require_perm(by, permissions.SUBMIT_TO_CITY)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    checks = submission_checks(campaign)
    if figures is not None and figures != checks.figures:
        raise SubmissionFiguresChanged(_("The figures changed since the page was shown; check them again."))
    if checks.blockers:
        raise ValidationError([_("Cannot submit yet:")] + [c.label for c in checks.blockers])
    unconfirmed = [c for c in checks.warnings if c.key not in set(confirmed)]
    if unconfirmed:
        raise ValidationError([_("Confirm each warning before submitting:")] + [c.label for c in unconfirmed])
    report, package = checks.report, checks.package
    # The campaign's row is locked above: two submissions at once take consecutive numbers (and
    # the unique constraint holds even for a caller that forgot the lock).
    latest = Submission.objects.filter(campaign=campaign).aggregate(v=Max("version"))["v"] or 0
    submission = Submission(
        campaign=campaign,
        version=latest + 1,
        snapshot=submission_state(campaign),
        city_office_id=campaign.city_office_id,
        county=campaign.county,
        title=campaign.name,
        submitted_by=by,
        report_sha256=report.sha256,
        package_sha256=package.sha256,
        package_size=package.size,
    )
    document = latest_job(campaign, "docx", done=True)  # the editable copy, when the office compiled one
    copies = [("report", report), ("package", package)] + ([("document", document)] if document else [])
    for field, job in copies:
        with job.file.open("rb") as fh:
            getattr(submission, field).save(job.file_name, File(fh), save=False)
    submission.document_sha256 = document.sha256 if document else ""
    submission.manifest = _manifest_of(submission.package)
    e = checks.eligibility
    submission.confirmed = [{"key": c.key, "count": c.count, "label": c.label} for c in checks.warnings]
    submission.eligibility = {
        "met": e.met,
        "applicable": e.applicable,
        "percent": str(e.percent) if e.percent is not None else None,
        "threshold": str(e.threshold),
        "eligible": e.eligible,
        **submission_frozen_figures(campaign, e, submission.manifest),
    }
    if (r := checks.readiness) is not None:
        submission.eligibility["readiness"] = {
            "ready": r.ready,
            "sections_done": r.sections_done,
            "accepted": r.accepted,
            "pending": r.pending,
            "returned": r.returned,
        }
    submission.save()
    if any(_sha256_field(getattr(submission, field)) != job.sha256 for field, job in copies):
        raise ValidationError(_("The copied files do not match their checksums; nothing was submitted."))
    audit_record(
        actor=by,
        verb="submitted",
        obj=submission,
        after={
            "report_sha256": report.sha256,
            "package_sha256": package.sha256,
            "version": submission.version,
            "confirmed": [c.label for c in checks.warnings],
        }
        | ({"document_sha256": document.sha256} if document else {}),
    )
    if campaign.stage in (Campaign.Stage.PREPARATION, Campaign.Stage.SELF_ASSESSMENT):
        campaign_move_stage(
            campaign=campaign, to_stage=Campaign.Stage.DECLARED, by=by, note=_("Submitted to the city office")
        )
    notify(
        city_reviewers(campaign.city_office),
        title=_("New submission: %(county)s") % {"county": campaign.county},
        link=submission.get_absolute_url(),
    )
    return submission


def _manifest_of(field):
    with field.open("rb") as fh, zipfile.ZipFile(fh) as zf:
        return json.loads(zf.read("manifest.json"))


def _sha256_field(field):
    with field.open("rb") as fh:
        return sha256_of(fh)


def submission_verify(submission):
    """Check the stored files against the recorded checksums and the package's entries
    against the manifest. Returns a list of problems (empty when all is well)."""

    problems = []
    files = [
        (submission.report, submission.report_sha256, _("report")),
        (submission.package, submission.package_sha256, _("package")),
    ]
    if submission.document_sha256:
        files.append((submission.document, submission.document_sha256, _("editable report")))
    for field, recorded, label in files:
        try:
            if _sha256_field(field) != recorded:
                problems.append(_("The %(file)s file does not match its checksum.") % {"file": label})
        except (FileNotFoundError, ValueError):  # ValueError: no file recorded at all
            problems.append(_("The %(file)s file is missing from storage.") % {"file": label})
    try:
        with submission.package.open("rb") as fh, zipfile.ZipFile(fh) as zf:
            sizes = {i.filename: i.file_size for i in zf.infolist()}
    except (FileNotFoundError, ValueError, zipfile.BadZipFile):
        problems.append(_("The package cannot be opened as a ZIP file."))
        return problems
    for entry in submission.manifest:
        if sizes.get(entry["path"]) != entry["size"]:
            problems.append(_("Missing or changed in the package: %(path)s") % {"path": entry["path"]})
    return problems
