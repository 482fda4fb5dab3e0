"""The SSRF guard unwraps every IPv6 form embedding an IPv4 address before
deciding (issue #16, 6). Called directly: nothing is connected to."""

from __future__ import annotations

import ipaddress

import pytest

from ckanext.territoires.harvesters import ssrf

#: IPv6 forms of loopback, private, link-local (metadata service) IPv4 addresses.
WRAPPED_PRIVATE = [
    "::ffff:127.0.0.1",  # mapped
    "::ffff:169.254.169.254",
    "::127.0.0.1",  # compatible
    "::10.0.0.1",
    "::192.168.1.1",
    "64:ff9b::7f00:1",  # NAT64 well-known prefix, 127.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64, 169.254.169.254
    "64:ff9b::10.1.2.3",
    "64:ff9b:1::7f00:1",  # NAT64 local-use prefix
    "64:ff9b:1:7f00:0:100::",  # NAT64 /48 layout (RFC 6052), 127.0.0.1
    "2002:7f00:1::",  # 6to4 of 127.0.0.1
    "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
    "2002:c0a8:101::1",  # 6to4 of 192.168.1.1
    "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo, client 127.0.0.1
    "2001:0:4136:e378:8000:63bf:f5ff:fffe",  # Teredo, client 10.0.0.1
]

PUBLIC = ["8.8.8.8", "2a00:1450:4007:80e::200e", "64:ff9b::808:808", "2002:808:808::1"]


@pytest.mark.parametrize("text", WRAPPED_PRIVATE)
def test_wrapped_private_addresses_are_not_public(text):
    assert not ssrf.is_public(ipaddress.ip_address(text))


@pytest.mark.parametrize("text", PUBLIC)
def test_public_addresses_stay_public(text):
    assert ssrf.is_public(ipaddress.ip_address(text))


@pytest.mark.parametrize(
    ("text", "ipv4"),
    [
        ("64:ff9b::7f00:1", "127.0.0.1"),
        ("64:ff9b:1:7f00:0:100::", "127.0.0.1"),
        ("2002:a9fe:a9fe::1", "169.254.169.254"),
        ("::10.0.0.1", "10.0.0.1"),
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", "127.0.0.1"),
    ],
)
def test_embedded_ipv4(text, ipv4):
    assert ssrf.embedded_ipv4(ipaddress.ip_address(text)) == ipaddress.ip_address(ipv4)


@pytest.mark.parametrize("text", WRAPPED_PRIVATE)
def test_guard_refuses_urls_and_peers_on_wrapped_addresses(text):
    guard = ssrf.Guard()
    with pytest.raises(ssrf.ForbiddenURL):
        guard.check_url(f"http://[{text}]/catalog")
    with pytest.raises(ssrf.ForbiddenURL):
        guard.check_peer("catalogue.example", text)


def test_allow_list_still_allows_a_wrapped_allowed_address():
    guard = ssrf.Guard(["127.0.0.1"])
    guard.check_peer("local", "::ffff:127.0.0.1")
    guard.check_peer("local", "64:ff9b::7f00:1")
    with pytest.raises(ssrf.ForbiddenURL):
        guard.check_peer("local", "64:ff9b::a00:1")
