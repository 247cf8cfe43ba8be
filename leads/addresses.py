"""Rules about email addresses, as pure functions: no database, no settings, no request."""

import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.headerregistry import AddressHeader


def suppression_key(address: str) -> str:
    """The form an address is suppressed under: Unicode NFKC, trimmed, lower case.

    NFKC folds look-alike forms (full-width letters, ligatures) into one spelling, so
    `Dana@Example.com`, ` dana@example.com ` and its full-width spelling are one address.
    """
    return unicodedata.normalize("NFKC", address).strip().lower()


# Mailboxes that belong to a job, not a person (RFC 2142 and common practice).
ROLE_LOCAL_PARTS = frozenset(
    {
        "abuse",
        "admin",
        "administrator",
        "billing",
        "careers",
        "contact",
        "enquiries",
        "hello",
        "help",
        "hostmaster",
        "hr",
        "info",
        "inquiries",
        "jobs",
        "mail",
        "mailer-daemon",
        "marketing",
        "no-reply",
        "noc",
        "noreply",
        "office",
        "postmaster",
        "root",
        "sales",
        "security",
        "support",
        "team",
        "webmaster",
    }
)

# Mailbox providers our visitors use; a domain one typo away from these is a likely slip.
POPULAR_DOMAINS = (
    "gmail.com",
    "googlemail.com",
    "yahoo.com",
    "ymail.com",
    "hotmail.com",
    "outlook.com",
    "live.com",
    "msn.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "aol.com",
    "protonmail.com",
    "proton.me",
    "gmx.com",
    "mail.com",
    "zoho.com",
    "comcast.net",
    "verizon.net",
    "att.net",
    "sbcglobal.net",
    "yahoo.co.uk",
    "hotmail.co.uk",
    "live.co.uk",
    "btinternet.com",
    "yahoo.ca",
    "yahoo.fr",
    "yahoo.de",
    "yahoo.es",
    "yahoo.it",
    "hotmail.fr",
    "hotmail.de",
    "hotmail.es",
    "hotmail.it",
    "outlook.fr",
    "outlook.de",
    "live.fr",
    "gmx.de",
    "web.de",
    "orange.fr",
    "free.fr",
)
# Top-level domains typed wrong so often that the fix is a safe guess.
TLD_TYPOS = {
    "con": "com",
    "cmo": "com",
    "comm": "com",
    "cpm": "com",
    "ocm": "com",
    "vom": "com",
    "xom": "com",
    "coom": "com",
    "nte": "net",
    "ner": "net",
    "nett": "net",
    "ogr": "org",
}


@dataclass(frozen=True)
class AddressReview:
    """What the form should do with an address: refuse it, suggest a fix, or flag it."""

    refusal: str = ""
    suggestion: str = ""  # the likely intended address, for "Did you mean ...?"
    keep_allowed: bool = True  # False when the typed domain can't exist (e.g. ".con")
    is_role: bool = False

    def problem(self, *, kept: bool) -> str:
        """What to tell the person, or "" to accept. `kept`: they chose this spelling
        with a "Did you mean ...?" button, so a likely typo is theirs to keep."""
        if self.refusal:
            return self.refusal
        if self.suggestion and not (kept and self.keep_allowed):
            return f"Did you mean {self.suggestion}?"
        return ""


def address_review(
    address: str, *, own_domains: Collection[str], disposable_domains: Collection[str]
) -> AddressReview:
    """Refuse what we can't or mustn't send to; suggest a fix for a likely typo.

    `address` has passed a syntax check already. `own_domains` are the site's own mail
    domains, where role addresses (postmaster@, abuse@, ...) are refused.
    """
    if "=?" in address or "?=" in address:
        return AddressReview(refusal="That looks like encoded text, not an email address.")
    local, _, domain = address.rpartition("@")
    domain = domain.lower().rstrip(".")
    if not local or local.startswith('"') or not mailer_accepts(address):
        return AddressReview(refusal="We can't send email to an address written like that.")
    if "." not in domain:
        return AddressReview(refusal="The part after @ needs a dot, as in name@example.com.")
    is_role = local.lower() in ROLE_LOCAL_PARTS
    if is_role and _within(domain, own_domains):
        return AddressReview(refusal="That is one of our own addresses. Enter yours.")
    disposable = _within(domain, disposable_domains)
    fixed, keep_allowed = domain_suggestion(domain)
    if fixed:  # typo domains are often registered as throw-away inboxes: suggest first
        return AddressReview(
            suggestion=f"{local}@{fixed}",
            keep_allowed=keep_allowed and not disposable,
            is_role=is_role,
        )
    if disposable:
        return AddressReview(
            refusal="That is a temporary inbox. Enter an address you will still read next week."
        )
    return AddressReview(is_role=is_role)


def domain_suggestion(domain: str) -> tuple[str, bool]:
    """(a likely intended domain or "", whether the typed one can be kept as it is)."""
    domain = domain.lower()
    if domain in POPULAR_DOMAINS:
        return "", True
    name, _, tld = domain.rpartition(".")
    keep_allowed = True
    if tld in TLD_TYPOS:
        domain, keep_allowed = f"{name}.{TLD_TYPOS[tld]}", False
    if domain in POPULAR_DOMAINS:
        return domain, keep_allowed
    # One slip (two in a long name): a missing, extra, wrong or swapped letter.
    allowed = 1 if len(domain) < 10 else 2
    distance, closest = min((_edit_distance(domain, known), known) for known in POPULAR_DOMAINS)
    if distance <= allowed:
        return closest, keep_allowed
    return ("" if keep_allowed else domain), keep_allowed


def _edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions, swaps."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, start=1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def is_role_address(address: str) -> bool:
    return address.rpartition("@")[0].lower() in ROLE_LOCAL_PARTS


def mailer_accepts(address: str) -> bool:
    """The check Django's SMTP backend makes before sending (prep_address), without
    sending: one plain mailbox, no parsing defects, an ASCII local part."""
    try:
        parsed = AddressHeader.value_parser(address)
    except (HeaderParseError, IndexError, ValueError):
        return False
    defects = {str(defect) for defect in parsed.all_defects}
    mailboxes = parsed.all_mailboxes
    return (
        not defects
        and len(mailboxes) == 1
        and bool(mailboxes[0].domain)
        and str(mailboxes[0].local_part or "").isascii()
        and mailboxes[0].addr_spec == address
    )


def _within(domain: str, domains: Collection[str]) -> bool:
    """The domain or one of its parents is in `domains`."""
    labels = domain.split(".")
    return any(".".join(labels[start:]) in domains for start in range(len(labels) - 1))
