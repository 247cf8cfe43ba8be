"""Rules about email addresses, as pure functions: no database, no settings, no request."""

import unicodedata


def suppression_key(address: str) -> str:
    """The form an address is suppressed under: Unicode NFKC, trimmed, lower case.

    NFKC folds look-alike forms (full-width letters, ligatures) into one spelling, so
    `Dana@Example.com`, ` dana@example.com ` and its full-width spelling are one address.
    """
    return unicodedata.normalize("NFKC", address).strip().lower()
