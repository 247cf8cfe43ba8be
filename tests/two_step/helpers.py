"""Codes as a real authenticator app would compute them from the device's key."""

import time

from django.contrib.auth import get_user_model
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from two_step.services import backup_codes_create

PASSWORD = "a long Passphrase 42!"


def app_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code an app shows now, or `steps_ahead` 30-second steps later."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def next_app_code(device: TOTPDevice) -> str:
    """The app's code for the step after the last one used. Not "now + 30 s": a step that
    ends between two reads of the clock would make that two steps ahead, out of tolerance."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = device.t0 + (device.last_t + 1) * device.step
    return f"{totp.token():0{device.digits}d}"


def make_staff(username: str = "rita", **extra):
    return get_user_model().objects.create_user(username, password=PASSWORD, is_staff=True, **extra)


def enrol(user) -> tuple[TOTPDevice, list[str]]:
    """An app set up and confirmed, with backup codes, as the setup page leaves them."""
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return device, backup_codes_create(user=user)


def sign_in_with_password(client, username: str = "rita", password: str = PASSWORD):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "next": "/admin/"},
    )


def send_code(client, code: str):
    return client.post("/admin/two-step/code/", {"code": code})


def skip_the_wait(device) -> None:
    """django-otp pauses a device for 1, 2, 4... seconds after each wrong code; a person
    waits for the app's next code anyway, a test need not."""
    device.refresh_from_db()
    device.throttling_failure_timestamp = None
    device.save(update_fields=["throttling_failure_timestamp"])
