"""Wegwijzer bot reply time through Synapse (issue 5).

A professional sends each question of ``tests/data/socialmap/dev-questions.jsonl``
(a copy of ``../shared/socialmap/dev-questions.jsonl``) to the wegwijzer bot in a
direct chat, with its context as ``stadsdeel=`` / ``leeftijd=`` words, and waits until
the answer arrives at their client (send → answer seen through sync). Side by side,
interleaved in the same run, the same professional sends a trivial command
(``!wegwijzer``: the help text, no routing, no store) and waits for its reply, so the
difference is what routing, the answer's rendering and its recording cost.

The **first answer in a new encrypted direct chat** (latency16; e2efirst), in the same
run: new professionals, each at an encrypting nio client with a new device (as Element
is), open an encrypted direct chat with the bot, wait until it has joined (as outside15
and outside20 did), ask a question and wait for the answer; then ``LATER`` more. One at a
time, and ``--together`` at once (outside15 opened ten at once, outside20 five). The
first answer of each room is reported apart from the later answers in the same rooms
(p50 / p95 over the rooms), with the client's own send of the first question and how
many clients had to claim a one-time key of the bot's device for it. Each professional
gets the bot as it was before e2efirst ("before": its room key set up only after the
join, that set-up waiting for the key lock) or as it is ("after": the key sent to the
inviter's devices beside the join), alternating in the same run (the crypto module's
and the runner's flags, :data:`VARIANTS`). The bot runs with encryption ON, the
production default (the warm figures above use plain clients in clear direct chats,
which it answers in clear). ``--rounds 0`` measures only the new rooms.

Map: ``tests/data/socialmap/amsterdam-demo.hsds.json`` (the benchmark map, 83
services). Homeserver: the embedded Synapse (test profile: SQLite, no rate limits).
Goal: bot reply p95 ≤ 300 ms.

The **intake-alias cache** (aliascache, session 17), with ``--aliascache``: the warm
answers alternate between the bot asking Synapse for each shown service's intake alias on
every answer ("before": a miss is not kept) and keeping a miss ``absent`` seconds
("after"), and count the bot's intake requests (alias resolve, join, room state) per
answer. The benchmark map names intake aliases that do not exist on this homeserver.

Run: ``.venv/bin/python -m bench.wegwijzer [--rounds N] [--first N] [--together K]
[--aliascache]``. The first answer of a chat beside the later ones, alone (session 19,
speed): ``.venv/bin/python -m bench.wegwijzer --rounds 0 --first 6 --together 5``; each
row gives the load average its rooms began at. ``bench.first_trace`` shows, per step,
where such a first answer's time went.
Prints tables; never fails on a number (benchmarks are not tests).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import nio

from busbaan.devstack import Homeserver, new_password, start_homeserver
from busbaan.devstack.people import NOTICE_KEY, REPLY_KEY, Person
from busbaan.log import configure
from busbaan.matrix import crypto, runner
from busbaan.matrix.runner import BotAccount
from busbaan.service import Service, ServiceConfig
from busbaan.store import migrate

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "socialmap"
MAP = DATA / "amsterdam-demo.hsds.json"
QUESTIONS = DATA / "dev-questions.jsonl"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def chat_text(item: dict[str, Any]) -> str:
    """The question as a professional would type it, context as words."""
    context = item.get("context") or {}
    words = []
    if context.get("stadsdeel"):
        words.append(f"stadsdeel={context['stadsdeel']}")
    if context.get("leeftijd") is not None:
        words.append(f"leeftijd={context['leeftijd']}")
    return " ".join([*words, item["question"]])


async def _person(hs: Homeserver, localpart: str) -> Person:
    creds = await hs.register(localpart, new_password(), lift_ratelimit=True)
    client = nio.AsyncClient(hs.url, creds.user_id,
                             config=nio.AsyncClientConfig(encryption_enabled=False,
                                                          store_sync_tokens=False))
    client.access_token = creds.access_token or ""
    client.user_id = creds.user_id
    person = Person(creds.user_id, client)
    await person.start()
    return person


async def _encrypting_person(hs: Homeserver, base: Path, localpart: str) -> Person:
    """A professional at an encrypting client with a new device (its own store)."""
    creds = await hs.register(localpart, new_password(), lift_ratelimit=True)
    store = base / "clients" / localpart
    store.mkdir(parents=True)
    client = nio.AsyncClient(hs.url, creds.user_id, device_id=creds.device_id,
                             store_path=str(store),
                             config=nio.AsyncClientConfig(encryption_enabled=True,
                                                          store_sync_tokens=False))
    client.restore_login(creds.user_id, creds.device_id, creds.access_token or "")
    person = Person(creds.user_id, client)
    await person.start()
    return person


#: The bot before e2efirst and after (the flags it switched on; latency16's and
#: dmjoin18's are on in both): the room key sent to the inviter's devices beside the
#: join, the share after the join without the key lock when nothing is to be queried,
#: and how often it looks whether the sync knows the joined room.
VARIANTS = {"before": False, "after": True}


def _variant(on: bool) -> None:
    crypto.KEYS_AT_INVITE = crypto.QUERY_LOCK_ONLY_WHEN_NEEDED = on
    runner.JOINED_ROOM_POLL_SECONDS = 0.02 if on else 0.1


#: Questions asked in each new encrypted DM after the first (the "later" answers).
LATER = 2


async def _first_answer(hs: Homeserver, base: Path, bot_id: str, name: str, text: str,
                        again: list[str]) -> dict[str, Any]:
    """A new professional opens an encrypted DM, asks ``text`` (timed), then each of
    ``again``. Also kept: how long her client's send of the first question took (its
    key set-up for the bot's device and the room-key share, then the message), and
    whether it had to claim a one-time key of the bot's device for it (no Olm session
    with the bot yet)."""
    person = await _encrypting_person(hs, base, name)
    claims = [0]
    keys_claim = person.client.keys_claim

    async def counted(*args: Any, **kwargs: Any) -> Any:
        claims[0] += 1
        return await keys_claim(*args, **kwargs)

    person.client.keys_claim = counted
    try:
        # the 1-minute load average as this room began (the machine is shared: a figure
        # is read beside the load it was taken at; session 19, speed)
        load = os.getloadavg()[0]
        start = time.perf_counter()
        dm = await person.dm(bot_id, encrypted=True, timeout=60)
        ready = time.perf_counter() - start
        first, first_bot, _, first_send = await _timed(person, dm, text, NOTICE_KEY,
                                                       with_send=True)
        claimed = claims[0]
        later = [(await _timed(person, dm, q, NOTICE_KEY))[:2] for q in again]
        return {"ready": ready, "first": first, "first_bot": first_bot, "load": load,
                "first_send": first_send, "claimed": claimed,
                "second": later[0][0] if later else float("nan"),
                "later": [s for s, _ in later], "later_bot": [b for _, b in later]}
    finally:
        await person.stop()
        await person.client.close()


async def _first_answers(hs: Homeserver, base: Path, bot_id: str, items: list[dict[str, Any]],
                         n: int, together: int) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """``n`` new DMs per variant one at a time, and ``n`` in groups of ``together`` at
    once, the variants alternating."""
    out: dict[str, dict[str, list[dict[str, Any]]]] = {
        mode: {v: [] for v in VARIANTS} for mode in ("one at a time", f"{together} at once")}
    count = 0

    def question(k: int) -> tuple[str, list[str]]:
        return (chat_text(items[k % len(items)]),
                [chat_text(items[(k + 7 * (j + 1)) % len(items)]) for j in range(LATER)])

    order = list(VARIANTS)
    for i in range(n):
        for variant in (order if i % 2 == 0 else order[::-1]):
            _variant(VARIANTS[variant])
            count += 1
            text, again = question(count)
            out["one at a time"][variant].append(await _first_answer(
                hs, base, bot_id, f"first-{count}", text, again))
    for i in range(max(1, n // together)):
        for variant in (order if i % 2 == 0 else order[::-1]):
            _variant(VARIANTS[variant])
            names = [f"first-{count + j + 1}" for j in range(together)]
            count += together
            out[f"{together} at once"][variant].extend(await asyncio.gather(*(
                _first_answer(hs, base, bot_id, name, *question(count + j))
                for j, name in enumerate(names))))
    _variant(True)
    return out


async def _timed(person: Person, room_id: str, text: str, key: str,
                 with_send: bool = False) -> Any:
    """Seconds from sending ``text`` until the bot's answer to it (carrying ``key``) is
    seen at the client, and the bot's part: the answer's server timestamp minus the
    question's (the bot's sync wake-up, handling and sending, as Synapse saw it).
    ``with_send``: also the seconds the client's send itself took."""
    start = time.perf_counter()
    event_id = await person.say(room_id, text)
    send = time.perf_counter() - start

    def question(rid: str, ev: dict[str, Any]) -> bool:
        return rid == room_id and ev.get("event_id") == event_id

    def answer(rid: str, ev: dict[str, Any]) -> bool:
        content = ev.get("content", {})
        rel = content.get("m.relates_to", {}).get("m.in_reply_to", {})
        return rid == room_id and key in content and rel.get("event_id") == event_id

    _, ev = await person.wait_for(answer, timeout=30)
    seconds = time.perf_counter() - start
    _, asked = await person.wait_for(question, timeout=30)
    bot_part = (ev["origin_server_ts"] - asked["origin_server_ts"]) / 1000
    if with_send:
        return seconds, bot_part, ev["content"], send
    return seconds, bot_part, ev["content"]


