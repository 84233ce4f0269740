"""Where the time of a first answer in a new encrypted direct chat goes (e2efirst).

One command: ``.venv/bin/python -m bench.first_trace [--rooms 4] [--together 1]``.

The embedded Synapse (test profile), the busbaan service with the wegwijzer bot
(encryption ON, the benchmark map), and new professionals at encrypting nio clients in
this process. Each opens an encrypted DM with the bot, waits for its join, asks a first
question and then a second one (as outside20's client did). Every HTTP request and key
step of the bot's client and of each person's client is wrapped with wall-clock
timestamps, as are the bot's handling steps: the inbox, the room task, the router
(``ask``), the lanes (``_no_lane``) and the send. For each question the steps that began
between its send and the moment its answer was seen are printed, relative to the send.
So the first question can be read beside the second.

A diagnostic, not a benchmark: the wrappers cost a little, and the figures follow the
machine's load. ``bench.wegwijzer --first`` gives the numbers. Never fails on a number.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.wegwijzer import MAP, QUESTIONS, ROOT, _encrypting_person, chat_text
from busbaan.devstack import new_password, start_homeserver
from busbaan.log import configure
from busbaan.matrix.runner import BotAccount
from busbaan.service import Service, ServiceConfig
from busbaan.store import migrate

#: (who, step, start, end): wall-clock seconds.
LOG: list[tuple[str, str, float, float]] = []

CLIENT_STEPS = ["sync", "keys_query", "keys_claim", "keys_upload", "share_group_session",
                "room_send", "to_device", "joined_members", "join", "_send"]
RUNNER_STEPS = ["_join", "_invite_key", "prepare_keys", "_crypto_upkeep", "_room_send",
                "_handle_stored", "_pending"]
BOT_STEPS = ["_answer_stored", "_answer_sent", "ask", "_no_lane", "_desk"]


def _wrap(obj: Any, name: str, who: str) -> None:
    original = getattr(obj, name)
    if asyncio.iscoroutinefunction(original):
        @functools.wraps(original)
        async def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.time()
            try:
                return await original(*args, **kwargs)
            finally:
                LOG.append((who, name, start, time.time()))
    else:
        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.time()
            try:
                return original(*args, **kwargs)
            finally:
                LOG.append((who, name, start, time.time()))
    setattr(obj, name, timed)


async def run(rooms: int, together: int) -> list[dict[str, Any]]:
    items = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines()]
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{tmp}/busbaan.db"
        migrate(db_url)
        hs = await start_homeserver(Path(tmp) / "hs", [], profile="test")
        password = new_password()
        bot = await hs.register("wegwijzer", password, lift_ratelimit=True)
        service = Service(ServiceConfig(
            homeserver=hs.url,
            bots={"wegwijzer": BotAccount("wegwijzer", hs.url, bot.user_id, password=password)},
            policy_dir=ROOT / "policies", database_url=db_url, state_dir=Path(tmp) / "state",
            web_port=-1, socialmap=MAP, audit_key_init=True, pseudonym_key_init=True))
        await service.start()
        runner = service.runners["wegwijzer"]
        for name in CLIENT_STEPS:
            _wrap(runner.client, name, "bot")
        for name in RUNNER_STEPS:
            _wrap(runner, name, "bot")
        assert service.wegwijzer is not None
        for name in BOT_STEPS:
            _wrap(service.wegwijzer, name, "bot")

        async def one(k: int) -> dict[str, Any]:
            person = await _encrypting_person(hs, Path(tmp), f"trace-{k}")
            for name in CLIENT_STEPS:
                _wrap(person.client, name, f"c{k}")
            try:
                dm = await person.dm(bot.user_id, encrypted=True, timeout=60)
                row: dict[str, Any] = {"k": k}
                for label, item in (("first", items[k % len(items)]),
                                    ("second", items[(k + 7) % len(items)])):
                    start = time.time()
                    event_id = await person.say(dm, chat_text(item))
                    sent = time.time()

                    def answer(rid: str, ev: dict[str, Any], eid: str = event_id) -> bool:
                        rel = ev.get("content", {}).get("m.relates_to", {})
                        return rid == dm and rel.get("m.in_reply_to", {}).get("event_id") == eid

                    _, ev = await person.wait_for(answer, timeout=30)
                    seen = time.time()
                    _, asked = await person.wait_for(
                        lambda rid, e, eid=event_id: e.get("event_id") == eid, timeout=30)
                    row[label] = {"start": start, "sent": sent, "seen": seen,
                                  "q_ts": asked["origin_server_ts"] / 1000,
                                  "a_ts": ev["origin_server_ts"] / 1000}
                return row
            finally:
                await person.stop()
                await person.client.close()

        try:
            for group in range(max(1, rooms // together)):
                rows += await asyncio.gather(*(one(group * together + j)
                                               for j in range(together)))
                await runner.drain()
        finally:
            await service.stop()
            await hs.stop()
    return rows


def report(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        who = f"c{row['k']}"
        for label in ("first", "second"):
            m = row[label]
            t0 = m["start"]
            print(f"--- {who} {label}: sent → answer seen {m['seen'] - t0:.3f} s; client's send "
                  f"{m['sent'] - t0:.3f}; question's server ts {m['q_ts'] - t0:+.3f}; answer's "
                  f"{m['a_ts'] - t0:+.3f} (bot part {m['a_ts'] - m['q_ts']:.3f})")
            for owner, step, start, end in sorted(LOG, key=lambda x: x[2]):
                if owner not in ("bot", who) or not t0 - 0.01 <= start <= m["seen"]:
                    continue
                if step == "sync" and end > m["seen"] + 0.5:
                    continue  # a long-poll that outlived the answer
                print(f"   {owner:4} {step:20} {start - t0:+.3f} .. {end - t0:+.3f} "
                      f"({(end - start) * 1000:.0f} ms)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rooms", type=int, default=4)
    parser.add_argument("--together", type=int, default=1)
    args = parser.parse_args()
    configure(os.environ.get("BENCH_TRACE_LOG", "WARNING"))
    report(asyncio.run(run(args.rooms, args.together)))
