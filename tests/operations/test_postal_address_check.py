"""`check --deploy` refuses the example postal address with DEBUG off: every page and email
would show it."""

import pytest

from operations.checks import postal_address_is_real


def test_the_example_address_is_refused_in_production(settings):
    settings.DEBUG = False
    settings.FIRM_POSTAL_ADDRESS = settings.EXAMPLE_POSTAL_ADDRESS
    (error,) = postal_address_is_real()
    assert error.id == "operations.E001" and "FIRM_POSTAL_ADDRESS" in error.msg


@pytest.mark.parametrize(
    ("debug", "address"),
    [(True, None), (False, "1 Sunny Way, Denver, CO 80202, USA"), (False, "placeholder")],
)
def test_a_real_address_or_development_passes(settings, debug, address):
    settings.DEBUG = debug
    settings.FIRM_POSTAL_ADDRESS = address or settings.EXAMPLE_POSTAL_ADDRESS
    assert postal_address_is_real() == []


def test_the_footer_shows_the_configured_address(client, settings, db):
    settings.FIRM_POSTAL_ADDRESS = "1 Sunny Way, Denver, CO 80202, USA"
    html = client.get("/privacy/").content.decode()
    assert "1 Sunny Way, Denver, CO 80202, USA" in html and "Example Street" not in html
