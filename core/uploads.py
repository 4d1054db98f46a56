"""Uploaded tables waiting between preview and confirmation.

The preview step parses the file and shows what would change; the confirm step
must import exactly that file, so the upload is kept in storage under a random
name and its key is remembered in the user's session (another user cannot
confirm it). Django's storage streams the upload to disk in chunks.
"""

import datetime
import hashlib
import os
import uuid

from django.conf import settings
from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

PREFIX = "imports/"


def sha256_of(source):
    """Hex SHA-256 of a file, read in chunks: a path, a Django File (an upload, a stored
    FieldFile, opened: chunks() starts from the beginning) or an open binary file."""
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    if hasattr(source, "chunks"):
        digest = hashlib.sha256()
        for chunk in source.chunks():
            digest.update(chunk)
        return digest.hexdigest()
    return hashlib.file_digest(source, "sha256").hexdigest()


def stash_upload(request, upload, kind, **params):
    token = uuid.uuid4().hex
    path = default_storage.save(f"{PREFIX}{token}", upload)
    request.session[f"stash:{token}"] = {"path": path, "kind": kind, "name": upload.name[:200], "params": params}
    return token


def stash_read(request, token, kind):
    """(bytes, name, params) of a stashed upload of this user, or None."""
    entry = request.session.get(f"stash:{token}") if isinstance(token, str) and token.isalnum() else None
    if not entry or entry["kind"] != kind or not default_storage.exists(entry["path"]):
        return None
    with default_storage.open(entry["path"], "rb") as fh:
        return fh.read(), entry["name"], entry["params"]


def stash_drop(request, token):
    entry = request.session.pop(f"stash:{token}", None)
    if entry and default_storage.exists(entry["path"]):
        default_storage.delete(entry["path"])


def stash_confirm(request, kind, *, retry, apply, refusals=()):
    """The confirm step of every upload -> preview -> confirm flow: run
    `apply(data, name, params)` on exactly the file this session previewed, once, and
    return its response. An expired or foreign token, or one of the `refusals`
    exceptions (the import was refused as a whole), sends the user back to `retry`
    with the reason; the stashed file is dropped either way."""
    token = request.POST.get("token", "")
    stashed = stash_read(request, token, kind)
    if stashed is None:
        messages.error(request, _("The uploaded file has expired. Upload it again."))
        return redirect(retry)
    try:
        return apply(*stashed)
    except refusals as exc:
        messages.error(request, _("Nothing was imported: %(error)s") % {"error": exc})
        return redirect(retry)
    finally:
        stash_drop(request, token)


STASH_KEEP = datetime.timedelta(days=1)  # a preview nobody confirmed within a day is abandoned


def stash_sweep(now=None):
    """Delete stashed uploads older than STASH_KEEP: previews that were never confirmed
    would otherwise keep the county's tables on disk for ever. Returns how many went."""
    cutoff = (now or timezone.now()) - STASH_KEEP
    try:
        _dirs, files = default_storage.listdir(PREFIX.rstrip("/"))
    except FileNotFoundError:
        return 0
    removed = 0
    for name in files:
        path = f"{PREFIX}{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
            removed += 1
    return removed


def upload_refusal(request):
    """Why the request's upload was cut off (too large), or "" when it was not. Ask after the
    request's files have been parsed."""
    if getattr(request, "upload_too_large", False):
        return _("The file is larger than %(mb)s MB.") % {"mb": settings.EVIDENCE_MAX_UPLOAD_MB}
    return ""


class HashingUploadHandler(TemporaryFileUploadHandler):
    """Every upload goes to a temporary file on disk chunk by chunk (never whole into
    memory), its SHA-256 computed on the way, and stops at the size limit.

    The file arrives with `.sha256` and `.size` set; an upload cut off at the limit
    leaves `request.upload_too_large = True`, which upload_refusal() turns into words.
    """

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.digest = hashlib.sha256()
        self.received = 0
        self.limit = settings.EVIDENCE_MAX_UPLOAD_MB * 1024 * 1024

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.upload_too_large = True
            self.file.close()
            raise StopUpload(connection_reset=False)
        self.digest.update(raw_data)
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size):
        upload = super().file_complete(file_size)
        if upload is not None:
            upload.sha256 = self.digest.hexdigest()
        return upload
