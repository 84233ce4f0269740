"""The bots' sync filter, side by side (issue 12): what one bot account receives with
and without ``BOT_SYNC_FILTER`` while professionals type, read and write as Element does.

Two devices of the same bot account long-poll ``/sync`` at the same time on one
homeserver — one with the filter, one without — while ``--people`` professionals in
``--rooms`` rooms shared with the bot each send, per round, a typing notice, a message
and a read receipt. Counted per device: sync responses (each one wakes the bot), bytes,
timeline events, ephemeral events, presence events.

Run: ``.venv/bin/python -m bench.sync_filter [--seconds 30]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from busbaan.devstack import new_password, start_homeserver
from busbaan.log import configure
from busbaan.matrix.runner import BOT_SYNC_FILTER


@dataclass
class Seen:
    responses: int = 0
    bytes: int = 0
    timeline: int = 0
    ephemeral: int = 0
    presence: int = 0
    kinds: dict[str, int] = field(default_factory=dict)


async def _call(http: aiohttp.ClientSession, method: str, url: str, token: str,
                body: Any = None) -> Any:
    async with http.request(method, url, json=body,
                            headers={"Authorization": f"Bearer {token}"}) as resp:
        return await resp.json()


async def syncing(http: aiohttp.ClientSession, base: str, token: str,
                  sync_filter: dict[str, Any] | None, seen: Seen, stop: asyncio.Event) -> None:
    params: dict[str, str] = {"timeout": "30000"}
    if sync_filter is not None:
        params["filter"] = json.dumps(sync_filter)
    async with http.get(f"{base}/_matrix/client/v3/sync", params={**params, "timeout": "0"},
                        headers={"Authorization": f"Bearer {token}"}) as resp:
        params["since"] = (await resp.json())["next_batch"]
    while not stop.is_set():
        async with http.get(f"{base}/_matrix/client/v3/sync", params=params,
                            headers={"Authorization": f"Bearer {token}"}) as resp:
            raw = await resp.read()
        body = json.loads(raw)
        params["since"] = body["next_batch"]
        if stop.is_set():
            break
        seen.responses += 1
        seen.bytes += len(raw)
        seen.presence += len(body.get("presence", {}).get("events", []))
        for room in body.get("rooms", {}).get("join", {}).values():
            for ev in room.get("timeline", {}).get("events", []):
                seen.timeline += 1
                seen.kinds[ev["type"]] = seen.kinds.get(ev["type"], 0) + 1
            for ev in room.get("ephemeral", {}).get("events", []):
                seen.ephemeral += 1
                seen.kinds[ev["type"]] = seen.kinds.get(ev["type"], 0) + 1


async def main(seconds: float, n_people: int, n_rooms: int) -> None:
    configure("WARNING")
    with tempfile.TemporaryDirectory() as tmp:
        hs = await start_homeserver(Path(tmp), [], profile="test")
        try:
            pw = new_password()
            bot = await hs.register("casus", pw, lift_ratelimit=True)
            people = [await hs.register(f"p{i}", new_password(), lift_ratelimit=True)
                      for i in range(n_people)]
            base = hs.url
            async with aiohttp.ClientSession() as http:
                login = await _call(http, "POST", f"{base}/_matrix/client/v3/login", "",
                                    {"type": "m.login.password", "password": pw,
                                     "identifier": {"type": "m.id.user", "user": bot.user_id}})
                token_b = login["access_token"]  # a second device of the same bot
                token_a = bot.access_token or ""
                rooms = []
                for r in range(n_rooms):
                    owner = people[r % n_people]
                    created = await _call(http, "POST", f"{base}/_matrix/client/v3/createRoom",
                                          owner.access_token or "",
                                          {"invite": [bot.user_id] + [p.user_id for p in people
                                                                      if p is not owner]})
                    room = created["room_id"]
                    for who in [bot, *people]:
                        if who is not owner:
                            await _call(http, "POST", f"{base}/_matrix/client/v3/join/{room}",
                                        (token_a if who is bot else who.access_token) or "", {})
                    rooms.append(room)
                seen = {"with filter": Seen(), "without filter": Seen()}
                stop = asyncio.Event()
                tasks = [asyncio.create_task(syncing(http, base, token_a, BOT_SYNC_FILTER,
                                                     seen["with filter"], stop)),
                         asyncio.create_task(syncing(http, base, token_b, None,
                                                     seen["without filter"], stop))]
                await asyncio.sleep(1)
                rng = random.Random(5)
                rounds = 0
                end = time.monotonic() + seconds
                while time.monotonic() < end:
                    p = rng.choice(people)
                    room = rng.choice(rooms)
                    tok = p.access_token or ""
                    await _call(http, "PUT", f"{base}/_matrix/client/v3/rooms/{room}/typing/"
                                f"{p.user_id}", tok, {"typing": True, "timeout": 3000})
                    sent = await _call(http, "PUT", f"{base}/_matrix/client/v3/rooms/{room}/"
                                       f"send/m.room.message/t{rounds}", tok,
                                       {"msgtype": "m.text", "body": "overleg"})
                    await _call(http, "POST", f"{base}/_matrix/client/v3/rooms/{room}/receipt/"
                                f"m.read/{sent['event_id']}", tok, {})
                    rounds += 1
                    await asyncio.sleep(0.2)
                await asyncio.sleep(2)
                stop.set()
                # Wake both long-polls so they end.
                await _call(http, "PUT", f"{base}/_matrix/client/v3/rooms/{rooms[0]}/send/"
                            "m.room.message/last", people[0].access_token or "",
                            {"msgtype": "m.text", "body": "einde"})
                await asyncio.wait(tasks, timeout=35)
        finally:
            await hs.stop()
    print(f"\n{rounds} rounds (typing + message + read receipt) by {n_people} people in "
          f"{n_rooms} rooms with the bot, {seconds:g} s\n")
    print("| bot device | sync responses | KiB | timeline events | ephemeral | presence |")
    print("|---|---|---|---|---|---|")
    for name, s in seen.items():
        print(f"| {name} | {s.responses} | {s.bytes / 1024:.0f} | {s.timeline} | "
              f"{s.ephemeral} | {s.presence} |")
    a, b = seen["with filter"], seen["without filter"]
    print(f"\nratio with/without: sync responses {a.responses / max(b.responses, 1):.2f}, "
          f"bytes {a.bytes / max(b.bytes, 1):.2f}")
    print("kinds without filter: " + json.dumps(b.kinds, sort_keys=True))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--people", type=int, default=5)
    parser.add_argument("--rooms", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.seconds, args.people, args.rooms))
