"""Server-side request forgery guard of the harvesters.

A harvest source is a URL typed by a data team member; without a guard it
could make the portal read its own admin endpoints, an intranet service or
a cloud metadata service (169.254.169.254). Every URL, and every redirect,
is checked before it is requested, and every connection is checked again
once open (the address really connected to, so that a DNS answer changing
between check and connection, "DNS rebinding", gains nothing).

Refused: schemes other than http/https, and addresses that are not public
(loopback, private, link-local, shared, reserved, multicast, unspecified,
and every IPv6 form embedding such an IPv4 address: mapped, compatible,
NAT64, 6to4, Teredo), unless the operator allow-lists the host name,
the address or its network in ``ckanext.territoires.harvest.allowed_hosts``.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from urllib.parse import urlsplit

from .messages import N_, HarvestProblem

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
log = logging.getLogger(__name__)


class ForbiddenURL(HarvestProblem):
    """A URL or address the harvesters must not reach."""


class Guard:
    """The allow-list of the operator, parsed once."""

    def __init__(self, allowed_hosts=()):
        self.names: set[str] = set()
        self.networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        for entry in allowed_hosts:
            entry = entry.strip().lower()
            if not entry:
                continue
            try:
                self.networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                self.names.add(entry.rstrip("."))

    def name_allowed(self, host: str) -> bool:
        return host.lower().rstrip(".") in self.names

    def address_allowed(self, address: IPAddress) -> bool:
        if is_public(address):
            return True
        unwrapped = _unmapped(address)
        return any(
            candidate in network for candidate in {address, unwrapped} for network in self.networks
        )

    def check_url(self, url: str) -> None:
        """Refuse ``url`` unless it is http(s) to an allowed address."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise ForbiddenURL(
                N_("Refused URL %(url)s: only http and https URLs can be harvested."), url=url
            )
        host = parts.hostname
        if not host:
            raise ForbiddenURL(N_("Refused URL %(url)s: it names no host."), url=url)
        if self.name_allowed(host):
            return
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise ForbiddenURL(N_("Refused URL %(url)s: invalid port."), url=url) from None
        for address in resolve(host, port, url):
            if not self.address_allowed(address):
                raise ForbiddenURL(
                    N_(
                        "Refused URL %(url)s: %(host)s resolves to %(address)s, a non-public "
                        "address (allow it with ckanext.territoires.harvest.allowed_hosts)."
                    ),
                    url=url,
                    host=host,
                    address=str(address),
                )

    def check_peer(self, host: str, peer: str) -> None:
        """Refuse a connection opened to a non-public address (rebinding)."""
        if self.name_allowed(host):
            return
        address = ipaddress.ip_address(peer.split("%", 1)[0])
        if not self.address_allowed(address):
            raise ForbiddenURL(
                N_("Refused connection to %(host)s: it reached %(address)s, a non-public address."),
                host=host,
                address=str(address),
            )


_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052 well-known prefix
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215 local-use prefix
_SIX_TO_FOUR = ipaddress.ip_network("2002::/16")  # RFC 3056
_TEREDO = ipaddress.ip_network("2001::/32")  # RFC 4380


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries, if it is one of the forms
    that lead to it: IPv4-mapped (``::ffff:a.b.c.d``), IPv4-compatible
    (``::a.b.c.d``), NAT64 (``64:ff9b::/96``, ``64:ff9b:1::/48``), 6to4
    (``2002::/16``) and Teredo (``2001::/32``, its client address)."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    value = int(address)
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if value >> 32 == 0:  # IPv4-compatible, ::1 and :: included
        return ipaddress.IPv4Address(value & 0xFFFFFFFF)
    if address in _NAT64:
        return ipaddress.IPv4Address(value & 0xFFFFFFFF)
    if address in _NAT64_LOCAL:  # RFC 6052 /48: 16 bits, the u octet, 16 bits
        high = (value >> 64) & 0xFFFF
        low = (value >> 40) & 0xFFFF
        return ipaddress.IPv4Address((high << 16) | low)
    if address in _SIX_TO_FOUR:
        return address.sixtofour
    if address in _TEREDO and address.teredo is not None:
        return address.teredo[1]
    return None


def _unmapped(address: IPAddress) -> IPAddress:
    embedded = embedded_ipv4(address)
    return embedded if embedded is not None else address


def is_public(address: IPAddress) -> bool:
    """A public address, whatever IPv6 form wraps it: the IPv6 address and
    the IPv4 address it embeds must both be public, except the translation
    prefixes (NAT64, 6to4) whose public IPv4 addresses are legitimate."""
    embedded = embedded_ipv4(address)
    if embedded is not None:
        if not (embedded.is_global and not embedded.is_multicast):
            return False
        if address in _NAT64 or address in _SIX_TO_FOUR or address.ipv4_mapped is not None:  # type: ignore[union-attr]
            return True
    return address.is_global and not address.is_multicast


def resolve(host: str, port: int, url: str) -> list[IPAddress]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        # the system's reason (in English) goes to the log, not to the report
        log.info("Cannot resolve %s: %s", host, error)
        raise ForbiddenURL(
            N_("The host %(host)s of %(url)s cannot be found (DNS): check the address."),
            url=url,
            host=host,
        ) from error
    return [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
