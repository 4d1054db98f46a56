"""Every GET page of the URL matrix, as every persona it answers 200, asks the database the same
number of queries with a county grown five times (tests/scale.py): no page does work per row in
queries. Replaces the hand-picked query-count tests of single pages. Each page is asked on a
cache miss (the dashboard's figures cache cleared), after one request that warms what a process
keeps for ever (content types, translations)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .scale import grow
from .test_url_matrix import EXPECTED, PERSONAS, _circular, _evidence, _expected, _job, _submission

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(900)]

# One persona of each kind of scope: own unit, the other unit's leader, the office, the city, IT.
# (liaison_b, leader_a and office_staff walk the same code with other rows.)
WALKERS = ("liaison_a", "leader_b", "office_admin", "city_reviewer", "superuser")


def _pages(world):
    """(name, persona, path) of every GET that answers 200; paths resolved once, at the small scale."""
    for make in (_evidence, _job, _submission, _circular):
        make(world)
    paths = {}
    for name, (path, table) in sorted(EXPECTED.items()):
        for persona in PERSONAS:
            if persona in WALKERS and _expected(table, persona) == 200:
                if name not in paths:
                    paths[name] = path(world) if callable(path) else path
                yield name, persona, paths[name]


def _count(client, world, persona, path, warm):
    client.force_login(getattr(world, persona))
    if path not in warm:
        assert client.get(path).status_code == 200
        warm.add(path)
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(ctx.captured_queries)


def test_every_page_asks_the_same_number_of_queries_at_five_times_the_data(client, world):
    grow(world, 1)
    pages = list(_pages(world))
    warm = set()
    small = {(name, persona): _count(client, world, persona, path, warm) for name, persona, path in pages}
    grow(world, 4)
    large = {(name, persona): _count(client, world, persona, path, warm) for name, persona, path in pages}
    grown = {key: (small[key], large[key]) for key in small if large[key] != small[key]}
    assert grown == {}, "queries at 1x and 5x differ: " + ", ".join(
        f"{n} as {p}: {a} -> {b}" for (n, p), (a, b) in grown.items()
    )
