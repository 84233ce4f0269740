"""Gate and reconciliation figures (issue 2), against real Synapses in one run.

1. Invite + join round trip through Synapse with the busbaan gate vs without, side by
   side (two homeservers started in this run, rounds interleaved so that the shared,
   noisy machine affects both alike). Goal: ratio ≤ 1.10.
2. Consent withdrawal → member removed (the casus bot's reconciliation), p95 seconds.
   Goal: ≤ 2 s.

Run: ``.venv/bin/python -m bench.gate [--rounds N]``. Prints a table; never fails on
a number (benchmarks are not tests).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import nio

from busbaan.cli.dev import gate_module
from busbaan.consent import Professional
from busbaan.consent.state import case_content
from busbaan.devstack import Homeserver, new_password, start_homeserver
from busbaan.devstack.people import Person, members
from busbaan.log import configure
from busbaan.matrix.rooms import case_room_request
from busbaan.matrix.runner import BotAccount
from busbaan.service import Service, ServiceConfig
from busbaan.store import make_engine, migrate
from busbaan.store.repositories import DirectoryRepository

ROOT = Path(__file__).resolve().parents[1]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _client(hs: Homeserver, localpart: str) -> nio.AsyncClient:
    creds = await hs.register(localpart, new_password(), lift_ratelimit=True)
    client = nio.AsyncClient(hs.url, creds.user_id,
                             config=nio.AsyncClientConfig(encryption_enabled=False))
    client.access_token = creds.access_token or ""
    client.user_id = creds.user_id
    return client


async def _round_trip_setup(hs: Homeserver, db_url: str | None, n_users: int
                            ) -> tuple[nio.AsyncClient, nio.AsyncClient, list[nio.AsyncClient]]:
    bot = await _client(hs, "casus")
    regie = await _client(hs, "regie")
    guests = [await _client(hs, f"guest{i}") for i in range(n_users)]
    if db_url:
        DirectoryRepository(make_engine(db_url)).upsert(
            [Professional(c.user_id, "buurtteam", "buurtteammedewerker")
             for c in [regie, *guests]], source="bench", now=dt.datetime.now(dt.UTC))
    return bot, regie, guests


async def _case_room(bot: nio.AsyncClient, regie: nio.AsyncClient) -> str:
    req = case_room_request(
        case_id="C-BENCH", regie=regie.user_id,
        case_state=case_content("C-BENCH", "buurtteam", regie.user_id,
                                regie_since=dt.datetime.now(dt.UTC)),
        acl_servers=["localhost"])
    resp = await bot.room_create(**req)
    assert isinstance(resp, nio.RoomCreateResponse), resp
    joined = await regie.join(resp.room_id)
    assert isinstance(joined, nio.JoinResponse), joined
    return resp.room_id


async def invite_join(rounds: int) -> dict[str, list[float]]:
    """Interleaved invite+join round trips on a gated and an ungated homeserver."""
    results: dict[str, list[float]] = {"with gate": [], "without gate": []}
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{tmp}/busbaan.db"
        migrate(db_url)
        gated = await start_homeserver(
            Path(tmp) / "gated", [gate_module(ROOT / "policies", db_url, "@casus:localhost")],
            profile="test")
        plain = await start_homeserver(Path(tmp) / "plain", [], profile="test")
        try:
            setups = {
                "with gate": await _round_trip_setup(gated, db_url, rounds),
                "without gate": await _round_trip_setup(plain, None, rounds),
            }
            rooms = {k: await _case_room(bot, regie) for k, (bot, regie, _) in setups.items()}
            for i in range(rounds):
                for name in (("with gate", "without gate") if i % 2 == 0
                             else ("without gate", "with gate")):
                    _, regie, guests = setups[name]
                    guest = guests[i]
                    start = time.perf_counter()
                    inv = await regie.room_invite(rooms[name], guest.user_id)
                    assert isinstance(inv, nio.RoomInviteResponse), inv
                    j = await guest.join(rooms[name])
                    assert isinstance(j, nio.JoinResponse), j
                    results[name].append(time.perf_counter() - start)
            for bot, regie, guests in setups.values():
                for c in (bot, regie, *guests):
                    await c.close()
        finally:
            await gated.stop()
            await plain.stop()
    return results


async def withdrawal_removal(rounds: int) -> list[float]:
    """Seconds from sending ``!toestemming intrekken`` to the member's leave event."""
    out: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{tmp}/busbaan.db"
        migrate(db_url)
        hs = await start_homeserver(
            Path(tmp), [gate_module(ROOT / "policies", db_url, "@casus:localhost")],
            profile="test")
        password = new_password()
        bot = await hs.register("casus", password, lift_ratelimit=True)
        service = Service(ServiceConfig(
            encryption=False,  # plain nio clients here; ON by default (issue 11)
            homeserver=hs.url, bots={"casus": BotAccount("casus", hs.url, bot.user_id,
                                                         password=password)},
            policy_dir=ROOT / "policies", database_url=db_url, state_dir=Path(tmp) / "state",
            web_port=-1, audit_key_init=True))
        await service.start()
        people: list[Person] = []
        try:
            async def person(org: str, role: str, name: str) -> Person:
                c = await _client(hs, name)
                DirectoryRepository(make_engine(db_url)).upsert(
                    [Professional(c.user_id, org, role)], source="bench",
                    now=dt.datetime.now(dt.UTC))
                p = Person(c.user_id, c)
                await p.start()
                people.append(p)
                return p

            regie = await person("buurtteam", "buurtteammedewerker", "regie")
            await service.casus.refresh_directory(force=True)
            dm = await regie.dm(bot.user_id)
            reply = await regie.command(dm, "!casus nieuw")
            room = reply["nl.busbaan.reply"]["data"]["room_id"]
            await regie.join(room)
            until = (dt.date.today() + dt.timedelta(days=30)).isoformat()
            for i in range(rounds):
                member = await person("schuldhulp", "schuldhulpverlener", f"m{i}")
                await service.casus.refresh_directory(force=True)
                r = await regie.command(
                    room, f"!toestemming geef schuldhulp schulden grondslag=wgs tot={until}")
                assert r["nl.busbaan.reply"]["ok"], r["body"]
                r = await regie.command(room, f"!uitnodigen {member.user_id}")
                assert r["nl.busbaan.reply"]["ok"], r["body"]
                await member.join(room)
                start = time.perf_counter()
                await regie.say(room, "!toestemming intrekken schuldhulp")
                await regie.wait_for(
                    lambda rid, ev, uid=member.user_id: rid == room
                    and ev.get("type") == "m.room.member" and ev.get("state_key") == uid
                    and ev.get("content", {}).get("membership") == "leave", timeout=30)
                out.append(time.perf_counter() - start)
                assert (await members(regie.client, room))[member.user_id] == "leave"
        finally:
            for p in people:
                await p.stop()
                await p.client.close()
            await service.stop()
            await hs.stop()
    return out


