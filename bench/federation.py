"""Federation figures (issue 11, part 4), against two real homeservers in one run.

1. Invite + join into a case room: a professional on the same (municipal) server vs a
   professional on the care provider's server, over TLS, rounds interleaved so that
   the shared, noisy machine affects both alike. Reported: p50/p95 and the ratio.
2. A server that ignores the gate invites and joins an outsider into a case room (the
   events arrive over federation, past every gate): time until the casus bot's removal
   is seen on the municipal server, p50/p95/max. Goal: p95 ≤ 2 s.

Both homeservers run the gate (test profile: no rate limits); the casus bot runs in
this process. Run: ``.venv/bin/python -m bench.federation [--rounds N]``. Prints a
table; never fails on a number (benchmarks are not tests).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import secrets
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
import nio

from busbaan.cli.dev import gate_module
from busbaan.consent import Professional
from busbaan.devstack import Homeserver, new_password
from busbaan.devstack.federation import (
    Federation,
    FederationPlan,
    ServerPlan,
    start_federation,
)
from busbaan.devstack.people import Person
from busbaan.devstack.rogue import RogueServer, load_signing_key
from busbaan.log import configure
from busbaan.matrix.rooms import acl_host
from busbaan.matrix.runner import BotAccount
from busbaan.service import Service, ServiceConfig
from busbaan.store import make_engine, migrate
from busbaan.store.repositories import DirectoryRepository

ROOT = Path(__file__).resolve().parents[1]
GRANT = ("!toestemming geef huisartsen contact,gezondheid grondslag=toestemming,"
         "uitdrukkelijke-toestemming tot={until} rollen=poh-ggz,huisarts")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Stack:
    """Two federated homeservers, one store, the casus bot, and people on both."""

    def __init__(self, fed: Federation, store: str, service: Service) -> None:
        self.fed = fed
        self.store = store
        self.service = service
        self.engine = make_engine(store)
        self.people: list[Person] = []

    async def account(self, key: str, organisation: str, role: str) -> tuple[str, str]:
        hs: Homeserver = self.fed[key]
        creds = await hs.register(f"b-{organisation}-{secrets.token_hex(4)}", new_password())
        DirectoryRepository(self.engine).upsert(
            [Professional(creds.user_id, organisation, role)], source="bench",
            now=dt.datetime.now(dt.UTC))
        assert creds.access_token is not None
        return creds.user_id, creds.access_token

    async def person(self, key: str, organisation: str, role: str) -> Person:
        user_id, token = await self.account(key, organisation, role)
        await self.service.casus.refresh_directory(force=True)
        client = nio.AsyncClient(self.fed[key].url, user_id, config=nio.AsyncClientConfig(
            encryption_enabled=False, store_sync_tokens=False))
        client.access_token, client.user_id = token, user_id
        person = Person(user_id, client)
        await person.start()
        self.people.append(person)
        return person

    async def close(self) -> None:
        for p in self.people:
            await p.stop()
            await p.client.close()
        self.engine.dispose()


async def _case_led_from(stack: Stack, key: str) -> tuple[str, Person, Person]:
    """A case room with the GP practice in scope; with key "zorg" the regie is handed
    over to a POH-GGZ on the care provider's server. Returns (room, municipal, regie)."""
    bot = stack.service.runners["casus"].user_id
    regie = await stack.person("gemeente", "buurtteam", "buurtteammedewerker")
    dm = await regie.dm(bot)
    data = (await regie.command(dm, "!casus nieuw bench"))["nl.busbaan.reply"]
    room = data["data"]["room_id"]
    await regie.join(room)
    until = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    assert (await regie.command(room, GRANT.format(until=until)))["nl.busbaan.reply"]["ok"]
    if key == "gemeente":
        return room, regie, regie
    poh = await stack.person("zorg", "huisartsen", "poh-ggz")
    handover = (await regie.command(room, f"!overdracht {poh.user_id} bench"))
    assert handover["nl.busbaan.reply"]["ok"], handover
    for _ in range(100):
        if isinstance(await poh.join(room), nio.JoinResponse):
            break
        await asyncio.sleep(0.2)
    assert (await poh.command(room, "!accepteer"))["nl.busbaan.reply"]["ok"]
    await stack.service.casus.settle()
    return room, regie, poh


