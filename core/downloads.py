"""Serving stored files through views that have checked permissions (never a public media URL)."""

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import content_disposition_header, http_date, quote_etag

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


# How long a browser keeps a file that never changes without asking again; after that it asks
# with If-None-Match and gets a 304. Not longer: a person who loses access keeps their copy.
IMMUTABLE_MAX_AGE = 24 * 3600


def immutable_file_response(request, field, name, *, etag, modified, content_type=None, attachment=True):
    """file_response() for a file that never changes (an evidence revision, its thumbnail), asked
    for after the permission check: kept by the browser (`private`: never by a shared cache, the
    file is behind permissions), and a request that names the ETag or a date not before
    `modified` is answered 304 Not Modified without opening the file."""
    etag = quote_etag(etag)
    last_modified = int(modified.timestamp())
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = file_response(field, name, content_type=content_type, attachment=attachment)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, private=True, max_age=IMMUTABLE_MAX_AGE, immutable=True)
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


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_response(data, filename):
    """Word document bytes built by a view as a download (RFC 5987 name, nosniff, sandboxed)."""
    response = HttpResponse(data, content_type=DOCX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_CSP
    return response


def pdf_response(data, filename, *, attachment=True):
    """PDF bytes built by a view as a download (or shown inline), named for RFC 5987."""
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(attachment, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response._csp_exempt = True  # browsers refuse to show a sandboxed PDF (see file_response)
    return response
