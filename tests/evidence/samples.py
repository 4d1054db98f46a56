"""Small real files of every accepted kind, and hostile ones, made in memory."""

import io
import zipfile

from PIL import Image


def pdf(text="hello"):
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n% " + text.encode()
    )


def jpeg(size=(64, 48), color=(200, 30, 30), orientation=None):
    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    if orientation:
        exif = Image.Exif()
        exif[0x0112] = orientation
        image.save(out, "JPEG", exif=exif.tobytes())
    else:
        image.save(out, "JPEG")
    return out.getvalue()


def png():
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 120, 0)).save(out, "PNG")
    return out.getvalue()


def _zip(entries):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            # ODF wants its mimetype first and uncompressed; dict order keeps it first.
            z.writestr(name, data, zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED)
    return out.getvalue()


CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
OOXML_PARTS = {
    "word": ("word/document.xml", "wordprocessingml.document", "<w:document/>"),
    "excel": ("xl/workbook.xml", "spreadsheetml.sheet", "<workbook/>"),
    "powerpoint": ("ppt/presentation.xml", "presentationml.presentation", "<p:presentation/>"),
}


def ooxml(family="word", main_type=None, extra_types="", extra=None):
    """A small but well-formed OOXML package: content types, the package relationships
    naming the main part, the main part."""
    part, kind, body = OOXML_PARTS[family]
    main_type = main_type or f"application/vnd.openxmlformats-officedocument.{kind}.main+xml"
    return _zip(
        {
            "[Content_Types].xml": (
                f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{CT_NS}">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                f'<Override PartName="/{part}" ContentType="{main_type}"/>{extra_types}</Types>'
            ),
            "_rels/.rels": (
                f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{REL_NS}">'
                f'<Relationship Id="rId1" Type="{OFFICE_DOCUMENT}" Target="{part}"/></Relationships>'
            ),
            part: body,
            **(extra or {}),
        }
    )


def docx():
    return ooxml("word")


def xlsx():
    return ooxml("excel")


def pptx():
    return ooxml("powerpoint")


def odf(mimetype="application/vnd.oasis.opendocument.text", manifest_extra="", extra=None):
    """A small ODF package: mimetype first and stored, the manifest, the content."""
    return _zip(
        {
            "mimetype": mimetype,
            "META-INF/manifest.xml": (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                f"{manifest_extra}</manifest:manifest>"
            ),
            "content.xml": "<office:document-content/>",
            **(extra or {}),
        }
    )


def odp():
    return odf("application/vnd.oasis.opendocument.presentation")


def rezip(data, replace=None, add=None, drop=(), order=None):
    """A ZIP rebuilt from another: entries replaced (same place), added (at the end) or
    dropped; `order` puts the named entries first. mimetype stays stored."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = {i.filename: source.read(i) for i in source.infolist() if i.filename not in drop}
    entries.update(replace or {})
    entries.update(add or {})
    if order:
        entries = {**{name: entries[name] for name in order}, **entries}
    return _zip(entries)


def ofd():
    return _zip({"OFD.xml": "<ofd:OFD/>", "Doc_0/Document.xml": "<ofd:Document/>"})


def ole2():
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def plain_zip():
    return _zip({"a.txt": "x"})


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 100
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
