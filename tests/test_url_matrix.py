"""Every URL of the project, requested as every persona. A new view without an
entry in EXPECTED fails test_every_url_has_an_entry: decide who may use it."""

from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "liaison_a",
    "liaison_b",
    "leader_a",
    "leader_b",
    "office_staff",
    "office_admin",
    "city_reviewer",
    "superuser",
    "nobody",
]
LOGIN = "login"  # anonymous is redirected to the login page
# Unit A's objects: its people, the office and IT see them; for everyone else they do not exist.
OFFICE_ONLY = {"anonymous": LOGIN, "office_admin": 200, "office_staff": 200, "superuser": 200, "*": 403}
ADMIN_ONLY = {"anonymous": LOGIN, "office_admin": 200, "superuser": 200, "*": 403}
REVIEWERS = {"anonymous": LOGIN, "city_reviewer": 200, "superuser": 200, "*": 403}
UNIT_A_ONLY = {"liaison_b": 404, "leader_b": 404, "city_reviewer": 404, "nobody": 404, "*": 200}
CITY_ONLY = {"anonymous": LOGIN, "city_reviewer": 200, "superuser": 200, "*": 403}
PROVINCE_ONLY = {"anonymous": LOGIN, "superuser": 200, "*": 403}

# url name -> (path, {persona: expected GET status}); "*" is the default for unnamed personas.
EXPECTED = {
    "healthz": ("/healthz", {"*": 200}),
    "login": ("/accounts/login/", {"anonymous": 200, "*": 302}),  # signed-in users are sent home
    "logout": ("/accounts/logout/", {"*": 405}),  # POST only
    "password_change": ("/accounts/password/", {"anonymous": LOGIN, "*": 200}),
    # Single sign-on is off in the test settings: its ways in do not exist (tests/core/test_sso.py
    # switches each on). The CAS logout is POST only and, with CAS off, the ordinary logout.
    "core:sso_oidc": ("/accounts/sso/oidc/", {"*": 404}),
    "core:sso_oidc_callback": ("/accounts/sso/oidc/callback/?code=x&state=y", {"*": 404}),
    "core:sso_cas": ("/accounts/sso/cas/?ticket=ST-1", {"*": 404}),
    "core:sso_cas_logout": ("/accounts/sso/cas/logout/", {"*": 405}),
    "core:sso_oidc_logout": ("/accounts/sso/oidc/logout/", {"*": 405}),
    "password_change_done": ("/accounts/password/done/", {"anonymous": LOGIN, "*": 200}),
    "set_language": ("/i18n/setlang/", {"*": 302}),  # a GET changes nothing and redirects
    "portal:home": ("/", {"anonymous": LOGIN, "*": 200}),
    "org:audit": ("/audit/", {"anonymous": LOGIN, "office_admin": 200, "superuser": 200, "*": 403}),
    "indicators:list": ("/indicators/", {"anonymous": LOGIN, "nobody": 403, "*": 200}),
    "assignments:tree": (
        lambda w: f"/indicators/{w.campaign.framework_id}/",
        {"anonymous": LOGIN, "nobody": 403, "*": 200},
    ),
    "indicators:import": ("/indicators/import/", {"anonymous": LOGIN, "office_admin": 200, "superuser": 200, "*": 403}),
    "indicators:import_confirm": ("/indicators/import/confirm/", {"anonymous": LOGIN, "*": 405}),  # POST only
    "assignments:import": (
        "/assignments/import/",
        {"anonymous": LOGIN, "office_admin": 200, "superuser": 200, "*": 403},
    ),
    "assignments:import_confirm": ("/assignments/import/confirm/", {"anonymous": LOGIN, "*": 405}),
    "assignments:export": (
        lambda w: f"/assignments/export/?campaign={w.campaign.pk}&format=csv",
        {"anonymous": LOGIN, "office_admin": 200, "office_staff": 200, "superuser": 200, "*": 403},
    ),
    "assignments:list": (
        "/assignments/",
        {"anonymous": LOGIN, "office_admin": 200, "office_staff": 200, "superuser": 200, "*": 403},
    ),
    "assignments:bulk": ("/assignments/bulk/", {"anonymous": LOGIN, "*": 405}),
    "assignments:board": (
        "/assignments/board/",
        {"anonymous": LOGIN, "office_admin": 200, "office_staff": 200, "superuser": 200, "*": 403},
    ),
    "assignments:circulars": (
        "/assignments/circulars/",
        {"anonymous": LOGIN, "office_admin": 200, "office_staff": 200, "superuser": 200, "*": 403},
    ),
    "assignments:circular_new": (
        "/assignments/circulars/new/",
        {"anonymous": LOGIN, "office_admin": 200, "office_staff": 200, "superuser": 200, "*": 403},
    ),
    "assignments:circular": (
        lambda w: _circular(w).get_absolute_url(),
        # Unit A is listed (it has an overdue share); unit B and the others are not.
        {"anonymous": LOGIN, "liaison_b": 404, "leader_b": 404, "city_reviewer": 404, "nobody": 404, "*": 200},
    ),
    "assignments:circular_pdf": (
        lambda w: f"{_circular(w).get_absolute_url()}pdf/",
        # The same document as the page, so the same people.
        {"anonymous": LOGIN, "liaison_b": 404, "leader_b": 404, "city_reviewer": 404, "nobody": 404, "*": 200},
    ),
    "assignments:circular_docx": (
        lambda w: f"{_circular(w).get_absolute_url()}docx/",
        # The editable copy of the same document: the same people as the PDF.
        {"anonymous": LOGIN, "liaison_b": 404, "leader_b": 404, "city_reviewer": 404, "nobody": 404, "*": 200},
    ),
    "assignments:detail": (
        lambda w: w.shares.a_overdue.get_absolute_url(),
        {"anonymous": LOGIN, "liaison_b": 404, "leader_b": 404, "city_reviewer": 404, "nobody": 404, "*": 200},
    ),
    "assignments:move": (lambda w: f"/assignments/{w.shares.a_overdue.pk}/move/", {"anonymous": LOGIN, "*": 405}),
    "assignments:sign_off": (
        lambda w: f"/assignments/{w.shares.a_overdue.pk}/sign-off/",
        {"anonymous": LOGIN, "*": 405},
    ),
    "assignments:deadline": (
        lambda w: f"/assignments/{w.shares.a_overdue.pk}/deadline/",
        {"anonymous": LOGIN, "*": 405},
    ),
    "assignments:reassign": (
        lambda w: f"/assignments/{w.shares.a_overdue.pk}/reassign/",
        {"anonymous": LOGIN, "*": 405},
    ),
    "assignments:add_unit": (
        lambda w: f"/assignments/{w.shares.a_overdue.pk}/add-unit/",
        {"anonymous": LOGIN, "*": 405},
    ),
    "assignments:remove": (lambda w: f"/assignments/{w.shares.a_soon.pk}/remove/", {"anonymous": LOGIN, "*": 405}),
    "campaign:list": ("/campaigns/", {"anonymous": LOGIN, "nobody": 403, "*": 200}),
    "campaign:create": ("/campaigns/new/", {"anonymous": LOGIN, "office_admin": 200, "superuser": 200, "*": 403}),
    "campaign:detail": (lambda w: w.campaign.get_absolute_url(), {"anonymous": LOGIN, "nobody": 403, "*": 200}),
    "campaign:edit": (
        lambda w: f"/campaigns/{w.campaign.pk}/edit/",
        {"anonymous": LOGIN, "office_admin": 200, "superuser": 200, "*": 403},
    ),
    "campaign:stage": (lambda w: f"/campaigns/{w.campaign.pk}/stage/", {"anonymous": LOGIN, "*": 405}),
    "campaign:switch": ("/campaigns/switch/", {"anonymous": LOGIN, "*": 405}),  # POST only
    "core:notifications": ("/notifications/", {"anonymous": LOGIN, "*": 200}),
    "reports:index": ("/reports/", OFFICE_ONLY),
    "reports:jobs": ("/reports/jobs/", OFFICE_ONLY),
    "reports:compile": ("/reports/compile/", {"anonymous": LOGIN, "*": 405}),
    "reports:download": (lambda w: f"/reports/jobs/{_job(w).pk}/download/", OFFICE_ONLY),
    "reports:submit": ("/reports/submit/", ADMIN_ONLY),  # the confirmation page: blockers and warnings
    "reports:submissions": (
        "/reports/submissions/",
        {
            "anonymous": LOGIN,
            "office_admin": 200,
            "office_staff": 200,
            "superuser": 200,
            "city_reviewer": 200,
            "*": 403,
        },
    ),
    "reports:submission": (
        lambda w: _submission(w).get_absolute_url(),
        {
            "anonymous": LOGIN,
            "office_admin": 200,
            "office_staff": 200,
            "superuser": 200,
            "city_reviewer": 200,
            "*": 404,
        },
    ),
    "reports:submission_download": (
        lambda w: f"{_submission(w).get_absolute_url()}report/",
        {
            "anonymous": LOGIN,
            "office_admin": 200,
            "office_staff": 200,
            "superuser": 200,
            "city_reviewer": 200,
            "*": 404,
        },
    ),
    # The city's workspace (issue 14 item 4): its reviewers and IT; the province's (item 7): province
    # reviewers and IT. Everyone else's role has no city or province: 403.
    "review:city": ("/review/city/", CITY_ONLY),
    "review:city_export": ("/review/city/export/?sort=-ratio", CITY_ONLY),
    "review:city_compare": ("/review/city/compare/", CITY_ONLY),
    "review:province": ("/review/province/", PROVINCE_ONLY),
    "review:province_export": ("/review/province/export/", PROVINCE_ONLY),
    "review:province_compare": ("/review/province/compare/", PROVINCE_ONLY),
    # review/ (the write side): a version's decision page and its package are the reviewers' (the city's
    # reviewer of the office it is addressed to, IT); everyone else holds no reviewing right.
    "review:submission": (lambda w: f"/review/submissions/{_submission(w).pk}/", REVIEWERS),
    "review:decide": (lambda w: f"/review/submissions/{_submission(w).pk}/decide/", {"anonymous": LOGIN, "*": 405}),
    "review:recommend": (
        lambda w: f"/review/submissions/{_submission(w).pk}/recommend/",
        {"anonymous": LOGIN, "*": 405},
    ),
    "review:package": (lambda w: f"/review/submissions/{_submission(w).pk}/package/", REVIEWERS),
    # The versions of a campaign: the county's office and the city that reviews them.
    "review:versions": (
        lambda w: f"/review/campaigns/{_submission(w).campaign_id}/versions/",
        {
            "anonymous": LOGIN,
            "office_admin": 200,
            "office_staff": 200,
            "city_reviewer": 200,
            "superuser": 200,
            "*": 404,
        },
    ),
    "review:recommendations": ("/review/recommendations/", REVIEWERS),
    "review:letter_new": ("/review/letters/new/", {"anonymous": LOGIN, "*": 405}),
    "review:letter": (lambda w: f"/review/letters/{_letter(w).pk}/", REVIEWERS),
    "review:letter_pdf": (lambda w: f"/review/letters/{_letter(w).pk}/pdf/", REVIEWERS),
    # No DOCX compiled in the matrix's world: a 404 for those who may see the letter.
    "review:letter_docx": (
        lambda w: f"/review/letters/{_letter(w).pk}/docx/",
        {**REVIEWERS, "city_reviewer": 404, "superuser": 404},
    ),
    # The county office's list of the city's return comments.
    "review:comments": (
        "/review/comments/",
        {"anonymous": LOGIN, "office_admin": 200, "office_staff": 200, "superuser": 200, "*": 403},
    ),
    "review:comment_done": (lambda w: f"/review/comments/{_comment(w).pk}/done/", {"anonymous": LOGIN, "*": 405}),
    "assessment:dashboard": (
        "/campaigns/dashboard/",
        {"anonymous": LOGIN, "city_reviewer": 403, "nobody": 403, "*": 200},
    ),
    "assessment:list": ("/campaigns/assessments/", OFFICE_ONLY),
    "assessment:edit": (lambda w: f"/campaigns/assessments/{w.indicators[0].pk}/", OFFICE_ONLY),
    "assessment:export": ("/campaigns/assessments/export/?format=csv", OFFICE_ONLY),
    "assessment:import": ("/campaigns/assessments/import/", OFFICE_ONLY),
    "assessment:import_confirm": ("/campaigns/assessments/import/confirm/", {"anonymous": LOGIN, "*": 405}),
    "assessment:rectifications": (
        "/campaigns/rectifications/",
        {"anonymous": LOGIN, "nobody": 403, "city_reviewer": 403, "*": 200},
    ),
    "assessment:rectification_close": (
        lambda w: f"/campaigns/rectifications/{w.campaign.pk}/close/",
        {"anonymous": LOGIN, "*": 405},
    ),
    # The problem pool: the office adds items; an item is its owner unit's (and the office's).
    "assessment:rectification_new": ("/campaigns/rectifications/new/", OFFICE_ONLY),
    "assessment:rectification": (lambda w: _rectification(w).get_absolute_url(), {"anonymous": LOGIN, **UNIT_A_ONLY}),
    "assessment:rectification_report": (
        lambda w: f"/campaigns/rectifications/{w.campaign.pk}/report/",
        {"anonymous": LOGIN, "*": 405},
    ),
    "assessment:rectification_return": (
        lambda w: f"/campaigns/rectifications/{w.campaign.pk}/return/",
        {"anonymous": LOGIN, "*": 405},
    ),
    # 迎检: the office sees every unit's publicity, a unit its own; only a unit's liaison logs.
    "inspection:publicity": (
        "/inspection/publicity/",
        {"anonymous": LOGIN, "city_reviewer": 403, "nobody": 403, "*": 200},
    ),
    "inspection:publicity_new": (
        "/inspection/publicity/new/",
        {"anonymous": LOGIN, "liaison_a": 200, "liaison_b": 200, "superuser": 200, "*": 403},
    ),
    "inspection:publicity_targets": (
        "/inspection/publicity/targets/",
        {"anonymous": LOGIN, "city_reviewer": 403, "nobody": 403, "*": 200},
    ),
    "inspection:publicity_edit": (lambda w: _publicity(w).get_absolute_url(), {"anonymous": LOGIN, **UNIT_A_ONLY}),
    "inspection:publicity_evidence": (
        lambda w: f"/inspection/publicity/{_publicity(w).pk}/evidence/",
        {"anonymous": LOGIN, "*": 405},
    ),
    "inspection:publicity_photo": (
        lambda w: f"/inspection/publicity/{_publicity(w, photo=True).pk}/photo/",
        {"anonymous": LOGIN, **UNIT_A_ONLY},
    ),
    "inspection:survey": ("/inspection/survey/", OFFICE_ONLY),
    "inspection:survey_import": ("/inspection/survey/import/", OFFICE_ONLY),
    "inspection:survey_import_confirm": ("/inspection/survey/import/confirm/", {"anonymous": LOGIN, "*": 405}),
    # After 迎检: 公示 and the result with their documents — the office's.
    "inspection:outcome": ("/inspection/outcome/", OFFICE_ONLY),
    "inspection:outcome_document": (
        lambda w: f"/inspection/outcome/{_outcome(w).pk}/",
        {"anonymous": LOGIN, "office_admin": 200, "office_staff": 200, "superuser": 200, "*": 404},
    ),
    "inspection:survey_detail": (
        lambda w: _survey(w).get_absolute_url(),
        {"anonymous": LOGIN, "office_admin": 200, "office_staff": 200, "superuser": 200, "*": 404},
    ),
    "inspection:survey_pool": (lambda w: f"/inspection/survey/{_survey(w).pk}/pool/", {"anonymous": LOGIN, "*": 405}),
    "inspection:dashboard": ("/inspection/", OFFICE_ONLY),
    # The assessors' requests: the office records and splits them; a unit sees and answers its share.
    "inspection:requests": (
        "/inspection/requests/",
        {"anonymous": LOGIN, "nobody": 403, "city_reviewer": 403, "*": 200},
    ),
    "inspection:request_new": ("/inspection/requests/new/", OFFICE_ONLY),
    "inspection:request_detail": (
        lambda w: _assessor_request(w).get_absolute_url(),
        {"anonymous": LOGIN, "office_admin": 200, "office_staff": 200, "superuser": 200, "*": 404},
    ),
    "inspection:request_split": (
        lambda w: f"/inspection/requests/{_assessor_request(w).pk}/split/",
        {"anonymous": LOGIN, "*": 405},
    ),
    "inspection:request_part": (lambda w: _request_part(w).get_absolute_url(), {"anonymous": LOGIN, **UNIT_A_ONLY}),
    "inspection:request_answer": (
        lambda w: f"/inspection/requests/parts/{_request_part(w).pk}/answer/",
        {"anonymous": LOGIN, "*": 405},
    ),
    "reports:answers": (lambda w: f"/reports/answers/{_assessor_request(w).pk}/", OFFICE_ONLY),
    "inspection:fieldcheck": (
        "/inspection/fieldcheck/",
        {"anonymous": LOGIN, "city_reviewer": 403, "nobody": 403, "*": 200},
    ),
    "inspection:fieldcheck_item": (lambda w: _fieldcheck(w).get_absolute_url(), {"anonymous": LOGIN, **UNIT_A_ONLY}),
    "inspection:fieldcheck_photo": (
        lambda w: f"/inspection/fieldcheck/photos/{_fieldcheck(w, photo=True).photos.get().pk}/",
        {"anonymous": LOGIN, **UNIT_A_ONLY},
    ),
    "inspection:fieldcheck_manual": (
        lambda w: f"/inspection/fieldcheck/handbook/?place={_fieldcheck(w).place}",
        OFFICE_ONLY,
    ),
    "evidence:queue": (
        "/evidence/review/",
        {"anonymous": LOGIN, "office_admin": 200, "office_staff": 200, "superuser": 200, "*": 403},
    ),
    "evidence:add_files": (lambda w: f"/evidence/add/{w.shares.a_soon.pk}/files/", {"anonymous": LOGIN, "*": 405}),
    "evidence:add_link": (lambda w: f"/evidence/add/{w.shares.a_soon.pk}/link/", {"anonymous": LOGIN, "*": 405}),
    "evidence:add_summary": (lambda w: f"/evidence/add/{w.shares.a_soon.pk}/summary/", {"anonymous": LOGIN, "*": 405}),
    "evidence:detail": (lambda w: _evidence(w).get_absolute_url(), {"anonymous": LOGIN, **UNIT_A_ONLY}),
    "evidence:replace": (lambda w: f"/evidence/{_evidence(w).pk}/replace/", {"anonymous": LOGIN, "*": 405}),
    "evidence:hide": (lambda w: f"/evidence/{_evidence(w).pk}/delete/", {"anonymous": LOGIN, "*": 405}),
    "evidence:restore": (lambda w: f"/evidence/{_evidence(w).pk}/restore/", {"anonymous": LOGIN, "*": 405}),
    "evidence:review": (lambda w: f"/evidence/{_evidence(w).pk}/review/", {"anonymous": LOGIN, "*": 405}),
    "evidence:bulk_accept": ("/evidence/review/accept/", {"anonymous": LOGIN, "*": 405}),
    "evidence:link": (lambda w: f"/evidence/{_evidence(w).pk}/link/", {"anonymous": LOGIN, "*": 405}),
    "evidence:link_campaign": (
        lambda w: f"/evidence/{_evidence(w).pk}/link-campaign/",
        {"anonymous": LOGIN, "*": 405},
    ),
    "evidence:download": (
        lambda w: f"/evidence/file/{_evidence(w).current_revision_id}/download/",
        {"anonymous": LOGIN, **UNIT_A_ONLY},
    ),
    "evidence:preview": (
        lambda w: f"/evidence/file/{_evidence(w).current_revision_id}/preview/",
        {"anonymous": LOGIN, **UNIT_A_ONLY},
    ),
    # A PDF has no thumbnail: 404 for everyone, which also proves nothing leaks.
    "evidence:thumbnail": (
        lambda w: f"/evidence/file/{_evidence(w).current_revision_id}/thumbnail/",
        {"anonymous": LOGIN, "*": 404},
    ),
    "core:notifications_read": ("/notifications/read/", {"anonymous": LOGIN, "*": 405}),
    # People: office admins (and IT) manage accounts; nobody else sees the pages.
    "org:people": ("/people/", ADMIN_ONLY),
    "org:person_new": ("/people/new/", ADMIN_ONLY),
    "org:person": (lambda w: f"/people/{w.liaison_a.pk}/", ADMIN_ONLY),
    "org:person_grant": (lambda w: f"/people/{w.liaison_a.pk}/roles/", {"anonymous": LOGIN, "*": 405}),
    "org:person_revoke": (
        lambda w: f"/people/{w.liaison_a.pk}/roles/{w.liaison_a.memberships.get().pk}/end/",
        {"anonymous": LOGIN, "*": 405},
    ),
    "org:person_active": (lambda w: f"/people/{w.liaison_a.pk}/active/", {"anonymous": LOGIN, "*": 405}),
    "org:person_password": (lambda w: f"/people/{w.liaison_a.pk}/password/", {"anonymous": LOGIN, "*": 405}),
    "org:person_otp_reset": (
        lambda w: f"/people/{w.liaison_a.pk}/two-factor/reset/",
        {"anonymous": LOGIN, "*": 405},
    ),
    # One's own account: the second factor and the sessions (everyone signed in).
    "core:account_security": ("/accounts/security/", {"anonymous": LOGIN, "*": 200}),
    "core:otp_setup": ("/accounts/two-factor/setup/", {"anonymous": LOGIN, "*": 200}),
    # Nothing to verify (no device, or verified already): on to the page asked for.
    "core:otp_verify": ("/accounts/two-factor/verify/", {"anonymous": LOGIN, "*": 302}),
    "core:otp_recovery": ("/accounts/two-factor/recovery/", {"anonymous": LOGIN, "*": 405}),
    "core:otp_disable": ("/accounts/two-factor/disable/", {"anonymous": LOGIN, "*": 405}),
    "core:session_end": ("/accounts/sessions/end/", {"anonymous": LOGIN, "*": 405}),
}


