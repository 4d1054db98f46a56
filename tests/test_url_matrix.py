"""Every URL of the project, requested as every persona. A new view without an
entry in EXPECTED fails test_every_url_has_an_entry: decide who may use it."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous", "liaison_a", "liaison_b", "leader_a", "leader_b",
    "office_staff", "office_admin", "city_reviewer", "superuser", "nobody",
]
LOGIN = "login"  # anonymous is redirected to the login page
# Unit A's objects: its people, the office and IT see them; for everyone else they do not exist.
OFFICE_ONLY = {"anonymous": LOGIN, "office_admin": 200, "office_staff": 200, "superuser": 200, "*": 403}
UNIT_A_ONLY = {"liaison_b": 404, "leader_b": 404, "city_reviewer": 404, "nobody": 404, "*": 200}

# url name -> (path, {persona: expected GET status}); "*" is the default for unnamed personas.
EXPECTED = {
    "healthz": ("/healthz", {"*": 200}),
    "login": ("/accounts/login/", {"anonymous": 200, "*": 302}),  # signed-in users are sent home
    "logout": ("/accounts/logout/", {"*": 405}),  # POST only
    "password_change": ("/accounts/password/", {"anonymous": LOGIN, "*": 200}),
    "password_change_done": ("/accounts/password/done/", {"anonymous": LOGIN, "*": 200}),
    "set_language": ("/i18n/setlang/", {"*": 302}),  # a GET changes nothing and redirects
    "core:home": ("/", {"anonymous": LOGIN, "*": 200}),
    "core:audit": ("/audit/", {"anonymous": LOGIN, "office_admin": 200, "superuser": 200, "*": 403}),
    "indicators:list": ("/indicators/", {"anonymous": LOGIN, "nobody": 403, "*": 200}),
    "indicators:tree": (lambda w: f"/indicators/{w.campaign.framework_id}/", {"anonymous": LOGIN, "nobody": 403, "*": 200}),
    "indicators:import": ("/indicators/import/", {"anonymous": LOGIN, "office_admin": 200, "superuser": 200, "*": 403}),
    "indicators:import_confirm": ("/indicators/import/confirm/", {"anonymous": LOGIN, "*": 405}),  # POST only
    "assignments:import": ("/assignments/import/", {"anonymous": LOGIN, "office_admin": 200, "superuser": 200, "*": 403}),
    "assignments:import_confirm": ("/assignments/import/confirm/", {"anonymous": LOGIN, "*": 405}),
    "assignments:export": (
        lambda w: f"/assignments/export/?campaign={w.campaign.pk}&format=csv",
        {"anonymous": LOGIN, "office_admin": 200, "office_staff": 200, "superuser": 200, "*": 403},
    ),
    "assignments:list": ("/assignments/", {"anonymous": LOGIN, "office_admin": 200, "office_staff": 200, "superuser": 200, "*": 403}),
    "assignments:bulk": ("/assignments/bulk/", {"anonymous": LOGIN, "*": 405}),
    "assignments:board": ("/assignments/board/", {"anonymous": LOGIN, "office_admin": 200, "office_staff": 200, "superuser": 200, "*": 403}),
    "assignments:circulars": ("/assignments/circulars/", {"anonymous": LOGIN, "office_admin": 200, "office_staff": 200, "superuser": 200, "*": 403}),
    "assignments:circular": (
        lambda w: _circular(w).get_absolute_url(),
        # Unit A is listed (it has an overdue share); unit B and the others are not.
        {"anonymous": LOGIN, "liaison_b": 404, "leader_b": 404, "city_reviewer": 404, "nobody": 404, "*": 200},
    ),
    "assignments:detail": (
        lambda w: w.shares.a_overdue.get_absolute_url(),
        {"anonymous": LOGIN, "liaison_b": 404, "leader_b": 404, "city_reviewer": 404, "nobody": 404, "*": 200},
    ),
    "assignments:move": (lambda w: f"/assignments/{w.shares.a_overdue.pk}/move/", {"anonymous": LOGIN, "*": 405}),
    "assignments:deadline": (lambda w: f"/assignments/{w.shares.a_overdue.pk}/deadline/", {"anonymous": LOGIN, "*": 405}),
    "assignments:reassign": (lambda w: f"/assignments/{w.shares.a_overdue.pk}/reassign/", {"anonymous": LOGIN, "*": 405}),
    "assignments:add_unit": (lambda w: f"/assignments/{w.shares.a_overdue.pk}/add-unit/", {"anonymous": LOGIN, "*": 405}),
    "assignments:remove": (lambda w: f"/assignments/{w.shares.a_soon.pk}/remove/", {"anonymous": LOGIN, "*": 405}),
    "campaign:list": ("/campaigns/", {"anonymous": LOGIN, "nobody": 403, "*": 200}),
    "campaign:create": ("/campaigns/new/", {"anonymous": LOGIN, "office_admin": 200, "superuser": 200, "*": 403}),
    "campaign:detail": (lambda w: w.campaign.get_absolute_url(), {"anonymous": LOGIN, "nobody": 403, "*": 200}),
    "campaign:edit": (lambda w: f"/campaigns/{w.campaign.pk}/edit/", {"anonymous": LOGIN, "office_admin": 200, "superuser": 200, "*": 403}),
    "campaign:stage": (lambda w: f"/campaigns/{w.campaign.pk}/stage/", {"anonymous": LOGIN, "*": 405}),
    "core:notifications": ("/notifications/", {"anonymous": LOGIN, "*": 200}),
    "reports:index": ("/reports/", OFFICE_ONLY),
    "reports:jobs": ("/reports/jobs/", OFFICE_ONLY),
    "reports:compile": ("/reports/compile/", {"anonymous": LOGIN, "*": 405}),
    "reports:download": (lambda w: f"/reports/jobs/{_job(w).pk}/download/", OFFICE_ONLY),
    "reports:submit": ("/reports/submit/", {"anonymous": LOGIN, "*": 405}),
    "reports:submissions": ("/reports/submissions/", {"anonymous": LOGIN, "office_admin": 200, "office_staff": 200, "superuser": 200, "city_reviewer": 200, "*": 403}),
    "reports:submission": (lambda w: _submission(w).get_absolute_url(), {"anonymous": LOGIN, "office_admin": 200, "office_staff": 200, "superuser": 200, "city_reviewer": 200, "*": 404}),
    "reports:submission_download": (lambda w: f"{_submission(w).get_absolute_url()}report/", {"anonymous": LOGIN, "office_admin": 200, "office_staff": 200, "superuser": 200, "city_reviewer": 200, "*": 404}),
    "campaign:dashboard": ("/campaigns/dashboard/", {"anonymous": LOGIN, "city_reviewer": 403, "nobody": 403, "*": 200}),
    "campaign:assessments": ("/campaigns/assessments/", OFFICE_ONLY),
    "campaign:assessment": (lambda w: f"/campaigns/assessments/{w.indicators[0].pk}/", OFFICE_ONLY),
    "campaign:assessment_export": ("/campaigns/assessments/export/?format=csv", OFFICE_ONLY),
    "campaign:assessment_import": ("/campaigns/assessments/import/", OFFICE_ONLY),
    "campaign:assessment_import_confirm": ("/campaigns/assessments/import/confirm/", {"anonymous": LOGIN, "*": 405}),
    "campaign:rectifications": ("/campaigns/rectifications/", {"anonymous": LOGIN, "nobody": 403, "*": 200}),
    "campaign:rectification_close": (lambda w: f"/campaigns/rectifications/{w.campaign.pk}/close/", {"anonymous": LOGIN, "*": 405}),
    "evidence:queue": ("/evidence/review/", {"anonymous": LOGIN, "office_admin": 200, "office_staff": 200, "superuser": 200, "*": 403}),
    "evidence:add_files": (lambda w: f"/evidence/add/{w.shares.a_soon.pk}/files/", {"anonymous": LOGIN, "*": 405}),
    "evidence:add_link": (lambda w: f"/evidence/add/{w.shares.a_soon.pk}/link/", {"anonymous": LOGIN, "*": 405}),
    "evidence:add_summary": (lambda w: f"/evidence/add/{w.shares.a_soon.pk}/summary/", {"anonymous": LOGIN, "*": 405}),
    "evidence:detail": (lambda w: _evidence(w).get_absolute_url(), {"anonymous": LOGIN, **UNIT_A_ONLY}),
    "evidence:replace": (lambda w: f"/evidence/{_evidence(w).pk}/replace/", {"anonymous": LOGIN, "*": 405}),
    "evidence:hide": (lambda w: f"/evidence/{_evidence(w).pk}/delete/", {"anonymous": LOGIN, "*": 405}),
    "evidence:restore": (lambda w: f"/evidence/{_evidence(w).pk}/restore/", {"anonymous": LOGIN, "*": 405}),
    "evidence:review": (lambda w: f"/evidence/{_evidence(w).pk}/review/", {"anonymous": LOGIN, "*": 405}),
    "evidence:link": (lambda w: f"/evidence/{_evidence(w).pk}/link/", {"anonymous": LOGIN, "*": 405}),
    "evidence:download": (lambda w: f"/evidence/file/{_evidence(w).current_revision_id}/download/", {"anonymous": LOGIN, **UNIT_A_ONLY}),
    "evidence:preview": (lambda w: f"/evidence/file/{_evidence(w).current_revision_id}/preview/", {"anonymous": LOGIN, **UNIT_A_ONLY}),
    # A PDF has no thumbnail: 404 for everyone, which also proves nothing leaks.
    "evidence:thumbnail": (lambda w: f"/evidence/file/{_evidence(w).current_revision_id}/thumbnail/", {"anonymous": LOGIN, "*": 404}),
    "core:notifications_read": ("/notifications/read/", {"anonymous": LOGIN, "*": 405}),
}


def _evidence(w):
    """A PDF of unit A's share, stored under a temporary media folder."""
    from django.core.files.base import ContentFile

    from evidence.models import Evidence, EvidenceRevision

    e = Evidence.objects.filter(assignment=w.shares.a_soon).first()
    if e is None:
        e = Evidence.objects.create(assignment=w.shares.a_soon, campaign=w.campaign, kind="document", title="通知")
        r = EvidenceRevision(evidence=e, number=1, original_name="通知.pdf", content_type="application/pdf", size=8, sha256="0" * 64)
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


