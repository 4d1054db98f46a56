"""What an uploaded file really is, from its bytes, and whether we take it.

Allowed: PDF, OFD (China's fixed-layout format), Word/Excel/PowerPoint and WPS
documents (OOXML and the legacy OLE2 formats), OpenDocument (.odt/.ods/.odp, what
LibreOffice-based 信创 offices save), JPEG and PNG. Refused with a reason:
executables, HTML/SVG and other markup, HEIC (phones can save JPEG), archives
(a ZIP can hide anything and unpack to any size), documents carrying macros, OOXML
that loads content from outside the file, and any file whose content does not
match its extension. `filetype` reads magic numbers; the ZIP-based formats (OFD,
OOXML, ODF) are told apart, and checked, by their inner parts.

Bounded time and memory whatever the file: the ZIP's central directory is sized
from its end record before zipfile parses it, and only a few small entries are
read ([Content_Types].xml, the *.rels, mimetype, META-INF/manifest.xml), each
through at most ENTRY_CAP decompressed bytes and all of them through READ_BUDGET,
stored or deflated only (zipfile inflates bzip2 and LZMA without an output
limit). No entry is ever extracted whole. The XML is parsed with defusedxml
(no DTDs, no entities), not with regular expressions: a part may be in UTF-16 and
its attributes in any order, and a pattern that misses them would let a hostile
file through.
"""

import posixpath
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from urllib.parse import unquote
from xml.etree.ElementTree import ParseError

import filetype
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
SHEET_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
SLIDES_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
ODF_TEXT = "application/vnd.oasis.opendocument.text"
ODF_SPREADSHEET = "application/vnd.oasis.opendocument.spreadsheet"
ODF_PRESENTATION = "application/vnd.oasis.opendocument.presentation"
# sniffed kind -> (content type, extensions a user may give it)
ALLOWED = {
    "pdf": ("application/pdf", {"pdf"}),
    "ofd": ("application/ofd", {"ofd"}),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", {"docx", "wps"}),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {"xlsx", "et"}),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", {"pptx", "dps"}),
    "odt": (ODF_TEXT, {"odt"}),
    "ods": (ODF_SPREADSHEET, {"ods"}),
    "odp": (ODF_PRESENTATION, {"odp"}),
    # Legacy Word/Excel/PowerPoint and WPS files share the OLE2 container.
    "ole2": ("application/octet-stream", {"doc", "xls", "ppt", "wps", "et", "dps"}),
    "jpg": ("image/jpeg", {"jpg", "jpeg"}),
    "png": ("image/png", {"png"}),
}
ACCEPTED_EXTENSIONS = set().union(*(extensions for _type, extensions in ALLOWED.values()))
OLE2_TYPES = {
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
}
# WPS Office's own files, OLE2 or OOXML inside, get the types WPS Office registers for
# them (never application/vnd.ms-works: that is Microsoft Works).
WPS_TYPES = {"wps": "application/kswps", "et": "application/kset", "dps": "application/ksdps"}
WPS_NAMES = {
    "application/kswps": gettext_lazy("WPS Writer"),
    "application/kset": gettext_lazy("WPS Spreadsheets"),
    "application/ksdps": gettext_lazy("WPS Presentation"),
}
OOXML_KINDS = {WORD_MAIN: "docx", SHEET_MAIN: "xlsx", SLIDES_MAIN: "pptx"}
ODF_KINDS = {ODF_TEXT: "odt", ODF_SPREADSHEET: "ods", ODF_PRESENTATION: "odp"}
ZIP_EXTENSIONS = {"ofd", "docx", "xlsx", "pptx", "wps", "et", "dps", "odt", "ods", "odp"}
IMAGE_KINDS = {"jpg", "png"}

MAX_ENTRIES = 20_000  # a 500-page scanned OFD has a few thousand
MAX_DIRECTORY = 4 * 1024 * 1024  # bytes of central directory
ENTRY_CAP = 512 * 1024  # decompressed bytes read of one inner part
READ_BUDGET = 8 * 1024 * 1024  # ... and of all of them together

ARCHIVES = gettext_lazy("Archives (ZIP) are not accepted: upload the documents themselves.")
NOT_ACCEPTED = gettext_lazy(
    "This type of file is not accepted. Upload PDF, OFD, Word, Excel, PowerPoint, WPS, ODF (.odt, .ods, .odp), JPG or PNG."
)
MISMATCH = gettext_lazy(
    "The file's content (%(kind)s) does not match its name (.%(ext)s). Rename it or upload the original."
)
NOT_WHAT_NAME_SAYS = gettext_lazy(
    "The file's content does not match its name (.%(ext)s): it is not a real %(type)s file. Upload the original file."
)
MACROS = gettext_lazy(
    "This document contains macros (program code that runs when it is opened): it is not accepted. Save it as a document without macros (.docx, .xlsx, .pptx, .odt, .ods, .odp) or as PDF, and upload that."
)
EXTERNAL = gettext_lazy(
    "This document loads content from outside the file (a remote template, a linked picture or object): it is not accepted. Break the links and save it again, or save it as PDF."
)
DAMAGED = gettext_lazy(
    "The document could not be checked: its inner structure is damaged or unusually large. Open it, save it again and upload it, or save it as PDF."
)


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


