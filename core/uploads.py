"""Uploaded tables waiting between preview and confirmation.

The preview step parses the file and shows what would change; the confirm step
must import exactly that file, so the upload is kept in storage under a random
name and its key is remembered in the user's session (another user cannot
confirm it). Django's storage streams the upload to disk in chunks.
"""

import uuid

from django.core.files.storage import default_storage

PREFIX = "imports/"


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
