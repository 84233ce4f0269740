"""The gate's own cost per event (issue 12), in-process, with real Synapse event objects.

What Synapse hands ``check_event_allowed`` (the room's state, which Synapse fetches for
every event once the callback is registered) is built once; the module's callback is
then timed for a plain message, a join and a state event in a case room with
``--grants`` grants and ``--members`` members, and for a message in an ordinary room.
Also timed: one directory reload from the store with ``--directory`` professionals
(what the gate does every ``directory_refresh_seconds``), and the cheap check that
tells whether the directory changed.

The ModuleApi is a small stand-in (this measures the module, not Synapse): no I/O is
on the timed path except the directory read, which runs inline instead of in a thread.

Run: ``.venv/bin/python -m bench.gate_event [--rounds 20000]``. Prints a table.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlmodel import Session, select
from synapse.api.room_versions import KNOWN_ROOM_VERSIONS
from synapse.events import make_event_from_dict

from busbaan.consent import Grant, Professional
from busbaan.consent.state import CASE_EVENT, CONSENT_EVENT, case_content, grant_content
from busbaan.gate.module import BusbaanGate, _classify, _scope_from_events
from busbaan.log import configure
from busbaan.store import make_engine, migrate
from busbaan.store.models import DirectoryRow
from busbaan.store.repositories import DirectoryRepository

ROOT = Path(__file__).resolve().parents[1]
BOT = "@casus:localhost"
ROOM_VERSION = KNOWN_ROOM_VERSIONS["1"]  # carries its event_id (later versions hash it)


class _Api:
    """Just enough of Synapse's ModuleApi for the gate, without a homeserver."""

    def __init__(self) -> None:
        self.background = 0

    def register_spam_checker_callbacks(self, **_: Any) -> None: ...
    def register_third_party_rules_callbacks(self, **_: Any) -> None: ...

    def is_mine(self, user_id: str) -> bool:
        return user_id.endswith(":localhost")

    def get_current_time_msec(self) -> int:
        return int(time.time() * 1000)

    async def defer_to_thread(self, f: Callable[..., Any], *args: Any) -> Any:
        return f(*args)

    def run_as_background_process(self, desc: str, f: Callable[..., Any], *args: Any) -> None:
        self.background += 1  # the audit write is not on the event's path


_counter = 0


def _event(type_: str, sender: str, content: dict[str, Any], state_key: str | None = None,
           room_id: str = "!case:localhost") -> Any:
    global _counter
    _counter += 1
    d: dict[str, Any] = {"type": type_, "sender": sender, "content": content,
                         "room_id": room_id, "event_id": f"$e{_counter}:localhost",
                         "origin_server_ts": 0, "depth": _counter, "prev_events": [],
                         "auth_events": [], "hashes": {"sha256": "x"}, "signatures": {}}
    if state_key is not None:
        d["state_key"] = state_key
    return make_event_from_dict(d, ROOM_VERSION)


def room_state(n_grants: int, n_members: int, regie: str) -> dict[tuple[str, str], Any]:
    now = dt.datetime.now(dt.UTC)
    state: dict[tuple[str, str], Any] = {}

    def put(ev: Any) -> None:
        state[(ev.type, ev.state_key)] = ev

    put(_event("m.room.create", BOT, {"room_version": "10"}, ""))
    put(_event("m.room.power_levels", BOT, {"users": {BOT: 100, regie: 50}}, ""))
    put(_event("m.room.join_rules", BOT, {"join_rule": "invite"}, ""))
    put(_event("m.room.history_visibility", BOT, {"history_visibility": "joined"}, ""))
    put(_event("m.room.server_acl", BOT, {"allow": ["localhost"]}, ""))
    put(_event(CASE_EVENT, BOT, case_content("C-BENCH001", "buurtteam", regie,
                                             regie_since=now), ""))
    for i in range(n_grants):
        g = Grant(grant_id=f"G-BENCH{i:03d}", organisation="schuldhulp",
                  categories=("contact", "schulden"), legal_bases=("wgs",), roles=(),
                  valid_from=now, valid_until=now + dt.timedelta(days=90), given_by=regie)
        put(_event(CONSENT_EVENT, BOT, grant_content(g), g.grant_id))
    for i in range(n_members):
        user = f"@p{i:05d}:localhost"
        put(_event("m.room.member", user, {"membership": "join"}, user))
    return state


