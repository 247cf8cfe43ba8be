"""Template context shared by every page."""

from functools import lru_cache

from django.conf import settings
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse

from .views import theme_css_version


def logo_url(logo: str) -> str:
    """FIRM_LOGO as a URL: a full URL or an absolute path as given, else a static file;
    empty when the setting is empty (the header then shows the name as text)."""
    if not logo.strip():
        return ""
    if logo.startswith(("http://", "https://", "/")):
        return logo
    return static(logo)


def firm(request):
    """The firm's name and site URL, so templates never hard-code them."""
    return {
        "FIRM_NAME": settings.FIRM_NAME,
        "FIRM_TAGLINE": settings.FIRM_TAGLINE,
        "FIRM_LOGO_URL": _fixed_static(*_static_key())["logo"],
        "FIRM_POSTAL_ADDRESS": settings.FIRM_POSTAL_ADDRESS,
        "FIRM_PHONE": settings.FIRM_PHONE,
        "FIRM_CONTACT_EMAIL": settings.FIRM_CONTACT_EMAIL,
        "FIRM_OFFICE_HOURS": settings.FIRM_OFFICE_HOURS,
        "SITE_URL": settings.SITE_URL,
        "THEME_CSS_VERSION": theme_css_version(),
    }


# The addresses every page links to (header, footer, feeds), by URL name: {{ URLS.home }}.
FIXED_URLS = {
    "home": "home",
    "articles_list": "articles:list",
    "rss": "articles:rss",
    "atom": "articles:atom",
    "privacy": "privacy",
    "theme_css": "theme_css",
}


@lru_cache(maxsize=8)
def _fixed_urls(script_prefix: str, urlconf: str | None) -> dict[str, str]:
    return {key: reverse(name, urlconf=urlconf) for key, name in FIXED_URLS.items()}


# The static files every page links to: {{ STATIC.site_css }}.
FIXED_STATIC = {
    "favicon": "favicon.svg",
    "bootstrap_css": "vendor/bootstrap/css/bootstrap.min.css",
    "site_css": "css/site.css",
}


def _static_key() -> tuple[str, ...]:
    """What static() answers from: the logo setting, the storage, and where it serves from."""
    storage = settings.STORAGES["staticfiles"]["BACKEND"]
    return settings.FIRM_LOGO, storage, str(settings.STATIC_URL), str(settings.STATIC_ROOT)


@lru_cache(maxsize=8)
def _fixed_static(logo: str, *storage: str) -> dict[str, str]:
    return {key: static(path) for key, path in FIXED_STATIC.items()} | {"logo": logo_url(logo)}


def site_urls(request):
    """The fixed addresses, reversed once per process instead of by a {% url %} tag on every
    page (about 11 µs each, a tenth of an article's render). reverse() reads the script
    prefix and the URLconf, so they are the cache's key. Likewise the static files'
    addresses (their hashed names come from the manifest, read once at start)."""
    return {
        "URLS": _fixed_urls(get_script_prefix(), get_urlconf()),
        "STATIC": _fixed_static(*_static_key()),
    }
