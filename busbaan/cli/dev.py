"""``busbaan dev``: the whole stack on loopback, in the foreground.

Embedded Synapse (with the busbaan gate), the bots, the web app and demo data. Writes
``.busbaan/dev.json`` last, when everything is ready: its appearance is the ready
signal. Ctrl-C stops everything cleanly (and removes ``dev.json``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from busbaan.log import configure, get_logger

if TYPE_CHECKING:  # wegwijzer (issue 5)
    from busbaan.devstack.demo import DemoAccounts
    from busbaan.devstack.witness import DevWitness
    from busbaan.service import Service

log = get_logger("busbaan.dev")
ROOT = Path(__file__).resolve().parents[2]


def gate_module(policy_dir: Path, database_url: str, bot_user_id: str,
                language_readers: tuple[str, ...] = ()) -> dict[str, object]:
    """The ``modules:`` entry that enables the busbaan gate in Synapse;
    ``language_readers``: other bots that may read a person's chosen language (the
    wegwijzer)."""
    return {"module": "busbaan.gate.BusbaanGate",
            "config": {"policy_dir": str(policy_dir), "database_url": database_url,
                       "bot_user_id": bot_user_id,
                       "language_readers": list(language_readers)}}


async def _run(state_dir: Path, policy_dir: Path, web_port: int, server_name: str,
               encryption: bool = True) -> None:
    from busbaan.devstack import start_homeserver
    from busbaan.devstack.demo import DEV_JSON, provision_demo, wait_for_stop_signal, write_dev_json
    from busbaan.directory import parse_directory_csv
    from busbaan.matrix.runner import BotAccount
    from busbaan.policy import load_policy
    from busbaan.service import Service, ServiceConfig
    from busbaan.store import make_engine, migrate
    from busbaan.store.repositories import DirectoryRepository

    state_dir = state_dir.absolute()
    state_dir.mkdir(parents=True, exist_ok=True)
    dev_json = state_dir / DEV_JSON
    dev_json.unlink(missing_ok=True)  # appears again only when everything is ready
    db_url = f"sqlite:///{state_dir / 'busbaan.db'}"

    policy = load_policy(policy_dir)
    await asyncio.to_thread(check_wegwijzer_files)  # before anything starts (outside7)
    await asyncio.to_thread(migrate, db_url)
    entries = parse_directory_csv(
        (ROOT / "deploy" / "demo" / "directory.csv").read_text(encoding="utf-8"), policy,
        server_name=server_name, source="deploy/demo/directory.csv")
    engine = make_engine(db_url)
    await asyncio.to_thread(DirectoryRepository(engine).replace_source, entries, "demo",
                            dt.datetime.now(dt.UTC))
    engine.dispose()

    from busbaan.devstack.synapse import port_is_free

    if not port_is_free(web_port):
        log.warning("dev.web_port_busy", port=web_port)
        web_port = 0  # any free port; dev.json names it
    bot_id = f"@casus:{server_name}"
    hs = await start_homeserver(state_dir, [gate_module(
        policy_dir.absolute(), db_url, bot_id,
        language_readers=(f"@wegwijzer:{server_name}",))],
                                profile="dev", server_name=server_name)
    try:
        demo = await provision_demo(hs, state_dir=state_dir)
        bots = {name: BotAccount(name, hs.url, creds.user_id, password=creds.password)
                for name, creds in demo.bots.items() if name in ("casus", "wegwijzer")}
        from busbaan.routing import demo_map_path  # wegwijzer (issue 5)

        witness, trust_path = await _audit_trust(state_dir)  # issue 9: a witness
        service = Service(ServiceConfig(homeserver=hs.url, bots=bots, policy_dir=policy_dir,
                                        database_url=db_url, state_dir=state_dir,
                                        web_port=web_port, socialmap=demo_map_path(),
                                        audit_key_init=True, audit_trust=trust_path,
                                        pseudonym_key_init=True,  # made on the first run
                                        encryption=encryption))
        try:
            await service.start()
        except BaseException:
            await witness.stop()
            raise
        try:
            await _demo_intake_rooms(service, demo)  # wegwijzer (issue 5)
            web_url = f"http://127.0.0.1:{web_port}"
            if service.web is not None:
                web_url = service.web.url
            info = demo.dev_json(web_url)
            info["witness"] = {"url": witness.url, "name": witness.cosigner.name,
                               "vkey": witness.cosigner.verifier.vkey}  # issue 9
            info["audit_verify_config"] = str(trust_path)
            info["encryption"] = encryption  # issue 11: case rooms, lanes, bot DMs
            write_dev_json(dev_json, info)
            click.echo(f"\nbusbaan draait. Homeserver: {hs.url}  Web: {web_url}\n"
                       f"Accounts en wachtwoorden: {dev_json}\nStoppen: Ctrl-C\n", err=True)
            await wait_for_stop_signal()
        finally:
            dev_json.unlink(missing_ok=True)
            await service.stop()
            await witness.stop()
    finally:
        await hs.stop()
    click.echo("busbaan: gestopt.", err=True)


def check_wegwijzer_files() -> None:
    """The demo map, the safety signals and the example questions, checked before
    Synapse or a bot starts: a problem (a BSN in an example file) stops ``make dev`` with
    one Dutch line and exit 2, with nothing started (outside7, finding 12)."""
    from bots.wegwijzer.bot import check_files
    from busbaan.routing import demo_map_path

    check_files(demo_map_path())


async def _audit_trust(state_dir: Path) -> tuple[DevWitness, Path]:
    """issue 9: the signing key (created here, explicitly), a witness on loopback, and
    the verifier's configuration pinning both (``audit-verify.json``)."""
    from busbaan.audit.keys import load_or_create_signer
    from busbaan.audit.trust import write_trust_config
    from busbaan.devstack.witness import start_dev_witness

    signer, _ = await asyncio.to_thread(load_or_create_signer,
                                        state_dir / "audit-signing.key")
    witness = await start_dev_witness(state_dir / "witness", [signer.verifier])
    path = state_dir / "audit-verify.json"
    await asyncio.to_thread(write_trust_config, path, {
        "log_key": signer.verifier.vkey,
        "witnesses": [{"key": witness.cosigner.verifier.vkey, "url": witness.url}],
        "quorum": 1,
        "state_file": "audit-verifier-state.json",
        "checkpoint_interval_seconds": 300,
    })
    return witness, path