def type_label(content_type, name):
    """A file's type as the pages show it: WPS files by WPS Office's names, others by extension."""
    if content_type in WPS_NAMES:
        return str(WPS_NAMES[content_type])
    return extension_of(name or "").upper()


def _extension_label(ext):
    return str(WPS_NAMES[WPS_TYPES[ext]]) if ext in WPS_TYPES else ext.upper()


class _Unreadable(Exception):
    """The ZIP, or a part of it that we read, is broken, encrypted, oddly compressed or too large."""


READ_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    struct.error,
    OSError,
    EOFError,
    ValueError,
    RuntimeError,  # an encrypted entry
    NotImplementedError,  # an unknown compression method
    KeyError,
)


def _directory_fits(fh):
    """Whether the central directory is small enough to hand to zipfile, which reads it
    whole and makes an object per entry: a million empty entries would cost hundreds of
    MB before a name is looked at. Reads only the end records (ZIP64 ones too), found as
    zipfile finds them. None: no end record, not a ZIP."""
    fh.seek(0, 2)
    size = fh.tell()
    start = max(0, size - (22 + 0xFFFF + 20))
    fh.seek(start)
    tail = fh.read()
    at = len(tail) - 22 if tail[-22:-18] == b"PK\x05\x06" else tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        return None
    _sig, _disk, _cd_disk, _here, entries, cd_size, cd_offset, _comment = struct.unpack("<4s4H2LH", tail[at : at + 22])
    if entries == 0xFFFF or 0xFFFFFFFF in (cd_size, cd_offset):
        locator = tail[at - 20 : at] if at >= 20 else b""
        if locator[:4] != b"PK\x06\x07":
            return False
        _sig, _disk, record_at, _disks = struct.unpack("<4sLQL", locator)
        fh.seek(record_at)
        record = fh.read(56)
        if len(record) < 56 or record[:4] != b"PK\x06\x06":
            return False
        entries, cd_size = struct.unpack("<QQ", record[32:48])
    return entries <= MAX_ENTRIES and cd_size <= MAX_DIRECTORY


def _local(tag):
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _attr(element, name):
    """An attribute by its local name, whatever its namespace (ODF's manifest prefixes them)."""
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value
    return ""


def _script_path(path):
    """An ODF entry in a Basic/ or Scripts/ folder (the document's own, or an embedded object's)."""
    return any(part in ("basic", "scripts") for part in path.replace("\\", "/").lower().split("/")[:-1])


def _macro_type(content_type):
    low = content_type.lower()
    return any(word in low for word in ("macroenabled", "vbaproject", "vbadata", "macrosheet"))


def _macro_part(name):
    low = name.lower()
    base = low.rsplit("/", 1)[-1]
    return base.startswith("vbaproject") or base == "vbadata.xml" or "/macrosheets/" in f"/{low}"


def _local_file(target):
    """An absolute path on the reader's own disk (C:\\…, file:///C:/…, /home/…), not a share
    (\\\\host\\…, file://host/…, file:////host/…) nor a web address."""
    t = unquote(target).strip().replace("\\", "/")
    if t.lower().startswith("file:///"):
        t = t[8:] if re.match(r"[A-Za-z]:/", t[8:]) else t[7:]
    return re.fullmatch(r"(?:[A-Za-z]:)?/(?!/)[^:]*", t) is not None


def _harmless_external(rel_type, target):
    """External relationships that load nothing when the document opens: a hyperlink is
    followed only when someone clicks it; a template attached from the author's own disk
    (Word records it for every document made from a 公文 template) names a file the
    reviewer does not have. A remote or network template, a linked picture or object, a
    linked workbook, a frame: all of these fetch something on opening."""
    low = rel_type.lower()
    if low.endswith("/hyperlink"):
        return True
    return low.endswith("/attachedtemplate") and _local_file(target)


