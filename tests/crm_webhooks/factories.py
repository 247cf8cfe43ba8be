"""Test data for webhooks."""

from crm_webhooks.events import EVENT_NAMES
from crm_webhooks.models import Endpoint, new_secret


def make_endpoint(**fields) -> Endpoint:
    defaults = {
        "name": "The CRM",
        "url": "http://127.0.0.1:9/hooks",
        "events": sorted(EVENT_NAMES),
        "secret": new_secret(),
    }
    return Endpoint.objects.create(**(defaults | fields))
