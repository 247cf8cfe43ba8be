"""Site-wide security headers that Django has no setting for."""

from functools import cache

from django.conf import settings
from django.urls import reverse


@cache
def admin_prefix() -> str:
    return reverse("admin:index")


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response, and the admin's looser CSP.

    The admin's exception is made here, by path, so no admin view or third-party widget
    needs decorating; the CSP middleware then sends it instead of SECURE_CSP.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if request.path.startswith(admin_prefix()) and not hasattr(response, "_csp_config"):
            response._csp_config = settings.ADMIN_CSP
        return response
