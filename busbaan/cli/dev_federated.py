"""``busbaan dev --federated``: the stack on two homeservers in a closed federation.

A municipal homeserver (``gemeente.localhost:8448``: the bots and every municipal team)
and a care provider's (``zorg.localhost:8449``: the GP practice ``huisartsen``), both
with the gate, federating over TLS with certificates from a local CA made at start
(see :mod:`busbaan.devstack.federation`). Everything lives under
``<state dir>/federated/``; ``<state dir>/dev.json`` is written last, as in ``busbaan
dev``, with the same fields plus ``federation`` and, per user, ``homeserver``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from busbaan.consent import Professional
from busbaan.devstack.admin import Account
from busbaan.devstack.demo import (
    BOTS,
    DEMO_DIRECTORY,
    DEV_JSON,
    PASSWORDS_FILE,
    PRIVACY_OFFICER_ROLE,
    DemoAccounts,
    DemoUser,
    _passwords,
    load_directory,
    wait_for_stop_signal,
    write_dev_json,
)
from busbaan.devstack.federation import DEFAULT_PLAN, Federation, ServerPlan, start_federation
from busbaan.errors import UsageError
from busbaan.log import get_logger

log = get_logger("busbaan.dev")
SUBDIR = "federated"


async def provision_federated(fed: Federation, state_dir: Path,
                              directory: Path = DEMO_DIRECTORY) -> DemoAccounts:
    """The demo professionals, each on their organisation's homeserver, and the bots on
    the municipal one; passwords kept in ``state_dir/passwords.json`` as in ``make dev``."""
    professionals = load_directory(directory)
    wanted = [*BOTS, *(p.localpart for p in professionals)]
    passwords, fresh = _passwords(state_dir / PASSWORDS_FILE, wanted)
    municipal = fed.municipal
    by_server: dict[str, list[Account]] = {}
    for name, display in BOTS.items():
        by_server.setdefault(fed.plan.servers[0].key, []).append(
            Account(name, passwords[name], display, lift_ratelimit=True))
    for p in professionals:
        key = fed.plan.server_for(p.organisation).key
        by_server.setdefault(key, []).append(Account(p.localpart, passwords[p.localpart],
                                                     p.display_name))
    creds: dict[str, Any] = {}
    for key, accounts in by_server.items():
        hs = fed[key]
        for account, c in zip(accounts, await hs.register_users(accounts,
                                                                  login_if_exists=False),
                              strict=True):
            if not c.created and account.localpart in fresh:
                await hs.admin.reset_password(c.user_id, account.password)
            creds[account.localpart] = c
    users = tuple(DemoUser(p, creds[p.localpart]) for p in professionals)
    officer = next(u for u in users if u.professional.role == PRIVACY_OFFICER_ROLE)
    return DemoAccounts(homeserver=municipal.url, server_name=municipal.server_name,
                        bots={name: creds[name] for name in BOTS},
                        users=tuple(u for u in users if u is not officer),
                        privacy_officer=officer)


def directory_entries(demo: DemoAccounts) -> list[Professional]:
    """The store's directory for the demo: every professional with their real user id."""
    return [Professional(user_id=u.credentials.user_id, organisation=u.professional.organisation,
                         role=u.professional.role, team=u.professional.team,
                         display_name=u.professional.display_name)
            for u in (*demo.users, demo.privacy_officer)]


def federated_dev_json(demo: DemoAccounts, fed: Federation, web_url: str) -> dict[str, Any]:
    """``dev.json`` for the federated stack: every field of ``busbaan dev`` (the municipal
    server as ``homeserver``), each user's own ``homeserver``, and ``federation``."""
    data = demo.dev_json(web_url)
    url_of = {hs.server_name: hs.url for hs in fed.homeservers.values()}
    for user in data["users"]:
        user["homeserver"] = url_of[user["user_id"].partition(":")[2]]
    data["privacy_officer"]["homeserver"] = demo.homeserver

    def server(plan: ServerPlan) -> dict[str, Any]:
        hs = fed[plan.key]
        return {"key": plan.key, "server_name": hs.server_name, "homeserver": hs.url,
                "federation": fed.federation_url(plan.key),
                "organisations": list(plan.organisations) or ["*"]}

    data["federation"] = {
        "homeservers": [server(p) for p in fed.plan.servers],
        "ca_certificate": str(fed.ca.cert_path),
        "whitelist": fed.server_names(),
    }
    return data


