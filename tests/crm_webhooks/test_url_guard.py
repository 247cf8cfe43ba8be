"""The SSRF guard: webhooks never go to loopback, private, link-local, multicast or reserved
addresses, nor to anything but http(s), unless WEBHOOK_ALLOWED_NETWORKS says so."""

import re

import pytest

from crm_webhooks.url_guard import UnsafeURL, check_url


@pytest.fixture(autouse=True)
def _public_only(settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = []


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/hook", "loopback"),
        ("http://127.8.9.10:8080/hook", "loopback"),
        ("http://[::1]/hook", "loopback"),
        ("http://[::ffff:127.0.0.1]/hook", "loopback"),
        ("http://10.0.0.5/hook", "private"),
        ("http://10.255.1.1/hook", "private"),
        ("https://192.168.1.20/hook", "private"),
        ("https://172.16.0.1/hook", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[fe80::1]/hook", "link-local"),
        ("http://0.0.0.0/hook", "unspecified"),
        ("http://224.0.0.1/hook", "multicast"),
        ("http://240.0.0.1/hook", "reserved"),
        ("http://100.64.0.1/hook", "not on the public internet"),
        ("http://[fd00::1]/hook", "private"),
    ],
)
def test_addresses_off_the_public_internet_are_refused(url, reason):
    with pytest.raises(UnsafeURL, match=reason):
        check_url(url)


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "169.254.169.254", "::1"])
def test_a_name_that_resolves_to_one_of_them_is_refused(dns, address):
    dns["crm.example.com"] = [address]
    with pytest.raises(UnsafeURL, match=re.escape(f"crm.example.com resolves to {address}")):
        check_url("https://crm.example.com/hook")


def test_one_bad_address_among_good_ones_is_enough_to_refuse(dns):
    dns["crm.example.com"] = ["93.184.215.14", "10.0.0.7"]
    with pytest.raises(UnsafeURL, match=r"10\.0\.0\.7"):
        check_url("https://crm.example.com/hook")


def test_localhost_by_name_is_refused():
    with pytest.raises(UnsafeURL, match="loopback"):
        check_url("http://localhost:8000/hook")


@pytest.mark.parametrize(
    "url",
    [
        "ftp://crm.example.com/hook",
        "file:///etc/passwd",
        "gopher://crm.example.com/",
        "javascript:alert(1)",
        "crm.example.com/hook",
        "//crm.example.com/hook",
    ],
)
def test_other_schemes_are_refused(url):
    with pytest.raises(UnsafeURL, match=r"http:// or https://"):
        check_url(url)


def test_a_name_that_does_not_resolve_is_refused(dns):
    with pytest.raises(UnsafeURL, match="could not be resolved"):
        check_url("https://nowhere.example.com/hook")


def test_credentials_in_the_url_are_refused(dns):
    dns["crm.example.com"] = ["93.184.215.14"]
    with pytest.raises(UnsafeURL, match="no user name or password"):
        check_url("https://user:pw@crm.example.com/hook")


def test_a_public_address_passes_and_is_the_one_to_connect_to(dns):
    dns["crm.example.com"] = ["93.184.215.14"]
    target = check_url("https://crm.example.com/hooks/in?source=careers")
    assert (target.scheme, target.host, target.port) == ("https", "crm.example.com", 443)
    assert target.address == "93.184.215.14"
    assert target.path == "/hooks/in?source=careers"


def test_the_setting_allows_a_network(settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8", "::1/128"]
    assert check_url("http://127.0.0.1:8080/hook").address == "127.0.0.1"
    assert check_url("http://[::1]:8080/hook").address == "::1"
    with pytest.raises(UnsafeURL, match="private"):
        check_url("http://10.0.0.1/hook")  # only what the setting names
