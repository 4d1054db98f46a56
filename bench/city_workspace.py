"""The city's workspace on 10 generated large counties (bench/county.py's data set each, scale 20:
150 level-3 indicators, 1,500 shares and 20,000 evidence items per county) in one province → city
tree, each county with its submission frozen by the real selectors (figures, snapshot, a manifest
line per accepted evidence item), timed against a trivial logged-in page in the same process; a
county office's dashboard with the nine other counties beside it; and the workspace's queries
with one county submitted and with ten (issue 14, "Measured").

    python bench/city_workspace.py      (make bench runs it; a test database of its own)
"""

import time

from run import RESULTS, ROOT, client_for, get_ok, report, timed  # noqa: F401  (run sets Django up)

COUNTIES = 10
SCALE = 20


def _submit(campaign, city_office):
    """A submission as submission_create freezes it, without compiling the report and package
    (their build is the report benchmarks' subject; the workspace never opens them)."""
    from django.core.files.base import ContentFile

    from assessment.eligibility import eligibility
    from evidence.models import Evidence
    from reports.models import Submission
    from reports.selectors import submission_frozen_figures, submission_state

    e = eligibility(campaign)
    accepted = Evidence.objects.accepted().filter(assignment__campaign=campaign)
    manifest = [{"path": "自评报告.pdf", "kind": "report", "indicator": "", "unit": ""}] + [
        {"path": f"{code}/{title}.pdf", "kind": "document", "indicator": code, "size": 1000, "sha256": "0" * 64}
        for code, title in accepted.values_list("assignment__indicator__code", "title")
    ]
    s = Submission(
        campaign=campaign,
        version=1,
        snapshot=submission_state(campaign),
        city_office=city_office,
        county=campaign.county,
        title=campaign.name,
        report_sha256="0" * 64,
        package_sha256="0" * 64,
        manifest=manifest,
        eligibility={
            "met": e.met,
            "applicable": e.applicable,
            "percent": str(e.percent) if e.percent is not None else None,
            "threshold": str(e.threshold),
            "eligible": e.eligible,
            **submission_frozen_figures(campaign, e, manifest),
        },
    )
    s.report.save("r.pdf", ContentFile(b"%PDF-1.4"), save=False)
    s.package.save("p.zip", ContentFile(b"PK"), save=False)
    s.save()
    return s


def _queries(client, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    get_ok(client, path)
    with CaptureQueriesContext(connection) as ctx:
        get_ok(client, path)
    slowest = max(ctx.captured_queries, key=lambda q: float(q["time"]))
    total = sum(float(q["time"]) for q in ctx.captured_queries)
    print(
        f"# {path}: {len(ctx.captured_queries)} queries, {total * 1000:.1f} ms in the database, slowest "
        f"{float(slowest['time']) * 1000:.1f} ms: {slowest['sql'][:160]}"
    )
    return len(ctx.captured_queries)


def bench_city_workspace():
    from county import build_county
    from django.db import connection
    from django.test import Client

    from campaign.models import Campaign
    from core.models import User
    from org.models import Membership, Region, Unit
    from org.services import membership_create

    started = time.perf_counter()
    province = Region.objects.create(kind=Region.Kind.PROVINCE, code="BP", name="基准省")
    city = Region.objects.create(kind=Region.Kind.CITY, code="BC", name="基准市", parent=province)
    city_office = Unit.objects.create(code="BCO", name="基准市委依法治市办", kind=Unit.Kind.CITY_OFFICE, region=city)
    campaigns, offices = [], []
    for n in range(COUNTIES):
        tag = f"w{n}"
        county = Region.objects.create(kind=Region.Kind.COUNTY, code=f"BX{n}", name=f"基准{n}县", parent=city)
        campaign, _liaison = build_county(SCALE, tag)
        # county.py builds in the deployment's default county; each of these is a county of its own.
        Unit.objects.filter(code__startswith=f"B{tag}").update(region=county)
        Campaign.objects.filter(pk=campaign.pk).update(region=county, county=county.name, city_office=city_office)
        campaign.refresh_from_db()
        office = Unit.objects.create(code=f"BO{n}", name=f"基准{n}县委依法治县办", kind=Unit.Kind.OFFICE, region=county)
        admin = User.objects.create(username=f"bench-ws-office-{n}")
        membership_create(user=admin, unit=office, role=Membership.Role.OFFICE_ADMIN)
        campaigns.append(campaign)
        offices.append(admin)
    reviewer = User.objects.create(username="bench-ws-city")
    membership_create(user=reviewer, unit=city_office, role=Membership.Role.CITY_REVIEWER)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"# city workspace: {COUNTIES} counties of scale {SCALE} built in {time.perf_counter() - started:.0f} s")

    city_client, office_client = Client(), Client()
    city_client.force_login(reviewer)
    office_client.force_login(offices[-1])  # the newest campaign: the dashboard's current one
    _submit(campaigns[0], city_office)
    one = _queries(city_client, "/review/city/")
    for campaign in campaigns[1:]:
        _submit(campaign, city_office)
    ten = _queries(city_client, "/review/city/")
    level1 = campaigns[0].framework.indicators.filter(level=1).order_by("position").first()
    compare = f"/review/city/compare/?indicator={level1.pk}"
    compare_one_query_count = _queries(city_client, compare)

    trivial = timed(lambda: get_ok(city_client, "/accounts/password/done/"))
    workspace = timed(lambda: get_ok(city_client, "/review/city/"), repeat=15)
    dashboard = timed(lambda: get_ok(office_client, "/campaigns/dashboard/"), repeat=15)
    compared = timed(lambda: get_ok(city_client, compare), repeat=15)
    size = len(city_client.get("/review/city/").content)
    print(f"# city workspace page: {workspace * 1000:.1f} ms, {size / 1000:.0f} kB; trivial {trivial * 1000:.1f} ms")
    print(
        f"# per-indicator comparison: {compared * 1000:.1f} ms ({compared / trivial:.1f}x trivial), "
        f"{compare_one_query_count} queries"
    )
    report(f"city_workspace_{COUNTIES}_counties_vs_trivial_logged_in", workspace / trivial, "<=", 3)
    report(f"county_dashboard_{COUNTIES}_counties_vs_trivial_logged_in", dashboard / trivial, "<=", 3)
    print(f"bench city_workspace_queries_1_county: {one}")
    print(f"bench city_workspace_queries_{COUNTIES}_counties: {ten} (target <= {one})")
    RESULTS.append(ten <= one)


def main():
    from django.conf import settings
    from django.db import connection

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        bench_city_workspace()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0 if all(RESULTS) else 1


if __name__ == "__main__":
    import sys

    sys.exit(main())
