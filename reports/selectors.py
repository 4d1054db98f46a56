"""Read-only queries about report jobs and submissions."""

from org import permissions

from .models import Submission


def submission_list_for(user):
    """Submissions the user may see: the office's own county's, or a city office's inbox."""
    return permissions.restrict(user, permissions.REVIEW_UNIT_WORK, Submission)