def _evidence(w):
    """A PDF of unit A's share, stored under a temporary media folder."""
    from django.core.files.base import ContentFile

    from evidence.models import Evidence, EvidenceRevision

    e = Evidence.objects.filter(assignment=w.shares.a_soon).first()
    if e is None:
        e = Evidence.objects.create(assignment=w.shares.a_soon, campaign=w.campaign, kind="document", title="通知")
        r = EvidenceRevision(
            evidence=e, number=1, original_name="通知.pdf", content_type="application/pdf", size=8, sha256="0" * 64
        )
        r.file.save("x.pdf", ContentFile(b"%PDF-1.4"), save=False)
        r.save()
        e.current_revision = r
        e.save()
    return e


def _job(w):
    from django.core.files.base import ContentFile

    from reports.models import ReportJob

    job = ReportJob.objects.filter(campaign=w.campaign).first()
    if job is None:
        job = ReportJob(campaign=w.campaign, kind="xlsx", status="done", file_name="台账.xlsx")
        job.file.save("x.xlsx", ContentFile(b"PK"), save=False)
        job.save()
    return job


def _all_shares_digest(w):
    from assignments.models import Assignment
    from assignments.selectors import shares_digest

    return shares_digest(Assignment.objects.filter(campaign=w.campaign))


def _figures(w):
    from reports.selectors import submission_checks

    return submission_checks(w.campaign).figures