def _count_intake_requests(client: nio.AsyncClient, counter: list[int]) -> None:
    """Count the bot's requests that IntakeReach makes (resolve, join, room state)."""
    for name in ("room_resolve_alias", "join", "room_get_state"):
        real = getattr(client, name)

        async def counting(*args: Any, _real: Any = real, **kwargs: Any) -> Any:
            counter[0] += 1
            return await _real(*args, **kwargs)

        setattr(client, name, counting)


async def _aliascache(person: Person, dm: str, items: list[dict[str, Any]], rounds: int,
                      bot_obj: Any) -> dict[str, dict[str, list[float]]]:
    """Warm answers, alternating a bot that keeps no miss ("before", absent = 0) and one
    that keeps it (``after``, the default), with the intake requests of each answer."""
    reach = bot_obj.lanes.reach
    keep = reach.absent
    counter = [0]
    _count_intake_requests(bot_obj.client, counter)
    out: dict[str, dict[str, list[float]]] = {
        v: {"seconds": [], "bot": [], "requests": []} for v in ("before", "after")}
    try:
        for r in range(rounds):
            for i, item in enumerate(items):
                variant = "before" if (r + i) % 2 == 0 else "after"
                reach.absent = 0.0 if variant == "before" else keep
                counter[0] = 0
                seconds, part, _ = await _timed(person, dm, chat_text(item), NOTICE_KEY)
                out[variant]["seconds"].append(seconds)
                out[variant]["bot"].append(part)
                out[variant]["requests"].append(counter[0])
    finally:
        reach.absent = keep
    return out


