"""X-Forwarded-* count only from the proxies in FORWARDED_ALLOW_IPS (site_project/edge.py).

One rule decides the visitor's address for the admin lockout, the rate limits, the consent
record and the logs, so a client that reaches gunicorn directly can't pick its own address.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse

from site_project.edge import ForwardedHeadersMiddleware, trusted_networks, visitor_ip

PASSWORD = "a long Passphrase 42!"


@pytest.fixture
def behind_proxy(settings):
    settings.BEHIND_PROXY = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # as BEHIND_PROXY sets
    settings.FORWARDED_ALLOW_IPS = ["127.0.0.1", "::1", "10.0.0.0/24", "fd00::/64"]
    return settings


def ip(rf, remote: str, forwarded: str | None = None) -> str | None:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return visitor_ip(rf.get("/", **extra))


def test_a_direct_client_can_t_choose_its_address(rf, behind_proxy):
    assert ip(rf, "198.51.100.50", "203.0.113.1") == "198.51.100.50"
    assert ip(rf, "198.51.100.50", "10.0.0.5") == "198.51.100.50"  # not even a proxy's


def test_one_trusted_proxy_gives_the_address_it_appended(rf, behind_proxy):
    assert ip(rf, "127.0.0.1", "203.0.113.7") == "203.0.113.7"
    # What the client wrote itself sits left of what the proxy appended, and is ignored.
    assert ip(rf, "127.0.0.1", "1.2.3.4, 203.0.113.7") == "203.0.113.7"


def test_a_chain_of_trusted_proxies_is_walked_to_the_first_untrusted_hop(rf, behind_proxy):
    # load balancer 10.0.0.9 -> nginx 10.0.0.2 -> gunicorn
    assert ip(rf, "10.0.0.2", "6.6.6.6, 203.0.113.7, 10.0.0.9") == "203.0.113.7"
    # every hop trusted: the left-most one is the nearest we can name
    assert ip(rf, "10.0.0.2", "10.0.0.3, 10.0.0.9") == "10.0.0.3"
    # a proxy that added nothing: the proxy itself
    assert ip(rf, "10.0.0.2") == "10.0.0.2"


def test_ipv6_peers_hops_and_mapped_addresses(rf, behind_proxy):
    assert ip(rf, "::1", "2001:db8::7") == "2001:db8::7"
    assert ip(rf, "fd00::2", "2001:db8::7, fd00::9") == "2001:db8::7"
    assert ip(rf, "::1", "[2001:db8::7]:443") == "2001:db8::7"
    assert ip(rf, "::ffff:10.0.0.2", "203.0.113.7") == "203.0.113.7"  # IPv4-mapped proxy
    assert ip(rf, "2001:db8::99", "203.0.113.7") == "2001:db8::99"  # untrusted IPv6 peer


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("not-an-ip", "127.0.0.1"),
        ("203.0.113.7, <script>", "127.0.0.1"),
        ("<script>, 203.0.113.7", "203.0.113.7"),
        ("203.0.113.7:51234", "203.0.113.7"),
        (",,, ", "127.0.0.1"),
        ("999.1.1.1", "127.0.0.1"),
        ("10.0.0.3, junk", "127.0.0.1"),
        ("junk, 10.0.0.3", "10.0.0.3"),
    ],
)
def test_a_malformed_header_never_yields_junk_or_a_guess(rf, behind_proxy, forwarded, expected):
    assert ip(rf, "127.0.0.1", forwarded) == expected


def test_without_behind_proxy_the_header_is_ignored_even_from_loopback(rf, settings):
    settings.BEHIND_PROXY = False
    assert ip(rf, "127.0.0.1", "203.0.113.7") == "127.0.0.1"
    assert ip(rf, "") is None


def test_untrusted_senders_lose_every_forwarded_header_before_django_reads_them(rf, behind_proxy):
    seen = {}

    def view(request):
        seen["secure"] = request.is_secure()
        seen["headers"] = sorted(k for k in request.META if "FORWARDED" in k)
        return HttpResponse()

    middleware = ForwardedHeadersMiddleware(view)
    headers = {
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_X_FORWARDED_FOR": "203.0.113.7",
        "HTTP_X_FORWARDED_HOST": "evil.example",
        "HTTP_FORWARDED": "for=203.0.113.7",
    }
    middleware(rf.get("/", REMOTE_ADDR="198.51.100.50", **headers))
    assert seen == {"secure": False, "headers": []}
    middleware(rf.get("/", REMOTE_ADDR="10.0.0.2", **headers))
    assert seen["secure"] is True
    assert "HTTP_X_FORWARDED_FOR" in seen["headers"]


@pytest.mark.parametrize("entry", ["10.0.0.0/33", "proxy.internal", "127.0.0.1 10.0.0.2"])
def test_a_mistyped_proxy_list_stops_the_site(entry):
    with pytest.raises(ImproperlyConfigured, match="FORWARDED_ALLOW_IPS"):
        trusted_networks(("127.0.0.1", entry))


@pytest.mark.django_db
def test_rotating_x_forwarded_for_from_a_direct_client_still_meets_the_lockout(
    client, behind_proxy
):
    """The bypass an outside probe found: a new X-Forwarded-For on each guess."""
    behind_proxy.RATELIMIT_ENABLE = False  # the lockout alone must hold
    get_user_model().objects.create_user(
        "recruiter", password=PASSWORD, is_staff=True, is_superuser=True
    )
    direct = {"REMOTE_ADDR": "198.51.100.50"}
    answers = [
        client.post(
            "/admin/login/",
            {"username": "recruiter", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
            **direct,
        ).status_code
        for n in range(12)
    ]
    assert 429 in answers
    right = client.post(
        "/admin/login/",
        {"username": "recruiter", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="192.0.2.200",
        **direct,
    )
    assert right.status_code == 429
    assert client.get("/admin/").status_code == 302  # still signed out


@pytest.mark.django_db
def test_rotating_the_left_of_the_header_through_the_proxy_meets_the_rate_limit(
    client, behind_proxy
):
    """Through nginx, what the client writes stays left of the address nginx appends."""
    limit = int(behind_proxy.RATELIMITS["admin:login"][0].split("/")[0])
    codes = [
        client.post(
            "/admin/login/",
            {"username": f"staff{n}", "password": "guess"},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7",
            REMOTE_ADDR="127.0.0.1",
        ).status_code
        for n in range(limit + 1)
    ]
    assert codes[:limit] == [200] * limit
    assert codes[limit] == 429
