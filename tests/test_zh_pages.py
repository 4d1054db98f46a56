"""Every GET page of the URL matrix, rendered in zh-hans for a persona that may see it, must
read as Chinese: no English words in the visible text outside a small allow-list (codes, file
names, URLs, format names), and no ASCII colon beside Chinese text (Chinese uses ：)."""

import re
from html.parser import HTMLParser

import pytest

from .test_url_matrix import EXPECTED, PERSONAS, _expected

pytestmark = pytest.mark.django_db

# Who looks at a page, in this order: the first persona that gets a 200 sees it.
VIEWERS = ["office_admin", "office_staff", "liaison_a", "leader_a", "city_reviewer", "superuser", *PERSONAS]
# Words that stay as they are in Chinese text: file formats and products, the units of sizes.
ALLOWED = {
    *[
        "PDF",
        "XLSX",
        "XLS",
        "CSV",
        "ZIP",
        "OFD",
        "ODF",
        "DOCX",
        "DOC",
        "WPS",
        "JPG",
        "JPEG",
        "PNG",
        "HTML",
        "XML",
        "URL",
        "ID",
        "IP",
        "UTF",
    ],
    *["Word", "Excel", "PowerPoint", "http", "https", "www", "KB", "MB", "GB"],
    # authenticator apps named on the second-factor enrolment page
    *["Microsoft", "Google", "Authenticator", "FreeOTP", "TOTP"],
    "English",  # the language switcher names each language in itself
}
ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
SKIP_TAGS = {"script", "style", "code", "kbd", "samp"}
CJK = "\u3400-\u9fff\uff00-\uffef\u3000-\u303f"


class _Text(HTMLParser):
    """The text a person reads: element text and the attributes a screen shows or reads out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIP_TAGS:
            self._skip += 1
        for name, value in attrs:
            if name in ATTRIBUTES and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in SKIP_TAGS and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def visible_text(html):
    parser = _Text()
    parser.feed(html)
    return parser.parts


_NOT_WORDS = re.compile(
    r"\b\d{1,2}:\d{2}(?::\d{2})?\b"  # times of day
    r"|https?://\S+"  # URLs
    r"|\S+@\S+"  # e-mail addresses
    r"|[\w.-]*\.(?:pdf|xlsx|xls|csv|zip|ofd|docx?|pptx?|jpe?g|png|txt|odt|ods|odp|et)\b"  # file names, extensions
    r"|\b[\w-]*\d[\w-]*\b"  # codes with a digit: T02, 2026-comprehensive, D16
    r"|\b[a-z]+(?:-[a-z]+)+\b",  # user names (office-admin) and other slugs of the test world
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z]{2,}")
_ASCII_COLON = re.compile(rf"[{CJK}]\s*:(?!//)|:\s*[{CJK}]")


def english_words(parts):
    found = []
    for part in parts:
        for word in _WORD.findall(_NOT_WORDS.sub(" ", part)):
            if word not in ALLOWED:
                found.append((word, part[:80]))
    return found


def ascii_colons(parts):
    return [part[:80] for part in parts if _ASCII_COLON.search(_NOT_WORDS.sub(" ", part))]


def _viewer(table):
    return next((p for p in VIEWERS if p != "anonymous" and _expected(table, p) == 200), None)


PAGES = sorted(name for name, (_path, table) in EXPECTED.items() if _viewer(table))


def test_the_checker_finds_english_and_ascii_colons():
    parts = visible_text('<p>状态: Open</p><input placeholder="Search"><script>var x = "ok";</script><p>2.1.3 T02</p>')
    assert [w for w, _ in english_words(parts)] == ["Open", "Search"] and ascii_colons(parts) == ["状态: Open"]
    assert english_words(visible_text("<p>通知.pdf · PDF · https://example.org/a 司法局</p>")) == []


@pytest.mark.parametrize("name", PAGES)
def test_every_page_reads_as_chinese(client, world, name):
    path, table = EXPECTED[name]
    path = path(world) if callable(path) else path
    client.force_login(getattr(world, _viewer(table)))
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    if not response.get("Content-Type", "").startswith("text/html"):
        return  # downloads are checked by their own tests
    parts = visible_text(response.content.decode())
    assert english_words(parts) == [] and ascii_colons(parts) == []


# Pages that each role sees differently (its own home, dashboard, lists): read by every persona let in.
PER_ROLE = [
    "portal:home",
    "assessment:dashboard",
    "assessment:rectifications",
    "assignments:detail",
    "core:notifications",
]


@pytest.mark.parametrize(
    "name, persona",
    [
        (name, persona)
        for name in PER_ROLE
        for persona in PERSONAS
        if persona != "anonymous" and _expected(EXPECTED[name][1], persona) == 200
    ],
)
def test_role_pages_read_as_chinese_for_every_role(client, world, name, persona):
    path = EXPECTED[name][0]
    path = path(world) if callable(path) else path
    client.force_login(getattr(world, persona))
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans")
    parts = visible_text(response.content.decode())
    assert response.status_code == 200 and english_words(parts) == [] and ascii_colons(parts) == []


def test_the_403_page_reads_as_chinese(client, world):
    client.force_login(world.city_reviewer)
    response = client.get("/people/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    parts = visible_text(response.content.decode())
    assert response.status_code == 403 and english_words(parts) == [] and ascii_colons(parts) == []
