"""Run Synapse with ``*.localhost`` names resolving to loopback (RFC 6761, section 6.3).

The federated dev stack names its homeservers ``gemeente.localhost:PORT`` and
``zorg.localhost:PORT``. RFC 6761 says such names resolve to loopback, and most
desktops do so (systemd-resolved, browsers), but a plain Debian image answers
"Name or service not known" ("hosts: files dns" without ``myhostname``). Rather than
edit ``/etc/hosts``, this entry point installs a name resolver in Synapse's reactor
that answers ``localhost`` and ``*.localhost`` with 127.0.0.1 and hands every other
name to the resolver Synapse installs (the system's ``getaddrinfo``), then runs
Synapse as ``python -m synapse.app.homeserver`` would::

    python -m busbaan.devstack.localhost_names -c homeserver.yaml

The server names carry an explicit port, so Synapse asks for no SRV record and no
``.well-known`` (Matrix server discovery, step 2): the host name is the only lookup.
"""

from __future__ import annotations

from typing import Any

from zope.interface import implementer

LOOPBACK_V4 = "127.0.0.1"


def is_localhost_name(name: str) -> bool:
    """True for ``localhost`` and any name under it (case-insensitive, trailing dot)."""
    host = name.rstrip(".").lower()
    return host == "localhost" or host.endswith(".localhost")


def install() -> None:
    """Install the ``*.localhost`` resolver in the global Twisted reactor."""
    from twisted.internet import reactor
    from twisted.internet.address import IPv4Address
    from twisted.internet.interfaces import IHostnameResolver, IHostResolution

    @implementer(IHostResolution)
    class _Resolution:
        def __init__(self, name: str) -> None:
            self.name = name

        def cancel(self) -> None:  # answered at once: nothing to cancel
            return None

    @implementer(IHostnameResolver)
    class LocalhostNames:
        def __init__(self, fallback: Any) -> None:
            self._fallback = fallback

        def resolveHostName(
            self, resolutionReceiver: Any, hostName: Any,
            portNumber: int = 0, addressTypes: Any = None,
            transportSemantics: str = "TCP",
        ) -> Any:
            name = hostName.decode("ascii") if isinstance(hostName, bytes) else str(hostName)
            if not is_localhost_name(name):
                return self._fallback.resolveHostName(
                    resolutionReceiver, hostName, portNumber, addressTypes, transportSemantics)
            resolution = _Resolution(name)
            resolutionReceiver.resolutionBegan(resolution)
            resolutionReceiver.addressResolved(
                IPv4Address(transportSemantics, LOOPBACK_V4, portNumber))  # type: ignore[arg-type]
            resolutionReceiver.resolutionComplete()
            return resolution

    # Synapse installs its own resolver (a GAIResolver on a dedicated thread pool) at
    # start; wrap whatever is installed, then and now.
    original = reactor.installNameResolver

    def install_wrapped(resolver: Any) -> Any:
        return original(LocalhostNames(resolver))

    reactor.installNameResolver = install_wrapped
    install_wrapped(reactor.nameResolver)


def main() -> None:
    install()
    from synapse.app.homeserver import main as synapse_main

    synapse_main()


if __name__ == "__main__":
    main()
