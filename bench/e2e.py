"""Encrypted vs unencrypted bot replies (issue 11 part 3), in one run.

One embedded Synapse (test profile, loopback), two busbaan services on it, rounds
interleaved so load hits every variant alike:

- **encrypted**: the casus bot with encryption ON (the default) and a professional at
  an encrypting nio client (vodozemac) in an encrypted direct chat;
- **clear room, E2EE on**: the same bot, a professional at a plain client in an
  unencrypted direct chat (what encryption costs the bot when a room is not encrypted);
- **E2EE off**: a second casus bot (another account) with encryption OFF, a plain
  client, an unencrypted direct chat (the bot as before issue 11 part 3).

Each round sends ``!help`` (the same command, the same reply, in every variant) and
measures from the send until the client holds the (decrypted) reply — client-side
encryption and decryption included, as a professional waits for it. Prints p50/p95 per
variant and the ratios encrypted / clear (goal ≤ 1.3). Never fails on a number.

Run: ``.venv/bin/python -m bench.e2e`` (40 rounds per variant, ~2 min on a quiet
machine) or ``--quick`` (10 rounds).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

import nio

from busbaan.cli.dev import gate_module
from busbaan.consent import Professional
from busbaan.devstack import Homeserver, new_password, start_homeserver
from busbaan.devstack.people import REPLY_KEY, Person
from busbaan.log import configure
from busbaan.matrix.runner import BotAccount
from busbaan.service import Service, ServiceConfig
from busbaan.store import make_engine, migrate
from busbaan.store.repositories import DirectoryRepository

ROOT = Path(__file__).resolve().parents[1]
COMMAND = "!help"


async def _service(hs: Homeserver, base: Path, bot: str, *, encryption: bool,
                   gate_db: str | None = None) -> Service:
    db = gate_db or f"sqlite:///{base / f'{bot}.db'}"
    migrate(db)
    password = new_password()
    creds = await hs.register(bot, password, lift_ratelimit=True)
    service = Service(ServiceConfig(
        homeserver=hs.url, bots={"casus": BotAccount("casus", hs.url, creds.user_id,
                                                     password=password)},
        policy_dir=ROOT / "policies", database_url=db, state_dir=base / f"state-{bot}",
        web_port=-1, checkpoint_seconds=0, audit_key_init=True, encryption=encryption))
    await service.start()
    return service


async def _person(hs: Homeserver, base: Path, dbs: list[str], name: str, *,
                  encrypted: bool) -> Person:
    creds = await hs.register(name, new_password())
    assert creds.access_token and creds.device_id
    for db in dbs:
        engine = make_engine(db)
        DirectoryRepository(engine).upsert(
            [Professional(user_id=creds.user_id, organisation="buurtteam",
                          role="buurtteammedewerker")],
            source="bench", now=dt.datetime.now(dt.UTC))
        engine.dispose()
    store = base / "clients" / name
    store.mkdir(parents=True)
    client = nio.AsyncClient(hs.url, creds.user_id, device_id=creds.device_id,
                             store_path=str(store),
                             config=nio.AsyncClientConfig(encryption_enabled=encrypted,
                                                          store_sync_tokens=False))
    client.restore_login(creds.user_id, creds.device_id, creds.access_token)
    person = Person(creds.user_id, client)
    await person.start()
    return person


async def _round_trip(person: Person, room: str) -> float:
    started = time.perf_counter()
    reply = await person.command(room, COMMAND, timeout=60)
    elapsed = time.perf_counter() - started
    assert reply[REPLY_KEY]["ok"] is True, reply.get("body")
    return elapsed * 1000


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


async def main(rounds: int) -> None:
    configure("WARNING")
    with tempfile.TemporaryDirectory(prefix="busbaan-bench-e2e-") as tmp:
        base = Path(tmp)
        gate_db = f"sqlite:///{base / 'gate.db'}"
        migrate(gate_db)
        hs = await start_homeserver(base / "hs", [gate_module(ROOT / "policies", gate_db,
                                                              "@casus:localhost")],
                                    profile="test")
        services: list[Service] = []
        people: list[Person] = []
        try:
            on = await _service(hs, base, "casus", encryption=True, gate_db=gate_db)
            off = await _service(hs, base, "casusplain", encryption=False)
            services += [on, off]
            dbs = [gate_db, str(off.config.database_url)]
            enc = await _person(hs, base, dbs, "bench-e2e-enc", encrypted=True)
            clear = await _person(hs, base, dbs, "bench-e2e-clear", encrypted=False)
            plain = await _person(hs, base, dbs, "bench-e2e-off", encrypted=False)
            people += [enc, clear, plain]
            await on.casus.refresh_directory(force=True)
            await off.casus.refresh_directory(force=True)
            variants = {
                "encrypted (E2EE on)": (enc, await enc.dm(on.runners["casus"].user_id,
                                                          encrypted=True)),
                "clear room (E2EE on)": (clear, await clear.dm(on.runners["casus"].user_id)),
                "clear room (E2EE off)": (plain, await plain.dm(off.runners["casus"].user_id)),
            }
            for person, room in variants.values():  # warm-up: sessions, key exchange
                for _ in range(3):
                    await _round_trip(person, room)
            times: dict[str, list[float]] = {name: [] for name in variants}
            for _ in range(rounds):
                for name, (person, room) in variants.items():
                    times[name].append(await _round_trip(person, room))
        finally:
            for p in people:
                await p.stop()
                await p.client.close()
            for s in services:
                await s.stop()
            await hs.stop()

    print(f"\nbench.e2e — '{COMMAND}' round trip (send → reply readable), {rounds} rounds "
          "per variant, interleaved\n")
    print(f"{'variant':<24} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8}")
    for name, values in times.items():
        print(f"{name:<24} {_pct(values, .5):>8.0f} {_pct(values, .95):>8.0f} "
              f"{statistics.fmean(values):>8.0f}")
    e = times["encrypted (E2EE on)"]
    for other in ("clear room (E2EE on)", "clear room (E2EE off)"):
        o = times[other]
        print(f"ratio encrypted / {other:<22} p50 {_pct(e, .5) / _pct(o, .5):.2f}  "
              f"p95 {_pct(e, .95) / _pct(o, .95):.2f}   (goal ≤ 1.3)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.e2e", description=__doc__)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--quick", action="store_true", help="10 rounds per variant")
    args = parser.parse_args()
    asyncio.run(main(10 if args.quick else args.rounds))
