"""Repeated wrong passwords lock the admin sign-in for that account (django-axes)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db

PASSWORD = "a long Passphrase 42!"


@pytest.fixture
def staff():
    return get_user_model().objects.create_user(
        "recruiter", password=PASSWORD, is_staff=True, is_superuser=True
    )


def sign_in(client, password: str, username: str = "recruiter"):
    return client.post("/admin/login/", {"username": username, "password": password})


def test_the_right_password_signs_in(client, staff):
    response = sign_in(client, PASSWORD)
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_after_too_many_wrong_passwords_even_the_right_one_is_refused(client, settings, staff):
    settings.RATELIMIT_ENABLE = False  # the IP rate limit would answer first otherwise
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "wrong").status_code == 200  # the form, with its error
    locked = sign_in(client, "wrong")
    assert locked.status_code == 429
    assert "Sign-in paused for this account" in locked.content.decode()
    assert sign_in(client, PASSWORD).status_code == 429
    assert client.get("/admin/").status_code == 302  # still signed out
    # Other accounts are not affected, so guessing can't lock out the whole team.
    get_user_model().objects.create_user("editor", password=PASSWORD, is_staff=True)
    assert sign_in(client, PASSWORD, username="editor").status_code == 302


def test_a_superuser_can_unlock_an_account(client, settings, staff):
    settings.RATELIMIT_ENABLE = False
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "wrong")
    call_command("axes_reset_username", "recruiter")
    assert sign_in(client, PASSWORD).status_code == 302
