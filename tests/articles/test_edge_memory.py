"""The edge's in-process layer: a page served from Redis is kept in the web process's memory
for PAGE_CACHE_LOCAL_SECONDS, and the views it serves are pushed to the insights buffer in
batches, so a cached page costs no network round trip and every view is still counted."""

from __future__ import annotations

import json
import time
from unittest import mock

import pytest

from articles.page_cache import page_cache_client, page_key
from insights.buffer import KEY as BUFFER_KEY
from insights.buffer import buffer_flush
from insights.models import Event, Kind
from site_project import page_cache as edge_module
from tests.articles.test_edge_cache import edge  # noqa: F401 - the fixture
from tests.factories import make_article

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def memory(edge, settings):  # noqa: F811 - the fixture imported above
    settings.PAGE_CACHE_LOCAL_SECONDS = 1.0
    yield edge
    edge.app.flush_views()


def buffered() -> list[dict]:
    return [json.loads(item) for item in page_cache_client().lrange(BUFFER_KEY, 0, -1)]


def test_a_page_from_memory_needs_no_redis_until_it_expires(memory):
    path = make_article(body="<p>First words</p>").get_absolute_url()
    memory.get(path)  # Django renders and stores it
    assert memory.get(path).from_edge  # from Redis, now also in memory
    page_cache_client().delete(page_key(path))  # gone from Redis without telling anyone
    kept = memory.get(path)
    assert kept.from_edge and b"First words" in kept.body  # memory answered
    later = time.monotonic() + 1.5
    with mock.patch.object(edge_module.time, "monotonic", return_value=later):
        assert not memory.get(path).from_edge  # expired: Redis had nothing, Django rendered


def test_memory_answers_with_the_stacks_headers_a_fresh_id_and_304s(memory):
    path = make_article().get_absolute_url()
    stack = memory.get(path)
    from_redis = memory.get(path)
    from_memory = memory.get(path)
    assert from_memory.header_map() == from_redis.header_map() == stack.header_map()
    assert from_memory.body == stack.body
    ids = {dict(r.headers)["X-Request-ID"] for r in (stack, from_redis, from_memory)}
    assert len(ids) == 3
    etag = stack.header_map()["etag"]
    not_modified = memory.get(path, {"If-None-Match": etag})
    assert not_modified.status.startswith("304") and not_modified.from_edge
    assert not_modified.body == b""


def test_every_view_from_memory_is_counted_once_in_batches(memory):
    article = make_article()
    path = article.get_absolute_url()
    memory.get(path)  # Django: one view
    memory.get(path)  # Redis: one view, pushed in the same round trip
    for _ in range(edge_module.VIEWS_BATCH - 1):
        memory.get(path)  # memory: held
    assert len(buffered()) == 2  # the held ones are not in Redis yet
    memory.get(path, {"User-Agent": "Googlebot/2.1"})  # bots are served, never counted
    assert len(buffered()) == 2
    memory.get(path)  # the batch is full: one LPUSH
    records = buffered()
    assert len(records) == 2 + edge_module.VIEWS_BATCH
    assert len({r["id"] for r in records}) == len(records)  # each view its own id
    assert buffer_flush() == len(records)
    assert Event.objects.filter(kind=Kind.ARTICLE_VIEWED, article=article.slug).count() == len(
        records
    )


def test_held_views_go_within_a_second_even_if_nobody_else_comes(memory):
    path = make_article().get_absolute_url()
    memory.get(path)
    memory.get(path)
    memory.get(path)  # from memory: held, with a timer
    assert len(buffered()) == 2
    deadline = time.monotonic() + 5
    while len(buffered()) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(buffered()) == 3


def test_views_held_while_redis_is_away_are_pushed_when_it_answers(memory):
    path = make_article().get_absolute_url()
    memory.get(path)
    memory.get(path)
    memory.get(path)  # held
    with mock.patch.object(
        memory.app._clients[next(iter(memory.app._clients))], "call", side_effect=OSError
    ):
        assert memory.app.flush_views() == 0  # kept, not lost
    assert memory.app.flush_views() == 1
    assert len(buffered()) == 3


def test_home_from_memory_counts_nothing(memory):
    memory.get("/")
    memory.get("/")
    assert memory.get("/").from_edge
    assert memory.app.flush_views() == 0
    assert buffered() == []


def _flushers() -> list:
    import threading

    return [t for t in threading.enumerate() if t.name.endswith("(_flush_when_due)")]


def test_one_flusher_thread_serves_every_batch(memory):
    path = make_article().get_absolute_url()
    memory.get(path)
    memory.get(path)
    before = len(_flushers())
    for round_number in range(3):  # three batches, each sent by the flusher after a second
        memory.get(path)
        deadline = time.monotonic() + 5
        while len(buffered()) < 3 + round_number and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(buffered()) == 3 + round_number
    assert len(_flushers()) <= before + 1  # not a thread a batch
    assert len(_flushers()) >= 1


def test_the_flusher_ends_once_its_app_is_gone(monkeypatch):
    """Tests build many apps; each one's flusher and exit flush go with it."""
    import gc

    monkeypatch.setattr(edge_module, "FLUSHER_IDLE_SECONDS", 0.05)
    monkeypatch.setattr(edge_module.page_cache, "page_cache_url", lambda: "")  # no Redis
    before = set(_flushers())
    app = edge_module.PageCacheApp(lambda environ, start_response: [])
    app._view_hold("", "a view")
    [thread] = set(_flushers()) - before
    assert app in edge_module._LIVE_APPS
    deadline = time.monotonic() + 5
    while app._views and time.monotonic() < deadline:  # the flusher takes it after a second
        time.sleep(0.05)
    assert app._views == []
    del app
    gc.collect()
    thread.join(timeout=2)
    assert not thread.is_alive()
    assert not [a for a in edge_module._LIVE_APPS if a.application.__name__ == "<lambda>"]