def parse_ports(text: str) -> tuple[int | None, ...]:
    """``"8448,8449"`` → (8448, 8449); 0 means "a free port" (None)."""
    try:
        ports = tuple(int(p) for p in text.split(","))
    except ValueError:
        ports = ()
    if len(ports) != len(DEFAULT_PLAN.servers) or any(not 0 <= p < 65536 for p in ports):
        raise UsageError(
            f"--federation-ports verwacht {len(DEFAULT_PLAN.servers)} poorten, "
            f"gescheiden door komma's (0 = vrij), niet {text!r}.",
            f"--federation-ports expects {len(DEFAULT_PLAN.servers)} ports separated by "
            f"commas (0 = any free one), not {text!r}.")
    return tuple(p or None for p in ports)


async def run_federated(state_dir: Path, policy_dir: Path, web_port: int,
                        ports: tuple[int | None, ...] | None = None,
                        encryption: bool = True) -> None:
    from busbaan.cli.dev import (
        _audit_trust,
        _demo_intake_rooms,
        check_wegwijzer_files,
        gate_module,
    )
    from busbaan.devstack.synapse import port_is_free
    from busbaan.matrix.runner import BotAccount
    from busbaan.policy import load_policy
    from busbaan.routing import demo_map_path
    from busbaan.service import Service, ServiceConfig
    from busbaan.store import make_engine, migrate
    from busbaan.store.repositories import DirectoryRepository

    state_dir = state_dir.absolute()
    base = state_dir / SUBDIR
    base.mkdir(parents=True, exist_ok=True)
    dev_json = state_dir / DEV_JSON
    dev_json.unlink(missing_ok=True)  # appears again only when everything is ready
    db_url = f"sqlite:///{base / 'busbaan.db'}"
    policy_dir = policy_dir.absolute()
    load_policy(policy_dir)  # a broken policy stops here, with file, rule and field
    await asyncio.to_thread(check_wegwijzer_files)  # and broken wegwijzer files (outside7)
    await asyncio.to_thread(migrate, db_url)
    if not port_is_free(web_port):
        log.warning("dev.web_port_busy", port=web_port)
        web_port = 0

    plan = DEFAULT_PLAN
    if ports is not None:
        plan = replace(plan, servers=tuple(replace(s, federation_port=p)
                                           for s, p in zip(plan.servers, ports, strict=True)))
    fed = await start_federation(
        base, plan,
        lambda server, municipal: [gate_module(policy_dir, db_url, f"@casus:{municipal}")],
        profile="dev")
    try:
        demo = await provision_federated(fed, base)
        engine = make_engine(db_url)
        try:
            await asyncio.to_thread(DirectoryRepository(engine).replace_source,
                                    directory_entries(demo), "demo", dt.datetime.now(dt.UTC))
        finally:
            engine.dispose()
        municipal = fed.municipal
        bots = {name: BotAccount(name, municipal.url, c.user_id, password=c.password)
                for name, c in demo.bots.items()}
        witness, trust_path = await _audit_trust(base)  # issue 9: as in `busbaan dev`
        service = Service(ServiceConfig(homeserver=municipal.url, bots=bots,
                                        policy_dir=policy_dir, database_url=db_url,
                                        state_dir=base, web_port=web_port,
                                        socialmap=demo_map_path(), audit_key_init=True,
                                        audit_trust=trust_path, encryption=encryption,
                                        pseudonym_key_init=True,
                                        # the case panel checks each server's own users
                                        # with that server (its loopback client listener
                                        # serves the OpenID userinfo endpoint)
                                        extra={"panel_homeservers": {
                                            hs.server_name: hs.url
                                            for hs in fed.homeservers.values()}}))
        try:
            await service.start()
        except BaseException:
            await witness.stop()
            raise
        try:
            await _demo_intake_rooms(service, demo)
            web_url = service.web.url if service.web is not None else \
                f"http://127.0.0.1:{web_port}"
            info = federated_dev_json(demo, fed, web_url)
            info["witness"] = {"url": witness.url, "name": witness.cosigner.name,
                               "vkey": witness.cosigner.verifier.vkey}
            info["audit_verify_config"] = str(trust_path)
            info["encryption"] = encryption
            write_dev_json(dev_json, info)
            lines = "\n".join(f"  {hs.server_name}: {hs.url}" for hs in fed.homeservers.values())
            click.echo(f"\nbusbaan draait gefedereerd (TLS, lokale CA {fed.ca.cert_path}).\n"
                       f"Homeservers:\n{lines}\nWeb: {web_url}\n"
                       f"Accounts en wachtwoorden: {dev_json}\nStoppen: Ctrl-C\n", err=True)
            await wait_for_stop_signal()
        finally:
            dev_json.unlink(missing_ok=True)
            await service.stop()
            await witness.stop()
    finally:
        await fed.stop()
    click.echo("busbaan: gestopt.", err=True)