def _submission(w):
    from django.core.files.base import ContentFile

    from reports.models import Submission

    s = Submission.objects.filter(campaign=w.campaign).first()
    if s is None:
        s = Submission(campaign=w.campaign, city_office=w.city, county="测试县", title="报送", report_sha256="0", package_sha256="0")
        s.report.save("r.pdf", ContentFile(b"%PDF"), save=False)
        s.package.save("p.zip", ContentFile(b"PK"), save=False)
        s.save()
    return s


def _circular(w):
    import datetime

    from assignments.models import Circular

    return Circular.objects.create(campaign=w.campaign, title="通报", as_of=datetime.date.today(),
                                   entries=[{"unit_code": w.unit_a.code, "unit": w.unit_a.name, "overdue": 1, "items": []}])


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
    return table.get(persona, table["*"])


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_url_answers_each_persona_as_declared(client, world, name, persona):
    path, table = EXPECTED[name]
    path = path(world) if callable(path) else path
    if persona != "anonymous":
        client.force_login(getattr(world, persona))
    response = client.get(path)
    want = _expected(table, persona)
    if want == LOGIN:
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == want


@pytest.mark.parametrize("persona", PERSONAS)
def test_admin_site_is_for_it_only(client, world, persona):
    if persona != "anonymous":
        client.force_login(getattr(world, persona))
    assert client.get(ADMIN_INDEX[0]).status_code == _expected(ADMIN_INDEX[1], persona)


