"""The report jobs on a generated county: the PDF job against bare WeasyPrint rendering of
the same HTML, and the DOCX job against the PDF job of the same county, in the same run."""

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
    # The editable DOCX of the same county (every indicator, every accepted piece listed) takes
    # no longer to build than its PDF: an office asking for the Word copy does not wait more.
    start = time.perf_counter()
    builders.build_docx(campaign, io.BytesIO())
    docx = time.perf_counter() - start
    report(f"docx_report_{scale}x_vs_pdf_report", docx / full, "<=", 1.0)
