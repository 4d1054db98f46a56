"""Thumbnails and previews are kept by the browser and revalidated with a 304; pages are gzipped."""

import pytest
from django.urls import reverse

from evidence.models import EvidenceRevision
from evidence.thumbnails import thumbnail_make

from . import samples
from .test_evidence import _upload, up


@pytest.fixture
def share(world):
    return world.shares.a_soon


@pytest.fixture
def liaison(client, world):
    client.force_login(world.liaison_a)
    return client


@pytest.fixture
def photo(liaison, share):
    _upload(liaison, share, up("照片.jpg", samples.jpeg(size=(64, 48))), kind="image")
    revision = EvidenceRevision.objects.get()
    assert thumbnail_make(revision.pk)
    revision.refresh_from_db()
    return revision


@pytest.mark.parametrize("view", ["evidence:thumbnail", "evidence:preview"])
def test_a_file_that_never_changes_is_kept_privately_and_revalidated_with_304(liaison, photo, view):
    url = reverse(view, args=[photo.pk])
    first = liaison.get(url)
    assert first.status_code == 200
    assert b"".join(first.streaming_content)
    cache_control = {part.strip() for part in first["Cache-Control"].split(",")}
    assert {"private", "immutable"} <= cache_control and "public" not in cache_control
    assert first["Last-Modified"]
    again = liaison.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and not again.content
    assert again["ETag"] == first["ETag"] and "private" in again["Cache-Control"]
    assert liaison.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    assert liaison.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_the_thumbnail_and_the_file_have_different_etags(liaison, photo):
    thumb = liaison.get(reverse("evidence:thumbnail", args=[photo.pk]))
    preview = liaison.get(reverse("evidence:preview", args=[photo.pk]))
    assert thumb["ETag"] != preview["ETag"]


def test_a_person_outside_the_unit_gets_404_even_with_the_etag(world, liaison, photo):
    from django.test import Client

    etag = liaison.get(reverse("evidence:thumbnail", args=[photo.pk]))["ETag"]
    other = Client()
    other.force_login(world.liaison_b)
    response = other.get(reverse("evidence:thumbnail", args=[photo.pk]), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 404


def test_pages_are_gzipped_when_the_browser_accepts_it_and_files_are_not(liaison, photo):
    import gzip

    page = liaison.get(reverse("portal:home"), HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert page.status_code == 200 and page["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in page["Vary"]
    assert "</html>" in gzip.decompress(page.content).decode()
    plain = liaison.get(reverse("portal:home"))
    assert "Content-Encoding" not in plain
    thumb = liaison.get(reverse("evidence:thumbnail", args=[photo.pk]), HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in thumb and thumb["Content-Length"]


def test_gzip_of_the_same_page_differs_in_length_between_responses(liaison):
    """BREACH: the CSRF token is masked afresh and Django pads with random bytes, so two
    responses of the same page do not have one length an attacker could compare."""
    lengths = {len(liaison.get(reverse("portal:home"), HTTP_ACCEPT_ENCODING="gzip").content) for _ in range(6)}
    assert len(lengths) > 1
