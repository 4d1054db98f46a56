"""Office files as counties and 信创 offices make them: ODF from LibreOffice-based offices,
WPS files (OLE2 or OOXML inside), OOXML; and the hostile variants: macros, remote
templates and linked objects, a type that lies, bombs. Real files come from LibreOffice
(conftest.office_files); the hostile ones are built from them with zipfile."""

import importlib
import io
import re
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from evidence import sniff as sniffing
from evidence.forms import FILE_ACCEPT
from evidence.models import Evidence, EvidenceRevision
from evidence.sniff import Refused, sniff

from . import samples

WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
REL_NS = samples.REL_NS
ATTACHED_TEMPLATE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"
OLE_OBJECT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/oleObject"
HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"


def refusal(data, name):
    """The message a refused file gets, in Chinese (the catalogue's wording once it has one)."""
    with translation.override("zh-hans"), pytest.raises(Refused) as caught:
        sniff(io.BytesIO(data), name)
    return str(caught.value)


def zh(message, **params):
    with translation.override("zh-hans"):
        return str(message) % params if params else str(message)


def rels(*relationships, encoding="utf-8"):
    body = "".join(
        f'<Relationship Id="rId{n}" Type="{t}" Target="{target}"{mode}/>'
        for n, (t, target, mode) in enumerate(relationships, 1)
    )
    xml = f'<?xml version="1.0" encoding="{encoding}"?><Relationships xmlns="{REL_NS}">{body}</Relationships>'
    return xml.encode(encoding)


EXTERNAL = ' TargetMode="External"'


def with_settings_rels(docx, target, rel_type=ATTACHED_TEMPLATE):
    """A .docx whose settings part names a template (Word's attachedTemplate)."""
    return samples.rezip(docx, add={"word/_rels/settings.xml.rels": rels((rel_type, target, EXTERNAL))})


# --- Real files, as LibreOffice writes them -----------------------------------------------