async def run(rounds: int, first: int = 0, together: int = 5,
              aliascache: bool = False) -> dict[str, Any]:
    items = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines()]
    results: dict[str, list[float]] = {"DM question → answer": [], "!wegwijzer → reply": []}
    bot_part: dict[str, list[float]] = {k: [] for k in results}
    refused = unconfident = 0
    route_ms: list[float] = []
    intake_requests: list[int] = []
    intake_waits: list[int] = []
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{tmp}/busbaan.db"
        migrate(db_url)
        hs = await start_homeserver(Path(tmp) / "hs", [], profile="test")
        password = new_password()
        bot = await hs.register("wegwijzer", password, lift_ratelimit=True)
        service = Service(ServiceConfig(
            homeserver=hs.url,  # encryption ON, the default (issue 11; latency16)
            bots={"wegwijzer": BotAccount("wegwijzer", hs.url, bot.user_id, password=password)},
            policy_dir=ROOT / "policies", database_url=db_url, state_dir=Path(tmp) / "state",
            web_port=-1, socialmap=MAP, audit_key_init=True, pseudonym_key_init=True))
        await service.start()
        person = await _person(hs, "bench")
        try:
            dm = await person.dm(bot.user_id)
            for _ in range(3):  # warm-up: connections, caches
                await _timed(person, dm, chat_text(items[0]), NOTICE_KEY)
                await _timed(person, dm, "!wegwijzer", REPLY_KEY)
            bot_obj = service.wegwijzer
            alias_ab = (await _aliascache(person, dm, items, rounds, bot_obj)
                        if aliascache else {})
            counter = [0]  # the intake requests (resolve, join, state) during each answer
            if not aliascache:
                _count_intake_requests(bot_obj.client, counter)
            for r in range(0 if aliascache else rounds):
                for i, item in enumerate(items):
                    text = chat_text(item)
                    order = ("q", "t") if (r + i) % 2 == 0 else ("t", "q")
                    for kind in order:
                        if kind == "q":
                            counter[0] = 0
                            before = getattr(bot_obj.lanes.reach, "waited", None)
                            seconds, part, content = await _timed(person, dm, text, NOTICE_KEY)
                            intake_requests.append(counter[0])
                            if before is not None:  # session 20: reads an answer waited for
                                intake_waits.append(bot_obj.lanes.reach.waited - before)
                            results["DM question → answer"].append(seconds)
                            bot_part["DM question → answer"].append(part)
                            if content[NOTICE_KEY].get("kind") != "route.answer":
                                refused += 1
                            elif not content["nl.busbaan.route"]["confident"]:
                                unconfident += 1
                        else:
                            seconds, part, _ = await _timed(person, dm, "!wegwijzer",
                                                            REPLY_KEY)
                            results["!wegwijzer → reply"].append(seconds)
                            bot_part["!wegwijzer → reply"].append(part)
            for item in items:  # the routing step alone, in the bot's process
                start = time.perf_counter()
                bot_obj.route(chat_text(item), "nl")
                route_ms.append((time.perf_counter() - start) * 1000)
            firsts = (await _first_answers(hs, Path(tmp), bot.user_id, items, first, together)
                      if first else {})
        finally:
            await person.stop()
            await person.client.close()
            await service.stop()
            await hs.stop()
    return {"results": results, "bot_part": bot_part, "refused": refused,
            "unconfident": unconfident, "route_ms": route_ms, "questions": len(items),
            "firsts": firsts, "aliascache": alias_ab, "intake_requests": intake_requests,
            "intake_waits": intake_waits}