def timed(rounds: int, fn: Callable[[], Any]) -> list[float]:
    loop = asyncio.new_event_loop()
    out = []
    try:
        for _ in range(rounds):
            start = time.perf_counter()
            loop.run_until_complete(fn())
            out.append(time.perf_counter() - start)
    finally:
        loop.close()
    return out


def main(rounds: int, n_grants: int, n_members: int, n_directory: int) -> None:
    configure("WARNING")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/busbaan.db"
        migrate(url)
        regie = "@p00000:localhost"
        now = dt.datetime.now(dt.UTC)
        DirectoryRepository(make_engine(url)).upsert(
            [Professional(f"@p{i:05d}:localhost", "buurtteam" if i % 2 == 0 else "schuldhulp",
                          "buurtteammedewerker" if i % 2 == 0 else "schuldhulpverlener")
             for i in range(n_directory)], source="bench", now=now)
        api = _Api()
        gate = BusbaanGate(BusbaanGate.parse_config({
            "policy_dir": str(ROOT / "policies"), "database_url": url, "bot_user_id": BOT,
            "notify": False}), api)  # type: ignore[arg-type]
        state = room_state(n_grants, n_members, regie)
        plain = {k: v for k, v in state.items() if not k[0].startswith("nl.busbaan")}
        message = _event("m.room.message", regie, {"msgtype": "m.text", "body": "overleg"})
        joiner = "@p00003:localhost"
        join = _event("m.room.member", joiner, {"membership": "join"}, joiner)
        topic = _event("m.room.topic", regie, {"topic": "x"}, "")
        cases = {
            "message, case room": (message, state),
            "message, ordinary room": (message, plain),
            "join, case room": (join, state),
            "state event, case room": (topic, state),
        }
        print(f"| check_event_allowed (grants {n_grants}, members {n_members}) | n | "
              "p50 µs | p95 µs | mean µs |\n|---|---|---|---|---|")
        asyncio.run(gate.check_event_allowed(message, state))  # loads the directory once
        for name, (event, st) in cases.items():
            async def call(event: Any = event, st: Any = st) -> Any:
                try:
                    return await gate.check_event_allowed(event, st)
                except Exception:  # a refusal raises SynapseError for local users
                    return None

            async def before(event: Any = event, st: Any = st) -> Any:
                # The order before issue 12: parse the scope from the state for every
                # event, then look at what the event is (no parsed-scope cache).
                try:
                    scope = _scope_from_events(event.room_id, st, BOT)
                    if scope is None:
                        return None
                    action, subject = _classify(event)
                    if action is None:
                        return None
                    return await gate._decide(scope, action, event.sender, subject,
                                              event_type=event.type)
                except Exception:
                    return None

            # Interleaved in blocks, so that the shared machine's load hits both alike.
            now_v: list[float] = []
            old_v: list[float] = []
            for _ in range(10):
                now_v += timed(rounds // 10, call)
                old_v += timed(rounds // 10, before)
            for label, values in ((f"{name} — before", old_v), (f"{name} — now", now_v)):
                print(f"| {label} | {len(values)} | {statistics.median(values) * 1e6:.1f} | "
                      f"{sorted(values)[int(0.95 * len(values))] * 1e6:.1f} | "
                      f"{statistics.fmean(values) * 1e6:.1f} |")
        reloads: list[float] = []
        orm: list[float] = []
        engine = gate._store()
        for _ in range(20):
            start = time.perf_counter()
            gate._load_directory()
            reloads.append(time.perf_counter() - start)
            start = time.perf_counter()
            with Session(engine) as s:  # the read before issue 12: ORM objects
                [Professional(user_id=r.user_id, organisation=r.organisation, role=r.role,
                              team=r.team, display_name=r.display_name)
                 for r in s.exec(select(DirectoryRow))]
            orm.append(time.perf_counter() - start)
        print(f"\ndirectory reload ({n_directory} professionals): before (ORM rows) p50 "
              f"{statistics.median(orm) * 1000:.1f} ms, now (columns) p50 "
              f"{statistics.median(reloads) * 1000:.1f} ms")
        checks = []
        for _ in range(200):
            start = time.perf_counter()
            gate._directory_version()
            checks.append(time.perf_counter() - start)
        print(f"directory change check (what the gate now does every "
              f"{gate._config.directory_refresh_seconds:g} s): p50 "
              f"{statistics.median(checks) * 1000:.2f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20000)
    parser.add_argument("--grants", type=int, default=5)
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--directory", type=int, default=2000)
    args = parser.parse_args()
    main(args.rounds, args.grants, args.members, args.directory)