@pytest.mark.parametrize("name", ["indicators:import_confirm", "assignments:import_confirm"])
@pytest.mark.parametrize("persona", ["liaison_a", "leader_b", "office_staff", "city_reviewer", "nobody"])
def test_confirm_posts_are_forbidden_without_the_import_right(client, world, name, persona):
    client.force_login(getattr(world, persona))
    path = EXPECTED[name][0]
    assert client.post(path, {"token": "x"}).status_code == 403


@pytest.mark.parametrize("name", ["indicators:import", "assignments:import"])
def test_upload_posts_are_forbidden_for_a_liaison(client, world, name):
    client.force_login(world.liaison_a)
    assert client.post(EXPECTED[name][0], {}).status_code == 403


# POSTs on unit A's share: outside scope is 404, in scope without the right is 403.
SHARE_POSTS = {
    "move": ({"to_status": "submitted"}, {"liaison_a": 302, "leader_a": 403, "office_staff": 403, "office_admin": 403, "superuser": 302,
                                          "liaison_b": 404, "leader_b": 404, "city_reviewer": 404, "nobody": 404}),
    "deadline": ({"deadline": "2030-01-01"}, {"liaison_a": 403, "leader_a": 403, "office_staff": 302, "office_admin": 302, "superuser": 302,
                                               "liaison_b": 404, "leader_b": 404, "city_reviewer": 404, "nobody": 404}),
    "reassign": ({}, {"liaison_a": 403, "leader_a": 403, "office_staff": 302, "office_admin": 302, "superuser": 302,
                      "liaison_b": 404, "leader_b": 404, "city_reviewer": 404, "nobody": 404}),
}


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
@pytest.mark.parametrize("action", sorted(SHARE_POSTS))
def test_share_posts_answer_each_persona_as_declared(client, world, action, persona):
    data, table = SHARE_POSTS[action]
    client.force_login(getattr(world, persona))
    response = client.post(f"/assignments/{world.shares.a_overdue.pk}/{action}/", data)
    assert response.status_code == table[persona]