def _print_firsts(firsts: dict[str, dict[str, list[dict[str, Any]]]]) -> None:
    """The first answer in each new room apart from the later answers in the same rooms
    (ms, p50 / p95; n = rooms, later = LATER answers per room)."""
    print("\n| new encrypted DM (wait for the bot to join, then ask) | bot | rooms | DM "
          "ready p50 s | FIRST answer p50 / p95 / max | client's send of the first p50 / "
          "p95 | client claimed a key of the bot | bot part of the first p50 / p95 | "
          f"LATER answers ({LATER} per room) p50 / p95 | bot part of the later p50 / p95 | "
          "load (1 min) min-max |\n|---|---|---|---|---|---|---|---|---|---|---|")

    def two(values: list[float]) -> str:
        return (f"{statistics.median(values) * 1000:.0f} / {pct(values, 0.95) * 1000:.0f}"
                if values else "–")

    for mode, variants in firsts.items():
        for variant, rows in variants.items():
            if not rows:
                continue

            def col(key: str, rows: list[dict[str, Any]] = rows) -> list[float]:
                return [r[key] for r in rows]

            later = [v for r in rows for v in r["later"]]
            later_bot = [v for r in rows for v in r["later_bot"]]
            print(f"| {mode} | {variant} | {len(rows)} | "
                  f"{statistics.median(col('ready')):.2f} | "
                  f"{two(col('first'))} / {max(col('first')) * 1000:.0f} | "
                  f"{two(col('first_send'))} | "
                  f"{sum(1 for r in rows if r['claimed'])} of {len(rows)} | "
                  f"{two(col('first_bot'))} | {two(later)} | {two(later_bot)} | "
                  f"{min(col('load')):.1f}-{max(col('load')):.1f} |")


