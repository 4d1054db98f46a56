"""`make run` (DEBUG on) shows the product's own 404/403/500 pages, not Django's English
debug page listing every URL pattern; and every page carries the favicon (issue 21, item 12)."""

import importlib

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import path

from config.urls import urlpatterns as project_urls


def _boom(request):
    raise RuntimeError("a fault in a view")


urlpatterns = [*project_urls, path("test-boom/", _boom)]


@pytest.fixture
def debug_like_make_run(settings, monkeypatch):
    """The middleware list exactly as config.settings.local builds it, with DEBUG on."""
    monkeypatch.delenv("DJANGO_DEBUG_PAGES", raising=False)
    monkeypatch.delenv("DJANGO_DEBUG", raising=False)
    local = importlib.import_module("config.settings.local")
    assert local.DEBUG is True
    settings.DEBUG = True
    settings.MIDDLEWARE = local.MIDDLEWARE
    settings.ROOT_URLCONF = __name__
    return settings


@pytest.mark.django_db
def test_a_missing_page_with_debug_on_is_the_products_404(debug_like_make_run, client, world):
    client.force_login(world.liaison_a)
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Using the URLconf" not in body and "Page not found at" not in body
    assert "此页面不存在" in body or "页面不存在" in body
    assert "img/favicon.svg" in body


@pytest.mark.django_db
def test_an_object_outside_scope_with_debug_on_is_the_products_404(debug_like_make_run, client, world):
    client.force_login(world.liaison_b)
    response = client.get(f"/assignments/{world.shares.a_overdue.pk}/")
    assert response.status_code == 404
    assert "Http404" not in response.content.decode() and "Traceback" not in response.content.decode()


@pytest.mark.django_db
def test_a_refusal_with_debug_on_is_the_products_403(debug_like_make_run, client, world):
    client.force_login(world.liaison_a)
    response = client.get("/assignments/board/")
    assert response.status_code == 403
    assert "403 Forbidden" not in response.content.decode()
    assert "img/favicon.svg" in response.content.decode()


@pytest.mark.django_db
def test_a_fault_with_debug_on_is_the_products_500(debug_like_make_run, world):
    client = Client(raise_request_exception=False)
    client.force_login(world.liaison_a)
    response = client.get("/test-boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "RuntimeError" not in body and "Traceback" not in body
    assert "系统出现错误" in body


def test_debug_pages_stay_available_to_a_developer_who_asks(monkeypatch):
    monkeypatch.setenv("DJANGO_DEBUG_PAGES", "1")
    local = importlib.reload(importlib.import_module("config.settings.local"))
    try:
        assert "core.middleware.ProductErrorPagesMiddleware" not in local.MIDDLEWARE
    finally:
        monkeypatch.delenv("DJANGO_DEBUG_PAGES")
        importlib.reload(local)


def test_the_favicon_is_vendored_in_static():
    for name in ("img/favicon.svg", "img/favicon.ico", "img/apple-touch-icon.png"):
        assert finders.find(name), name
