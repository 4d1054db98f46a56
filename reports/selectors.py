"""Read-only queries about report jobs and submissions."""

from org import permissions

from .models import ReportJob, ReportText, Submission


def submission_list_for(user):
    """Submissions the user may see: the office's own county's, or a city office's inbox."""
    return permissions.restrict(user, permissions.REVIEW_UNIT_WORK, Submission)


def report_text_of(campaign):
    """The report's free-text sections, or a blank set not yet saved (a GET writes nothing)."""
    return ReportText.objects.filter(campaign=campaign).first() or ReportText(campaign=campaign)


def latest_job(campaign, kind, done=False):
    jobs = ReportJob.objects.filter(campaign=campaign, kind=kind)
    if done:
        jobs = jobs.filter(status=ReportJob.Status.DONE)
    return jobs.order_by("-created_at").first()


def latest_file(campaign, kind):
    job = latest_job(campaign, kind, done=True)
    return job.file if job and job.file else None
