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
        "FIRM_LOGO_URL": logo_url(settings.FIRM_LOGO),
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


def site_urls(request):
    """The fixed addresses, reversed once per process instead of by a {% url %} tag on every
    page (about 11 µs each, a tenth of an article's render). reverse() reads the script
    prefix and the URLconf, so they are the cache's key."""
    return {"URLS": _fixed_urls(get_script_prefix(), get_urlconf())}
