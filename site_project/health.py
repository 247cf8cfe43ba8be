"""Health checks for the load balancer and the orchestrator.

/healthz says only that this process answers (no database, no Redis), so a Redis outage
never gets web processes restarted. /readyz checks what a request needs, each part with a
short timeout, so a stuck dependency can't hold the checker for long.
"""

import logging

import redis
from django.conf import settings
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from site_project.celery import app as celery_app

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _database() -> str:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _redis() -> str:
    timeout = settings.READYZ_TIMEOUT_SECONDS
    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=timeout, socket_timeout=timeout
    )
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


def _celery() -> str:
    replies = celery_app.control.ping(timeout=settings.READYZ_TIMEOUT_SECONDS)
    if not replies:
        raise RuntimeError("no worker answered")
    return f"ok ({len(replies)} worker{'s' if len(replies) != 1 else ''})"


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, str] = {}
    for name, check in [("database", _database), ("redis", _redis), ("celery", _celery)]:
        if name == "celery" and checks.get("redis") != "ok":
            checks[name] = "skipped: Redis is down"
            continue
        try:
            checks[name] = check()
        except Exception as exc:  # any failure means "not ready", never a 500
            logger.warning("readyz: %s failed: %r", name, exc)
            # The exception's type only: its text may name hosts or credentials.
            checks[name] = f"failed: {type(exc).__name__}"
    ready = all(value.startswith("ok") for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "fail", "checks": checks}, status=200 if ready else 503
    )