async def invite_join(stack: Stack, rounds: int) -> dict[str, list[float]]:
    room, regie, _ = await _case_led_from(stack, "gemeente")
    token = regie.client.access_token
    gemeente = stack.fed["gemeente"]
    times: dict[str, list[float]] = {"same": [], "cross": []}
    guests = {"same": [await stack.account("gemeente", "buurtteam", "buurtteammedewerker")
                       for _ in range(rounds + 1)],
              "cross": [await stack.account("zorg", "huisartsen", "poh-ggz")
                        for _ in range(rounds + 1)]}
    await stack.service.casus.refresh_directory(force=True)
    zorg_host = acl_host(stack.fed["zorg"].server_name)
    for _ in range(100):  # the bot writes the ACL in its next round
        acl = await regie.client.room_get_state_event(room, "m.room.server_acl")
        if zorg_host in getattr(acl, "content", {}).get("allow", []):
            break
        await asyncio.sleep(0.1)
    async with aiohttp.ClientSession() as http:
        async def post(base: str, path: str, tok: str, body: dict[str, Any]) -> None:
            async with http.post(base + path, json=body,
                                 headers={"Authorization": f"Bearer {tok}"}) as resp:
                if resp.status != 200:
                    raise RuntimeError(f"{path}: {resp.status} {await resp.text()}")

        for i in range(rounds + 1):  # round 0 warms up both paths
            order = ("same", "cross") if i % 2 else ("cross", "same")
            for kind in order:
                user_id, guest_token = guests[kind][i]
                base = gemeente.url if kind == "same" else stack.fed["zorg"].url
                start = time.perf_counter()
                await post(gemeente.url, f"/_matrix/client/v3/rooms/{room}/invite", token,
                           {"user_id": user_id})
                await post(base, f"/_matrix/client/v3/join/{room}", guest_token, {})
                if i:
                    times[kind].append(time.perf_counter() - start)
                await post(base, f"/_matrix/client/v3/rooms/{room}/leave", guest_token, {})
    return times


async def remote_removal(stack: Stack, rounds: int) -> list[float]:
    room, municipal, poh = await _case_led_from(stack, "zorg")
    zorg = stack.fed["zorg"]
    rogue = RogueServer(zorg.server_name, load_signing_key(zorg.config.signing_key_path),
                        destination=stack.fed["gemeente"].server_name,
                        destination_url=stack.fed.federation_url("gemeente"),
                        ssl_context=stack.fed.ssl_context())
    times = []
    for _ in range(rounds):
        outsider = zorg.user_id(f"buiten-{secrets.token_hex(4)}")

        def left(rid: str, ev: dict[str, Any], who: str = outsider) -> bool:
            return (rid == room and ev.get("type") == "m.room.member"
                    and ev.get("state_key") == who
                    and ev.get("content", {}).get("membership") in ("leave", "ban"))

        pdus = await rogue.prepare_invite_and_join(room, inviter=poh.user_id,
                                                   invitee=outsider)
        start = time.perf_counter()  # from sending the invite and the join
        reply = await rogue.send_pdus(pdus)
        assert reply.status == 200 and not any(reply.body.get("pdus", {}).values()), reply
        await municipal.wait_for(left, timeout=30)
        times.append(time.perf_counter() - start)
        await asyncio.sleep(0.2)
    return times


async def main(rounds: int) -> None:
    with tempfile.TemporaryDirectory(prefix="busbaan-bench-fed-") as tmp:
        base = Path(tmp)
        store = f"sqlite:///{base / 'busbaan.db'}"
        migrate(store)
        plan = FederationPlan(servers=(
            ServerPlan("gemeente", "gemeente.localhost"),
            ServerPlan("zorg", "zorg.localhost", organisations=("huisartsen",))))
        started = time.perf_counter()
        fed = await start_federation(
            base, plan, lambda s, m: [gate_module(ROOT / "policies", store, f"@casus:{m}")],
            profile="test")
        startup = time.perf_counter() - started
        try:
            hs = fed.municipal
            password = new_password()
            creds = await hs.register("casus", password, lift_ratelimit=True)
            service = Service(ServiceConfig(
                encryption=False,  # plain nio clients here; ON by default (issue 11)
                homeserver=hs.url,
                bots={"casus": BotAccount("casus", hs.url, creds.user_id, password=password)},
                policy_dir=ROOT / "policies", database_url=store, state_dir=base / "state",
                reconcile_seconds=1.0, web_port=-1, audit_key_init=True))
            await service.start()
            stack = Stack(fed, store, service)
            try:
                ij = await invite_join(stack, rounds)
                removal = await remote_removal(stack, rounds)
            finally:
                await stack.close()
                await service.stop()
        finally:
            await fed.stop()

    def ms(v: float) -> str:
        return f"{v * 1000:7.1f} ms"

    print(f"two homeservers started and federating in {startup:.1f} s")
    print(f"\ninvite + join into a case room, {rounds} rounds each, interleaved")
    print(f"{'':22}{'p50':>12}{'p95':>12}{'mean':>12}")
    for kind, label in (("same", "same server"), ("cross", "other server (TLS)")):
        v = ij[kind]
        print(f"{label:22}{ms(statistics.median(v)):>12}{ms(pct(v, 0.95)):>12}"
              f"{ms(statistics.mean(v)):>12}")
    p50 = statistics.median(ij["cross"]) / statistics.median(ij["same"])
    p95 = pct(ij["cross"], 0.95) / pct(ij["same"], 0.95)
    print(f"{'ratio cross/same':22}{p50:>12.2f}{p95:>12.2f}")
    print(f"\nremote invite + join past the gate -> removed by the bot, {rounds} rounds")
    print(f"p50 {ms(statistics.median(removal))}  p95 {ms(pct(removal, 0.95))}  "
          f"max {ms(max(removal))}  (goal p95 <= 2000 ms)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    configure("WARNING")
    asyncio.run(main(args.rounds))
