"""Template context shared by every page."""

from django.conf import settings
from django.templatetags.static import static

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
