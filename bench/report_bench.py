"""The PDF job against bare WeasyPrint rendering of the same HTML, on a generated county."""

import io
import time


def bench_pdf(report, scale):
    from county import build_county
    from weasyprint import HTML

    from reports import builders

    campaign, _user = build_county(scale, f"pdf{scale}")
    html = builders.render_report_html(builders.report_context(campaign))
    start = time.perf_counter()
    HTML(string=html).write_pdf(io.BytesIO())
    bare = time.perf_counter() - start
    start = time.perf_counter()
    builders.build_pdf(campaign, io.BytesIO())
    full = time.perf_counter() - start
    report(f"pdf_report_{scale}x_vs_bare_weasyprint", full / bare, "<=", 1.25)