def _link_target(w):
    """Unit A's share in a second (single-item) campaign of the same county: where evidence once
    (最多报一次) links a piece without a new upload."""
    from assignments.models import Assignment
    from campaign.models import Campaign
    from tests.factories import CampaignFactory, make_assignment

    share = Assignment.objects.filter(campaign__kind=Campaign.Kind.SINGLE_ITEM, unit=w.unit_a).first()
    if share is None:
        single = CampaignFactory(
            name="单项示范",
            kind=Campaign.Kind.SINGLE_ITEM,
            single_item_title="行政执法“三项制度”",
            framework=w.campaign.framework,
            region=w.campaign.region,
        )
        share = make_assignment(single, w.indicators[0], w.unit_a)
    return share


def _submission(w):
    from django.core.files.base import ContentFile

    from reports.models import Submission

    s = Submission.objects.filter(campaign=w.campaign).first()
    if s is None:
        s = Submission(
            campaign=w.campaign,
            city_office=w.city,
            county="测试县",
            title="报送",
            report_sha256="0",
            package_sha256="0",
        )
        s.report.save("r.pdf", ContentFile(b"%PDF"), save=False)
        s.document.save("r.docx", ContentFile(b"PK"), save=False)
        s.document_sha256 = "0"
        s.package.save("p.zip", ContentFile(b"PK"), save=False)
        s.save()
    return s


def _declared_submission(w):
    """The world's submission, its campaign declared to the city (what a decision is made on)."""
    from campaign.models import Campaign

    s = _submission(w)
    Campaign.objects.filter(pk=s.campaign_id).update(stage=Campaign.Stage.DECLARED)
    return s


def _passed_submission(w):
    from review.models import Decision

    s = _declared_submission(w)
    Decision.objects.get_or_create(
        submission=s, level="city", defaults={"campaign": s.campaign, "outcome": "passed", "reason": "同意"}
    )
    return s


