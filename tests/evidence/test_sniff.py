import io
import re

import pytest

from evidence.sniff import NOT_ACCEPTED, Refused, clean_filename, sniff

from . import samples


@pytest.mark.parametrize(
    "data, name, kind",
    [
        (samples.pdf(), "通知.pdf", "pdf"),
        (samples.jpeg(), "现场照片.JPG", "jpg"),
        (samples.png(), "截图.png", "png"),
        (samples.docx(), "方案.docx", "docx"),
        (samples.xlsx(), "台账.xlsx", "xlsx"),
        (samples.ofd(), "红头文件.ofd", "ofd"),
        (samples.ole2(), "旧文件.doc", "ole2"),
        (samples.ole2(), "报表.xls", "ole2"),
        (samples.ole2(), "文稿.wps", "ole2"),
        (samples.docx(), "文稿.wps", "docx"),
        (samples.odf(), "方案.odt", "odt"),
        (samples.pptx(), "汇报.pptx", "pptx"),
    ],
)
def test_accepted_types(data, name, kind):
    assert sniff(io.BytesIO(data), name).kind == kind


@pytest.mark.parametrize(
    "data, name, words",
    [
        (samples.EXE, "通知.pdf", "可执行程序"),
        (samples.EXE, "setup.exe", "程序"),
        (samples.HTML, "页面.pdf", "网页"),
        (samples.SVG, "图标.png", "网页"),
        (samples.HEIC, "IMG_0001.heic", "HEIC"),
        (samples.plain_zip(), "材料.zip", "压缩"),
        (samples.png(), "伪装.pdf", "不一致"),
        (samples.pdf(), "伪装.jpg", "不一致"),
        (samples.docx(), "伪装.xlsx", "不一致"),
        (b"", "空.pdf", "空"),
        (b"just some text", "说明.txt", NOT_ACCEPTED),
    ],
)
def test_refused_types_say_why(data, name, words, settings):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(Refused, match=re.escape(str(words))):
        sniff(io.BytesIO(data), name)


@pytest.mark.parametrize(
    "name", ["../../etc/passwd.pdf", "a\\b.pdf", "x\x00.pdf", "a\nb.pdf", "." * 3, "长" * 201 + ".pdf"]
)
def test_hostile_names_are_refused(name):
    with pytest.raises(Refused):
        clean_filename(name)


def test_chinese_names_pass():
    assert clean_filename(" 2025年法治政府建设工作报告（定稿）.pdf ") == "2025年法治政府建设工作报告（定稿）.pdf"
