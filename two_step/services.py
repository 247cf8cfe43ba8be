"""Two-step sign-in for staff: an authenticator app (TOTP) plus one-time backup codes.

django-otp keeps the devices and verifies codes (each TOTP code works once: the device
remembers the last time step it accepted). What is added here: when a code is needed,
clear answers for why a code was refused, and wrong codes counted by django-axes like
wrong passwords, so a stolen password alone can't be used to guess codes.
"""

import enum
import secrets
import time
from base64 import b32encode
from dataclasses import dataclass
from typing import cast

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_login_failed
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.models import VerifyNotAllowed
from django_otp.oath import hotp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

APP_NAME = "Authenticator app"
BACKUP_NAME = "Backup codes"
BACKUP_CODE_COUNT = 10
BACKUP_CODE_DIGITS = 8
TOTP_DIGITS = 6


def two_step_required() -> bool:
    return settings.ADMIN_REQUIRE_2FA


def app_device(user: AbstractBaseUser, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()


def two_step_enabled(user: AbstractBaseUser) -> bool:
    """Whether this account has an authenticator app set up (and so needs a code)."""
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def setup_device(user: AbstractBaseUser) -> TOTPDevice:
    """The not-yet-confirmed app for this user, made once, so the QR code a person has
    already scanned stays valid when the page is reloaded."""
    device = app_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)
    return device


def secret_for_typing(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, as authenticator apps accept it typed."""
    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def normalize_code(code: str) -> str:
    return "".join(ch for ch in code if ch.isdigit())


class Outcome(enum.Enum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    REUSED = "reused"
    PAUSED = "paused"  # django-otp's own back-off after wrong codes
    LOCKED = "locked"  # django-axes' lockout for this account and address


MESSAGES = {
    Outcome.WRONG: "That code is not right. Check the code your app shows now and try again.",
    Outcome.REUSED: (
        "That code has already been used. Wait until your app shows a new code "
        "(every 30 seconds), then enter the new one."
    ),
    Outcome.PAUSED: (
        "Too many wrong codes in a row. Wait {seconds} seconds, then enter the code "
        "your app shows at that moment."
    ),
}


@dataclass
class Check:
    outcome: Outcome
    device: TOTPDevice | StaticDevice | None = None
    wait_seconds: int = 0

    @property
    def message(self) -> str:
        return MESSAGES.get(self.outcome, "").format(seconds=self.wait_seconds)


def _was_just_used(device: TOTPDevice, code: str) -> bool:
    if device.last_t < 0 or len(code) != device.digits:
        return False
    return bool(hotp(device.bin_key, device.last_t, device.digits) == int(code))


def _paused_seconds(device: TOTPDevice | StaticDevice) -> int:
    allowed, details = device.verify_is_allowed()
    if allowed or details.get("reason") != VerifyNotAllowed.N_FAILED_ATTEMPTS:
        return 0 if allowed else 60
    remaining = (details["locked_until"] - timezone.now()).total_seconds()
    return max(1, int(remaining + 0.999))


def code_check(*, device: TOTPDevice, code: str) -> Check:
    """Verify a code from the app against one device (confirmed or being set up)."""
    code = normalize_code(code)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        wait = _paused_seconds(device)
        if wait:
            return Check(Outcome.PAUSED, device, wait)
        if device.verify_token(code):
            return Check(Outcome.ACCEPTED, device)
        return Check(Outcome.REUSED if _was_just_used(device, code) else Outcome.WRONG, device)


def sign_in_code_check(*, request: HttpRequest, user: AbstractBaseUser, code: str) -> Check:
    """The second step of signing in: an app code, or one of the backup codes.

    Refused codes count as failed sign-ins for django-axes (per account and address, as
    wrong passwords do), and a locked account is refused before any code is tried.
    """
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        return Check(Outcome.LOCKED)
    code = normalize_code(code)
    if len(code) == BACKUP_CODE_DIGITS:
        check = backup_code_check(user=user, code=code)
    else:
        device = app_device(user)
        check = code_check(device=device, code=code) if device else Check(Outcome.WRONG)
    if check.outcome in (Outcome.WRONG, Outcome.REUSED):
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            return Check(Outcome.LOCKED)
    return check


def backup_code_check(*, user: AbstractBaseUser, code: str) -> Check:
    """A backup code works once: django-otp deletes it when it is accepted."""
    with transaction.atomic():
        device = StaticDevice.objects.select_for_update().filter(user=user).first()
        if device is None:
            return Check(Outcome.WRONG)
        wait = _paused_seconds(device)
        if wait:
            return Check(Outcome.PAUSED, device, wait)
        if device.verify_token(code):
            return Check(Outcome.ACCEPTED, device)
        return Check(Outcome.WRONG, device)


def backup_codes_create(*, user: AbstractBaseUser) -> list[str]:
    """Replace the user's backup codes with new ones; returns them, the only time they
    are shown (the database keeps them, as django-otp does, to compare)."""
    device, _ = StaticDevice.objects.get_or_create(user=user, defaults={"name": BACKUP_NAME})
    device.token_set.all().delete()
    codes = [
        "".join(secrets.choice("0123456789") for _ in range(BACKUP_CODE_DIGITS))
        for _ in range(BACKUP_CODE_COUNT)
    ]
    device.token_set.bulk_create([device.token_set.model(device=device, token=c) for c in codes])
    return [f"{c[:4]}-{c[4:]}" for c in codes]


def backup_codes_left(user: AbstractBaseUser) -> int:
    device = StaticDevice.objects.filter(user=user).first()
    return int(device.token_set.count()) if device else 0


def setup_confirm(*, user: AbstractBaseUser, code: str) -> tuple[Check, list[str]]:
    """Turn the app on once it shows a right code; make backup codes with it."""
    device = app_device(user, confirmed=False)
    if device is None:
        return Check(Outcome.WRONG), []
    check = code_check(device=device, code=code)
    if check.outcome is not Outcome.ACCEPTED:
        return check, []
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device = cast(TOTPDevice, check.device)  # set: code_check accepted a code from it
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = backup_codes_create(user=user)
    return Check(Outcome.ACCEPTED, device), codes


def two_step_reset(*, user: AbstractBaseUser) -> int:
    """Remove the app and backup codes (a lost phone, or turning it off); returns how
    many devices were removed. With ADMIN_REQUIRE_2FA the person sets up again at the
    next sign-in."""
    removed: int = TOTPDevice.objects.filter(user=user).delete()[1].get(TOTPDevice._meta.label, 0)
    StaticDevice.objects.filter(user=user).delete()
    return removed


# The half-signed-in state between the password and the code lives in the session.
PENDING_KEY = "two_step_pending"
PENDING_SECONDS = 300


def pending_begin(
    session: SessionBase, *, user: AbstractBaseUser, backend: str, next_url: str
) -> None:
    """Remember who gave the right password, in a session with a new key, so a key planted
    before the password (session fixation) can't carry the half-signed-in state."""
    session.cycle_key()
    session[PENDING_KEY] = {
        "user": user.pk,
        "backend": backend,
        "next": next_url,
        "at": time.time(),
    }


def pending_user(session: SessionBase) -> User | None:
    """The user who gave the right password in the last few minutes, if still staff."""
    pending = session.get(PENDING_KEY)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = get_user_model().objects.filter(pk=pending["user"]).first()
    if user is None or not (user.is_active and user.is_staff):
        return None
    user.backend = pending["backend"]
    return user
