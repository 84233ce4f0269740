"""The first answer in a NEW encrypted direct chat with the wegwijzer (session 14, dmjoin18).

One command: ``.venv/bin/python -m bench.dm_first [--sizes 1,5,10] [--rounds 2]``.

The homeserver is the embedded Synapse with the **dev** profile (``make dev``'s rate
limits: Synapse's defaults for people, the bot's lifted with the admin API's
``override_ratelimit``, as ``busbaan.devstack.demo`` does). The bot runs in this process
(``busbaan.service.Service``, encryption ON, the benchmark map). The professionals run in a
**separate process** (``--clients``, started once per group): each is a new user at a new
encrypting nio client with its own store, as someone opening Element for the first time
with the bot. For every group of K people at once (K in ``--sizes``), each person opens an
Element-style direct chat (``trusted_private_chat``, ``is_direct``, ``m.room.encryption``
in the initial state), all at the same moment, and then either

- **waits** until she sees the bot join, then asks (outside17's pass 1), or
- **types at once**: asks as soon as her own client knows the room, before the bot has
  joined. Her client encrypts for the *invited* bot, as Element does
  (matrix-js-sdk's ``shouldEncryptForInvitedMembers``: history visibility not "joined").

Times, in seconds: DM created → bot's join seen; question sent → answer seen; DM created →
answer seen. Beside them, from the bot's process: invite sent (server timestamp) → the
bot's sync delivered it → its join request started → returned, so the join's wait is
split into the homeserver's delivery, the bot's own queueing and Synapse's join.
Variants of the bot ("before" / "after": :data:`VARIANTS`) alternate per group in the
same run. ``uptime``'s load is printed beside every table. Benchmarks never fail on a
number.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import nio

ROOT = Path(__file__).resolve().parents[1]
MAP = ROOT / "tests" / "data" / "socialmap" / "amsterdam-demo.hsds.json"
QUESTIONS = ROOT / "tests" / "data" / "socialmap" / "dev-questions.jsonl"
NOTICE_KEY = "nl.busbaan.notice"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


# -- the professionals' process ---------------------------------------------------------

async def _person(spec: dict[str, Any], hs: str, bot: str, question: str, mode: str,
                  base: Path, go: asyncio.Event, ready: list[int]) -> dict[str, Any]:
    """One new professional: a new device, a new encrypted DM with the bot, one question."""
    store = base / spec["user_id"].strip("@").split(":")[0]
    store.mkdir(parents=True)
    client = nio.AsyncClient(hs, spec["user_id"], device_id=spec["device_id"],
                             store_path=str(store),
                             config=nio.AsyncClientConfig(encryption_enabled=True,
                                                          store_sync_tokens=False))
    client.restore_login(spec["user_id"], spec["device_id"], spec["access_token"])
    seen: dict[str, float] = {}
    events: list[tuple[float, str, dict[str, Any]]] = []
    changed = asyncio.Event()

    async def on_event(room: nio.MatrixRoom, event: nio.Event) -> None:
        events.append((time.perf_counter(), room.room_id, event.source))
        changed.set()

    client.add_event_callback(on_event, (nio.RoomMessageText, nio.RoomMessageNotice,
                                         nio.RoomMemberEvent, nio.MegolmEvent))
    if client.should_upload_keys:
        await client.keys_upload()
    await client.sync(timeout=0, full_state=True)
    syncing = asyncio.create_task(client.sync_forever(timeout=30_000))

    async def until(pred: Any, timeout: float = 60.0,
                    what: str = "?") -> tuple[float, dict[str, Any]]:
        deadline = time.perf_counter() + timeout
        i = 0
        while True:
            for at, rid, source in events[i:]:
                if pred(rid, source):
                    return at, source
            i = len(events)
            changed.clear()
            left = deadline - time.perf_counter()
            if left <= 0:
                rid = seen.get("room_id", "?")
                locked = sum(1 for _, r, ev in events if r == rid and ev.get("sender") == bot
                             and ev.get("type") == "m.room.encrypted")
                raise TimeoutError(f"{what} in {rid} ({seen.get('question_id')}); bot's "
                                   f"events the client could not decrypt: {locked}; "
                                   "events seen there: "
                                   f"{[ev.get('type') for _, r, ev in events if r == rid]}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), left)

    try:
        ready[0] += 1
        await go.wait()
        start = time.perf_counter()
        resp = await client.room_create(
            preset=nio.RoomPreset.trusted_private_chat, is_direct=True, invite=[bot],
            initial_state=[{"type": "m.room.encryption", "state_key": "",
                            "content": {"algorithm": "m.megolm.v1.aes-sha2"}}])
        assert isinstance(resp, nio.RoomCreateResponse), resp
        rid = resp.room_id
        seen["room_id"] = rid
        seen["created"] = time.perf_counter() - start

        def member(membership: str) -> Any:
            return lambda r, ev: (r == rid and ev.get("type") == "m.room.member"
                                  and ev.get("state_key") == bot
                                  and ev.get("content", {}).get("membership") == membership)

        if mode == "too-soon":  # as soon as the room is known, the invite maybe not yet
            while rid not in client.rooms:
                await asyncio.sleep(0.02)
        else:  # Element sends once the invitee's membership is in the room (below)
            await until(member("invite"), what="invite seen")
        if mode == "wait":
            _, invite = await until(member("invite"), what="invite seen")
            joined_at, join = await until(member("join"), what="join seen")
            seen["joined"] = joined_at - start
            seen["join_server"] = (join["origin_server_ts"] - invite["origin_server_ts"]) / 1000
        sent_at = time.perf_counter()
        sent = await client.room_send(rid, "m.room.message", {"msgtype": "m.text",
                                                               "body": question},
                                      ignore_unverified_devices=True)
        assert isinstance(sent, nio.RoomSendResponse), sent
        seen["send_call"] = time.perf_counter() - sent_at  # keys claimed and shared, sent
        seen["question_id"] = sent.event_id

        def answer(r: str, ev: dict[str, Any]) -> bool:
            rel = ev.get("content", {}).get("m.relates_to", {}).get("m.in_reply_to", {})
            return r == rid and rel.get("event_id") == sent.event_id

        at, ev = await until(answer, what="answer")
        _, invite = await until(member("invite"), what="invite seen")
        if mode != "wait":
            _, join = await until(member("join"), what="join seen")
            seen["join_server"] = (join["origin_server_ts"] - invite["origin_server_ts"]) / 1000
        _, asked = await until(lambda r, e: e.get("event_id") == sent.event_id,
                               what="own question")
        seen["bot_part"] = (ev["origin_server_ts"] - asked["origin_server_ts"]) / 1000
        seen["first"] = at - sent_at
        seen["total"] = at - start
        kind = (ev.get("content", {}).get(NOTICE_KEY) or {}).get("kind", "?")
        return {"kind": kind, "invite_ts": invite["origin_server_ts"], **seen}
    finally:
        syncing.cancel()
        await client.close()


async def clients_main(path: Path) -> None:
    job = json.loads(path.read_text())
    go = asyncio.Event()
    ready = [0]
    with tempfile.TemporaryDirectory() as tmp:
        tasks = [asyncio.create_task(_person(spec, job["homeserver"], job["bot"], q,
                                             job["mode"], Path(tmp), go, ready))
                 for spec, q in zip(job["people"], job["questions"], strict=True)]
        while ready[0] < len(tasks):
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)
        go.set()
        results = await asyncio.gather(*tasks, return_exceptions=True)
    out = [r if isinstance(r, dict) else {"error": f"{type(r).__name__}: {r}"}
           for r in results]
    print(json.dumps(out))


# -- the bot's process ------------------------------------------------------------------

#: The bot before dmjoin18 and after (switched per group in the same run): the crypto
#: store's commits (busbaan.matrix.crypto.FAST_STORE_COMMITS), how many invites are
#: joined at once (runner.JOIN_CONCURRENCY) and the key request with its wake-up on the
#: key's arrival (runner.KEY_REQUESTS).
VARIANTS: dict[str, dict[str, Any]] = {
    "before": {"fast_store": False, "joins": 4, "key_requests": False},
    "after": {"fast_store": True, "joins": 10, "key_requests": True},
}


def _switch(bot_runner: Any, variant: str) -> None:
    from busbaan.matrix import crypto, runner
    flags = VARIANTS[variant]
    crypto.FAST_STORE_COMMITS = flags["fast_store"]
    crypto.store_commits(bot_runner.client, flags["fast_store"])
    runner.JOIN_CONCURRENCY = flags["joins"]
    bot_runner._join_slots = asyncio.Semaphore(flags["joins"])
    runner.KEY_REQUESTS = flags["key_requests"]


def _trace(bot_runner: Any, trace: dict[str, dict[str, float]]) -> None:
    """Record, per room, when the bot's sync delivered its invite and when the join
    request started and returned (wall clock, comparable with server timestamps)."""
    on_invite = bot_runner._on_invite
    join = bot_runner.client.join

    async def traced_invite(room: nio.MatrixRoom, event: nio.InviteMemberEvent) -> None:
        if event.state_key == bot_runner.user_id and event.membership == "invite":
            trace.setdefault(room.room_id, {})["synced"] = time.time()
        await on_invite(room, event)

    async def traced_join(room_id: str, *args: Any, **kwargs: Any) -> Any:
        trace.setdefault(room_id, {})["join_start"] = time.time()
        resp = await join(room_id, *args, **kwargs)
        trace[room_id]["join_end"] = time.time()
        return resp

    # the callback list holds the bound method: replace it there
    for cb in bot_runner.client.event_callbacks:
        if getattr(cb.func, "__func__", None) is type(bot_runner)._on_invite:
            cb.func = traced_invite
    bot_runner.client.join = traced_join


async def bot_main(sizes: list[int], rounds: int, modes: list[str]) -> None:
    from busbaan.devstack import new_password, start_homeserver
    from busbaan.log import configure
    from busbaan.matrix.runner import BotAccount
    from busbaan.service import Service, ServiceConfig
    from busbaan.store import migrate

    configure(os.environ.get("BENCH_DM_LOG", "WARNING"))
    items = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines()]
    rows: list[dict[str, Any]] = []
    trace: dict[str, dict[str, float]] = {}
    print(f"load at start: {load()}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{tmp}/busbaan.db"
        migrate(db_url)
        hs = await start_homeserver(Path(tmp) / "hs", [], profile="dev")
        password = new_password()
        bot = await hs.register("wegwijzer", password, lift_ratelimit=True)  # as make dev
        service = Service(ServiceConfig(
            homeserver=hs.url,
            bots={"wegwijzer": BotAccount("wegwijzer", hs.url, bot.user_id, password=password)},
            policy_dir=ROOT / "policies", database_url=db_url, state_dir=Path(tmp) / "state",
            web_port=-1, socialmap=MAP, audit_key_init=True, pseudonym_key_init=True))
        await service.start()
        _trace(service.wegwijzer.runner, trace)
        count = 0
        try:
            for r in range(rounds):
                for mode in modes:
                    for size in sizes:
                        order = list(VARIANTS) if r % 2 == 0 else list(VARIANTS)[::-1]
                        for variant in order:
                            _switch(service.wegwijzer.runner, variant)
                            people = []
                            for _ in range(size):
                                count += 1
                                creds = await hs.register(f"pro{count}", new_password())
                                people.append({"user_id": creds.user_id,
                                               "device_id": creds.device_id,
                                               "access_token": creds.access_token})
                            questions = [items[(count + j) % len(items)]["question"]
                                         for j in range(size)]
                            job = Path(tmp) / "job.json"
                            job.write_text(json.dumps({
                                "homeserver": hs.url, "bot": bot.user_id, "mode": mode,
                                "people": people, "questions": questions}))
                            before = load()
                            proc = await asyncio.create_subprocess_exec(
                                sys.executable, "-m", "bench.dm_first", "--clients", str(job),
                                stdout=asyncio.subprocess.PIPE, cwd=str(ROOT))
                            out, _ = await proc.communicate()
                            await service.wegwijzer.runner.drain()
                            for res in json.loads(out or b"[]"):
                                res.update(variant=variant, size=size, mode=mode,
                                           load=before, **{f"bot_{k}": v for k, v in
                                                          trace.get(res.get("room_id", ""),
                                                                    {}).items()})
                                rows.append(res)
                            await asyncio.sleep(1.0)
        finally:
            await service.stop()
            await hs.stop()
    print(f"load at end: {load()}")
    report(rows)
    if os.environ.get("BENCH_DM_ROWS"):
        Path(os.environ["BENCH_DM_ROWS"]).write_text(json.dumps(rows, indent=1))


def report(rows: list[dict[str, Any]]) -> None:
    print("\n| mode | at once | bot | n | load | createRoom p50 | DM → join seen p50/p95 | "
          "invite → join (server ts) p50/p95 | invite → bot saw it p50 | → join request p50 "
          "| join request p50 | client's send p50 | sent → answer p50/p95 | bot's part "
          "(server ts) p50/p95 | DM → answer p50/p95 | not readable | errors |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    keys = sorted({(r["mode"], r["size"], r["variant"]) for r in rows},
                  key=lambda k: (k[0], k[1], k[2] != "before"))
    for mode, size, variant in keys:
        group = [r for r in rows if (r["mode"], r["size"], r["variant"]) == (mode, size, variant)]
        ok = [r for r in group if "error" not in r]

        def col(key: str, rows: list[dict[str, Any]] = ok) -> list[float]:
            return [r[key] for r in rows if key in r]

        def two(key: str) -> str:
            v = col(key)
            return f"{statistics.median(v):.2f} / {pct(v, 0.95):.2f}" if v else "–"

        def one(values: list[float]) -> str:
            return f"{statistics.median(values):.2f}" if values else "–"

        delivered = [r["bot_synced"] - r["invite_ts"] / 1000 for r in ok if "bot_synced" in r]
        queued = [r["bot_join_start"] - r["bot_synced"] for r in ok
                  if "bot_join_start" in r and "bot_synced" in r]
        joining = [r["bot_join_end"] - r["bot_join_start"] for r in ok if "bot_join_end" in r]
        unreadable = sum(r.get("kind") == "crypto.undecryptable" for r in ok)
        loads = sorted({r["load"].split()[0] for r in group})
        print(f"| {mode} | {size} | {variant} | {len(ok)} | {'/'.join(loads)} | "
              f"{one(col('created'))} | {two('joined')} | {two('join_server')} | "
              f"{one(delivered)} | {one(queued)} | {one(joining)} | {one(col('send_call'))} | "
              f"{two('first')} | {two('bot_part')} | {two('total')} | {unreadable} | "
              f"{len(group) - len(ok)} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1,5,10")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--modes", default="wait,at-once")
    parser.add_argument("--clients", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.clients is not None:
        asyncio.run(clients_main(args.clients))
    else:
        asyncio.run(bot_main([int(s) for s in args.sizes.split(",")], args.rounds,
                             args.modes.split(",")))
