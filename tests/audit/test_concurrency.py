"""Several writers at once (threads, and separate processes like the Synapse gate, the
bot service and the CLI): indexes stay gapless and unique, and the log verifies."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import Engine

from busbaan.audit import AuditEntry, AuditLog
from busbaan.store import make_engine

MakeEntry = Callable[..., AuditEntry]
ROOT = Path(__file__).resolve().parents[2]

_WRITER = """
import datetime as dt, sys
from busbaan.audit import AuditEntry, AuditLog
from busbaan.log import configure
from busbaan.store import make_engine
configure("WARNING")
url, name, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
log = AuditLog(make_engine(url))
got = []
for i in range(rounds):
    e = AuditEntry("workbench.viewed", "R", dt.datetime.now(dt.UTC), "done", "cli",
                   user_id="@" + name + ":x.example", case_id="case-" + name)
    if i % 3:
        got.append(log.append(e))
    else:
        got += log.append_many([e, (e, {"naam": name})])
print(" ".join(map(str, got)))
"""


def test_threads_appending_at_once_get_unique_gapless_indexes(
    engine: Engine, make_entry: MakeEntry
) -> None:
    """Eight threads appending singly and in batches get every index exactly once."""
    log = AuditLog(engine)
    results: list[list[int]] = [[] for _ in range(8)]
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(15):
                if i % 2:
                    results[n].append(log.append(make_entry(i, case_id=f"t{n}")))
                else:
                    results[n] += log.append_many(
                        [make_entry(i), (make_entry(i, case_id=f"t{n}"), {"naam": f"{n}"})])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    everything = sorted(i for r in results for i in r)
    assert everything == list(range(len(everything))) == list(range(8 * (7 + 8 * 2)))
    for r in results:  # each writer's own indexes increase
        assert r == sorted(r)
    assert log.size() == len(everything)
    assert log.verify().ok


def test_processes_appending_at_once_get_unique_gapless_indexes(db_url: str) -> None:
    """Four processes appending to the same database get every index exactly once."""
    procs = [
        subprocess.Popen([sys.executable, "-c", _WRITER, db_url, f"p{n}", "30"],
                         cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for n in range(4)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err[-2000:] for _, err in outputs]
    got = sorted(int(x) for out, _ in outputs for x in out.splitlines()[-1].split())
    assert got == list(range(4 * 40))
    engine = make_engine(db_url)
    try:
        log = AuditLog(engine)
        assert log.size() == 160
        assert log.verify().ok
    finally:
        engine.dispose()
