"""The admin site, with two-step sign-in in front of it.

A staff member with an authenticator app set up (or anyone, when ADMIN_REQUIRE_2FA is on)
reaches admin pages only in a session verified by a code. Everything registered on
`admin.site`, and every view wrapped in `admin.site.admin_view`, is covered this way.
"""

from django.contrib.admin import AdminSite
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import views
from .services import two_step_enabled, two_step_required


def setup_needed(user) -> bool:
    """Signed in with a password, but 2FA is required and no app is set up yet."""
    return user.is_active and user.is_staff and two_step_required() and not two_step_enabled(user)


class StaffAdminSite(AdminSite):
    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        # Asked several times a request (the view, then its context): check once.
        if not hasattr(request, "_two_step_ok"):
            user = request.user
            verified = getattr(user, "is_verified", lambda: False)()
            request._two_step_ok = verified or not (two_step_required() or two_step_enabled(user))
        return request._two_step_ok

    def admin_view(self, view, cacheable=False):
        protected = super().admin_view(view, cacheable)

        def inner(request, *args, **kwargs):
            user = request.user
            if user.is_authenticated and not self.has_permission(request):
                if request.path == reverse("admin:logout", current_app=self.name):
                    return view(request, *args, **kwargs)  # signing out is always allowed
                if setup_needed(user):
                    return HttpResponseRedirect(reverse("admin:two_step", current_app=self.name))
            return protected(request, *args, **kwargs)

        # Django's CSRF middleware reads this attribute off the view function.
        inner.csrf_exempt = getattr(protected, "csrf_exempt", False)  # type: ignore[attr-defined]
        return inner

    def get_urls(self):
        return [
            path("two-step/", self.signed_in_view(views.setup), name="two_step"),
            path("two-step/code/", views.code, name="two_step_code"),
            path(
                "two-step/backup-codes/",
                self.signed_in_view(views.backup_codes),
                name="two_step_backup_codes",
            ),
            path("two-step/turn-off/", self.admin_view(views.turn_off), name="two_step_turn_off"),
            *super().get_urls(),
        ]

    def signed_in_view(self, view):
        """Like admin_view, but also open to staff who must still set up their app."""
        protected = super().admin_view(view)

        def inner(request, *args, **kwargs):
            if setup_needed(request.user):
                return never_cache(view)(request, *args, **kwargs)
            return protected(request, *args, **kwargs)

        return inner

    @method_decorator(never_cache)
    @method_decorator(login_not_required)
    def login(self, request, extra_context=None):
        """Django's admin login, with a view that asks for the code before signing in."""
        if request.method == "GET" and setup_needed(request.user):
            return HttpResponseRedirect(reverse("admin:two_step", current_app=self.name))
        redirect_url = views.StaffLoginView().get_redirect_url(request) or reverse(
            "admin:index", current_app=self.name
        )
        if request.method == "GET" and self.has_permission(request):
            return HttpResponseRedirect(redirect_url)
        context = {
            **self.each_context(request),
            "title": _("Log in"),
            "subtitle": None,
            "app_path": request.get_full_path(),
            "username": request.user.get_username(),
            REDIRECT_FIELD_NAME: redirect_url,
            **(extra_context or {}),
        }
        request.current_app = self.name
        from django.contrib.admin.forms import AdminAuthenticationForm  # needs the User model

        return views.StaffLoginView.as_view(
            extra_context=context,
            authentication_form=self.login_form or AdminAuthenticationForm,
            template_name=self.login_template or "admin/login.html",
        )(request)
