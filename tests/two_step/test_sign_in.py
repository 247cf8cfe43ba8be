"""Signing in to the admin with an authenticator app: the code after the password."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django_otp.plugins.otp_static.models import StaticDevice

from tests.two_step.helpers import (
    PASSWORD,
    app_code,
    enrol,
    make_staff,
    next_app_code,
    send_code,
    sign_in_with_password,
    skip_the_wait,
)

pytestmark = pytest.mark.django_db


def test_without_an_app_the_password_is_enough(client):
    make_staff()
    response = sign_in_with_password(client)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_with_an_app_the_password_leads_to_the_code_page_not_the_admin(client):
    device, _ = enrol(make_staff())
    response = sign_in_with_password(client)
    assert response["Location"] == "/admin/two-step/code/"
    page = client.get("/admin/two-step/code/")
    html = page.content.decode()
    assert 'autocomplete="one-time-code"' in html
    assert 'inputmode="numeric"' in html
    assert "6-digit code from your authenticator app" in html
    # Not signed in yet: the admin still sends them to the login page.
    assert client.get("/admin/leads/lead/")["Location"].startswith("/admin/login/")
    response = send_code(client, app_code(device))
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_password_step_gives_the_session_a_new_key(client):
    """A session key planted before the password can't be used to finish the sign-in."""
    device, _ = enrol(make_staff())
    session = client.session
    session["planted"] = True
    session.save()
    planted = session.session_key
    assert sign_in_with_password(client)["Location"] == "/admin/two-step/code/"
    assert client.cookies["sessionid"].value != planted
    attacker = type(client)()
    attacker.cookies["sessionid"] = planted
    assert attacker.post("/admin/two-step/code/", {"code": app_code(device)}).status_code == 302
    assert attacker.get("/admin/")["Location"].startswith("/admin/login/")


def test_a_wrong_code_is_refused_with_a_clear_message(client):
    device, _ = enrol(make_staff())
    sign_in_with_password(client)
    right = app_code(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = send_code(client, wrong)
    assert response.status_code == 400
    html = response.content.decode()
    assert "That code is not right" in html
    assert 'role="alert"' in html
    assert client.get("/admin/").status_code == 302
    response = send_code(client, "12ab")
    assert "Enter the 6 digits your authenticator app shows now" in response.content.decode()


def test_a_code_works_only_once(client):
    device, _ = enrol(make_staff())
    code = app_code(device)
    sign_in_with_password(client)
    assert send_code(client, code).status_code == 302
    client.post("/admin/logout/")
    # Someone who saw the code (over a shoulder, or from a phishing page) can't use it again.
    sign_in_with_password(client)
    response = send_code(client, code)
    assert response.status_code == 400
    assert "That code has already been used" in response.content.decode()
    assert client.get("/admin/").status_code == 302
    # The app's next code works.
    skip_the_wait(device)
    assert send_code(client, next_app_code(device)).status_code == 302


def test_a_backup_code_works_once(client):
    _, codes = enrol(make_staff())
    sign_in_with_password(client)
    assert send_code(client, codes[0]).status_code == 302
    client.post("/admin/logout/")
    sign_in_with_password(client)
    assert send_code(client, codes[0]).status_code == 400
    skip_the_wait(StaticDevice.objects.get())
    assert send_code(client, codes[1].replace("-", " ")).status_code == 302


def test_the_code_page_without_a_password_first_sends_to_the_login(client):
    device, _ = enrol(make_staff())
    response = send_code(client, app_code(device))
    assert response["Location"] == "/admin/login/"
    assert client.get("/admin/").status_code == 302


def test_wrong_codes_count_towards_the_lockout(client, settings):
    """A stolen password is not enough to try codes for ever: django-axes counts them."""
    device, _ = enrol(make_staff())
    sign_in_with_password(client)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        wrong = f"{(int(app_code(device)) + 7) % 1_000_000:06d}"
        response = send_code(client, wrong)
        assert response.status_code == 400
        skip_the_wait(device)
    locked = send_code(client, "000000")
    assert locked.status_code == 429
    assert "Sign-in paused for this account" in locked.content.decode()
    # Even the password and the right code are refused now.
    assert sign_in_with_password(client).status_code == 429
    assert client.get("/admin/").status_code == 302
    call_command("axes_reset_username", "rita")
    skip_the_wait(device)
    sign_in_with_password(client)
    assert send_code(client, app_code(device)).status_code == 302  # none used yet: now's


def test_wrong_codes_in_a_row_pause_the_app_for_a_moment(client):
    device, _ = enrol(make_staff())
    sign_in_with_password(client)
    send_code(client, f"{(int(app_code(device)) + 3) % 1_000_000:06d}")
    response = send_code(client, f"{(int(app_code(device)) + 5) % 1_000_000:06d}")
    assert response.status_code == 400
    assert "Too many wrong codes in a row. Wait" in response.content.decode()


def test_the_code_page_is_rate_limited_like_the_login(client, settings):
    settings.RATELIMIT_ENABLE = True
    device, _ = enrol(make_staff())
    sign_in_with_password(client)
    allowed = int(settings.RATELIMITS["admin:two_step_code"][0].split("/")[0])
    for _ in range(allowed):
        send_code(client, "12")  # malformed: no device or lockout involved
    response = send_code(client, app_code(device))
    assert response.status_code == 429
    assert "Please wait a moment" in response.content.decode()


def test_someone_not_staff_never_gets_in(client):
    get_user_model().objects.create_user("visitor", password=PASSWORD)
    response = sign_in_with_password(client, username="visitor")
    assert response.status_code == 200  # the form again, with its error
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/two-step/").status_code == 302
    assert client.get("/admin/two-step/code/")["Location"] == "/admin/login/"


def test_staff_made_not_staff_between_password_and_code_is_refused(client):
    user = make_staff()
    device, _ = enrol(user)
    sign_in_with_password(client)
    user.is_staff = False
    user.save()
    response = send_code(client, app_code(device))
    assert response["Location"] == "/admin/login/"
    assert client.get("/admin/").status_code == 302
