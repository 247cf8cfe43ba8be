"""Site-wide pages that belong to no single app."""

import hashlib
import re
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.static import serve

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
FALLBACK_PRIMARY, FALLBACK_ACCENT = "#0b5563", "#f2b134"


@cache
def theme_css() -> str:
    """CSS custom properties for the firm's colours (a bad setting falls back)."""
    primary = settings.FIRM_COLOR_PRIMARY
    accent = settings.FIRM_COLOR_ACCENT
    primary = primary if HEX_COLOUR.match(primary) else FALLBACK_PRIMARY
    accent = accent if HEX_COLOUR.match(accent) else FALLBACK_ACCENT
    return f":root{{--brand:{primary};--brand-accent:{accent};}}\n"


def theme_css_version() -> str:
    return hashlib.sha256(theme_css().encode()).hexdigest()[:12]


@require_safe
@cache_control(public=True, max_age=31536000, immutable=True)
def theme_stylesheet(request: HttpRequest) -> HttpResponse:
    return HttpResponse(theme_css(), content_type="text/css; charset=utf-8")


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /articles/*/preview/",
        f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def public_media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Serve public uploads; MEDIA_ROOT is read per request so it can change (tests)."""
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = "public, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says; send them to the real icon."""
    return redirect(static("favicon.svg"), permanent=True)


@require_safe
def privacy_notice(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy.html")


@require_safe
def contact(request: HttpRequest) -> HttpResponse:
    """How to reach a recruiter: the firm's details from settings (FIRM_*)."""
    return render(request, "contact.html")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Explain an expired form in plain words instead of Django's technical page."""
    return render(request, "403_csrf.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """A plain page that needs no database, so it still works when things are broken."""
    return render(request, "500.html", {"FIRM_NAME": settings.FIRM_NAME}, status=500)
