"""Rate limits on the forms worth abusing, kept in one table instead of on each view.

django-ratelimit counts in the shared cache (Redis), so every web process sees the same
counts. The table names views by URL name; the apps' views stay unaware of it.
"""

import math

from django.conf import settings
from django.shortcuts import render
from django_ratelimit.core import get_usage

from site_project.edge import visitor_ip


def client_ip(group: str, request) -> str:
    return visitor_ip(request) or "unknown"


def link_token(group: str, request) -> str:
    """Unsubscribe is counted per link: mail providers send many people's one-click
    unsubscribes from the same few addresses, so an IP limit would refuse real ones."""
    return request.resolver_match.kwargs.get("token", "")


KEYS = {"ip": client_ip, "token": link_token}


class RateLimitMiddleware:
    """Count POSTs to the views in settings.RATELIMITS; past a limit, a 429 page that says
    how long to wait."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        name = request.resolver_match.view_name if request.resolver_match else ""
        limit = settings.RATELIMITS.get(name)
        if limit is None or request.method != "POST":
            return None
        rate, key = limit
        usage = get_usage(
            request, group=f"site:{name}", key=KEYS[key], rate=rate, method="POST", increment=True
        )
        if usage is None or not usage["should_limit"]:
            return None
        return too_many_requests(request, seconds=max(usage["time_left"], 1))


def too_many_requests(request, *, seconds: int):
    minutes = math.ceil(seconds / 60)
    response = render(request, "429.html", {"seconds": seconds, "minutes": minutes}, status=429)
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response


def admin_locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout, as a page that says how long it lasts."""
    minutes = math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}
    response = render(request, "admin_locked_out.html", context, status=429)
    response["Retry-After"] = str(minutes * 60)
    response["Cache-Control"] = "no-store"
    return response
