"""Keep the harvester from being turned against the network it runs in.

A registry URL is typed by an operator and a page is written by whoever
runs a municipal website; either can point, directly or through a
redirect or a DNS answer that changes between two look-ups, at an address
inside our own network (a database, a cloud metadata service at
169.254.169.254). So the check is made where the socket is opened: the
host name is resolved once, every address is checked, and the connection
goes to the address that was checked. A refused address never sees a
packet.

``OPENUITSLAG_HARVEST_ALLOW_HOSTS`` names exceptions, comma separated:
host names, addresses or networks (``127.0.0.1``, ``127.0.0.0/8``,
``localhost``). Tests use it for their servers on loopback.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import ssl
from collections.abc import Iterable
from dataclasses import dataclass, field

import httpcore
import httpx

ALLOW_ENV = "OPENUITSLAG_HARVEST_ALLOW_HOSTS"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class AddressRefused(httpx.ConnectError):
    """The address a URL leads to is not on the public internet."""


@dataclass(frozen=True)
class AddressPolicy:
    """Which addresses the harvester may connect to.

    Every globally routable address is allowed; any other (private,
    loopback, link-local, shared, reserved, multicast) only when the host
    name or a network in ``allow`` names it.
    """

    allow_names: frozenset[str] = frozenset()
    allow_networks: tuple[IPNetwork, ...] = field(default_factory=tuple)

    @classmethod
    def from_env(cls) -> AddressPolicy:
        """Read the allow-list from ``OPENUITSLAG_HARVEST_ALLOW_HOSTS``."""
        return cls.from_items(os.environ.get(ALLOW_ENV, "").split(","))

    @classmethod
    def from_items(cls, items: Iterable[str]) -> AddressPolicy:
        """Build a policy from host names, addresses and networks."""
        names: set[str] = set()
        networks: list[IPNetwork] = []
        for item in (i.strip().lower() for i in items):
            if not item:
                continue
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                names.add(item.rstrip("."))
        return cls(frozenset(names), tuple(networks))

    def refusal(self, host: str, address: str) -> str | None:
        """Return why ``host`` at ``address`` is refused, or None."""
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        if ip.is_global and not ip.is_multicast:
            return None
        if host.lower().rstrip(".") in self.allow_names:
            return None
        if any(ip in network for network in self.allow_networks):
            return None
        return (
            f"Refused to connect to {host} at {ip}: it is a private, loopback "
            f"or link-local address and {ALLOW_ENV} does not allow it."
        )

    def check_url(self, url: httpx.URL) -> None:
        """Refuse early a URL whose host is a literal non-public address.

        Host names are checked when they are resolved, just before the
        connection; this only gives a clearer error sooner.
        """
        try:
            ipaddress.ip_address(url.host)
        except ValueError:
            return
        reason = self.refusal(url.host, url.host)
        if reason:
            raise AddressRefused(reason)


class GuardedBackend(httpcore.SyncBackend):
    """Resolve, check every address, then connect to the checked address."""

    def __init__(self, policy: AddressPolicy) -> None:
        self.policy = policy

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = self._resolve(host, port)

        for address in addresses:
            reason = self.policy.refusal(host, address)
            if reason:
                raise httpcore.ConnectError(reason)

        last_error: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                last_error = exc
        raise last_error or httpcore.ConnectError(f"Cannot connect to {host}.")

    def _resolve(self, host: str, port: int) -> list[str]:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise httpcore.ConnectError(f"Cannot resolve {host}: {exc}.") from exc
        return list(dict.fromkeys(str(info[4][0]) for info in infos))


class GuardedTransport(httpx.HTTPTransport):
    """An httpx transport whose every connection goes through the guard.

    httpx has no public hook for the network backend, so the transport's
    connection pool is rebuilt with one; proxies from the environment are
    never used, as they would bypass the address check.
    """

    def __init__(
        self,
        policy: AddressPolicy,
        *,
        verify: ssl.SSLContext | bool = True,
        limits: httpx.Limits | None = None,
    ) -> None:
        limits = limits or httpx.Limits(max_connections=4, max_keepalive_connections=2)
        super().__init__(verify=verify, trust_env=False, limits=limits)
        context = httpx.create_ssl_context(verify=verify, trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(policy),
        )
