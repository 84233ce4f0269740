"""The service's checkpoint signer: markers, its own memory, and the witnesses.

Every checkpoint the service signs is preceded by a marker entry (see
:mod:`busbaan.audit.runs`) in the same transaction. The signer remembers the last
checkpoint it signed in a file beside its key (``<key>.last``, mode 0600), *outside
the database*: it refuses to sign a log that no longer extends that checkpoint, so
deleting the checkpoint rows and rewriting what they covered does not make the service
sign the forgery. After signing, the checkpoint goes to the witnesses; a witness that is
down leaves it pending (:mod:`busbaan.audit.witnessing`) and it is sent on a later tick.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from sqlalchemy.engine import Engine

from busbaan.audit.checkpoint import NoteError, open_note, parse_checkpoint, split_note
from busbaan.audit.entry import AuditEntry
from busbaan.audit.keys import load_or_create_signer, load_signer
from busbaan.audit.runs import marker_entry, parse_marker
from busbaan.audit.storage import AuditLog
from busbaan.audit.trust import TrustConfig, load_trust_config
from busbaan.audit.witnessing import WitnessOutcome, WitnessSender
from busbaan.clock import Clock, SystemClock
from busbaan.errors import BusbaanError
from busbaan.log import get_logger

__all__ = ["CheckpointService", "SignerMemory"]

_log = get_logger("busbaan.audit")


@dataclass(frozen=True, slots=True)
class SignerMemory:
    """The last checkpoint this key signed, and the run and seq of its marker."""

    note: str
    run: str
    seq: int

    @staticmethod
    def path_for(key_path: Path) -> Path:
        return key_path.with_name(key_path.name + ".last")

    @classmethod
    def read(cls, path: Path) -> SignerMemory | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            raise cls._unreadable(path) from exc
        try:
            memory = cls(str(data["note"]), str(data["run"]), int(data["seq"]))
            parse_checkpoint(split_note(memory.note)[0])
        except (KeyError, TypeError, ValueError, NoteError) as exc:
            raise cls._unreadable(path) from exc
        return memory

    @staticmethod
    def _unreadable(path: Path) -> BusbaanError:
        return BusbaanError(
            f"Het geheugen van de ondertekenaar ({path}) is onleesbaar. Zet een reservekopie "
            "terug; verwijder het alleen bewust.",
            f"The signer's memory ({path}) is unreadable. Restore a backup; remove it only "
            "deliberately.", errcode="BB_AUDIT_SIGNER_STATE")

    def write(self, path: Path) -> None:
        tmp = path.with_name(path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"note": self.note, "run": self.run, "seq": self.seq}, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)


def _last_signed_marker(log: AuditLog, memory: SignerMemory) -> tuple[str, int]:
    """The previous run's last marker that this key signed a checkpoint for.

    Usually the memory says it. A kill between the database commit and the memory
    write leaves the memory one checkpoint behind; then the log holds a later marker of
    the same run with a checkpoint at its index + 1, signed with this very key (nobody
    else can make one), which is the true last one.
    """
    size = parse_checkpoint(split_note(memory.note)[0]).size
    assert log.signer is not None
    signed: set[int] = set()
    for s, note in log.checkpoints():
        if s < size:
            continue
        try:
            open_note(note, log.signer.verifier)
        except NoteError:
            continue  # not ours: verification will say so
        signed.add(s)
    last = memory.seq
    for item in log.entries(max(size - 1, 0)):
        marker = parse_marker(item.index, item.entry)
        if (marker is not None and marker.run == memory.run and marker.seq > last
                and marker.index + 1 in signed):
            last = marker.seq
    return memory.run, last


class CheckpointService:
    """Signs markers + checkpoints for one service run (see the module docstring)."""

    def __init__(self, log: AuditLog, memory_path: Path, memory: SignerMemory | None, *,
                 trust: TrustConfig | None, interval: float, clock: Clock) -> None:
        self.log = log
        self.memory_path = memory_path
        self.memory = memory
        self.trust = trust
        self.interval = max(1, int(interval)) if interval > 0 else 0
        self.clock = clock
        self.run = secrets.token_hex(8)
        self.seq = 0
        self.failed = 0
        self.after = (memory.run, memory.seq) if memory is not None else None
        self.sender = (WitnessSender(log, trust.witnesses, clock=clock)
                       if trust is not None and trust.witnesses else None)
        self.last_outcomes: list[WitnessOutcome] = []
        self._session: aiohttp.ClientSession | None = None
        self._sending: asyncio.Task[list[WitnessOutcome]] | None = None

    @classmethod
    async def open(cls, engine: Engine, *, key_path: Path, init: bool = False,
                   trust_path: Path | None = None, interval: float = 300.0,
                   clock: Clock | None = None) -> CheckpointService:
        """Load the key (create it only with ``init``), check it against the pinned key,
        read the signer's memory."""
        if init:
            signer, created = await asyncio.to_thread(load_or_create_signer, key_path)
            if created:
                _log.info("audit.key_created", path=str(key_path))
        else:
            signer = await asyncio.to_thread(load_signer, key_path)
        trust = await asyncio.to_thread(load_trust_config, trust_path) if trust_path else None
        if trust is not None and trust.log_verifier != signer.verifier:
            raise BusbaanError(
                f"De ondertekensleutel {key_path} is niet de sleutel die in {trust.source} is "
                "vastgepind: de dienst tekent niet met een andere sleutel. Gebruik de juiste "
                "sleutel of pin deze bewust (busbaan audit key).",
                f"The signing key {key_path} is not the key pinned in {trust.source}: the "
                "service does not sign with another key. Use the right key or pin this one "
                "deliberately (busbaan audit key).", errcode="BB_AUDIT_KEY_NOT_PINNED")
        memory_path = SignerMemory.path_for(key_path)
        memory = await asyncio.to_thread(SignerMemory.read, memory_path)
        log = AuditLog(engine, signer)
        service = cls(log, memory_path, memory, trust=trust, interval=interval,
                      clock=clock or SystemClock())
        if memory is not None:
            service.after = await asyncio.to_thread(_last_signed_marker, log, memory)
        return service

    async def checkpoint(self, reason: str = "periodic", *, wait: bool = True) -> str | None:
        """Append a marker and sign; then send to the witnesses (awaited, or with
        ``wait=False`` in a task this object owns, so a slow witness never holds up the
        caller). Returns the note, or None when signing failed (logged; the next marker
        says how many failed)."""
        seq = self.seq

        def marker(prev_size: int | None) -> AuditEntry:
            return marker_entry(now=self.clock.now(), run=self.run, seq=seq, reason=reason,
                                interval=self.interval, prev_size=prev_size,
                                failed=self.failed, after=self.after if seq == 0 else None)

        remembered = [self.memory.note] if self.memory is not None else []
        try:
            note = await asyncio.to_thread(self.log.checkpoint, marker=marker,
                                           remembered=remembered)
        except Exception as exc:
            self.failed += 1
            _log.error("audit.checkpoint_failed", reason=reason, failed=self.failed,
                       errcode=getattr(exc, "errcode", type(exc).__name__))
            return None
        self.seq += 1
        self.failed = 0
        self.memory = SignerMemory(note, self.run, seq)
        try:
            await asyncio.to_thread(self.memory.write, self.memory_path)
        except OSError as exc:
            _log.error("audit.signer_memory_failed", cause=type(exc).__name__)
        _log.info("audit.checkpoint", size=int(note.splitlines()[1]), reason=reason, seq=seq)
        if self.sender is None:
            return note
        if wait:
            await self._settle()
            await self.send_pending()
        elif self._sending is None or self._sending.done():
            self._sending = asyncio.create_task(self.send_pending(), name="audit-witness")
        return note

    async def _settle(self) -> None:
        """Wait for a send in flight (it has its own timeout)."""
        if self._sending is not None and not self._sending.done():
            with contextlib.suppress(Exception):
                await self._sending

    async def send_pending(self) -> list[WitnessOutcome]:
        """Send the newest checkpoint to every witness that has not cosigned it yet."""
        if self.sender is None:
            return []
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        try:
            self.last_outcomes = await self.sender.send_pending(self._session)
        except Exception as exc:  # the database, mostly: the checkpoint stays pending
            _log.error("audit.witness_send_failed", cause=type(exc).__name__)
            return []
        return self.last_outcomes

    async def close(self) -> None:
        await self._settle()
        if self._session is not None and not self._session.closed:
            await self._session.close()
