"""Two (or more) homeservers on loopback in a closed federation, over TLS.

A municipal homeserver (``gemeente.localhost:PORT``) and a care provider's
(``zorg.localhost:PORT``), each an embedded Synapse (see :mod:`busbaan.devstack.stack`)
with the busbaan gate, and:

- a federation listener with TLS on loopback, its certificate signed by a local CA made
  at start (:class:`~busbaan.devstack.tls.LocalCA`); each server trusts only that CA for
  federation (``federation_custom_ca_list``, ``federation_verify_certificates``), so a
  server showing another certificate is refused;
- a closed federation: ``federation_domain_whitelist`` lists exactly the servers of the
  plan (plus what a test adds), in both directions;
- server names with an explicit port, so that Synapse's server discovery needs nothing
  but the host name, which :mod:`busbaan.devstack.localhost_names` resolves to
  loopback (no DNS, no ``/etc/hosts``, no ``.well-known`` on port 443);
- short federation back-off (a homeserver that was down is tried again after seconds,
  not Synapse's ten minutes), so a restart in development or a test heals quickly.

Every homeserver runs the gate for its own users; the casus bot lives on the first
(municipal) server and watches membership that arrives over federation.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import quote

import aiohttp

from busbaan.devstack.stack import SYNAPSE_SUBDIR, Homeserver, start_homeserver
from busbaan.devstack.synapse import (
    CLIENT_RESOURCES,
    CONFIG_FILE,
    LOOPBACK,
    Profile,
    _previous,
    _previous_port,
    free_port,
    port_is_free,
)
from busbaan.devstack.tls import LocalCA, ServerCertificate
from busbaan.errors import BusbaanError, Unavailable
from busbaan.log import get_logger

log = get_logger(__name__)

ENTRY_MODULE = "busbaan.devstack.localhost_names"
CA_SUBDIR = "ca"

#: Federation timings for loopback: fail fast, try again soon.
FEDERATION_TIMINGS: Mapping[str, Any] = {
    "client_timeout": "20s",
    "max_short_retries": 1,
    "max_short_retry_delay": 500,  # ms
    "max_long_retries": 2,
    "max_long_retry_delay": "2s",
    "destination_min_retry_interval": "2s",
    "destination_retry_multiplier": 2,
    "destination_max_retry_interval": "30s",
}


class FederationError(BusbaanError):
    """The federation plan cannot be carried out (a port taken, a name reused)."""

    errcode = "BB_FEDERATION"


class FederationUnavailable(Unavailable):
    """The homeservers run but cannot reach each other over federation."""

    errcode = "BB_FEDERATION_UNAVAILABLE"


@dataclass(frozen=True, slots=True)
class ServerPlan:
    """One homeserver of the federation: its key, host name, ports and organisations."""

    key: str
    host: str
    #: Port of the TLS federation listener; part of the server name. None: a free one.
    federation_port: int | None = None
    #: Port of the plain-HTTP client listener (loopback). None: the previous or a free one.
    client_port: int | None = None
    #: Organisations (policy ids) whose professionals have their account here.
    organisations: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FederationPlan:
    """Which homeservers to run; the first is the municipal one where the bots live."""

    servers: tuple[ServerPlan, ...]
    #: Further server names to allow (tests: a server with a wrong certificate).
    also_allowed: tuple[str, ...] = ()

    def server_for(self, organisation: str) -> ServerPlan:
        """The server that hosts ``organisation``'s professionals (default: the first)."""
        for server in self.servers:
            if organisation in server.organisations:
                return server
        return self.servers[0]


#: ``busbaan dev --federated``: the care provider (a GP practice with its POH-GGZ) on
#: its own homeserver; every municipal organisation on the municipal one.
DEFAULT_PLAN = FederationPlan(servers=(
    ServerPlan(key="gemeente", host="gemeente.localhost", federation_port=8448),
    ServerPlan(key="zorg", host="zorg.localhost", federation_port=8449,
               organisations=("huisartsen",)),
))


def server_name(host: str, federation_port: int) -> str:
    return f"{host}:{federation_port}"


def host_of(server: str) -> str:
    """The host part of a server name (``zorg.localhost:8449`` → ``zorg.localhost``)."""
    if server.startswith("["):
        return server[: server.index("]") + 1]
    return server.partition(":")[0]


