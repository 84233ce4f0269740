"""The integrity status: the last verification of the whole log, kept with its time.

Verification recomputes every hash (about 100,000 entries a second), so it runs in a
thread, one at a time, and its result is cached. A page that finds no result (or one
older than ``max_age``) starts a run and waits a few seconds for it; the button
"nu controleren" starts one at once. The task belongs to the monitor, which the web
app closes on shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from busbaan.audit import AuditLog, Verifier, VerifyReport
from busbaan.audit.checkpoint import NoteError, parse_checkpoint, split_note
from busbaan.audit.entry import format_time
from busbaan.audit.keys import load_signer
from busbaan.clock import Clock
from busbaan.errors import BusbaanError
from busbaan.log import get_logger

__all__ = ["IntegrityMonitor", "IntegrityStatus"]

log = get_logger("busbaan.web.workbench")


@dataclass(frozen=True, slots=True)
class IntegrityStatus:
    """What the overview shows about the log's integrity."""

    state: str  # "ok" | "tampered" | "unchecked_signatures" | "never" | "running" | "error"
    size_now: int
    checked_at: dt.datetime | None
    report: VerifyReport | None
    checkpoint_size: int | None
    checkpoint_root: str | None
    checkpoint_origin: str | None
    key_known: bool
    running: bool
    error: str | None = None

    def to_json(self, lang: str = "nl") -> dict[str, Any]:
        r = self.report
        return {
            "state": self.state, "size_now": self.size_now,
            "checked_at": format_time(self.checked_at) if self.checked_at else None,
            "running": self.running,
            "verified": r.ok if r is not None else None,
            "verified_size": r.size if r is not None else None,
            "checkpoints_checked": r.checkpoints if r is not None else None,
            "first_bad_index": r.first_bad_index if r is not None else None,
            "problems": [p.describe(lang) for p in r.problems[:20]] if r is not None else [],
            "last_checkpoint": None if self.checkpoint_size is None else {
                "size": self.checkpoint_size, "root_hash": self.checkpoint_root,
                "origin": self.checkpoint_origin},
            "signing_key_known": self.key_known,
            "error": self.error,
            # issue 9: the witnesses, as the last verification saw them
            "witnesses": [{"name": w.name, "cosigned_size": w.cosigned_size,
                           "remote_size": w.remote_size, "remote_error": w.remote_error}
                          for w in (r.witnesses if r is not None else ())],
            "unwitnessed": list(r.unwitnessed) if r is not None else [],
        }


class IntegrityMonitor:
    """Runs :meth:`AuditLog.verify` in a thread and remembers the outcome."""

    def __init__(self, log_factory: Callable[[], AuditLog], key_path: Path | None,
                 clock: Clock, *, max_age: dt.timedelta = dt.timedelta(hours=1),
                 trust_path: Path | None = None) -> None:
        self._log_factory = log_factory
        self.key_path = key_path
        # issue 9: with the verifier's configuration the key is the pinned one and the
        # witnesses are asked; without it (older set-ups) it is read from the key file.
        self.trust_path = trust_path
        self.clock = clock
        self.max_age = max_age
        self._task: asyncio.Task[None] | None = None
        self._report: VerifyReport | None = None
        self._checked_at: dt.datetime | None = None
        self._key_known = False
        self._error: str | None = None

    # -- running ---------------------------------------------------------------------

    def _verifiers(self) -> tuple[tuple[Verifier, ...], str | None]:
        """The public key of the checkpoint signing key, when the service has one."""
        if self.key_path is None or not self.key_path.exists():
            return (), None
        signer = load_signer(self.key_path)
        return (signer.verifier,), signer.name

    def _verify(self) -> tuple[VerifyReport, bool]:
        base = self._log_factory()
        verifiers, origin = self._verifiers()
        checked = AuditLog(base.engine, verifiers=verifiers, origin=origin or base.origin)
        return checked.verify(), bool(verifiers)

    async def _verify_trusted(self) -> tuple[VerifyReport, bool]:
        from busbaan.audit.assurance import (
            fetch_witness_checkpoints,
            read_state,
            verify_trusted,
        )
        from busbaan.audit.trust import load_trust_config

        assert self.trust_path is not None
        trust = await asyncio.to_thread(load_trust_config, self.trust_path)
        remote = await fetch_witness_checkpoints(trust.witnesses, trust.origin, timeout=5.0)
        base = self._log_factory()
        # The verifier's state, when it lives here, is read (never written: the
        # workbench is not the verifier of record).
        state = None
        if trust.state_file is not None and trust.state_file.exists():
            state = await asyncio.to_thread(read_state, trust.state_file)
        report, _ = await asyncio.to_thread(verify_trusted, base, trust, remote=remote,
                                            state=state)
        return report, True

    async def _run(self) -> None:
        started = self.clock.now()
        try:
            if self.trust_path is not None:
                report, key_known = await self._verify_trusted()
            else:
                report, key_known = await asyncio.to_thread(self._verify)
        except BusbaanError as exc:
            self._error = exc.message("nl")
            self._checked_at = started
            log.warning("workbench.verify_failed", errcode=exc.errcode)
            return
        except Exception as exc:  # a database error: show it, keep serving the workbench
            self._error = type(exc).__name__
            self._checked_at = started
            log.exception("workbench.verify_failed")
            return
        self._report, self._key_known, self._error = report, key_known, None
        self._checked_at = started
        log.info("workbench.verified", ok=report.ok, size=report.size,
                 first_bad_index=report.first_bad_index)

    def start(self) -> asyncio.Task[None]:
        """Start a verification unless one is running; the running task either way."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="workbench-verify")
        return self._task

    async def run_now(self, wait: float) -> bool:
        """Start (or join) a run and wait up to ``wait`` seconds; True when it finished."""
        task = self.start()
        done, _ = await asyncio.wait({task}, timeout=wait)
        return bool(done)

    async def ensure_fresh(self, wait: float) -> None:
        """Verify when there is no result yet or it is older than ``max_age``."""
        now = self.clock.now()
        if self._checked_at is None or now - self._checked_at > self.max_age:
            await self.run_now(wait)

    async def close(self) -> None:
        if self._task is not None and not self._task.done():
            # The thread cannot be interrupted; wait for it rather than leak it.
            with contextlib.suppress(Exception):
                await self._task

    # -- status ------------------------------------------------------------------------

    async def status(self) -> IntegrityStatus:
        base = self._log_factory()
        size, latest = await asyncio.to_thread(lambda: (base.size(), base.latest_checkpoint()))
        cp_size = cp_root = cp_origin = None
        if latest is not None:
            try:
                cp = parse_checkpoint(split_note(latest[1])[0])
                cp_size, cp_root, cp_origin = cp.size, cp.root_hash.hex(), cp.origin
            except (NoteError, ValueError):
                cp_size = latest[0]
        running = self._task is not None and not self._task.done()
        report = self._report
        if self._error is not None:
            state = "error"
        elif report is None:
            state = "running" if running else "never"
        elif report.ok:
            state = "ok"
        elif not self._key_known and all(p.kind == "checkpoint_signature"
                                         for p in report.problems):
            state = "unchecked_signatures"
        else:
            state = "tampered"
        return IntegrityStatus(
            state=state, size_now=size, checked_at=self._checked_at, report=report,
            checkpoint_size=cp_size, checkpoint_root=cp_root, checkpoint_origin=cp_origin,
            key_known=self._key_known, running=running, error=self._error)
