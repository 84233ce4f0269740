"""What a load step makes Synapse do (issue 12, session 4): the requests it answered, by
who sent them and which endpoint, with the CPU Synapse spent inside each (its access
log's ``ru=(user, system)``), and what it wrote (events by type, receipts, account
data, presence, to-device messages: the growth of each stream).

Read from Synapse's own access log (``homeserver.log``, INFO) and its database, so it
counts what Synapse did, not what the clients meant to do. Used by ``bench.load
--census``; pure parsing here, the reading at the edges (files, one query per stream).
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

#: The access log line (synapse/http/site.py, 1.163), after the logger's prefix.
ACCESS = re.compile(
    r"^(?P<ts>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),\d+ - synapse\.access\.http\.\d+ - \d+ - "
    r"\w+ - [^ ]+ - [^ ]+ - [^ ]+ - \{(?P<who>[^}]*)\} Processed request: "
    r"(?P<wall>[\d.]+)sec/[\d.]+sec ru=\((?P<ut>[\d.]+)sec, (?P<st>[\d.]+)sec\) "
    r"db=\([\d.]+sec/(?P<db>[\d.]+)sec/(?P<txns>\d+)\) \d+B (?P<code>\d+)!? "
    r'"(?P<method>\w+) (?P<uri>[^ ]+) ')

_IDS = [
    (re.compile(r"(%21|!)[A-Za-z0-9._=-]+((%3A|:)[A-Za-z0-9.]+)?"), "{room}"),
    (re.compile(r"(%24|\$)[A-Za-z0-9_=+-]+"), "{event}"),
    (re.compile(r"(%40|@)[^/?]+"), "{user}"),
]

#: Streams Synapse writes besides events: (label, table, stream column).
STREAMS = [
    ("read receipts", "receipts_linearized", "stream_id"),
    ("account data", "account_data", "stream_id"),
    ("room account data", "room_account_data", "stream_id"),
    ("presence updates", "presence_stream", "stream_id"),
    ("to-device messages", "device_inbox", "stream_id"),
    ("device-list changes", "device_lists_stream", "stream_id"),
]


def endpoint(uri: str) -> str:
    """``/_matrix/client/v3/rooms/!x:y/send/m.room.message/123`` → ``rooms/{room}/send/
    m.room.message/{txn}`` (ids, transaction ids and queries left out; pure)."""
    path = uri.split("?", 1)[0]
    for prefix in ("/_matrix/client/v3/", "/_matrix/client/r0/", "/_matrix/client/",
                   "/_synapse/"):
        if path.startswith(prefix):
            path = path[len(prefix):]
            break
    for pattern, repl in _IDS:
        path = pattern.sub(repl, path)
    parts = path.split("/")
    if len(parts) >= 5 and parts[0] == "rooms" and parts[2] in ("send", "state"):
        parts = parts[:4] + (["{key}"] if parts[2] == "state" and len(parts) > 4 else
                             ["{txn}"] if parts[2] == "send" else [])
    if len(parts) >= 4 and parts[0] == "rooms" and parts[2] == "typing":
        parts = parts[:3]
    if len(parts) >= 3 and parts[0] == "sendToDevice":
        parts = [*parts[:2], "{txn}"]
    return "/".join(parts)


@dataclass
class Request:
    who: str
    method: str
    endpoint: str
    cpu: float  # seconds, user + system, inside the request
    wall: float
    db_txns: int
    code: int


def parse(lines: Iterable[str], since: str, until: str) -> list[Request]:
    """The requests logged between ``since`` and ``until`` ("YYYY-MM-DD HH:MM:SS")."""
    out = []
    for line in lines:
        m = ACCESS.match(line)
        if m is None or not since <= m["ts"] <= until:
            continue
        out.append(Request(m["who"].split("|")[0], m["method"], endpoint(m["uri"]),
                           float(m["ut"]) + float(m["st"]), float(m["wall"]),
                           int(m["txns"]), int(m["code"])))
    return out


def read_log(directory: Path, since: dt.datetime, until: dt.datetime) -> list[Request]:
    """Requests from ``homeserver.log`` and its rotated files in the window (local
    times, as Synapse's logger writes them)."""
    lines: list[str] = []
    for path in sorted(directory.glob("homeserver.log*"), reverse=True):
        with path.open(encoding="utf-8", errors="replace") as f:
            lines.extend(f)
    fmt = "%Y-%m-%d %H:%M:%S"
    return parse(lines, since.strftime(fmt), until.strftime(fmt))


@dataclass
class Marks:
    """Each stream's newest id (events: stream_ordering), at one moment."""

    events: int
    streams: dict[str, int]


class SynapseDB:
    """Reads Synapse's database (SQLite file or PostgreSQL URL), read-only queries."""

    def __init__(self, sqlite_path: Path | None = None, url: str | None = None) -> None:
        self._sqlite = sqlite_path
        self._engine = sa.create_engine(url) if url else None

    def _rows(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        params = params or {}
        if self._engine is not None:
            with self._engine.connect() as conn:
                return [tuple(r) for r in conn.execute(sa.text(sql), params).all()]
        assert self._sqlite is not None
        lite = sqlite3.connect(f"file:{self._sqlite}?mode=ro", uri=True, timeout=30)
        try:
            return list(lite.execute(sql, params).fetchall())
        finally:
            lite.close()

    def marks(self) -> Marks:
        events = int(self._rows("SELECT COALESCE(MAX(stream_ordering), 0) FROM events")[0][0])
        streams = {}
        for label, table, column in STREAMS:
            try:
                streams[label] = int(self._rows(
                    f"SELECT COALESCE(MAX({column}), 0) FROM {table}")[0][0])
            except Exception:  # a table this Synapse does not have
                streams[label] = 0
        return Marks(events, streams)

    def events_since(self, mark: Marks, upto: Marks,
                     classify: Callable[[str], str]) -> dict[tuple[str, str], int]:
        """(event type (+ membership), sender class) → count between two marks."""
        rows = self._rows(
            "SELECT CASE WHEN type = 'm.room.member' THEN type || ' (' || COALESCE("
            "(SELECT membership FROM room_memberships m WHERE m.event_id = events.event_id),"
            " '?') || ')' ELSE type END, sender, state_key IS NOT NULL FROM events "
            "WHERE stream_ordering > :a AND stream_ordering <= :b",
            {"a": mark.events, "b": upto.events})
        out: dict[tuple[str, str], int] = {}
        for etype, sender, is_state in rows:
            member = str(etype).startswith("m.room.member")
            key = (f"{etype}{' (state)' if is_state and not member else ''}",
                   classify(str(sender)))
            out[key] = out.get(key, 0) + 1
        return out

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


@dataclass
class Census:
    requests: list[Request]
    events: dict[tuple[str, str], int]
    streams: dict[str, int]  # stream -> rows written
    synapse_cpu: float  # seconds, the whole process
    units: int  # commands (or plain messages) in the window

    def table(self, title: str) -> str:
        """Markdown: requests by (who, endpoint) per unit, CPU inside them; events."""
        n = max(self.units, 1)
        by: dict[tuple[str, str, str], list[Request]] = {}
        for r in self.requests:
            by.setdefault((r.who, r.method, r.endpoint), []).append(r)
        inside = sum(r.cpu for r in self.requests)
        lines = [f"#### {title}: {self.units} units, Synapse CPU {self.synapse_cpu:.1f} s = "
                 f"{self.synapse_cpu / n * 1000:.1f} ms per unit, of which inside requests "
                 f"{inside / n * 1000:.1f} ms ({inside / max(self.synapse_cpu, 1e-9) * 100:.0f}"
                 " %)", "",
                 "| who | request | per unit | CPU ms per unit | CPU ms each | DB txns each |",
                 "|---|---|---|---|---|---|"]
        rows = sorted(by.items(), key=lambda kv: -sum(r.cpu for r in kv[1]))
        for (who, method, ep), rs in rows[:25]:
            cpu = sum(r.cpu for r in rs)
            lines.append(f"| {who} | {method} {ep} | {len(rs) / n:.2f} | {cpu / n * 1000:.1f} |"
                         f" {cpu / len(rs) * 1000:.1f} | {sum(r.db_txns for r in rs) / len(rs):.1f}"
                         " |")
        lines += ["", "| event | sender | per unit |", "|---|---|---|"]
        for (etype, who), count in sorted(self.events.items(), key=lambda kv: -kv[1]):
            lines.append(f"| {etype} | {who} | {count / n:.2f} |")
        total = sum(self.events.values())
        lines.append(f"| **all events** | | **{total / n:.2f}** |")
        lines += ["", "other writes per unit: " + ", ".join(
            f"{k} {v / n:.2f}" for k, v in self.streams.items() if v)]
        return "\n".join(lines)


def who_classifier(bots: dict[str, str], active: Iterable[str]) -> Callable[[str], str]:
    """user id → "casus bot" / "wegwijzer bot" / "load client" / "other" / "server"."""
    by_id = {v: f"{k} bot" for k, v in bots.items()}
    clients = set(active)

    def classify(user: str) -> str:
        if user in by_id:
            return by_id[user]
        if user in clients:
            return "load client"
        if not user or user == "None" or user == "-":
            return "anonymous"
        return "other"

    return classify
