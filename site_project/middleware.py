"""Site-wide security headers that Django has no setting for."""

import base64
import hashlib
import re
from functools import cache
from typing import Any

from django.conf import settings
from django.urls import reverse


@cache
def admin_prefix() -> str:
    return reverse("admin:index")


@cache
def prose_editor_importmap_hash() -> str:
    """The CSP hash of django-prose-editor's inline import map, the admin's only inline
    script. Worked out from the library's own import map when first needed (its URLs depend
    on the collected, hashed static files), so a script injected into a page never matches."""
    from django_prose_editor.widgets import importmap

    match = re.fullmatch(r"<script[^>]*>(.*)</script>", str(importmap), re.S)
    body = match[1] if match else ""
    digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
    return f"'sha256-{digest}'"


def admin_csp() -> dict[str, Any]:
    policy: dict[str, Any] = dict(settings.ADMIN_CSP)
    policy["script-src"] = [*policy["script-src"], prose_editor_importmap_hash()]
    return policy


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response, and the admin's own CSP.

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
            response._csp_config = admin_csp()
        return response