async def _demo_intake_rooms(service: Service, demo: DemoAccounts) -> None:
    """wegwijzer (issue 5): an intake room for each service of the demo map whose team
    has demo professionals (deploy/demo/intake.csv), created by the wegwijzer bot."""
    from bots.wegwijzer.intake import parse_intake_csv, provision_intake_rooms

    bot = service.wegwijzer
    if bot is None:
        return
    path = ROOT / "deploy" / "demo" / "intake.csv"
    teams_of = parse_intake_csv(path.read_text(encoding="utf-8"), str(path))
    members: dict[str, list[str]] = {}
    for user in demo.users:
        members.setdefault(user.professional.team, []).append(user.credentials.user_id)
    rooms = await provision_intake_rooms(bot.client, bot.social_map.services, teams_of,
                                         members)
    for alias, room_id in rooms.items():  # a miss kept before the room was made (aliascache)
        bot.lanes.reach.forget(room_id, alias)


@click.command()
@click.option("--state-dir", default=".busbaan", show_default=True,
              type=click.Path(file_okay=False, path_type=Path))
@click.option("--policies", "policy_dir", default=str(ROOT / "policies"),
              type=click.Path(file_okay=False, path_type=Path))
@click.option("--web-port", default=8080, show_default=True, type=int)
@click.option("--server-name", default="localhost", show_default=True)
@click.option("--log-level", default="INFO", show_default=True)
@click.option("--federated", is_flag=True,
              help="Two homeservers (municipal, care provider) in a closed federation "
                   "over TLS; see busbaan/cli/dev_federated.py.")
@click.option("--federation-ports", default="8448,8449", show_default=True,
              help="With --federated: the federation ports (part of the server names); "
                   "0 picks a free one on the first run.")
@click.option("--encryption/--no-encryption", default=True, show_default=True,
              help="End-to-end encrypted case rooms, lanes and bot chats (as in "
                   "production). --no-encryption: for a plain Matrix client without "
                   "encryption (dev.json says which).")
def dev(state_dir: Path, policy_dir: Path, web_port: int, server_name: str,
        log_level: str, federated: bool = False,
        federation_ports: str = "8448,8449", encryption: bool = True) -> None:
    """Run the whole stack on loopback (Synapse, bots, web app, demo data)."""
    configure(log_level)
    if federated:
        from busbaan.cli.dev_federated import parse_ports, run_federated

        asyncio.run(run_federated(state_dir, policy_dir, web_port,
                                  ports=parse_ports(federation_ports), encryption=encryption))
        return
    asyncio.run(_run(state_dir, policy_dir, web_port, server_name, encryption))
