"""The pages of two-step sign-in: the code after the password, setting up the app, the
backup codes, and turning it off. They live under /admin/ and look like the admin."""

import django_otp
from axes.helpers import get_lockout_response
from django.contrib import admin, messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from .forms import CodeForm, SignInCodeForm, TurnOffForm
from .qr import qr_svg
from .services import (
    PENDING_KEY,
    Outcome,
    app_device,
    backup_codes_left,
    pending_begin,
    pending_user,
    secret_for_typing,
    setup_confirm,
    setup_device,
    sign_in_code_check,
    two_step_enabled,
    two_step_required,
    two_step_reset,
)

BACKUP_CODES_KEY = "two_step_new_backup_codes"


class StaffLoginView(LoginView):
    """The password first; people with an app set up then give a code before they are
    signed in at all (so django-axes counts a wrong code like a wrong password)."""

    def form_valid(self, form):
        user = form.get_user()
        if two_step_enabled(user):
            pending_begin(
                self.request.session,
                user=user,
                backend=user.backend,
                next_url=self.get_success_url(),
            )
            return redirect("admin:two_step_code")
        return super().form_valid(form)


def _page(request, template: str, title: str, context: dict, status: int = 200):
    context = {**admin.site.each_context(request), "title": title, **context}
    return TemplateResponse(request, template, context, status=status)


@never_cache
@sensitive_post_parameters("code")
def code(request):
    """The second step of signing in."""
    user = pending_user(request.session)
    if user is None:
        messages.info(
            request, "Please sign in again: the code must follow the password within 5 minutes."
        )
        return redirect("admin:login")
    form = SignInCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = sign_in_code_check(request=request, user=user, code=form.cleaned_data["code"])
        if check.outcome is Outcome.LOCKED:
            request.session.pop(PENDING_KEY, None)
            return get_lockout_response(request, None, {"username": user.get_username()})
        if check.outcome is Outcome.ACCEPTED:
            next_url = request.session[PENDING_KEY]["next"]
            del request.session[PENDING_KEY]
            # django-otp marks the session verified on login (an attribute it adds to users).
            user.otp_device = check.device  # type: ignore[attr-defined]
            auth_login(request, user)
            return redirect(next_url)
        form.add_error("code", check.message)
    status = 400 if form.errors else 200
    return _page(request, "two_step/code.html", "Enter your sign-in code", {"form": form}, status)


def _setup_context(request, form) -> dict:
    device = setup_device(request.user)
    return {
        "form": form,
        "qr_svg": qr_svg(device.config_url),
        "secret": secret_for_typing(device),
        "required": two_step_required(),
    }


@sensitive_post_parameters("code")
def setup(request):
    """Set up the app (a QR code, or the key typed in), confirmed by a code from it; once
    set up, this page says so and offers to turn it off."""
    user = request.user
    if two_step_enabled(user):
        return _status_page(request, TurnOffForm(user=user))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check, codes = setup_confirm(user=user, code=form.cleaned_data["code"])
        if check.outcome is Outcome.ACCEPTED:
            django_otp.login(request, check.device)
            request.session[BACKUP_CODES_KEY] = codes
            return redirect("admin:two_step_backup_codes")
        form.add_error("code", check.message)
    status = 400 if form.errors else 200
    title = "Set up two-step sign-in"
    return _page(request, "two_step/setup.html", title, _setup_context(request, form), status)


def _status_page(request, form, status: int = 200):
    device = app_device(request.user)
    context = {
        "form": form,
        "device": device,
        "backup_codes_left": backup_codes_left(request.user),
        "required": two_step_required(),
    }
    return _page(request, "two_step/status.html", "Two-step sign-in", context, status)


def backup_codes(request):
    """The backup codes, shown once, straight after setting up."""
    codes = request.session.pop(BACKUP_CODES_KEY, None)
    if not codes:
        return redirect("admin:two_step")
    return _page(request, "two_step/backup_codes.html", "Your backup codes", {"codes": codes})


@sensitive_post_parameters("secret")
def turn_off(request):
    user = request.user
    if request.method != "POST" or not two_step_enabled(user):
        return redirect("admin:two_step")
    form = TurnOffForm(request.POST, user=user)
    if two_step_required():
        form.add_error(None, "Two-step sign-in is required on this site, so it stays on.")
        return _status_page(request, form, status=403)
    if form.is_valid():
        problem = form.proof_problem(request)
        if problem:
            form.add_error("secret", problem)
        else:
            two_step_reset(user=user)
            messages.success(
                request, "Two-step sign-in is off. You sign in with your password only."
            )
            return redirect(reverse("admin:two_step"))
    return _status_page(request, form, status=400)
