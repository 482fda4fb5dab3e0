"""Server-side request forgery guard of the harvesters.

A harvest source is a URL typed by a data team member; without a guard it
could make the portal read its own admin endpoints, an intranet service or
a cloud metadata service (169.254.169.254). Every URL, and every redirect,
is checked before it is requested, and every connection is checked again
once open (the address really connected to, so that a DNS answer changing
between check and connection, "DNS rebinding", gains nothing).

Refused: schemes other than http/https, and addresses that are not public
(loopback, private, link-local, shared, reserved, multicast, unspecified,
IPv4-mapped forms of them), unless the operator allow-lists the host name,
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
        address = _unmapped(address)
        return is_public(address) or any(address in network for network in self.networks)

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


def _unmapped(address: IPAddress) -> IPAddress:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_public(address: IPAddress) -> bool:
    address = _unmapped(address)
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