def _recommended(w):
    from org.models import Region
    from review.models import Decision, Recommendation

    s = _passed_submission(w)
    city = Region.objects.get(pk=s.campaign.region.parent_id)
    return Recommendation.objects.get_or_create(
        level="city",
        campaign=s.campaign,
        defaults={
            "region": city,
            "batch": s.campaign.batch,
            "kind": s.campaign.kind,
            "submission": s,
            "decision": Decision.objects.get(submission=s, level="city"),
            "reason": "达标率高",
        },
    )[0]


def _letter(w):
    from django.core.files.base import ContentFile

    from reports.models import ReportJob
    from review.models import RecommendationLetter

    rec = _recommended(w)
    letter = RecommendationLetter.objects.filter(region=rec.region).first()
    if letter is None:
        letter = RecommendationLetter.objects.create(
            region=rec.region, batch=rec.batch, number="某法治办〔2026〕1号", issued_on="2026-12-01", entries=[]
        )
        job = ReportJob(
            subject_id=letter.pk, kind="recommendation_pdf", status=ReportJob.Status.DONE, file_name="l.pdf"
        )
        job.file.save("l.pdf", ContentFile(b"%PDF"), save=False)
        job.save()
    return letter


def _comment(w):
    from review.models import Decision, ReturnComment

    s = _submission(w)
    d, _created = Decision.objects.get_or_create(
        submission=s, level="city", defaults={"campaign": s.campaign, "outcome": "returned", "reason": "补充"}
    )
    return ReturnComment.objects.get_or_create(
        decision=d, indicator=w.indicators[0], defaults={"campaign": s.campaign, "text": "补充会议纪要"}
    )[0]


def _circular(w):
    import datetime

    from assignments.models import Circular

    return Circular.objects.create(
        campaign=w.campaign,
        title="通报",
        as_of=datetime.date.today(),
        entries=[{"unit_code": w.unit_a.code, "unit": w.unit_a.name, "overdue": 1, "items": []}],
    )


def _circular_form(w):
    import datetime

    today = datetime.date.today()
    return {
        "units": [str(w.unit_a.pk)],
        "title": "关于逾期任务的通报",
        "doc_number": f"县法办〔{today.year}〕1号",
        "issuer": "县委全面依法治县委员会办公室",
        "issued_on": today.isoformat(),
    }


# The admin site carries its own is_staff checks; only IT (superuser) gets in.
ADMIN_INDEX = ("/admin/", {"superuser": 200, "*": 302})


