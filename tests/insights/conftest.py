"""The real Redis buffer for the tests that check it (the rest write events directly)."""

import pytest

from insights.buffer import BATCH_KEY, DEAD_KEY, KEY, LOCK_KEY, buffer_client


@pytest.fixture
def event_buffer(redis_process, settings):
    """Events go through a real Redis list, as on the site; the list starts empty."""
    settings.INSIGHTS_BUFFER_URL = redis_process.url
    client = buffer_client()
    client.delete(KEY, BATCH_KEY, DEAD_KEY, LOCK_KEY)
    yield client
    client.delete(KEY, BATCH_KEY, DEAD_KEY, LOCK_KEY)
