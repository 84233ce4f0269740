"""A key rotation while the wegwijzer writes (session 10, keys20), on SQLite and
PostgreSQL: real writer threads, each with its own :class:`KeyGuard` like a bot process,
check the key, wait a little (the bot talks to Matrix between its check and its write)
and write answers and waiting lanes, while ``busbaan keys rotate`` runs three times in
its own process. Nothing may be written under a key after the rotation that replaced it
committed, every waiting lane's asker ends under the current key, and every write is
either stored (retried under the new key) or refused with the one stale-key line."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from busbaan.errors import BusbaanError
from busbaan.keyfile import load_pseudonyms
from busbaan.pseudonyms import Pseudonyms
from busbaan.store import make_engine
from busbaan.store.pseudonym_key import STALE_KEY, KeyGuard, current_key
from busbaan.store.wegwijzer_models import LaneRow, RouteAnswerRow
from busbaan.store.wegwijzer_repo import AnswerRepository, LaneRepository
from busbaan.wegwijzer.model import AnswerRecord, LaneRecord
from tests.wegwijzer.conftest import key_file

ROOT = Path(__file__).resolve().parents[2]
WRITERS = 4
ROTATIONS = 3


@dataclass
class Outcome:
    """What one writer saw: each stored row with the key it used and when its write
    began (monotonic), the refusals' texts, anything else that went wrong, and how
    often a write had to be made again."""

    stored: list[tuple[str, str, float]] = field(default_factory=list)  # (kind, key, t)
    refused: list[str] = field(default_factory=list)
    refused_writes: int = 0  # of the refusals, those of a write (not of the check)
    errors: list[str] = field(default_factory=list)
    attempts: int = 0
    writes: int = 0


def _writer(n: int, url: str, key: Path, stop: threading.Event, out: Outcome) -> None:
    engine = make_engine(url)
    guard = KeyGuard(engine, load_pseudonyms(key), key)
    answers, lanes = AnswerRepository(engine), LaneRepository(engine)
    i = 0
    try:
        while not stop.is_set():
            i += 1
            user = f"@w{n}u{i}:example.org"
            now = dt.datetime.now(dt.UTC)
            answer_id, lane_id = answers.new_id(), lanes.new_id()
            writing = False
            try:
                guard.check(now)  # the bot's check_key before it compares and writes
                time.sleep(0.005)  # the bot sends to Matrix between its check and write

                def add_answer(p: Pseudonyms, t: float, i: int = i, user: str = user,
                               now: dt.datetime = now, answer_id: str = answer_id) -> str:
                    out.attempts += 1
                    answers.add(AnswerRecord(
                        answer_id=answer_id, room_id=f"!r{n}:x", event_id=f"$a{n}-{i}",
                        question_event_id=f"$q{n}-{i}", asker=p.asker(answer_id, user),
                        question_sha256=p.question(f"vraag {n} {i}"), map_sha256="m" * 64,
                        results=(), confident=True, created_at=now), key=p.fingerprint())
                    out.stored.append(("answer", p.fingerprint(), t))
                    return p.fingerprint()

                def add_lane(p: Pseudonyms, t: float, i: int = i, user: str = user,
                             now: dt.datetime = now, answer_id: str = answer_id,
                             lane_id: str = lane_id) -> str:
                    out.attempts += 1
                    stored = lanes.add(LaneRecord(
                        lane_id=lane_id, room_id=f"!lane{n}-{i}:x", answer_id=answer_id,
                        service_id="s", organization_id="o", team="#t:x",
                        asker=p.lane_person(lane_id, user), target_minutes=60, opened_at=now,
                        asker_user_id=user), "h" * 64, key=p.fingerprint())
                    assert stored is not None
                    out.stored.append(("lane", p.fingerprint(), t))
                    return p.fingerprint()

                for write in (add_answer, add_lane):
                    out.writes += 1
                    writing = True
                    guard.write(now, lambda p, w=write: w(p, time.monotonic()))
                    time.sleep(0.002)
            except BusbaanError as exc:
                if exc.errcode != STALE_KEY:
                    raise
                out.refused.append(exc.message("nl"))
                out.refused_writes += writing
    except Exception as exc:  # reported, not lost in the thread
        out.errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        engine.dispose()


def _rotate(url: str, key: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BUSBAAN_LANG": "nl"}
    env.pop("BUSBAAN_PSEUDONYM_KEY", None)
    return subprocess.run(
        [sys.executable, "-c", "from busbaan.cli import main; main()", "keys", "rotate",
         "--pseudonym-key", str(key), "--db", url],
        env=env, capture_output=True, text=True, timeout=120, check=False)


def test_a_rotation_during_writes_leaves_nothing_under_the_old_key(
        db_url: str, tmp_path: Path) -> None:
    """Writes racing three rotations: none under a key after its rotation committed,
    every waiting lane's asker under the final key, no write lost (stored or refused
    with the stale-key line), and the race did happen (writes were made again)."""
    key = key_file(tmp_path / "pseudonym.key")
    engine = make_engine(db_url)
    KeyGuard(engine, load_pseudonyms(key), key).check(dt.datetime.now(dt.UTC))  # claim
    generations = [load_pseudonyms(key).fingerprint()]
    ended: list[float] = []  # monotonic, after each rotation's process ended (committed)
    stop = threading.Event()
    outs = [Outcome() for _ in range(WRITERS)]
    threads = [threading.Thread(target=_writer, args=(n, db_url, key, stop, outs[n]))
               for n in range(WRITERS)]
    for t in threads:
        t.start()
    try:
        for _ in range(ROTATIONS):
            time.sleep(0.4)
            result = _rotate(db_url, key)
            ended.append(time.monotonic())
            assert result.returncode == 0, result.stderr
            generations.append(load_pseudonyms(key).fingerprint())
        time.sleep(0.4)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)

    assert [e for o in outs for e in o.errors] == []
    with engine.connect() as conn:
        stored = current_key(conn)
        answer_rows = conn.execute(sa.select(sa.func.count()).select_from(
            RouteAnswerRow.__table__)).scalar_one()  # type: ignore[attr-defined]
        lane_table = LaneRow.__table__  # type: ignore[attr-defined]
        lane_rows = conn.execute(sa.select(lane_table.c.lane_id, lane_table.c.asker,
                                           lane_table.c.asker_user_id)).all()
    engine.dispose()
    assert stored is not None and stored.fingerprint == generations[-1]
    assert len(set(generations)) == ROTATIONS + 1

    # 1. No write that began after rotation r ended used a key from before it.
    late = [(kind, fp, r) for o in outs for kind, fp, began in o.stored
            for r, end in enumerate(ended, start=1)
            if began > end and generations.index(fp) < r]
    assert late == []
    # 2. Every waiting lane's asker is under the final key (re-keyed by a rotation, or
    #    written under the new key); none was left under an old one.
    final = load_pseudonyms(key)
    assert lane_rows
    assert [a for lane_id, a, uid in lane_rows
            if uid is None or a != final.lane_person(lane_id, uid)] == []
    # 3. Nothing lost: each write stored once or refused with the one clear line.
    answers = sum(1 for o in outs for kind, _, _ in o.stored if kind == "answer")
    assert answers == answer_rows and len(lane_rows) == sum(
        1 for o in outs for kind, _, _ in o.stored if kind == "lane")
    refused = [text for o in outs for text in o.refused]
    assert all("is niet de huidige" in text and "niets opgeslagen" in text
               for text in refused)
    writes = sum(o.writes for o in outs)
    assert writes == answers + len(lane_rows) + sum(o.refused_writes for o in outs)
    print(f"keys20: writes={writes} stored={answers + len(lane_rows)} "
          f"attempts={sum(o.attempts for o in outs)} refused={len(refused)} "
          f"refused_writes={sum(o.refused_writes for o in outs)}")
    # 4. The race happened: some writes met a rotation and were made again.
    assert sum(o.attempts for o in outs) > answers + len(lane_rows)