def _names(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            yield from _names(p, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{prefix}{p.name}"


def test_every_url_has_an_entry():
    missing = sorted(n for n in set(_names()) if not n.startswith("admin:") and n not in EXPECTED)
    assert missing == []


def _expected(table, persona):
    return table[persona] if persona in table else table["*"]


def _login_with_totp(client, user):
    """The two steps of a login with the second factor on: the password (force_login), then a
    code computed from the person's own TOTP device, posted to the second-step page."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    response = client.post("/accounts/two-factor/verify/", {"token": _totp(device.key), "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/", "the second step refused a right code"


def _check_get(client, world, name, persona, second_factor=False):
    path, table = EXPECTED[name]
    path = path(world) if callable(path) else path
    if persona != "anonymous":
        if second_factor:
            _login_with_totp(client, getattr(world, persona))
        else:
            client.force_login(getattr(world, persona))
    response = client.get(path)
    want = _expected(table, persona)
    if want == LOGIN:
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == want


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_url_answers_each_persona_as_declared(client, world, name, persona):
    _check_get(client, world, name, persona)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_url_answers_each_persona_with_the_second_factor_on(client, world, settings, name, persona):
    """Production's setting: office admins, reviewers and IT must give a second factor; every
    persona logs in with a TOTP code and every page answers as declared."""
    settings.OTP_REQUIRED = True
    _check_get(client, world, name, persona, second_factor=True)


def test_with_the_second_factor_on_a_password_alone_opens_nothing_for_the_roles_that_need_it(client, world, settings):
    settings.OTP_REQUIRED = True
    for persona in ("office_admin", "city_reviewer", "superuser"):
        client.force_login(getattr(world, persona))
        response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/setup/")


@pytest.mark.parametrize("persona", PERSONAS)
def test_admin_site_is_for_it_only(client, world, persona):
    if persona != "anonymous":
        client.force_login(getattr(world, persona))
    assert client.get(ADMIN_INDEX[0]).status_code == _expected(ADMIN_INDEX[1], persona)


# --- POST: every endpoint that accepts one -------------------------------------------------------
#
# One row per URL name that answers a POST with anything but 405 (test_every_post_endpoint_has_an_entry
# finds them by asking). Each row: path, form data (a dict, or a function of the world and the
# persona's client that prepares what the POST needs), the expected status per persona, and whether
# an allowed POST must leave an audit event. A refused POST (login redirect, 403, 404) must change
# nothing at all: every table of our apps keeps its row count and no audit event appears.

DENIED = (LOGIN, 403, 404)
# Unit A's share or evidence: its liaison contributes, the office manages or reviews.
A_CONTRIBUTE = {
    "anonymous": LOGIN,
    "liaison_a": 302,
    "superuser": 302,
    "leader_a": 403,
    "office_staff": 403,
    "office_admin": 403,
    "liaison_b": 404,
    "leader_b": 404,
    "city_reviewer": 404,
    "nobody": 404,
}
A_MANAGE = {**A_CONTRIBUTE, "liaison_a": 403, "office_staff": 302, "office_admin": 302}
OFFICE_POST = {"anonymous": LOGIN, "office_admin": 302, "office_staff": 302, "superuser": 302, "*": 403}
ADMIN_POST = {"anonymous": LOGIN, "office_admin": 302, "superuser": 302, "*": 403}
MEMBERS = {"anonymous": LOGIN, "*": 302}
REVIEWER_POST = {"anonymous": LOGIN, "city_reviewer": 302, "superuser": 302, "*": 403}


def _upload(name, data, content_type="application/octet-stream"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


def _outcome(w):
    """A 公示 recorded with its notice (the campaign stood at 迎检)."""
    from campaign.models import Campaign
    from inspection.services import outcome_record

    Campaign.objects.filter(pk=w.campaign.pk).update(stage=Campaign.Stage.INSPECTION)
    w.campaign.refresh_from_db()
    return outcome_record(
        campaign=w.campaign, to_stage="publicised", by=w.office_admin, title="公示通知", upload=_pdf("公示.pdf")
    )


def _outcome_post(w):
    from campaign.models import Campaign

    Campaign.objects.filter(pk=w.campaign.pk).update(stage=Campaign.Stage.INSPECTION)
    return {"to_stage": "publicised", "effective_on": "2026-12-01", "title": "公示通知", "document": _pdf("公示.pdf")}


def _pdf(name="通知.pdf"):
    from tests.evidence.samples import pdf

    return _upload(name, pdf(name), "application/pdf")


def _framework_table():
    from tests.core import table_builders as builders

    return _upload("指标体系.xlsx", builders.xlsx_bytes(builders.standard))


def _division_table(w):
    """The world's own tree, divided between unit A (lead) and unit B."""
    from tests.core import table_builders as builders

    rows = [
        ("一、政府职能依法全面履行", "（一）加大简政放权力度", i.title, "县司法局", "城关镇", "2030年9月底前")
        for i in w.indicators
    ]
    return _upload("任务分工.xlsx", builders.xlsx_bytes(lambda ws: builders.standard(ws, rows=rows)))


def _assessment_table(w):
    return _upload("自评.csv", f"code,result,self_score,narrative\n{w.indicators[0].code},达标,,做法\n".encode())


def _publicity(w, photo=False):
    """Unit A's publicity action: a news link (or a photo), logged by its liaison."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from inspection.models import PublicityAction
    from inspection.services import publicity_log

    found = PublicityAction.objects.filter(unit=w.unit_a).exclude(photo="") if photo else None
    if photo and found.exists():
        return found.first()
    if not photo and PublicityAction.objects.filter(unit=w.unit_a, photo="").exists():
        return PublicityAction.objects.filter(unit=w.unit_a, photo="").first()
    from tests.evidence.samples import png

    return publicity_log(
        campaign=w.campaign,
        unit=w.unit_a,
        by=w.liaison_a,
        indicators=[w.indicators[0]],
        photo=SimpleUploadedFile("活动.png", png(), "image/png") if photo else None,
        platform="wechat",
        happened_on=w.campaign.created_at.date(),
        title="普法宣传进社区",
        url="" if photo else "https://mp.weixin.qq.com/s/abc",
        reads=1200,
        participants=None,
    )


def _publicity_data(w, c):
    return {
        "unit": w.unit_a.pk,
        "platform": "wechat",
        "happened_on": "2026-11-01",
        "title": "宪法宣传周活动",
        "url": "https://mp.weixin.qq.com/s/xyz",
        "reads": "1500",
        "participants": "",
    }


def _survey_file():
    return _upload("测评.csv", "乡镇,对政府依法行政总体是否满意,是否知晓12345热线\n城关镇,5,是\n城关镇,3,否\n".encode())


def _survey(w):
    from inspection.models import SurveyRound
    from inspection.services import survey_import
    from inspection.survey import survey_parse

    found = SurveyRound.objects.first()
    if found:
        return found
    return survey_import(
        campaign=w.campaign, parsed=survey_parse(_survey_file().read()), by=w.office_admin, title="11月模拟测评"
    )


def _assessor_request(w):
    from inspection.models import AssessorRequest
    from inspection.services import request_add

    found = AssessorRequest.objects.first()
    if found:
        return found
    return request_add(
        campaign=w.campaign, title="补充行政复议案卷", due_on=w.campaign.created_at.date(), by=w.office_admin
    )


def _request_part(w):
    """Unit A's share of the assessors' request."""
    from inspection.models import RequestPart
    from inspection.services import request_split

    found = RequestPart.objects.filter(unit=w.unit_a).first()
    if found:
        return found
    item = _assessor_request(w)
    return request_split(request=item, unit=w.unit_a, deadline=item.due_on, by=w.office_admin)


def _fieldcheck(w, photo=False):
    """A field-check item unit A answers for (with a photo its liaison took)."""
    from inspection.models import FieldCheckItem
    from inspection.services import fieldcheck_add, fieldcheck_update

    item = FieldCheckItem.objects.filter(unit=w.unit_a).first() or fieldcheck_add(
        campaign=w.campaign,
        indicator=w.indicators[0],
        unit=w.unit_a,
        kind="case_files",
        title="行政处罚案卷",
        place="县司法局档案室",
        by=w.office_admin,
    )
    if photo and not item.photos.exists():
        from tests.evidence.samples import png

        fieldcheck_update(
            item=item, status="ready", note="", by=w.liaison_a, photo=_upload("档案柜.png", png(), "image/png")
        )
    return item


def _token(client, path, data):
    """Preview an upload as this persona; the confirm POST then names the stashed file."""
    response = client.post(path, data)
    return {"token": (response.context or {}).get("token") or "expired" if response.status_code == 200 else "expired"}


def _rectification(w):
    from assessment.services import assessment_save

    assessment = assessment_save(
        campaign=w.campaign,
        indicator=w.indicators[0],
        by=None,
        result="partial",
        rectification={"measure": "补齐制度", "owner": w.unit_a, "deadline": w.campaign.created_at.date()},
    )
    return assessment.rectifications.get()


def _reported_rectification(w):
    """Unit A's pool item with its fix reported with unit A's evidence: the office may close or return it."""
    from assessment.models import Rectification

    item = _rectification(w)
    Rectification.objects.filter(pk=item.pk).update(status="reported", fix_evidence=_evidence(w), fix_note="已补齐")
    return item


def _submitted(share):
    share.status = "submitted"
    share.save(update_fields=["status"])
    return share


def _hidden_evidence(w):
    from evidence.services import evidence_hide

    e = _evidence(w)
    evidence_hide(evidence=e, by=w.liaison_a)
    return e


POSTS = {
    # Signing in and out, the password, the language: no audit rule here (test_auth covers their trail).
    "login": ("/accounts/login/", {"username": "liaison-a", "password": "wrong"}, {"anonymous": 200, "*": 302}, None),
    "logout": ("/accounts/logout/", {}, {"*": 302}, None),
    "core:sso_cas_logout": ("/accounts/sso/cas/logout/", {}, {"*": 302}, None),
    "core:sso_oidc_logout": ("/accounts/sso/oidc/logout/", {}, {"*": 302}, None),
    # The CAS server's single-logout request (CSRF-exempt: it comes without our cookie): CAS off, 404.
    "core:sso_cas": ("/accounts/sso/cas/", {"logoutRequest": "<samlp:LogoutRequest/>"}, {"*": 404}, False),
    "password_change": (
        "/accounts/password/",
        {"old_password": "wrong", "new_password1": "x", "new_password2": "x"},
        {"anonymous": LOGIN, "*": 200},
        None,
    ),
    "set_language": ("/i18n/setlang/", {"language": "en", "next": "/"}, {"*": 302}, None),
    "core:notifications_read": ("/notifications/read/", {}, MEMBERS, False),
    "indicators:import": (
        "/indicators/import/",
        lambda w, c: {"name": "新指标体系", "file": _framework_table()},
        {**ADMIN_POST, "office_admin": 200, "superuser": 200},
        False,
    ),
    "indicators:import_confirm": (
        "/indicators/import/confirm/",
        lambda w, c: _token(c, "/indicators/import/", {"name": "新指标体系", "file": _framework_table()}),
        ADMIN_POST,
        True,
    ),
    "assignments:import": (
        "/assignments/import/",
        lambda w, c: {"campaign": w.campaign.pk, "file": _division_table(w)},
        {**ADMIN_POST, "office_admin": 200, "superuser": 200},
        False,
    ),
    "assignments:import_confirm": (
        "/assignments/import/confirm/",
        lambda w, c: _token(c, "/assignments/import/", {"campaign": w.campaign.pk, "file": _division_table(w)}),
        ADMIN_POST,
        True,
    ),
    # Confirmed (the first step only shows how many shares and which units): office roles only.
    "assignments:bulk": (
        "/assignments/bulk/",
        lambda w, c: {"action": "remind", "all_filtered": "on", "confirm": "1", "digest": _all_shares_digest(w)},
        OFFICE_POST,
        True,
    ),
    "assignments:circular_new": ("/assignments/circulars/new/", lambda w, c: _circular_form(w), OFFICE_POST, True),
    "assignments:move": (
        lambda w: f"/assignments/{w.shares.a_overdue.pk}/move/",
        {"to_status": "submitted"},
        A_CONTRIBUTE,
        True,
    ),
    # The unit's leader signs off work submitted for review (审签).
    "assignments:sign_off": (
        lambda w: f"/assignments/{_submitted(w.shares.a_overdue).pk}/sign-off/",
        {},
        {**A_CONTRIBUTE, "liaison_a": 403, "leader_a": 302},
        True,
    ),
    "assignments:deadline": (
        lambda w: f"/assignments/{w.shares.a_overdue.pk}/deadline/",
        {"deadline": "2030-01-01"},
        A_MANAGE,
        True,
    ),
    "assignments:reassign": (
        lambda w: f"/assignments/{w.shares.a_overdue.pk}/reassign/",
        lambda w, c: {"unit": w.unit_b.pk},
        A_MANAGE,
        True,
    ),
    "assignments:add_unit": (
        lambda w: f"/assignments/{w.shares.a_overdue.pk}/add-unit/",
        lambda w, c: {"unit": w.unit_b.pk},
        A_MANAGE,
        True,
    ),
    "assignments:remove": (lambda w: f"/assignments/{w.shares.a_soon.pk}/remove/", {"confirm": "1"}, A_MANAGE, True),
    "campaign:create": (
        "/campaigns/new/",
        lambda w, c: {
            "name": "2027年示范创建",
            "county": "测试县",
            "slug": "2027-new",
            "kind": "comprehensive",
            "threshold": "90",
            "framework": w.campaign.framework_id,
        },
        {**ADMIN_POST, "office_staff": 403},
        True,
    ),
    "campaign:edit": (
        lambda w: f"/campaigns/{w.campaign.pk}/edit/",
        lambda w, c: {
            "name": "改名",
            "county": "测试县",
            "slug": w.campaign.slug,
            "kind": "comprehensive",
            "threshold": "95",
            "framework": w.campaign.framework_id,
        },
        ADMIN_POST,
        True,
    ),
    "campaign:stage": (
        lambda w: f"/campaigns/{w.campaign.pk}/stage/",
        {"to_stage": "self_assessment", "effective_on": "2026-11-26"},
        ADMIN_POST,
        True,
    ),
    "assessment:edit": (
        lambda w: f"/campaigns/assessments/{w.indicators[0].pk}/",
        {"result": "met", "status": "done"},
        OFFICE_POST,
        True,
    ),
    "assessment:import": (
        "/campaigns/assessments/import/",
        lambda w, c: {"file": _assessment_table(w)},
        {**OFFICE_POST, "office_admin": 200, "office_staff": 200, "superuser": 200},
        False,
    ),
    "assessment:import_confirm": (
        "/campaigns/assessments/import/confirm/",
        lambda w, c: _token(c, "/campaigns/assessments/import/", {"file": _assessment_table(w)}),
        OFFICE_POST,
        True,
    ),
    "assessment:rectification_close": (
        lambda w: f"/campaigns/rectifications/{_reported_rectification(w).pk}/close/",
        {"note": "已补齐"},
        A_MANAGE,  # only the office closes an item (销号); the owner unit's liaison does not
        True,
    ),
    "assessment:rectification_return": (
        lambda w: f"/campaigns/rectifications/{_reported_rectification(w).pk}/return/",
        {"comment": "缺少截图"},
        A_MANAGE,
        True,
    ),
    # The owner unit's liaison reports the fix with its unit's evidence.
    "assessment:rectification_report": (
        lambda w: f"/campaigns/rectifications/{_rectification(w).pk}/report/",
        lambda w, c: {"note": "已补齐", "evidence": _evidence(w).pk},
        A_CONTRIBUTE,
        True,
    ),
    "assessment:rectification_new": (
        "/campaigns/rectifications/new/",
        lambda w, c: {
            "source": "assessor",
            "owner": w.unit_a.pk,
            "measure": "补充公开",
            "deadline": "2030-01-31",
        },
        OFFICE_POST,
        True,
    ),
    # Only an office admin records the move (the stage table's right), with its document.
    "inspection:outcome": (
        "/inspection/outcome/",
        lambda w, c: _outcome_post(w),
        {**ADMIN_POST, "office_staff": 403},
        True,
    ),
    "inspection:request_new": (
        "/inspection/requests/new/",
        lambda w, c: {"title": "补充执法案卷", "due_on": "2030-01-31", "indicators": [w.indicators[0].pk]},
        OFFICE_POST,
        True,
    ),
    "inspection:request_split": (
        lambda w: f"/inspection/requests/{_assessor_request(w).pk}/split/",
        lambda w, c: {"unit": w.unit_b.pk, "deadline": str(_assessor_request(w).due_on)},
        {"anonymous": LOGIN, "office_admin": 302, "office_staff": 302, "superuser": 302, "*": 404},
        True,
    ),
    # Unit A's liaison answers its share with its unit's evidence.
    "inspection:request_answer": (
        lambda w: f"/inspection/requests/parts/{_request_part(w).pk}/answer/",
        lambda w, c: {"note": "见附件", "evidence": _evidence(w).pk},
        A_CONTRIBUTE,
        True,
    ),
    "reports:answers": (
        lambda w: f"/reports/answers/{_assessor_request(w).pk}/",
        {},
        OFFICE_POST,
        True,
    ),
    # A survey weak point into the pool: the survey is the office's (for a unit it does not exist).
    "inspection:survey_pool": (
        lambda w: f"/inspection/survey/{_survey(w).pk}/pool/",
        lambda w, c: {
            "question": _survey(w).questions.get(position=1).pk,
            "township": w.unit_b.pk,
            "measure": "进村宣讲",
            "deadline": "2030-01-31",
        },
        {"anonymous": LOGIN, "office_admin": 302, "office_staff": 302, "superuser": 302, "*": 404},
        True,
    ),
    "reports:index": (
        "/reports/",
        {"basic_facts": "本县基本情况", "highlights": "", "next_steps": ""},
        OFFICE_POST,
        True,
    ),
    "reports:compile": ("/reports/compile/", {"kind": "xlsx"}, OFFICE_POST, True),
    # Nothing compiled yet: the office admin is sent back to the page that says so (no change);
    # everyone else may not submit.
    "reports:submit": ("/reports/submit/", lambda w, c: {"figures": _figures(w)}, ADMIN_POST, False),
    "review:decide": (
        lambda w: f"/review/submissions/{_declared_submission(w).pk}/decide/",
        {"outcome": "passed", "reason": "材料齐全，同意"},
        REVIEWER_POST,
        True,
    ),
    "review:recommend": (
        lambda w: f"/review/submissions/{_passed_submission(w).pk}/recommend/",
        {"reason": "达标率高"},
        REVIEWER_POST,
        True,
    ),
    "review:letter_new": (
        "/review/letters/new/",
        lambda w, c: {
            "region": str(_recommended(w).region_id),
            "batch": "",
            "number": "某法治办〔2026〕1号",
            "issued_on": "2026-12-01",
        },
        REVIEWER_POST,
        True,
    ),
    "review:comment_done": (lambda w: f"/review/comments/{_comment(w).pk}/done/", {"done": "1"}, OFFICE_POST, True),
    "evidence:add_files": (
        lambda w: f"/evidence/add/{w.shares.a_soon.pk}/files/",
        lambda w, c: {"kind": "document", "files": _pdf()},
        A_CONTRIBUTE,
        True,
    ),
    "evidence:add_link": (
        lambda w: f"/evidence/add/{w.shares.a_soon.pk}/link/",
        {"url": "https://www.example.gov.cn/news/1.html", "title": "县政府网报道", "issued_on": "2026-11-01"},
        A_CONTRIBUTE,
        True,
    ),
    "evidence:add_summary": (
        lambda w: f"/evidence/add/{w.shares.a_soon.pk}/summary/",
        {"title": "工作总结", "text": "一年来……"},
        A_CONTRIBUTE,
        True,
    ),
    "evidence:replace": (
        lambda w: f"/evidence/{_evidence(w).pk}/replace/",
        lambda w, c: {"file": _pdf("通知（修订）.pdf")},
        A_CONTRIBUTE,
        True,
    ),
    "evidence:hide": (lambda w: f"/evidence/{_evidence(w).pk}/delete/", {}, A_CONTRIBUTE, True),
    # Deleted (hidden) evidence: only the office restores it.
    "evidence:restore": (lambda w: f"/evidence/{_hidden_evidence(w).pk}/restore/", {}, A_MANAGE, True),
    "evidence:review": (lambda w: f"/evidence/{_evidence(w).pk}/review/", {"decision": "accepted"}, A_MANAGE, True),
    # The queue's bulk accept, confirmed (the first step only shows the list): office roles only.
    "evidence:bulk_accept": (
        "/evidence/review/accept/",
        lambda w, c: {"ids": str(_evidence(w).pk), "confirm": "1"},
        OFFICE_POST,
        True,
    ),
    "evidence:link": (
        lambda w: f"/evidence/{_evidence(w).pk}/link/",
        lambda w, c: {"codes": w.indicators[2].code},
        A_CONTRIBUTE,
        True,
    ),
    # Evidence once: unit A's liaison links its piece into its share of the county's other campaign.
    "evidence:link_campaign": (
        lambda w: f"/evidence/{_evidence(w).pk}/link-campaign/",
        lambda w, c: {"share": _link_target(w).pk},
        A_CONTRIBUTE,
        True,
    ),
    # The header's switcher: the county's people (not a city reviewer) choose among its open
    # campaigns; it writes the session only.
    "campaign:switch": (
        "/campaigns/switch/",
        lambda w, c: {"campaign": w.campaign.pk},
        {"anonymous": LOGIN, "nobody": 403, "city_reviewer": 403, "*": 302},
        False,
    ),
    # A liaison of one unit logs for that unit whatever unit the form names.
    "inspection:publicity_new": (
        "/inspection/publicity/new/",
        _publicity_data,
        {"anonymous": LOGIN, "liaison_a": 302, "liaison_b": 302, "superuser": 302, "*": 403},
        True,
    ),
    "inspection:publicity_edit": (
        lambda w: _publicity(w).get_absolute_url(),
        lambda w, c: {**_publicity_data(w, c), "indicators": [w.indicators[0].pk]},
        A_CONTRIBUTE,
        True,
    ),
    "inspection:publicity_evidence": (
        lambda w: f"/inspection/publicity/{_publicity(w).pk}/evidence/",
        lambda w, c: {"indicator": w.indicators[0].pk},
        A_CONTRIBUTE,
        True,
    ),
    "inspection:publicity_targets": (
        "/inspection/publicity/targets/",
        lambda w, c: {"unit": w.unit_a.pk, "month": "2026-11", "platform": "wechat", "count": "3"},
        OFFICE_POST,
        True,
    ),
    "inspection:survey_import": (
        "/inspection/survey/import/",
        lambda w, c: {"title": "11月模拟测评", "file": _survey_file()},
        {**OFFICE_POST, "office_admin": 200, "office_staff": 200, "superuser": 200},
        False,
    ),
    "inspection:survey_import_confirm": (
        "/inspection/survey/import/confirm/",
        lambda w, c: _token(c, "/inspection/survey/import/", {"title": "11月模拟测评", "file": _survey_file()}),
        OFFICE_POST,
        True,
    ),
    "inspection:fieldcheck": (
        "/inspection/fieldcheck/",
        lambda w, c: {
            "indicator": w.indicators[1].pk,
            "unit": w.unit_a.pk,
            "kind": "service_window",
            "title": "政务服务窗口",
            "place": "县政务服务中心",
        },
        OFFICE_POST,
        True,
    ),
    # The responsible unit's liaison and the office mark an item ready; the unit's leader reads it.
    "inspection:fieldcheck_item": (
        lambda w: _fieldcheck(w).get_absolute_url(),
        {"status": "ready", "note": "案卷已按年度装订"},
        {**A_CONTRIBUTE, "office_staff": 302, "office_admin": 302},
        True,
    ),
    # People: a new account shows its temporary password once (200); the rest redirect.
    "org:person_new": (
        "/people/new/",
        lambda w, c: {"full_name": "王五", "username": "wangwu-ccz", "unit": w.unit_b.pk, "role": "liaison"},
        {**ADMIN_POST, "office_admin": 200, "superuser": 200},
        True,
    ),
    "org:person_grant": (
        lambda w: f"/people/{w.liaison_a.pk}/roles/",
        lambda w, c: {"unit": w.unit_b.pk, "role": "liaison"},
        ADMIN_POST,
        True,
    ),
    "org:person_revoke": (
        lambda w: f"/people/{w.liaison_a.pk}/roles/{w.liaison_a.memberships.get().pk}/end/",
        {},
        ADMIN_POST,
        True,
    ),
    "org:person_active": (lambda w: f"/people/{w.liaison_a.pk}/active/", {"active": "0"}, ADMIN_POST, True),
    "org:person_otp_reset": (lambda w: f"/people/{w.liaison_a.pk}/two-factor/reset/", {}, ADMIN_POST, True),
    # Enrolment with the code an app would show for the secret the QR page put in the session.
    "core:otp_setup": (
        "/accounts/two-factor/setup/",
        lambda w, c: _enrolment_code(c),
        {"anonymous": LOGIN, "*": 200},
        True,
    ),
    "core:otp_verify": ("/accounts/two-factor/verify/", {"token": "123456"}, {"anonymous": LOGIN, "*": 302}, False),
    # Not verified with a second factor: back to the account page, nothing issued.
    "core:otp_recovery": ("/accounts/two-factor/recovery/", {}, {"anonymous": LOGIN, "*": 302}, False),
    "core:otp_disable": ("/accounts/two-factor/disable/", {"token": "123456"}, {"anonymous": LOGIN, "*": 302}, False),
    "core:session_end": ("/accounts/sessions/end/", {"session": "x" * 32}, {"anonymous": LOGIN, "*": 302}, False),
    "org:person_password": (
        lambda w: f"/people/{w.liaison_a.pk}/password/",
        {},
        {**ADMIN_POST, "office_admin": 200, "superuser": 200},
        True,
    ),
}


def _totp(key):
    from django_otp.oath import totp

    return f"{totp(bytes.fromhex(key)):06d}"


def _enrolment_code(client):
    client.get("/accounts/two-factor/setup/")
    key = client.session.get("otp_pending_key")
    return {"token": _totp(key) if key else "000000"}


def _fingerprint():
    """Row counts of every table of our apps: a refused request must leave them all as they were."""
    from django.apps import apps

    ours = ("core", "campaign", "indicators", "assignments", "evidence", "inspection", "reports", "review")
    return {m._meta.label: m._default_manager.count() for name in ours for m in apps.get_app_config(name).get_models()}


def _post(client, world, name):
    path, data, _table, _writes = POSTS[name]
    path = path(world) if callable(path) else path
    data = data(world, client) if callable(data) else data
    return client.post(path, data)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(POSTS))
def test_post_answers_each_persona_as_declared(client, world, name, persona):
    _check_post(client, world, name, persona)


# With the second factor passed, a POST answers as without it, except where the second factor is
# the point: new recovery codes are issued (shown once, 200) only to a verified session.
POSTS_VERIFIED = {"core:otp_recovery": {"anonymous": LOGIN, "*": 200}}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(POSTS))
def test_post_answers_each_persona_with_the_second_factor_on(client, world, settings, name, persona):
    """Production's setting: every persona logs in with a TOTP code, then every POST answers as
    declared, and a refused one changes nothing."""
    settings.OTP_REQUIRED = True
    _check_post(client, world, name, persona, second_factor=True)


# The paths a person between the password and the second factor may still post to: the second step
# itself, logging out and the language switch, which stores only a cookie
# (core.middleware.SECOND_STEP_PREFIXES).
SECOND_STEP_POSTS = {
    "core:otp_setup",
    "core:otp_verify",
    "logout",
    "core:sso_cas_logout",
    "core:sso_oidc_logout",
    "set_language",
}
NEEDS_SECOND_FACTOR = ["office_admin", "city_reviewer", "superuser"]  # OTP_REQUIRED_ROLES' personas


@pytest.mark.parametrize("persona", NEEDS_SECOND_FACTOR)
@pytest.mark.parametrize("name", sorted(set(POSTS) - SECOND_STEP_POSTS))
def test_post_by_a_role_that_has_not_passed_the_second_factor_changes_nothing(client, world, settings, name, persona):
    """After the password alone, a role that needs a second factor is sent to enrol it and its POST
    changes nothing: no row in any table of our apps, no audit event, no second-factor device."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from core.models import AuditEvent

    settings.OTP_REQUIRED = True
    client.force_login(getattr(world, persona))
    path, data, _table, _writes = POSTS[name]
    path = path(world) if callable(path) else path
    data = data(world, client) if callable(data) else data
    before = (_fingerprint(), AuditEvent.objects.count(), TOTPDevice.objects.count(), StaticDevice.objects.count())
    response = client.post(path, data)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/setup/")
    assert (_fingerprint(), AuditEvent.objects.count(), TOTPDevice.objects.count(), StaticDevice.objects.count()) == (
        before
    )


def test_the_second_step_posts_are_exactly_the_middlewares_exemptions():
    """The rows the test above leaves out are the paths the middleware lets through, no more."""
    from core.middleware import SECOND_STEP_PREFIXES

    exempt = {
        name
        for name, (path, *_rest) in POSTS.items()
        if isinstance(path, str) and path.startswith(SECOND_STEP_PREFIXES)
    }
    assert exempt == SECOND_STEP_POSTS


def _check_post(client, world, name, persona, second_factor=False):
    from core.models import AuditEvent

    if persona != "anonymous":
        if second_factor:
            _login_with_totp(client, getattr(world, persona))
        else:
            client.force_login(getattr(world, persona))
    path, data, table, writes = POSTS[name]
    if second_factor:
        table = POSTS_VERIFIED.get(name, table)
    path = path(world) if callable(path) else path  # objects the row needs exist before the "before" picture
    data = data(world, client) if callable(data) else data
    before, audit_before = _fingerprint(), AuditEvent.objects.count()
    response = client.post(path, data)
    want = _expected(table, persona)
    if want == LOGIN:
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == want
    if want in DENIED:
        assert _fingerprint() == before
    elif writes:
        assert AuditEvent.objects.count() > audit_before, "an allowed change leaves no audit event"
    # Whatever the events hold, the audit page can name: each changed field has a label.
    unlabelled = {
        (e.object_type, label)
        for e in AuditEvent.objects.order_by("id")[audit_before:]
        for label, _b, _a in e.change_rows()
        if label in {*e.before, *e.after}
    }
    assert unlabelled == set()


def test_every_post_endpoint_has_an_entry(client, world):
    """Ask every URL with a POST as IT (who may do anything): whatever does not answer 405 needs a row above."""
    paths = {
        name: path(world) if callable(path) else path for name, (path, _table) in EXPECTED.items()
    }  # objects first
    accepting = set()
    for name, path in paths.items():
        client.force_login(world.superuser)
        if client.post(path, {}).status_code != 405:
            accepting.add(name)
    assert sorted(accepting - set(POSTS)) == []
    assert sorted(set(POSTS) - accepting) == []  # a row for a GET-only URL would test nothing


# --- the same URLs with each value of a choice they take -------------------------------------------
# One row per report kind for the compile button (a new kind fails test_every_report_kind_has_a_row
# until it has one) and per part of a submission for its download.

REPORT_KINDS = ["pdf", "docx", "package", "xlsx", "answers"]
# A kind about one object (answers: an assessors' request) is compiled from its page (reports:answers),
# not here: the reports page's button refuses it with a message and writes nothing.
SUBJECT_KINDS = ["answers"]
POST_VARIANTS = {
    f"reports:compile kind={kind}": ("/reports/compile/", {"kind": kind}, OFFICE_POST, kind not in SUBJECT_KINDS)
    for kind in REPORT_KINDS
}
GET_VARIANTS = {
    f"reports:submission_download part={part}": (
        lambda w, part=part: f"{_submission(w).get_absolute_url()}{part}/",
        EXPECTED["reports:submission_download"][1],
    )
    for part in ("report", "document", "package")
}


def test_every_report_kind_has_a_row():
    from reports.models import ReportJob

    assert ReportJob.Kind.values == REPORT_KINDS


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(POST_VARIANTS))
def test_each_report_kind_compiles_for_each_persona_as_declared(client, world, name, persona, monkeypatch):
    monkeypatch.setitem(POSTS, name, POST_VARIANTS[name])
    _check_post(client, world, name, persona)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(GET_VARIANTS))