def federation_settings(*, client_port: int, federation_port: int,
                        certificate: ServerCertificate, ca: LocalCA,
                        whitelist: Sequence[str]) -> dict[str, Any]:
    """The ``homeserver.yaml`` keys that make an embedded Synapse federate (see module)."""
    return {
        "listeners": [
            {"port": client_port, "type": "http", "tls": False,
             "bind_addresses": [LOOPBACK], "x_forwarded": False,
             # the client API and the OpenID userinfo check (the case panel)
             "resources": [{"names": list(CLIENT_RESOURCES), "compress": False}]},
            # Federation (and the key resource) over TLS, on loopback only.
            {"port": federation_port, "type": "http", "tls": True,
             "bind_addresses": [LOOPBACK], "x_forwarded": False,
             "resources": [{"names": ["federation"], "compress": False}]},
        ],
        "tls_certificate_path": str(certificate.cert_path),
        "tls_private_key_path": str(certificate.key_path),
        "federation_verify_certificates": True,
        "federation_custom_ca_list": [str(ca.cert_path)],
        "federation_client_minimum_tls_version": "1.2",
        "federation_domain_whitelist": sorted(set(whitelist)),
        # Synapse never federates with private addresses unless told: loopback only.
        "ip_range_whitelist": [f"{LOOPBACK}/32"],
        "trusted_key_servers": [],
        "federation": dict(FEDERATION_TIMINGS),
    }


def _ports(directory: Path, plan: ServerPlan) -> tuple[int, int]:
    """(client port, federation port) for ``plan``: fixed, remembered, or free."""
    previous = _previous(directory / CONFIG_FILE)
    old_name = previous.get("server_name")
    if isinstance(old_name, str) and host_of(old_name) == plan.host and ":" in old_name:
        # The server name (with its port) is in every user id: it cannot change.
        old_port = int(old_name.rpartition(":")[2])
        if plan.federation_port is not None and plan.federation_port != old_port:
            raise FederationError(
                f"{directory}: deze homeserver heet al {old_name}; poort "
                f"{plan.federation_port} kan niet meer. Verwijder de map om opnieuw te beginnen.",
                f"{directory}: this homeserver is already called {old_name}; port "
                f"{plan.federation_port} is no longer possible. Delete the directory to "
                "start afresh.",
            )
        fed_port = old_port
    else:
        fed_port = plan.federation_port or free_port()
    if not port_is_free(fed_port):
        raise FederationError(
            f"Poort {fed_port} (federatie van {plan.host}) is bezet. Stop wat daar luistert, "
            "of kies een andere staat-map (--state-dir).",
            f"Port {fed_port} (federation of {plan.host}) is in use. Stop whatever listens "
            "there, or choose another state directory (--state-dir).",
        )
    client = plan.client_port
    if client is None:
        old_client = _previous_port(previous)
        client = old_client if old_client is not None and port_is_free(old_client) else None
    while client is None or client == fed_port:
        client = free_port()
    return client, fed_port


class Federation:
    """Running homeservers of a :class:`FederationPlan`, by key, with their CA."""

    def __init__(self, plan: FederationPlan, ca: LocalCA,
                 homeservers: Mapping[str, Homeserver],
                 federation_ports: Mapping[str, int]) -> None:
        self.plan = plan
        self.ca = ca
        self.homeservers = dict(homeservers)
        self.federation_ports = dict(federation_ports)

    def __getitem__(self, key: str) -> Homeserver:
        return self.homeservers[key]

    @property
    def municipal(self) -> Homeserver:
        """The first server of the plan, where the bots live."""
        return self.homeservers[self.plan.servers[0].key]

    def server_names(self) -> list[str]:
        return [hs.server_name for hs in self.homeservers.values()]

    def for_organisation(self, organisation: str) -> Homeserver:
        return self.homeservers[self.plan.server_for(organisation).key]

    def federation_url(self, key: str) -> str:
        """The TLS federation listener of ``key`` (verify with :attr:`ca`)."""
        return f"https://{LOOPBACK}:{self.federation_ports[key]}"

    def ssl_context(self) -> ssl.SSLContext:
        """A client TLS context that trusts only the local CA."""
        return ssl.create_default_context(cafile=str(self.ca.cert_path))

    async def check(self, timeout: float = 30.0) -> None:
        """Wait until every server reaches every other over federation, or raise
        :class:`FederationUnavailable` naming which pair did not.

        The probe is a profile look-up of the other server's admin account through
        this server's client API: it makes this server fetch the other's signing key
        and call its federation API over TLS.
        """
        pending = [(a, b) for a in self.homeservers for b in self.homeservers if a != b]
        deadline = asyncio.get_running_loop().time() + timeout
        last: dict[tuple[str, str], str] = {}
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=25)) as http:
            while pending:
                for pair in list(pending):
                    src, dst = self.homeservers[pair[0]], self.homeservers[pair[1]]
                    target = dst.user_id("busbaan-admin")
                    url = f"{src.url}/_matrix/client/v3/profile/{quote(target)}"
                    try:
                        async with http.get(url, headers={
                                "Authorization": f"Bearer {src.admin_token}"}) as resp:
                            if resp.status == 200:
                                pending.remove(pair)
                                continue
                            last[pair] = f"HTTP {resp.status} {await resp.text()}"[:300]
                    except (aiohttp.ClientError, TimeoutError) as exc:
                        last[pair] = repr(exc)
                if not pending:
                    break
                if asyncio.get_running_loop().time() > deadline:
                    what = "; ".join(f"{self.homeservers[a].server_name} → "
                                     f"{self.homeservers[b].server_name}: {last.get((a, b), '?')}"
                                     for a, b in pending)
                    raise FederationUnavailable(
                        f"De homeservers bereiken elkaar niet via federatie: {what}. "
                        "Kijk in homeserver.log van de eerste server.",
                        f"The homeservers cannot reach each other over federation: {what}. "
                        "Look in the first server's homeserver.log.",
                    )
                await asyncio.sleep(0.3)
        log.info("federation.ready", servers=self.server_names())

    async def restart(self, key: str) -> None:
        """Stop one homeserver and start it again on the same directory (tests)."""
        hs = self.homeservers[key]
        await hs.process.astop()
        await hs.process.astart()

    async def stop(self) -> None:
        await asyncio.gather(*(hs.stop() for hs in self.homeservers.values()),
                             return_exceptions=True)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.stop()


