"""A throw-away DKIM key and the settings that turn signing on, for tests."""

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


@pytest.fixture(scope="module")
def private_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.fixture
def dkim_on(settings, private_key):
    settings.DKIM_SELECTOR = "site2026"
    settings.DKIM_DOMAIN = "example.com"
    settings.DKIM_PRIVATE_KEY = private_key
    settings.RESULT_FROM_EMAIL = "careers@example.com"