def _row(name: str, values: list[float], unit: float = 1000.0) -> str:
    return (f"| {name} | {len(values)} | {statistics.median(values) * unit:.1f} | "
            f"{pct(values, 0.95) * unit:.1f} |")


async def main(rounds: int) -> dict[str, Any]:
    rt = await invite_join(rounds)
    wd = await withdrawal_removal(max(5, rounds // 5))
    ratio_p50 = statistics.median(rt["with gate"]) / statistics.median(rt["without gate"])
    ratio_p95 = pct(rt["with gate"], 0.95) / pct(rt["without gate"], 0.95)
    print("| invite + join | n | p50 ms | p95 ms |\n|---|---|---|---|")
    for name, values in rt.items():
        print(_row(name, values))
    print(f"\nratio with/without gate: p50 {ratio_p50:.3f}, p95 {ratio_p95:.3f} (goal ≤ 1.10)")
    print("\n| withdrawal → removed | n | p50 s | p95 s |\n|---|---|---|---|")
    print(_row("!toestemming intrekken → leave", wd, unit=1.0).replace(".1f", ""))
    print(f"\np95 {pct(wd, 0.95):.2f} s (goal ≤ 2 s)")
    return {"roundtrip": rt, "withdrawal": wd}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=60)
    args = parser.parse_args()
    configure("WARNING")
    asyncio.run(main(args.rounds))
