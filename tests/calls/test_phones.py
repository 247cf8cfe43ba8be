"""Phone numbers the way people type them, stored one way; nonsense gets a clear answer."""

import pytest
from django.core.exceptions import ValidationError

from calls.phones import PHONE_INVALID, phone_display, phone_normalise, phone_tel_uri


@pytest.mark.parametrize(
    "typed",
    [
        "303 555 0123",
        "303.555.0123",
        "303-555-0123",
        "(303) 555-0123",
        "(303)555-0123",
        "+1 303 555 0123",
        "+1 (303) 555-0123",
        "1-303-555-0123",
        "  303  555  0123  ",
        "３０３ ５５５ ０１２３",  # full-width digits, as some phone keyboards type them
    ],
)
def test_us_numbers_in_any_format_are_stored_the_same_way(typed):
    assert phone_normalise(typed, region="US") == "+13035550123"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("303-555-0123 ext. 45", "+13035550123 ext. 45"),
        ("303 555 0123 x45", "+13035550123 ext. 45"),
        ("(303) 555-0123 extension 7", "+13035550123 ext. 7"),
    ],
)
def test_an_extension_is_kept(typed, stored):
    assert phone_normalise(typed, region="US") == stored


def test_an_international_number_keeps_its_country():
    assert phone_normalise("+44 20 7946 0018", region="US") == "+442079460018"
    assert phone_normalise("020 7946 0018", region="GB") == "+442079460018"


@pytest.mark.parametrize(
    "typed",
    [
        "12345",
        "555-0123",  # no area code
        "(303) 555-012",  # a digit short
        "+1 000 555 0123",  # no such area code
        "call me maybe",
        "+",
        "303 555 0123 " + "9" * 60,  # far too long
    ],
)
def test_numbers_that_cannot_be_called_are_refused_with_an_example(typed):
    with pytest.raises(ValidationError) as error:
        phone_normalise(typed, region="US")
    assert error.value.messages == [PHONE_INVALID]
    assert "(303) 555-0123" in PHONE_INVALID


def test_no_number_is_fine():
    assert phone_normalise("   ", region="US") == ""


def test_staff_read_it_grouped_and_a_tap_dials_it():
    assert phone_display("+13035550123 ext. 45") == "+1 303-555-0123 ext. 45"
    assert phone_tel_uri("+13035550123 ext. 45") == "tel:+13035550123;ext=45"
    assert phone_display("") == "" and phone_tel_uri("") == ""
