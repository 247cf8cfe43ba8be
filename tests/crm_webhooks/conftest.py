"""A resolver the tests control, so no test depends on real DNS."""

import pytest

from crm_webhooks import url_guard


@pytest.fixture
def dns(monkeypatch, settings) -> dict[str, list[str]]:
    """name -> addresses; public addresses only, as in production. Tests edit the table
    (e.g. to rebind a name)."""
    settings.WEBHOOK_ALLOWED_NETWORKS = []
    table = {"crm.example.com": ["93.184.215.14"], "rebind.example.com": ["10.0.0.8"]}

    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise OSError("Name or service not known")
        return table[host]

    monkeypatch.setattr(url_guard, "resolve", resolve)
    return table
