"""Setting up the app, requiring it for everyone, turning it off, and a superuser's reset."""

import re
from base64 import b32encode
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.two_step import helpers
from tests.two_step.helpers import PASSWORD, app_code, enrol, make_staff, next_app_code

pytestmark = pytest.mark.django_db
SETUP = "/admin/two-step/"


def signed_in(client, **extra):
    user = make_staff(**extra)
    client.force_login(user)
    return user


def test_the_admin_links_to_the_setup_page(client):
    signed_in(client)
    html = client.get("/admin/").content.decode()
    assert f'<a href="{SETUP}">Two-step sign-in</a>' in html


def test_setting_up_the_app_from_the_qr_code_page(client):
    user = signed_in(client)
    page = client.get(SETUP)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and 'class="two-step-qr"' in html
    assert 'aria-label="QR code to add this site to your authenticator app"' in html
    assert "style=" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    typed = re.search(r'<code id="two-step-secret">([A-Z2-7 ]+)</code>', html).group(1)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert typed.replace(" ", "") == b32encode(device.bin_key).decode().rstrip("=")
    # A reload shows the same key, so a code already scanned keeps working.
    assert typed in client.get(SETUP).content.decode()

    wrong = client.post(SETUP, {"code": f"{(int(app_code(device)) + 1) % 1_000_000:06d}"})
    assert wrong.status_code == 400
    assert "That code is not right" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()

    helpers.skip_the_wait(device)
    response = client.post(SETUP, {"code": app_code(device)})
    assert response["Location"] == "/admin/two-step/backup-codes/"
    device.refresh_from_db()
    assert device.confirmed
    codes_page = client.get(response["Location"]).content.decode()
    codes = re.findall(r"<code>(\d{4}-\d{4})</code>", codes_page)
    assert len(codes) == 10
    assert StaticToken.objects.filter(device__user=user).count() == 10
    # Shown once only.
    assert client.get("/admin/two-step/backup-codes/")["Location"] == SETUP
    # This session is verified by that code: the admin stays open.
    assert client.get("/admin/").status_code == 200
    assert "Two-step sign-in is on for your account" in client.get(SETUP).content.decode()

    client.post("/admin/logout/")
    assert helpers.sign_in_with_password(client)["Location"] == "/admin/two-step/code/"
    assert helpers.send_code(client, codes[0]).status_code == 302


def test_without_the_requirement_people_without_an_app_are_not_asked(client, settings):
    settings.ADMIN_REQUIRE_2FA = False
    user = make_staff()
    user.user_permissions.add(Permission.objects.get(codename="view_lead"))
    response = helpers.sign_in_with_password(client)
    assert response["Location"] == "/admin/"
    assert client.get("/admin/leads/lead/").status_code == 200  # no code asked for
    assert client.get("/admin/").status_code == 200


def test_when_required_people_without_an_app_must_set_one_up_first(client, settings):
    settings.ADMIN_REQUIRE_2FA = True
    make_staff(is_superuser=True)
    response = helpers.sign_in_with_password(client)
    assert response.status_code == 302
    assert client.get(response["Location"], follow=True).redirect_chain[-1][0] == SETUP
    for path in ["/admin/", "/admin/leads/lead/", "/admin/insights/", "/admin/auth/user/"]:
        blocked = client.get(path)
        assert blocked.status_code == 302, path
        assert blocked["Location"] == SETUP, path
    page = client.get(SETUP).content.decode()
    assert "Two-step sign-in is required for all staff" in page
    assert "Sign out" in page
    device = TOTPDevice.objects.get(confirmed=False)
    client.post(SETUP, {"code": app_code(device)})
    assert client.get("/admin/leads/lead/").status_code == 200


def test_when_required_the_setup_page_still_lets_them_sign_out(client, settings):
    settings.ADMIN_REQUIRE_2FA = True
    signed_in(client)
    response = client.post("/admin/logout/")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_turning_it_off_needs_the_password_or_a_current_code(client):
    user = make_staff()
    device, _ = enrol(user)
    helpers.sign_in_with_password(client)
    helpers.send_code(client, app_code(device))
    refused = client.post("/admin/two-step/turn-off/", {"secret": "not my password"})
    assert refused.status_code == 400
    assert "That password is not right" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=user).exists()
    done = client.post("/admin/two-step/turn-off/", {"secret": PASSWORD}, follow=True)
    assert "Two-step sign-in is off" in done.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert not StaticToken.objects.filter(device__user=user).exists()
    client.post("/admin/logout/")
    assert helpers.sign_in_with_password(client)["Location"] == "/admin/"


def test_a_current_code_also_turns_it_off(client):
    user = make_staff()
    device, _ = enrol(user)
    helpers.sign_in_with_password(client)
    helpers.send_code(client, app_code(device))
    client.post("/admin/two-step/turn-off/", {"secret": next_app_code(device)})
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_when_required_it_cannot_be_turned_off(client, settings):
    settings.ADMIN_REQUIRE_2FA = True
    user = make_staff()
    device, _ = enrol(user)
    helpers.sign_in_with_password(client)
    helpers.send_code(client, app_code(device))
    page = client.get(SETUP).content.decode()
    assert "so it can't be turned off" in page
    response = client.post("/admin/two-step/turn-off/", {"secret": PASSWORD})
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_a_superuser_resets_a_lost_phone_from_the_user_list(client):
    rita = make_staff()
    enrol(rita)
    boss = make_staff("boss", is_superuser=True)
    client.force_login(boss)
    listing = client.get("/admin/auth/user/").content.decode()
    assert "two-step sign-in" in listing.lower()
    response = client.post(
        "/admin/auth/user/",
        {"action": "reset_two_step", "_selected_action": [rita.pk]},
        follow=True,
    )
    assert "Two-step sign-in reset for rita" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=rita).exists()
    client.post("/admin/logout/")
    assert helpers.sign_in_with_password(client)["Location"] == "/admin/"


def test_staff_who_may_change_users_but_are_not_superusers_cannot_reset(client):
    rita = make_staff()
    enrol(rita)
    manager = make_staff("manager")
    manager.user_permissions.set(Permission.objects.filter(content_type__app_label="auth"))
    client.force_login(manager)
    assert "reset_two_step" not in client.get("/admin/auth/user/").content.decode()
    client.post("/admin/auth/user/", {"action": "reset_two_step", "_selected_action": [rita.pk]})
    assert TOTPDevice.objects.filter(user=rita, confirmed=True).exists()


def test_the_reset_command_for_when_no_superuser_can_sign_in():
    rita = make_staff()
    enrol(rita)
    out = StringIO()
    call_command("two_step_reset", "rita", stdout=out)
    assert "Two-step sign-in reset for rita" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=rita).exists()