@pytest.mark.parametrize(
    "fmt, name, kind, content_type",
    [
        ("odt", "工作方案.odt", "odt", "application/vnd.oasis.opendocument.text"),
        ("ods", "台账.ods", "ods", "application/vnd.oasis.opendocument.spreadsheet"),
        ("docx", "工作方案.docx", "docx", WORD),
        ("xlsx", "台账.xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("doc", "工作方案.doc", "ole2", "application/msword"),
        ("xls", "台账.xls", "ole2", "application/vnd.ms-excel"),
        # WPS files: OLE2 or OOXML inside, typed as WPS Office registers them.
        ("doc", "工作方案.wps", "ole2", "application/kswps"),
        ("docx", "工作方案.wps", "docx", "application/kswps"),
        ("xls", "台账.et", "ole2", "application/kset"),
        ("xlsx", "台账.et", "xlsx", "application/kset"),
    ],
)
def test_real_office_files_are_accepted_and_typed(office_files, fmt, name, kind, content_type):
    sniffed = sniff(io.BytesIO(office_files[fmt]), name)
    assert (sniffed.kind, sniffed.content_type) == (kind, content_type)


@pytest.mark.parametrize(
    "data, name, kind, content_type",
    [
        (samples.odp(), "汇报.odp", "odp", "application/vnd.oasis.opendocument.presentation"),
        (
            samples.pptx(),
            "汇报.pptx",
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        (samples.pptx(), "汇报.dps", "pptx", "application/ksdps"),
        (samples.ole2(), "汇报.dps", "ole2", "application/ksdps"),
        (samples.ofd(), "红头文件.ofd", "ofd", "application/ofd"),
    ],
)
def test_presentations_and_ofd_are_accepted(data, name, kind, content_type):
    # Impress is not among the LibreOffice packages installed for the tests: the
    # presentations are the small packages of samples.py.
    sniffed = sniff(io.BytesIO(data), name)
    assert (sniffed.kind, sniffed.content_type) == (kind, content_type)


def test_wps_files_are_never_typed_as_microsoft_works(office_files):
    assert sniff(io.BytesIO(office_files["doc"]), "文稿.wps").content_type != "application/vnd.ms-works"
    assert sniffing.type_label("application/kswps", "文稿.wps") == str(sniffing.WPS_NAMES["application/kswps"])
    assert sniffing.type_label("application/vnd.oasis.opendocument.text", "方案.odt") == "ODT"
    assert sniffing.type_label("application/vnd.ms-excel", "报表.xls") == "XLS"


# --- A type that lies ---------------------------------------------------------------------


def test_an_odt_renamed_ods_is_refused(office_files):
    assert refusal(office_files["odt"], "台账.ods") == zh(sniffing.MISMATCH, kind="ODT", ext="ods")


def test_an_odt_whose_mimetype_says_spreadsheet_is_refused(office_files):
    lying = samples.rezip(office_files["odt"], replace={"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"})
    assert refusal(lying, "方案.odt") == zh(sniffing.MISMATCH, kind="ODS", ext="odt")


def test_an_odt_whose_mimetype_is_not_first_is_not_an_odt(office_files):
    shuffled = samples.rezip(office_files["odt"], order=["content.xml"])
    assert refusal(shuffled, "方案.odt") == zh(sniffing.MISMATCH, kind="ZIP", ext="odt")


def test_an_odf_of_another_type_is_not_accepted(office_files):
    drawing = samples.odf("application/vnd.oasis.opendocument.graphics")
    assert refusal(drawing, "图.odt") == zh(sniffing.NOT_ACCEPTED)
    assert refusal(samples.odf("application/epub+zip"), "书.odt") == zh(sniffing.NOT_ACCEPTED)


def test_a_manifest_that_contradicts_the_mimetype_is_refused(office_files):
    manifest = zipfile.ZipFile(io.BytesIO(office_files["odt"])).read("META-INF/manifest.xml")
    lying = re.sub(rb'(full-path="/"[^>]*media-type="[^"]*)\.text"', rb'\1.spreadsheet"', manifest)
    assert lying != manifest
    forged = samples.rezip(office_files["odt"], replace={"META-INF/manifest.xml": lying})
    assert refusal(forged, "方案.odt") == zh(sniffing.DAMAGED)


def test_a_docx_whose_main_part_is_a_workbook_is_refused(office_files):
    types = zipfile.ZipFile(io.BytesIO(office_files["docx"])).read("[Content_Types].xml")
    lying = types.replace(b"wordprocessingml.document.main+xml", b"spreadsheetml.sheet.main+xml")
    forged = samples.rezip(office_files["docx"], replace={"[Content_Types].xml": lying})
    assert refusal(forged, "方案.docx") == zh(sniffing.MISMATCH, kind="XLSX", ext="docx")
    assert refusal(office_files["xlsx"], "台账.dps") == zh(sniffing.MISMATCH, kind="XLSX", ext="dps")


def test_an_ooxml_without_its_main_part_is_refused(office_files):
    assert refusal(samples.rezip(office_files["docx"], drop=["word/document.xml"]), "方案.docx") == zh(sniffing.DAMAGED)
    assert refusal(samples.rezip(office_files["docx"], drop=["_rels/.rels"]), "方案.docx") == zh(sniffing.DAMAGED)


@pytest.mark.parametrize(
    "data, name",
    [
        (b"just some text, saved as .et", "台账.et"),
        ("一份文本文件".encode("gbk"), "文稿.wps"),
        (b"\x00\x01\x02\x03" * 64, "汇报.dps"),
    ],
)
def test_wps_extensions_on_anything_else_are_not_what_the_name_says(data, name):
    ext = name.rsplit(".", 1)[1]
    label = str(sniffing.WPS_NAMES[sniffing.WPS_TYPES[ext]])
    assert refusal(data, name) == zh(sniffing.NOT_WHAT_NAME_SAYS, ext=ext, type=label)


@pytest.mark.parametrize(
    "data, name, kind",
    [(samples.pdf(), "台账.et", "PDF"), (samples.png(), "文稿.wps", "PNG"), (samples.plain_zip(), "汇报.dps", "ZIP")],
)
def test_wps_extensions_on_other_documents_are_refused(data, name, kind):
    assert refusal(data, name) == zh(sniffing.MISMATCH, kind=kind, ext=name.rsplit(".", 1)[1])


# --- Macros -------------------------------------------------------------------------------


def test_a_docx_with_a_vba_project_is_refused(office_files):
    types = zipfile.ZipFile(io.BytesIO(office_files["docx"])).read("[Content_Types].xml")
    with_vba = types.replace(
        b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>'
    )
    macro = samples.rezip(
        office_files["docx"], replace={"[Content_Types].xml": with_vba}, add={"word/vbaProject.bin": samples.ole2()}
    )
    assert refusal(macro, "方案.docx") == zh(sniffing.MACROS)
    # The VBA project alone, its content type left out, is refused too.
    bare = samples.rezip(office_files["docx"], add={"word/vbaProject.bin": samples.ole2()})
    assert refusal(bare, "方案.docx") == zh(sniffing.MACROS)


def test_a_macro_enabled_document_renamed_docx_is_refused(office_files):
    types = zipfile.ZipFile(io.BytesIO(office_files["docx"])).read("[Content_Types].xml")
    docm = types.replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.macroEnabled.main+xml",
    )
    assert refusal(samples.rezip(office_files["docx"], replace={"[Content_Types].xml": docm}), "方案.docx") == zh(
        sniffing.MACROS
    )


@pytest.mark.parametrize(
    "data",
    [
        samples.ooxml("excel", extra={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"}),
        samples.ooxml("excel", main_type="application/vnd.ms-excel.sheet.macroEnabled.main+xml"),
        # An Excel 4.0 macro sheet: macros without VBA.
        samples.ooxml(
            "excel",
            extra_types='<Override PartName="/xl/macrosheets/sheet1.xml" ContentType="application/vnd.ms-excel.macrosheet+xml"/>',
            extra={"xl/macrosheets/sheet1.xml": "<xm:macrosheet/>"},
        ),
    ],
)
def test_workbooks_with_macros_are_refused_also_as_et(data):
    assert refusal(data, "台账.xlsx") == zh(sniffing.MACROS)
    assert refusal(data, "台账.et") == zh(sniffing.MACROS)


def test_an_odt_with_a_basic_library_is_refused(office_files):
    manifest = zipfile.ZipFile(io.BytesIO(office_files["odt"])).read("META-INF/manifest.xml")
    entries = (
        b'<manifest:file-entry manifest:full-path="Basic/Standard/Module1.xml" manifest:media-type="text/xml"/>'
        b'<manifest:file-entry manifest:full-path="Basic/script-lc.xml" manifest:media-type="text/xml"/>'
    )
    macro = samples.rezip(
        office_files["odt"],
        replace={"META-INF/manifest.xml": manifest.replace(b"</manifest:manifest>", entries + b"</manifest:manifest>")},
        add={
            "Basic/script-lc.xml": "<library:libraries/>",
            "Basic/Standard/Module1.xml": "<script:module>Sub Main\nShell(&quot;calc.exe&quot;)\nEnd Sub</script:module>",
        },
    )
    assert refusal(macro, "方案.odt") == zh(sniffing.MACROS)


@pytest.mark.parametrize(
    "manifest_extra, extra",
    [
        # Named in the manifest only (a Python script the ZIP hides under another name).
        ('<manifest:file-entry manifest:full-path="Scripts/python/run.py" manifest:media-type=""/>', None),
        (
            '<manifest:file-entry manifest:full-path="macro.bin" manifest:media-type="application/vnd.sun.star.basic-script"/>',
            None,
        ),
        # In the ZIP only, not in the manifest.
        ("", {"Scripts/python/run.py": "import os"}),
        ("", {"Object 1/Basic/Standard/Module1.xml": "<script:module/>"}),
    ],
)
def test_odf_scripts_are_refused_wherever_they_are_named(manifest_extra, extra):
    for mimetype, name in ((sniffing.ODF_SPREADSHEET, "台账.ods"), (sniffing.ODF_PRESENTATION, "汇报.odp")):
        assert refusal(samples.odf(mimetype, manifest_extra, extra), name) == zh(sniffing.MACROS)


def test_an_odt_without_a_manifest_is_refused():
    assert refusal(samples.rezip(samples.odf(), drop=["META-INF/manifest.xml"]), "方案.odt") == zh(sniffing.DAMAGED)


# --- Content from outside the file ---------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "http://203.0.113.9/template.dotm",
        "https://example.com/公文模板.dotx",
        "\\\\203.0.113.9\\share\\template.dotm",  # a network share: Windows sends the user's credentials
        "file://203.0.113.9/share/template.dotm",
        "file:////203.0.113.9/share/template.dotm",
        "template.dotm",  # next to wherever the reviewer saves the document
    ],
)
def test_a_docx_with_a_remote_template_is_refused(office_files, target):
    assert refusal(with_settings_rels(office_files["docx"], target), "方案.docx") == zh(sniffing.EXTERNAL)


def test_a_docx_with_a_linked_object_or_picture_is_refused(office_files):
    document_rels = zipfile.ZipFile(io.BytesIO(office_files["docx"])).read("word/_rels/document.xml.rels")
    for rel_type, target in (
        (OLE_OBJECT, "mhtml:http://203.0.113.9/x.html!x-usc:http://203.0.113.9/x.html"),
        (OLE_OBJECT, "file:///C:/台账/2025.xlsx"),
        (IMAGE, "http://203.0.113.9/track.png"),
    ):
        linked = document_rels.replace(
            b"</Relationships>",
            f'<Relationship Id="rId99" Type="{rel_type}" Target="{target}" TargetMode="External"/></Relationships>'.encode(),
        )
        forged = samples.rezip(office_files["docx"], replace={"word/_rels/document.xml.rels": linked})
        assert refusal(forged, "方案.docx") == zh(sniffing.EXTERNAL), target


def test_an_external_relationship_is_found_in_utf16_too(office_files):
    # A pattern over the bytes would miss it; Word reads UTF-16 parts.
    hidden = rels((OLE_OBJECT, "http://203.0.113.9/x", EXTERNAL), encoding="utf-16")
    forged = samples.rezip(office_files["docx"], add={"word/_rels/footer1.xml.rels": hidden})
    assert refusal(forged, "方案.docx") == zh(sniffing.EXTERNAL)


def test_a_workbook_linked_to_another_is_refused(office_files):
    link = rels(
        (
            "http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLinkPath",
            "file:///C:/台账.xlsx",
            EXTERNAL,
        )
    )
    forged = samples.rezip(office_files["xlsx"], add={"xl/externalLinks/_rels/externalLink1.xml.rels": link})
    assert refusal(forged, "台账.et") == zh(sniffing.EXTERNAL)


def test_hyperlinks_and_a_template_on_the_authors_disk_are_accepted(office_files):
    document_rels = zipfile.ZipFile(io.BytesIO(office_files["docx"])).read("word/_rels/document.xml.rels")
    linked = document_rels.replace(
        b"</Relationships>",
        f'<Relationship Id="rId99" Type="{HYPERLINK}" Target="https://www.gov.cn/zhengce/" TargetMode="External"/>'
        "</Relationships>".encode(),
    )
    with_link = samples.rezip(office_files["docx"], replace={"word/_rels/document.xml.rels": linked})
    assert sniff(io.BytesIO(with_link), "方案.docx").kind == "docx"
    for target in (
        "file:///C:/Users/张三/AppData/Roaming/Microsoft/Templates/红头公文.dotx",
        "C:\\Users\\张三\\Documents\\公文模板.dotx",
        "file:///home/kylin/模板/公文.dotx",
    ):
        assert sniff(io.BytesIO(with_settings_rels(office_files["docx"], target)), "方案.docx").kind == "docx"


# --- Bombs and broken packages: bounded time and memory --------------------------------


def _measure(data, name):
    tracemalloc.start()
    started = time.monotonic()
    try:
        message = refusal(data, name)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return message, peak, time.monotonic() - started


def test_a_content_types_bomb_is_refused_in_bounded_memory():
    bomb = samples.rezip(samples.docx(), drop=["[Content_Types].xml"])
    out = io.BytesIO(bomb)
    with zipfile.ZipFile(out, "a") as z:
        info = zipfile.ZipInfo("[Content_Types].xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w", force_zip64=True) as entry:
            entry.write(b'<?xml version="1.0"?><Types xmlns="x">')
            for _ in range(256):
                entry.write(b" " * (1 << 20))  # 256 MB of spaces, about 250 KB deflated
    data = out.getvalue()
    assert len(data) < 2 * 1024 * 1024
    message, peak, seconds = _measure(data, "方案.docx")
    assert message == zh(sniffing.DAMAGED)
    assert peak < 8 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
    assert seconds < 5


def test_parts_compressed_with_bzip2_or_lzma_are_not_inflated():
    # zipfile inflates bzip2 and LZMA without an output limit: a few KB can become GBs.
    for method in (zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA):
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(samples.docx())) as source, zipfile.ZipFile(out, "w") as z:
            for info in source.infolist():
                compress = method if info.filename == "[Content_Types].xml" else zipfile.ZIP_DEFLATED
                z.writestr(info.filename, source.read(info), compress)
        assert refusal(out.getvalue(), "方案.docx") == zh(sniffing.DAMAGED)


