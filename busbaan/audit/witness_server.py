"""A small witness on the c2sp.org/tlog-witness protocol (aiohttp).

``POST /add-checkpoint``           check and cosign (rules: :mod:`~.witness_protocol`)
``GET  /<sha256(origin)>/checkpoint`` the latest checkpoint cosigned for that log
``GET  /healthz``                  the witness's name and key

It keeps one checkpoint per log, the latest it cosigned, in a JSON file that is
replaced atomically (written, fsynced, renamed) *before* it answers. The check against
the stored size and the write happen under one lock, so two requests can never roll
the witness back (the race the spec warns about). One process per state file.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from aiohttp import web

from busbaan.audit.checkpoint import Checkpoint, NoteError, Verifier, parse_checkpoint, split_note
from busbaan.audit.cosign import Cosigner
from busbaan.audit.witness_protocol import (
    MAX_BODY,
    ProtocolError,
    decide_add,
    parse_add_checkpoint,
)
from busbaan.errors import BusbaanError
from busbaan.log import get_logger

__all__ = ["Witness", "WitnessStore", "create_witness_app", "origin_hash"]

_log = get_logger("busbaan.witness")


def origin_hash(origin: str) -> str:
    """The path segment of a log on the monitoring API: lowercase hex SHA-256."""
    return hashlib.sha256(origin.encode()).hexdigest()


class WitnessStore:
    """The latest cosigned note per origin, in one JSON file (mode 0600)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._notes: dict[str, str] = {}
        if path.exists():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                if not isinstance(data, dict) or not all(
                        isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
                    raise ValueError("not an object of strings")
            except (ValueError, UnicodeDecodeError) as exc:
                raise BusbaanError(
                    f"Het geheugen van de getuige ({path}) is onleesbaar; de getuige start "
                    "niet (hij zou anders een terugrol kunnen medeondertekenen).",
                    f"The witness's memory ({path}) is unreadable; the witness does not "
                    "start (it could otherwise cosign a rollback).",
                    errcode="BB_WITNESS_STATE",
                ) from exc
            self._notes = dict(data)

    def latest(self, origin: str) -> tuple[str, Checkpoint] | None:
        note = self._notes.get(origin)
        if note is None:
            return None
        return note, parse_checkpoint(split_note(note)[0])

    def put(self, origin: str, note: str) -> None:
        """Store ``note`` as the log's latest, durably (blocking: run it in a thread)."""
        notes = {**self._notes, origin: note}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(notes, fh, ensure_ascii=False, indent=1, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)
        dir_fd = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        self._notes = notes


class Witness:
    """A witness: its key, the logs it knows (origin → trusted keys) and its memory."""

    def __init__(self, cosigner: Cosigner, logs: Mapping[str, Sequence[Verifier]],
                 store: WitnessStore, *, clock: Callable[[], float] | None = None) -> None:
        self.cosigner = cosigner
        self.logs = {origin: tuple(keys) for origin, keys in logs.items()}
        self.store = store
        self._clock = clock or time.time
        self._lock = asyncio.Lock()

    async def add_checkpoint(self, body: bytes) -> web.Response:
        try:
            request = parse_add_checkpoint(body)
        except ProtocolError as exc:
            _log.info("witness.refused", status=400, why=str(exc))
            return web.Response(status=400, text=f"{exc}\n")
        async with self._lock:  # check and persist atomically
            origin = _origin_of(request.note)
            current = self.store.latest(origin) if origin is not None else None
            answer = decide_add(request, current[1] if current else None, self.logs,
                                self.cosigner, max(1, int(self._clock())))
            if answer.status == 200 and answer.store is not None and origin is not None:
                await asyncio.to_thread(self.store.put, origin, answer.store)
        size = answer.checkpoint.size if answer.checkpoint is not None else None
        if answer.status == 200:
            _log.info("witness.cosigned", origin=origin_hash(origin or ""), size=size)
        else:
            _log.warning("witness.refused", status=answer.status,
                         origin=origin_hash(origin or ""), old_size=request.old_size)
        return web.Response(status=answer.status, body=answer.body.encode(),
                            content_type=answer.content_type.split(";")[0],
                            charset="utf-8" if "charset" in answer.content_type else None)

    def latest_note(self, hashed: str) -> str | None:
        for origin in self.logs:
            if origin_hash(origin) == hashed:
                current = self.store.latest(origin)
                return current[0] if current else None
        return None


def _origin_of(note: str) -> str | None:
    try:
        return split_note(note)[0].split("\n", 1)[0] or None
    except NoteError:
        return None


_WITNESS = web.AppKey("witness", Witness)


async def _add(request: web.Request) -> web.StreamResponse:
    if request.content_length is not None and request.content_length > MAX_BODY:
        return web.Response(status=413, text="too large\n")
    body = await request.content.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        return web.Response(status=413, text="too large\n")
    return await request.app[_WITNESS].add_checkpoint(body)


async def _latest(request: web.Request) -> web.StreamResponse:
    note = request.app[_WITNESS].latest_note(request.match_info["origin_hash"])
    if note is None:
        return web.Response(status=404, text="no checkpoint cosigned for this log\n")
    return web.Response(text=note, content_type="text/plain")


async def _health(request: web.Request) -> web.StreamResponse:
    witness = request.app[_WITNESS]
    body: dict[str, Any] = {"ok": True, "name": witness.cosigner.name,
                            "vkey": witness.cosigner.verifier.vkey,
                            "logs": sorted(witness.logs)}
    return web.json_response(body)


def create_witness_app(witness: Witness) -> web.Application:
    """The witness's aiohttp application."""
    app = web.Application(client_max_size=MAX_BODY)
    app[_WITNESS] = witness
    app.router.add_post("/add-checkpoint", _add)
    app.router.add_get("/healthz", _health)
    app.router.add_get("/{origin_hash:[0-9a-f]{64}}/checkpoint", _latest)
    return app
