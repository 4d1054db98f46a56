"""Serving stored files through views that have checked permissions (never a public media URL)."""

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

# A stored file is data, never a page: no script runs even if a browser tried.
SANDBOX_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def file_response(field, name, *, content_type=None, attachment=True):
    """Stream a FileField's file (or the file at a storage path) under `name` (RFC 5987
    for Chinese names), with nosniff and a sandboxing CSP. A file missing from storage
    is a 404, not a 500."""
    try:
        handle = default_storage.open(field, "rb") if isinstance(field, str) else field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type, as_attachment=attachment, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    if content_type != "application/pdf":
        response["Content-Security-Policy"] = SANDBOX_CSP
    else:
        # Not on PDFs: browsers refuse to show a sandboxed PDF in their viewer. A PDF
        # served as application/pdf with nosniff is never run as a page anyway.
        response._csp_exempt = True
    return response


TABLE_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def table_response(data, stem, fmt="xlsx"):
    """An exported table (CSV or XLSX bytes) as a download named "<stem>-<today>.<fmt>"."""
    response = HttpResponse(data, content_type=TABLE_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, f"{stem}-{timezone.localdate():%Y%m%d}.{fmt}")
    return response


def pdf_response(data, filename, *, attachment=True):
    """PDF bytes built by a view as a download (or shown inline), named for RFC 5987."""
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(attachment, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response._csp_exempt = True  # browsers refuse to show a sandboxed PDF (see file_response)
    return response
