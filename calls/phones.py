"""Visitors' phone numbers: any way people write them in, one way out (E.164)."""

import phonenumbers
from django.core.exceptions import ValidationError

# Longer than any real number with an extension; phonenumbers itself stops at 250.
PHONE_MAX_INPUT = 50

PHONE_INVALID = (
    "Enter a phone number we can call, such as (303) 555-0123, or +44 20 7946 0018 "
    "from outside the US. Leave it empty and we'll email you."
)


def phone_normalise(raw: str, *, region: str) -> str:
    """ "+13035550123", or "+13035550123 ext. 45"; "" for nothing. Raises ValidationError.

    `region` is where a number without a country code is taken to be (PHONE_DEFAULT_REGION).
    """
    text = " ".join(str(raw).split())
    if not text:
        return ""
    if len(text) > PHONE_MAX_INPUT:
        raise ValidationError(PHONE_INVALID, code="invalid")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(PHONE_INVALID, code="invalid") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(PHONE_INVALID, code="invalid")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return f"{e164} ext. {number.extension}" if number.extension else e164


def phone_display(stored: str) -> str:
    """How staff read a stored number: international format, with its extension."""
    if not stored:
        return ""
    e164, _, extension = stored.partition(" ext. ")
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return stored
    shown = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return f"{shown} ext. {extension}" if extension else shown


def phone_tel_uri(stored: str) -> str:
    """RFC 3966 link for a stored number, so a tap on a phone dials it (extension too)."""
    if not stored:
        return ""
    e164, _, extension = stored.partition(" ext. ")
    return f"tel:{e164};ext={extension}" if extension else f"tel:{e164}"