def _print_aliascache(ab: dict[str, dict[str, list[float]]]) -> None:
    print("\n| warm DM answer (aliascache) | n | p50 ms | p95 ms | bot part p50 ms | "
          "bot part p95 ms | intake requests per answer (mean / max) |\n"
          "|---|---|---|---|---|---|---|")
    for variant, cols in ab.items():
        sec, part, req = cols["seconds"], cols["bot"], cols["requests"]
        print(f"| {variant} | {len(sec)} | {statistics.median(sec) * 1000:.0f} | "
              f"{pct(sec, 0.95) * 1000:.0f} | {statistics.median(part) * 1000:.0f} | "
              f"{pct(part, 0.95) * 1000:.0f} | {statistics.mean(req):.2f} / {max(req):.0f} |")


async def main(rounds: int, first: int = 0, together: int = 5,
               aliascache: bool = False) -> dict[str, Any]:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    out = await run(rounds, first, together, aliascache)
    if aliascache:
        print(f"questions: {out['questions']} × {rounds} round(s); load average at start "
              f"{load:.1f}")
        _print_aliascache(out["aliascache"])
        if out["firsts"]:
            _print_firsts(out["firsts"])
        print(f"load average at the end {os.getloadavg()[0]:.1f}")
        return out
    print(f"questions: {out['questions']} × {rounds} round(s); load average at start "
          f"{load:.1f}")
    if not rounds:  # only the new rooms
        if out["firsts"]:
            _print_firsts(out["firsts"])
        print(f"load average at the end {os.getloadavg()[0]:.1f}")
        return out
    print("\n| through Synapse | n | p50 ms | p95 ms | max ms | bot part p50 ms | "
          "bot part p95 ms |\n|---|---|---|---|---|---|---|")
    for name, values in out["results"].items():
        part = out["bot_part"][name]
        print(f"| {name} | {len(values)} | {statistics.median(values) * 1000:.1f} | "
              f"{pct(values, 0.95) * 1000:.1f} | {max(values) * 1000:.1f} | "
              f"{statistics.median(part) * 1000:.0f} | {pct(part, 0.95) * 1000:.0f} |")
    route = out["route_ms"]
    print(f"\nrouting step alone (check + route, in the bot's process): "
          f"p50 {statistics.median(route):.1f} ms, p95 {pct(route, 0.95):.1f} ms")
    q = out["results"]["DM question → answer"]
    t = out["results"]["!wegwijzer → reply"]
    print(f"answers refused as personal data: {out['refused']}; not confident: "
          f"{out['unconfident']} of {len(q)}")
    req = out["intake_requests"]
    if req:  # session 20 (botlane): the intake reach's requests while each answer waited
        print(f"intake requests (resolve, join, room state) during a DM answer: mean "
              f"{statistics.mean(req):.2f}, max {max(req)}, answers with any "
              f"{sum(1 for r in req if r)} of {len(req)} (background reads included)")
    waits = out["intake_waits"]
    if waits:  # only a bot that counts them (botlane and later)
        print(f"intake reads a DM answer waited for: mean {statistics.mean(waits):.2f}, "
              f"answers that waited {sum(1 for w in waits if w)} of {len(waits)}")
    print(f"\nDM answer p95 {pct(q, 0.95) * 1000:.1f} ms (goal ≤ 300 ms); trivial command "
          f"p95 {pct(t, 0.95) * 1000:.1f} ms")
    if out["firsts"]:
        _print_firsts(out["firsts"])
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--first", type=int, default=6,
                        help="new encrypted DMs per variant, one at a time (0: none)")
    parser.add_argument("--together", type=int, default=5,
                        help="new encrypted DMs opened at once")
    parser.add_argument("--aliascache", action="store_true",
                        help="warm answers alternating no kept miss / a kept miss of the "
                             "intake alias (the only warm table then)")
    args = parser.parse_args()
    configure("WARNING")
    asyncio.run(main(args.rounds, args.first, args.together, args.aliascache))