def test_a_zip_of_very_many_entries_is_refused_before_its_directory_is_parsed():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        for n in range(sniffing.MAX_ENTRIES):
            z.writestr(f"p/{n}", b"")
    data = out.getvalue()
    message, peak, seconds = _measure(data, "方案.docx")
    assert message == zh(sniffing.DAMAGED)
    assert peak < 4 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"  # the end records, never the directory
    assert refusal(data, "材料.zip") == zh(sniffing.ARCHIVES)


def test_zip64_end_records_are_read(monkeypatch):
    many = 0x10000  # more entries than a plain end record can count: zipfile writes the ZIP64 ones
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for n in range(many):
            z.writestr(f"{n}", b"")
    data = out.getvalue()
    assert data[-22:][8:10] == b"\xff\xff"  # the plain record says "see ZIP64"
    assert sniffing._directory_fits(io.BytesIO(data)) is False
    monkeypatch.setattr(sniffing, "MAX_ENTRIES", many)
    assert sniffing._directory_fits(io.BytesIO(data)) is True
    monkeypatch.setattr(sniffing, "MAX_ENTRIES", many - 1)
    assert sniffing._directory_fits(io.BytesIO(data)) is False


def test_duplicate_entries_and_broken_xml_are_refused():
    docx = samples.docx()
    out = io.BytesIO(docx)
    with zipfile.ZipFile(out, "a") as z, pytest.warns(UserWarning, match="Duplicate name"):
        z.writestr("[Content_Types].xml", "<Types/>")
    assert refusal(out.getvalue(), "方案.docx") == zh(sniffing.DAMAGED)
    billion_laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        "<Types>&lol2;</Types>"
    )
    assert refusal(samples.rezip(docx, replace={"[Content_Types].xml": billion_laughs}), "方案.docx") == (
        zh(sniffing.DAMAGED)
    )
    truncated = docx[: len(docx) // 2]
    assert refusal(truncated, "方案.docx") == zh(sniffing.DAMAGED)
    assert refusal(truncated, "材料.zip") == zh(sniffing.ARCHIVES)


def test_an_encrypted_entry_is_refused():
    data = bytearray(samples.docx())
    # Set the "encrypted" flag on every entry, in the local headers and the directory.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at >= 0:
            data[at + offset] |= 1
            at = data.find(signature, at + 4)
    assert refusal(bytes(data), "方案.docx") == zh(sniffing.DAMAGED)


# --- Through the upload page -------------------------------------------------------------


def _post(client, share, name, data):
    return client.post(
        reverse("evidence:add_files", args=[share.pk]),
        {"kind": "document", "files": SimpleUploadedFile(name, data)},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )


@pytest.fixture
def liaison(client, world):
    client.force_login(world.liaison_a)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fmt, name, content_type, label",
    [
        ("odt", "工作方案.odt", "application/vnd.oasis.opendocument.text", "ODT"),
        ("ods", "台账.ods", "application/vnd.oasis.opendocument.spreadsheet", "ODS"),
        ("docx", "工作方案.docx", WORD, "DOCX"),
        ("doc", "工作方案.wps", "application/kswps", sniffing.WPS_NAMES["application/kswps"]),
        ("xls", "台账.et", "application/kset", sniffing.WPS_NAMES["application/kset"]),
    ],
)
def test_upload_accepts_real_office_files_and_shows_their_type(
    liaison, world, office_files, fmt, name, content_type, label
):
    share = world.shares.a_soon
    response = _post(liaison, share, name, office_files[fmt])
    assert response.status_code == 200 and response.json()["ok"], response.json()
    revision = EvidenceRevision.objects.get()
    assert (revision.original_name, revision.content_type) == (name, content_type)
    label = zh(label)
    assert revision.type_label == label
    with translation.override("zh-hans"):
        page = liaison.get(share.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        detail = liaison.get(revision.evidence.get_absolute_url()).content.decode()
    assert f'<span class="evidence-icon rounded">{label}</span>' in page
    assert f"<span>{label}</span>" in detail


@pytest.mark.django_db
def test_upload_refuses_hostile_office_files_with_a_clear_message(liaison, world, office_files, media_root):
    share = world.shares.a_soon
    types = zipfile.ZipFile(io.BytesIO(office_files["docx"])).read("[Content_Types].xml")
    vba_types = types.replace(
        b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>'
    )
    cases = [
        (
            "宏.docx",
            samples.rezip(
                office_files["docx"],
                replace={"[Content_Types].xml": vba_types},
                add={"word/vbaProject.bin": samples.ole2()},
            ),
            zh(sniffing.MACROS),
        ),
        (
            "宏.odt",
            samples.rezip(office_files["odt"], add={"Basic/Standard/Module1.xml": "<script:module/>"}),
            zh(sniffing.MACROS),
        ),
        (
            "远程模板.docx",
            with_settings_rels(office_files["docx"], "http://203.0.113.9/t.dotm"),
            zh(sniffing.EXTERNAL),
        ),
        (
            "伪装.odt",
            samples.rezip(office_files["odt"], replace={"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}),
            zh(sniffing.MISMATCH, kind="ODS", ext="odt"),
        ),
        (
            "文本.et",
            b"not a spreadsheet",
            zh(sniffing.NOT_WHAT_NAME_SAYS, ext="et", type=str(sniffing.WPS_NAMES["application/kset"])),
        ),
    ]
    for name, data, message in cases:
        response = _post(liaison, share, name, data)
        assert response.status_code == 400 and message in response.json()["message"], (name, response.json())
    # Without script the form posts and the page shows the message.
    response = liaison.post(
        reverse("evidence:add_files", args=[share.pk]),
        {"kind": "document", "files": SimpleUploadedFile("宏.docx", cases[0][1])},
        follow=True,
    )
    assert zh(sniffing.MACROS) in response.content.decode()
    assert not Evidence.objects.exists() and not EvidenceRevision.objects.exists()
    assert not (media_root / "evidence").exists() or not any((media_root / "evidence").rglob("*.*"))


@pytest.mark.django_db
def test_the_file_pickers_offer_odf(liaison, world):
    assert {".odt", ".ods", ".odp", ".wps", ".et", ".dps", ".ofd"} <= set(FILE_ACCEPT.split(","))
    page = liaison.get(world.shares.a_soon.get_absolute_url()).content.decode()
    assert f'accept="{FILE_ACCEPT}"' in page


@pytest.mark.django_db
def test_stored_wps_files_are_retyped(world):
    """Migration 0004: WPS files stored before it were typed as Microsoft Works, Excel or
    PowerPoint, or as OOXML; they get WPS Office's types. Other files keep theirs."""
    from django.apps import apps

    from evidence.services import evidence_add

    migration = importlib.import_module("evidence.migrations.0004_wps_content_types")
    old = {
        "文稿.wps": ("application/vnd.ms-works", "application/kswps"),
        "文稿2.WPS": (WORD, "application/kswps"),
        "报表.et": ("application/vnd.ms-excel", "application/kset"),
        "报表2.et": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/kset"),
        "汇报.dps": ("application/vnd.ms-powerpoint", "application/ksdps"),
        "报表.xls": ("application/vnd.ms-excel", "application/vnd.ms-excel"),
        "方案.docx": (WORD, WORD),
    }
    for n, name in enumerate(old):
        data = samples.docx() if name.endswith(".docx") else samples.ole2() + bytes([n])
        evidence_add(
            assignment=world.shares.a_soon,
            kind="document",
            title=name,
            by=world.liaison_a,
            upload=SimpleUploadedFile(name, data),
        )
    for name, (before, _after) in old.items():
        EvidenceRevision.objects.filter(original_name=name).update(content_type=before)
    migration.retype_wps(apps, None)
    assert dict(EvidenceRevision.objects.values_list("original_name", "content_type")) == {
        name: after for name, (_before, after) in old.items()
    }
