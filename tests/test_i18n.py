"""Every user-facing string has a Simplified Chinese translation, and the catalogue
(locale/zh_Hans/LC_MESSAGES/django.po) is the only place translations live."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
# CJK ideographs, radicals, kana, CJK symbols and punctuation, full-width forms.
CJK = re.compile("[\u2e80-\u2fff\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
# Our apps (those with a folder here, in the order settings list them), templates and manage.py.
SOURCES = [app for app in settings.INSTALLED_APPS if (ROOT / app).is_dir()] + ["config", "templates", "manage.py"]


def _entries(po):
    return {(e.msgctxt or "", e.msgid) for e in po if not e.obsolete}


def test_catalogue_has_no_untranslated_or_fuzzy_entries():
    po = polib.pofile(str(PO))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert [e.msgid for e in po.obsolete_entries()] == []


def test_msgids_are_english_only():
    # English is the source language: Chinese belongs in the msgstr ("Photo", not "Photo (图片)").
    # Chinese data a message shows (header names, examples) goes in through a placeholder.
    po = polib.pofile(str(PO))
    assert [e.msgid for e in po if CJK.search(" ".join([e.msgctxt or "", e.msgid, e.msgid_plural or ""]))] == []


def test_catalogue_covers_every_string_in_the_code(tmp_path):
    # Extract afresh from a copy of the sources and compare with the committed catalogue.
    for name in SOURCES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "demo_data"))
        else:
            shutil.copy(src, tmp_path / name)
    (tmp_path / "locale").mkdir()
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-location", "-v0"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={
            "PATH": "/usr/bin:/bin:/usr/local/bin",
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "VAR_DIR": str(tmp_path / "var"),
        },
    )
    assert result.returncode == 0, result.stderr
    fresh = _entries(polib.pofile(str(tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")))
    committed = _entries(polib.pofile(str(PO)))
    assert sorted(fresh - committed) == [], "run makemessages and translate the new strings"


@pytest.mark.parametrize("msgid, chinese", [("My tasks", "我的任务"), ("Overdue", "已逾期"), ("Log in", "登录")])
def test_default_language_is_simplified_chinese(msgid, chinese, settings):
    assert settings.LANGUAGE_CODE == "zh-hans"
    with translation.override(settings.LANGUAGE_CODE):
        assert translation.gettext(msgid) == chinese