def test_each_submission_part_downloads_for_each_persona_as_declared(client, world, name, persona, monkeypatch):
    monkeypatch.setitem(EXPECTED, name, GET_VARIANTS[name])
    _check_get(client, world, name, persona)


# The one POST without CSRF protection: the CAS server's logout request, which only ends the session
# whose one-time ticket it names (tests/core/test_sso.py).
CSRF_EXEMPT_POSTS = {"core:sso_cas"}


def _views(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _views(p, f"{prefix}{p.namespace}:" if p.namespace else prefix)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{prefix}{p.name}", p.callback


def test_the_csrf_exempt_views_are_exactly_the_declared_ones():
    exempt = {name for name, view in _views() if getattr(view, "csrf_exempt", False)}
    assert {n for n in exempt if not n.startswith("admin:")} == CSRF_EXEMPT_POSTS


@pytest.mark.parametrize("name", sorted(set(POSTS) - CSRF_EXEMPT_POSTS))
def test_post_without_csrf_token_is_refused_and_changes_nothing(world, name):
    """CSRF on every POST: the first persona allowed to post, without the token, gets 403."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    table = POSTS[name][2]
    persona = next(p for p in PERSONAS if _expected(table, p) not in DENIED)
    if persona != "anonymous":
        client.force_login(getattr(world, persona))
    path, data, _table, _writes = POSTS[name]
    path = path(world) if callable(path) else path
    data = data(world, Client()) if callable(data) else data
    before = _fingerprint()
    assert client.post(path, data).status_code == 403
    assert _fingerprint() == before


# --- the same tables, with the objects belonging to the other unit ------------------------------
#
# Above, the shares, evidence and rectification items are unit A's (a department). Here the world
# is mirrored: they belong to unit B (a township) and the personas are relabelled, so "liaison_a"
# is the township's liaison and "liaison_b" the department's. Only the rows whose answer depends
# on the unit are run again.


def _unit_scoped(table):
    return any(_expected(table, f"{role}_a") != _expected(table, f"{role}_b") for role in ("liaison", "leader"))


@pytest.fixture
def mirrored(world):
    from assignments.models import Assignment
    from tests.factories import make_assignment

    Assignment.objects.filter(campaign=world.campaign).delete()
    i1, i2, i3 = world.indicators
    shares = SimpleNamespace(
        a_overdue=make_assignment(world.campaign, i1, world.unit_b, days=-3),
        a_soon=make_assignment(world.campaign, i2, world.unit_b, Assignment.Role.COOPERATING, days=5),
        a_ongoing=make_assignment(world.campaign, i3, world.unit_b, ongoing=True),
        b_lead=make_assignment(world.campaign, i2, world.unit_a, days=30),
    )
    return SimpleNamespace(
        **{
            **vars(world),
            "unit_a": world.unit_b,
            "unit_b": world.unit_a,
            "shares": shares,
            "liaison_a": world.liaison_b,
            "liaison_b": world.liaison_a,
            "leader_a": world.leader_b,
            "leader_b": world.leader_a,
        }
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(n for n, (_p, table) in EXPECTED.items() if _unit_scoped(table)))
def test_url_answers_each_persona_on_the_other_units_objects(client, mirrored, name, persona):
    _check_get(client, mirrored, name, persona)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(n for n, row in POSTS.items() if _unit_scoped(row[2])))
def test_post_answers_each_persona_on_the_other_units_objects(client, mirrored, name, persona):
    _check_post(client, mirrored, name, persona)


def test_the_mirror_covers_the_unit_scoped_rows():
    assert len([t for _p, t in EXPECTED.values() if _unit_scoped(t)]) >= 5
    assert len([r for r in POSTS.values() if _unit_scoped(r[2])]) >= 12


HOSTILE_QUERY = {
    "page": "-1",
    "unit": "not-a-uuid",
    "level1": "' OR 1=1 --",
    "verb": "<script>",
    "status": "nonsense",
    "role": "x",
    "date_from": "2025-02-30",
    "date_to": "yesterday",
    "q": "查" * 101,
    "code": "1" * 30,
    "kind": "exe",
    "review": "?",
    "waiting": "forever",
    "overdue": "maybe",
    "campaign": "0",
    "format": "exe",
    "export": "pdf",
    "verify": "1",
    "result": "?",
    "suggested": "?",
    "unit_kind": "city",
    "actor": "a" * 151,
    "object": "%",
    "next": "https://evil.example/",
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_query_strings_never_cause_a_server_error(client, world, name):
    """Every page, asked by IT (who may see everything) with nonsense in every filter it might read."""
    path, _table = EXPECTED[name]
    path = path(world) if callable(path) else path
    client.force_login(world.superuser)
    separator = "&" if "?" in path else "?"
    from urllib.parse import urlencode

    response = client.get(path + separator + urlencode(HOSTILE_QUERY))
    assert response.status_code < 500
    if response.status_code == 302:
        assert "evil.example" not in response["Location"]


def _garbage(value):
    from django.core.files.uploadedfile import SimpleUploadedFile

    if isinstance(value, SimpleUploadedFile):
        return SimpleUploadedFile(
            "\x00../../etc/passwd.pdf", b"MZ\x90\x00" + b"\x00" * 64, content_type="application/pdf"
        )
    return "\x00<script>alert(1)</script>" + "字" * 6000


@pytest.mark.parametrize("name", sorted(POSTS))
def test_hostile_post_data_never_causes_a_server_error(client, world, name):
    """Every POST, by the first persona allowed to make it, with NUL bytes, markup and 6,000
    characters in every field, and an executable named like a PDF for every file (a row nobody may
    post to here, the CAS logout request with CAS off, is posted anonymously)."""
    path, data, table, _writes = POSTS[name]
    persona = next((p for p in PERSONAS if _expected(table, p) not in DENIED), "anonymous")
    if persona != "anonymous":
        client.force_login(getattr(world, persona))
    path = path(world) if callable(path) else path
    data = data(world, client) if callable(data) else data
    response = client.post(path, {key: _garbage(value) for key, value in data.items()} or {"x": _garbage("")})
    assert response.status_code < 500


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_nul_character_in_any_parameter_is_refused_cleanly(client, world, name):
    """PostgreSQL cannot hold NUL in text: every parameter a page might read carries one, and
    the answer is the 400 page, never a server error (people's ?q=%00 was a 500)."""
    from urllib.parse import urlencode

    path, _table = EXPECTED[name]
    path = path(world) if callable(path) else path
    client.force_login(world.office_admin)
    separator = "&" if "?" in path else "?"
    response = client.get(path + separator + urlencode(dict.fromkeys(HOSTILE_QUERY, "\x00")))
    assert response.status_code < 500
    if response.status_code == 400:
        assert "NUL" in response.content.decode()


def test_the_people_page_refuses_a_nul_search_with_400(client, world):
    client.force_login(world.office_admin)
    for query in ("q=%00", "unit=%00", "inactive=%00"):
        response = client.get(f"/people/?{query}")
        assert response.status_code == 400 and "不允许的字符" in response.content.decode()
    assert client.get("/people/new/?unit=%00").status_code == 400
