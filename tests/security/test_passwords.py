"""Staff passwords: stored with Argon2, and weak ones refused."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

pytestmark = pytest.mark.django_db


def test_new_passwords_are_stored_with_argon2():
    user = get_user_model().objects.create_user("editor", password="a long Passphrase 42!")
    assert user.password.startswith("argon2$")
    assert user.check_password("a long Passphrase 42!")


def test_an_older_hash_still_signs_in_and_is_upgraded(client):
    user = get_user_model().objects.create_user("old", is_staff=True)
    user.password = make_password("a long Passphrase 42!", hasher="pbkdf2_sha256")
    user.save()
    response = client.post(
        "/admin/login/", {"username": "old", "password": "a long Passphrase 42!"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")


@pytest.mark.parametrize("password", ["password", "12345678901", "short1!", "editor.smith"])
def test_weak_passwords_are_refused(password):
    user = get_user_model()(username="editor.smith", email="editor.smith@example.com")
    with pytest.raises(ValidationError):
        validate_password(password, user=user)
