import pytest


@pytest.fixture(autouse=True)
def _no_ip_limit(settings):
    """The admin sign-in rate limit has a test of its own; elsewhere it would interfere."""
    settings.RATELIMIT_ENABLE = False
