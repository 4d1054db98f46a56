"""What an uploaded file really is, from its bytes, and whether we take it.

Allowed: PDF, OFD (China's fixed-layout format), Word/Excel/WPS documents
(OOXML and the legacy OLE2 formats), JPEG and PNG. Refused with a reason:
executables, HTML/SVG and other markup, HEIC (phones can save JPEG), archives
(a ZIP can hide anything and unpack to any size), and any file whose content does
not match its extension. `filetype` reads magic numbers; the container formats
(OFD, OOXML) are told apart by the names inside the ZIP.
"""

import zipfile
from dataclasses import dataclass

import filetype
from django.utils.translation import gettext as _

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# sniffed kind -> (content type, extensions a user may give it, preview inline?)
ALLOWED = {
    "pdf": ("application/pdf", {"pdf"}),
    "ofd": ("application/ofd", {"ofd"}),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", {"docx", "wps"}),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {"xlsx", "et"}),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", {"pptx", "dps"}),
    # Legacy Word/Excel/PowerPoint and WPS files share the OLE2 container.
    "ole2": ("application/octet-stream", {"doc", "xls", "ppt", "wps", "et", "dps"}),
    "jpg": ("image/jpeg", {"jpg", "jpeg"}),
    "png": ("image/png", {"png"}),
}
OLE2_TYPES = {
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "wps": "application/vnd.ms-works",
    "et": "application/vnd.ms-excel",
    "dps": "application/vnd.ms-powerpoint",
}
IMAGE_KINDS = {"jpg", "png"}


class Refused(ValueError):
    """The file is not accepted; the message says why, in the user's language."""


@dataclass(frozen=True)
class Sniffed:
    kind: str
    content_type: str

    @property
    def is_image(self):
        return self.kind in IMAGE_KINDS


def extension_of(name):
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _zip_kind(fh):
    try:
        with zipfile.ZipFile(fh) as archive:
            names = set(archive.namelist()[:2000])
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "OFD.xml" in names:
        return "ofd"
    if "[Content_Types].xml" in names:
        for prefix, kind in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
            if any(n.startswith(prefix) for n in names):
                return kind
    return "zip"


def sniff(fh, name):
    """Identify an open binary file (position is restored). Raises Refused."""
    fh.seek(0)
    head = fh.read(8192)
    fh.seek(0)
    if not head:
        raise Refused(_("The file is empty."))
    ext = extension_of(name)
    stripped = head.lstrip()[:512].lower()
    if head[:2] == b"MZ" or head[:4] == b"\x7fELF" or head[:4] in (b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe"):
        raise Refused(_("This is a program, not a document: it is not accepted."))
    if (
        stripped.startswith((b"<!doctype", b"<html", b"<svg", b"<?xml", b"<script", b"<"))
        or b"<svg" in stripped
        or b"<script" in stripped
    ):
        raise Refused(_("Web pages, SVG and other markup files are not accepted: save the page as PDF."))
    if head[:4] == b"%PDF":
        kind = "pdf"
    elif head[:8] == OLE2:
        kind = "ole2"
    elif head[:4] == b"PK\x03\x04":
        kind = _zip_kind(fh)
        fh.seek(0)
        if kind == "zip" or kind is None:
            raise Refused(_("Archives (ZIP) are not accepted: upload the documents themselves."))
    else:
        guess = filetype.guess(head)
        kind = guess.extension if guess else None
        if kind == "heic" or kind == "avif":
            raise Refused(
                _(
                    "HEIC photos are not accepted: set the phone camera to “Most Compatible” (saves JPEG), or convert the photo to JPG."
                )
            )
        if kind in ("rar", "7z", "gz", "bz2", "xz", "tar", "zst", "cab"):
            raise Refused(_("Archives (ZIP) are not accepted: upload the documents themselves."))
    if kind not in ALLOWED:
        raise Refused(_("This type of file is not accepted. Upload PDF, OFD, Word, Excel, WPS, JPG or PNG."))
    content_type, extensions = ALLOWED[kind]
    if ext not in extensions:
        raise Refused(
            _("The file's content (%(kind)s) does not match its name (.%(ext)s). Rename it or upload the original.")
            % {"kind": kind.upper() if kind != "ole2" else "DOC/XLS/WPS", "ext": ext or "?"}
        )
    if kind == "ole2":
        content_type = OLE2_TYPES.get(ext, content_type)
    return Sniffed(kind, content_type)


def clean_filename(name):
    """The name to keep and show. Raises Refused for names that try to reach outside
    a folder, carry control characters, or are unreasonably long."""
    if not name or "\x00" in name:
        raise Refused(_("The file name is not valid."))
    if any(ord(ch) < 32 for ch in name):
        raise Refused(_("The file name contains control characters."))
    if "/" in name or "\\" in name or name.strip(". ") == "" or name.startswith(".."):
        raise Refused(_("The file name is not valid."))
    if len(name) > 200:
        raise Refused(_("The file name is too long (more than 200 characters)."))
    return name.strip()
