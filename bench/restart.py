"""Time from a restart of ``busbaan dev`` to the wegwijzer's first word and its answer:
``python -m bench.restart [--rounds N] [--state-dir DIR]`` (session 21, restart;
outside24 finding 9: after a restart a question waited ~50 s in silence).

What it does, as a person in Element meets it: starts ``busbaan dev --no-encryption``
(a fresh state dir, the first start is not measured), logs in a demo professional,
opens a direct chat with the wegwijzer and asks once (warm). Then, per round: SIGINT
to ``busbaan dev``, wait for it to exit, start it again (t0), and the moment Synapse
answers (``/_matrix/client/versions``) the person, still logged in, sends a question;
measured: Synapse back (from t0), the bot's first message replying to the question
(a ``wegwijzer.starting`` notice, or the answer), the answer (``route.answer``), each
from the send, and the answer from t0 — by the events' ``origin_server_ts`` (Synapse's
clock, on this host like t0), so that the client's reconnect back-off does not count.
It reads only dev.json of busbaan; the question carries no personal data. Run from the
worktree to measure (``PYTHONPATH`` = it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
import nio

QUESTION = "waar kan mijn cliënt terecht met schulden en een betalingsachterstand bij de huur"
ROOT = Path(__file__).resolve().parent.parent


def _spawn(state: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = log.open("ab")
    return subprocess.Popen(
        [sys.executable, "-c", "from busbaan.cli import main; main()", "dev",
         "--state-dir", str(state),
         "--web-port", "0", "--no-encryption"],
        cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(120)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def _until(check: Any, timeout: float, step: float = 0.05) -> float:
    began = time.monotonic()
    while not await check():
        if time.monotonic() - began > timeout:
            raise TimeoutError
        await asyncio.sleep(step)
    return time.monotonic()


class Person:
    def __init__(self, homeserver: str, user_id: str, password: str) -> None:
        self.client = nio.AsyncClient(homeserver, user_id, config=nio.AsyncClientConfig(
            encryption_enabled=False, store_sync_tokens=False, max_timeouts=None))
        self.password = password
        self.seen: list[tuple[float, str, dict[str, Any]]] = []
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        resp = await self.client.login(self.password, device_name="bench.restart")
        assert isinstance(resp, nio.LoginResponse), resp
        await self.client.sync(timeout=0)
        self._task = asyncio.create_task(self._loop())

    async def _loop(self) -> None:
        while True:
            try:
                resp = await self.client.sync(timeout=3000)
            except Exception:
                await asyncio.sleep(0.1)
                continue
            if not isinstance(resp, nio.SyncResponse):
                await asyncio.sleep(0.1)  # Synapse is away: try again, as Element does
                continue
            for room_id, room in resp.rooms.join.items():
                for ev in room.timeline.events:
                    self.seen.append((time.monotonic(), room_id, ev.source))

    def replies(self, event_id: str) -> list[tuple[float, dict[str, Any]]]:
        out = []
        for at, _, ev in self.seen:
            content = ev.get("content", {})
            if ((content.get("m.relates_to") or {}).get("m.in_reply_to") or {}).get(
                    "event_id") == event_id:
                out.append((at, content))
        return out

    async def say(self, room_id: str, text: str) -> str:
        while True:
            resp = await self.client.room_send(room_id, "m.room.message",
                                               {"msgtype": "m.text", "body": text})
            if isinstance(resp, nio.RoomSendResponse):
                return str(resp.event_id)
            await asyncio.sleep(0.05)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
        await self.client.close()


async def _answered(person: Person, event_id: str) -> bool:
    return any((c.get("nl.busbaan.notice") or {}).get("kind") == "route.answer"
               for _, c in person.replies(event_id))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--state-dir", type=Path, default=None)
    args = parser.parse_args()
    state = args.state_dir or Path(tempfile.mkdtemp(prefix="bench-restart-"))
    log = state / "dev.log"
    state.mkdir(parents=True, exist_ok=True)
    dev_json = state / "dev.json"
    proc = _spawn(state, log)
    person: Person | None = None
    try:
        for _ in range(int(600 / 0.5)):
            if dev_json.exists() or proc.poll() is not None:
                break
            time.sleep(0.5)
        info = json.loads(dev_json.read_text())
        user = info["users"][0]
        person = Person(info["homeserver"], user["user_id"], user["password"])
        await person.start()
        bot = info["bots"]["wegwijzer"]
        created = await person.client.room_create(is_direct=True, invite=[bot])
        assert isinstance(created, nio.RoomCreateResponse), created
        dm = created.room_id

        async def bot_in() -> bool:
            return any(ev.get("type") == "m.room.member" and ev.get("state_key") == bot
                       and ev.get("content", {}).get("membership") == "join"
                       for _, rid, ev in person.seen if rid == dm)

        await _until(bot_in, 30)
        warm = await person.say(dm, QUESTION)
        await _until(lambda: _answered(person, warm), 60)
        versions = f"{info['homeserver']}/_matrix/client/versions"
        print("round  load  synapse_back_s  first_word_s  answer_s  answer_from_restart_s  "
              "first_kind", flush=True)
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=1)) as http:

            async def synapse_up() -> bool:
                try:
                    async with http.get(versions) as resp:
                        return resp.status == 200
                except (aiohttp.ClientError, TimeoutError):
                    return False

            for n in range(1, args.rounds + 1):
                _stop(proc)
                load = os.getloadavg()[0]
                t0 = time.time()
                proc = _spawn(state, log)
                await _until(synapse_up, 300, 0.05)
                back = time.time()
                question = f"{QUESTION} ({secrets.token_hex(2)})"
                event_id = await person.say(dm, question)
                await _until(lambda e=event_id: _answered(person, e), 300)
                # Synapse's own clock (origin_server_ts), the same host's as t0: what the
                # person's app shows, whatever its reconnect back-off
                sent = next(ev["origin_server_ts"] for _, _, ev in person.seen
                            if ev.get("event_id") == event_id) / 1000
                replies = sorted((ev["origin_server_ts"] / 1000, ev["content"])
                                 for _, _, ev in person.seen
                                 if ((ev.get("content", {}).get("m.relates_to") or {})
                                     .get("m.in_reply_to") or {}).get("event_id") == event_id)
                first_at, first = replies[0]
                answer_at = next(at for at, c in replies if (c.get("nl.busbaan.notice") or {})
                                 .get("kind") == "route.answer")
                answers = sum((c.get("nl.busbaan.notice") or {}).get("kind") == "route.answer"
                              for _, c in replies)
                kind = (first.get("nl.busbaan.notice") or {}).get("kind")
                print(f"{n:5d}  {load:4.1f}  {back - t0:14.1f}  {first_at - sent:12.1f}  "
                      f"{answer_at - sent:8.1f}  {answer_at - t0:21.1f}  {kind}"
                      f"{'' if answers == 1 else f'  ANSWERS={answers}'}", flush=True)
                async def ready() -> bool:
                    return dev_json.exists()

                await _until(ready, 300, 0.2)  # the stack whole again before the next stop
    finally:
        if person is not None:
            await person.stop()
        _stop(proc)


if __name__ == "__main__":
    asyncio.run(main())