ModulesFor = Callable[[ServerPlan, str], Sequence[Mapping[str, Any]]]


async def start_federation(
    base_dir: Path,
    plan: FederationPlan = DEFAULT_PLAN,
    modules_for: ModulesFor | None = None,
    profile: Profile = "dev",
    *,
    startup_timeout: float = 90.0,
    check: bool = True,
) -> Federation:
    """Start every homeserver of ``plan`` under ``base_dir/<key>/synapse``, at once.

    ``modules_for(server, municipal_server_name)`` gives each server's ``modules:``
    (the gate, with the bot's user id on the municipal server). The local CA lives in
    ``base_dir/ca`` and is reused. With ``check``, returns only when every server
    reaches every other over federation (:meth:`Federation.check`).
    """
    base_dir = Path(base_dir).absolute()
    ca = await asyncio.to_thread(LocalCA.ensure, base_dir / CA_SUBDIR)
    ports: dict[str, tuple[int, int]] = {}
    for server in plan.servers:
        ports[server.key] = _ports(base_dir / server.key / SYNAPSE_SUBDIR, server)
    taken = [p for pair in ports.values() for p in pair]
    if len(set(taken)) != len(taken):
        raise FederationError("Twee homeservers kregen dezelfde poort; probeer het opnieuw.",
                              "Two homeservers got the same port; try again.")
    names = {s.key: server_name(s.host, ports[s.key][1]) for s in plan.servers}
    whitelist = [*names.values(), *plan.also_allowed]
    municipal = names[plan.servers[0].key]

    async def one(server: ServerPlan) -> Homeserver:
        client_port, fed_port = ports[server.key]
        certificate = await asyncio.to_thread(ca.issue, server.host)
        extra = federation_settings(client_port=client_port, federation_port=fed_port,
                                    certificate=certificate, ca=ca, whitelist=whitelist)
        modules = list(modules_for(server, municipal)) if modules_for else []
        return await start_homeserver(
            base_dir / server.key, modules, profile, server_name=names[server.key],
            port=client_port, startup_timeout=startup_timeout, extra=extra,
            entry_module=ENTRY_MODULE)

    results = await asyncio.gather(*(one(s) for s in plan.servers), return_exceptions=True)
    started = {s.key: r for s, r in zip(plan.servers, results, strict=True)
               if isinstance(r, Homeserver)}
    federation = Federation(plan, ca, started, {k: v[1] for k, v in ports.items()})
    failures = [r for r in results if isinstance(r, BaseException)]
    if failures:
        await federation.stop()
        raise failures[0]
    if check:
        try:
            await federation.check()
        except BaseException:
            await federation.stop()
            raise
    log.info("federation.started", servers=list(names.values()))
    return federation


__all__ = [
    "DEFAULT_PLAN",
    "ENTRY_MODULE",
    "FEDERATION_TIMINGS",
    "Federation",
    "FederationError",
    "FederationPlan",
    "FederationUnavailable",
    "ServerPlan",
    "federation_settings",
    "host_of",
    "server_name",
    "start_federation",
]