class _Package:
    """An open ZIP whose directory fits, read with a budget."""

    def __init__(self, archive, ext):
        self.archive = archive
        self.ext = ext
        self.infos = archive.infolist()
        self.by_name = {}
        for info in self.infos:
            key = info.filename.lower()
            if key in self.by_name:
                # Two entries of one name: which one an office program reads is anyone's guess.
                raise _Unreadable
            self.by_name[key] = info
        self.budget = READ_BUDGET

    def read(self, name):
        info = self.by_name.get(name.lower())
        if info is None:
            return None
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _Unreadable
        cap = min(ENTRY_CAP, self.budget)
        with self.archive.open(info) as entry:
            data = entry.read(cap + 1)
        if len(data) > cap:
            raise _Unreadable
        self.budget -= len(data)
        return data

    def xml(self, name):
        data = self.read(name)
        if data is None:
            return None
        try:
            return fromstring(data, forbid_dtd=True)
        except (ParseError, DefusedXmlException) as exc:
            raise _Unreadable from exc

    def kind(self):
        first = self.infos[0] if self.infos else None
        if first is not None and first.filename == "mimetype" and first.header_offset == 0:
            return self._odf_kind()
        if "ofd.xml" in self.by_name:
            return "ofd"
        if "[content_types].xml" in self.by_name:
            return self._ooxml_kind()
        return "zip"

    def _odf_kind(self):
        """ODF: the `mimetype` entry first (stored uncompressed, says the standard; a
        compressed one is read too), its value one of the three document types; no
        Basic/ or Scripts/ folder, in the ZIP or in the manifest."""
        mimetype = (self.read("mimetype") or b"").decode("ascii", "replace").strip()
        kind = ODF_KINDS.get(mimetype)
        if kind is None or self.ext not in ALLOWED[kind][1]:
            return kind or "odf-other"  # refused as such: not accepted, or not what its name says
        if any(_script_path(info.filename) for info in self.infos):
            raise Refused(str(MACROS))
        manifest = self.xml("META-INF/manifest.xml")
        if manifest is None:
            raise _Unreadable
        for entry in manifest.iter():
            if _local(entry.tag) != "file-entry":
                continue
            path, media_type = _attr(entry, "full-path"), _attr(entry, "media-type").lower()
            if _script_path(path) or any(word in media_type for word in ("script", "basic", "macro")):
                raise Refused(str(MACROS))
            if path == "/" and media_type and media_type != mimetype.lower():
                raise _Unreadable
        return kind

    def _ooxml_kind(self):
        """OOXML: no VBA project and no macro-enabled content type; no relationship
        (in any *.rels) that loads something from outside the file; the main part, as
        _rels/.rels names it, of a Word, Excel or PowerPoint document type."""
        types = self.xml("[Content_Types].xml")
        defaults, overrides = {}, {}
        for element in types.iter():
            if _local(element.tag) == "Default":
                defaults[element.get("Extension", "").lower()] = element.get("ContentType", "")
            elif _local(element.tag) == "Override":
                overrides[unquote(element.get("PartName", "")).lower()] = element.get("ContentType", "")
        if any(_macro_type(t) for t in (*defaults.values(), *overrides.values())) or any(
            _macro_part(info.filename) for info in self.infos
        ):
            raise Refused(str(MACROS))
        main = []
        for info in self.infos:
            if not info.filename.lower().endswith(".rels"):
                continue
            root = info.filename.lower() == "_rels/.rels"
            for rel in self.xml(info.filename).iter():
                if _local(rel.tag) != "Relationship":
                    continue
                rel_type, target = rel.get("Type", ""), rel.get("Target", "")
                if rel.get("TargetMode", "").lower() == "external" and not _harmless_external(rel_type, target):
                    raise Refused(str(EXTERNAL))
                if root and rel_type.endswith("/officeDocument"):
                    main.append(target)
        if len(main) != 1:
            raise _Unreadable
        part = unquote(posixpath.normpath("/" + main[0].lstrip("/"))).lower()
        if not any(unquote(name) == part[1:] for name in self.by_name):  # ZIP names may keep the %-escapes
            raise _Unreadable
        content_type = overrides.get(part) or defaults.get(extension_of(part), "")
        return OOXML_KINDS.get(content_type, "ooxml-other")


def _zip_kind(fh, ext):
    """The kind of a ZIP-based file: "ofd", an OOXML or ODF kind that passed its checks,
    "zip" for any other ZIP, or another word for a package of a type we do not take."""
    try:
        if not _directory_fits(fh):
            raise _Unreadable
        fh.seek(0)
        with zipfile.ZipFile(fh) as archive:
            return _Package(archive, ext).kind()
    except Refused:
        raise
    except (_Unreadable, *READ_ERRORS):
        raise Refused(str(DAMAGED if ext in ZIP_EXTENSIONS else ARCHIVES)) from None
    finally:
        fh.seek(0)


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
        kind = _zip_kind(fh, ext)
        if kind == "zip" and ext not in ACCEPTED_EXTENSIONS:
            raise Refused(str(ARCHIVES))
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
            raise Refused(str(ARCHIVES))
    if kind is None and ext in ACCEPTED_EXTENSIONS:
        raise Refused(NOT_WHAT_NAME_SAYS % {"ext": ext, "type": _extension_label(ext)})
    if kind == "zip":
        raise Refused(MISMATCH % {"kind": "ZIP", "ext": ext})
    if kind not in ALLOWED:
        raise Refused(str(NOT_ACCEPTED))
    content_type, extensions = ALLOWED[kind]
    if ext not in extensions:
        raise Refused(MISMATCH % {"kind": kind.upper() if kind != "ole2" else "DOC/XLS/WPS", "ext": ext or "?"})
    if ext in WPS_TYPES:
        content_type = WPS_TYPES[ext]
    elif kind == "ole2":
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
