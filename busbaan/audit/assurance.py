"""Verification against what others remember (issue 9, part 5).

:meth:`AuditLog.verify` recomputes the log and checks the checkpoints stored beside it.
Someone who can write the database can delete those checkpoints and rewrite what they
covered; the only defence is memory kept elsewhere. :func:`verify_trusted` adds it:

- the log's public key is **pinned** in the verifier's configuration
  (:mod:`busbaan.audit.trust`), never derived from the key file;
- the **verifier's state file** holds the newest checkpoint it verified and how many
  checkpoints there were: fewer, or an older newest one, fails; the remembered note
  must still match the log;
- each **witness**'s latest cosigned checkpoint (fetched from its URL) must still match
  the log and must not be newer than the log's newest checkpoint; stored cosignatures
  must verify against the pinned witness keys; checkpoints that fewer than ``quorum``
  witnesses vouch for are listed (not yet witnessed: the witness was down);
- the service's **checkpoint markers** must account for every period it ran
  (:mod:`busbaan.audit.runs`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import aiohttp
import sqlalchemy as sa

from busbaan.audit.checkpoint import NoteError, open_note, parse_checkpoint, split_note
from busbaan.audit.entry import format_time, parse_leaf
from busbaan.audit.runs import MARKER_EVENT, Marker, check_markers, parse_marker
from busbaan.audit.storage import AuditLog
from busbaan.audit.tables import entry_table
from busbaan.audit.trust import TrustConfig, WitnessEndpoint
from busbaan.audit.verify import Problem, VerifyReport, WitnessStatus, first_bad
from busbaan.audit.witness_server import origin_hash
from busbaan.audit.witnessing import cosignature_rows
from busbaan.errors import UsageError
from busbaan.log import get_logger

__all__ = [
    "VerifierState",
    "fetch_witness_checkpoints",
    "read_state",
    "verify_trusted",
    "write_state",
]

_log = get_logger("busbaan.audit")


# --------------------------------------------------------------------------- state file


@dataclass(frozen=True, slots=True)
class VerifierState:
    """What the verifier remembers between runs (kept outside the database)."""

    origin: str
    size: int
    note: str
    checkpoints: int
    verified_at: str

    def to_json(self) -> dict[str, object]:
        return {"origin": self.origin, "size": self.size, "note": self.note,
                "checkpoints": self.checkpoints, "verified_at": self.verified_at}


def read_state(path: Path) -> VerifierState | None:
    """The state file's content; None when it does not exist yet.

    An unreadable file is an error, never "no state": starting from nothing would let a
    rolled-back log pass.
    """
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UsageError(f"Kan de verifier-status {path} niet lezen.",
                         f"Cannot read the verifier state {path}.",
                         errcode="BB_AUDIT_STATE", data={"cause": type(exc).__name__}) from None
    try:
        data = json.loads(raw)
        state = VerifierState(str(data["origin"]), int(data["size"]), str(data["note"]),
                              int(data["checkpoints"]), str(data["verified_at"]))
        parse_checkpoint(split_note(state.note)[0])
    except (ValueError, KeyError, TypeError, NoteError):
        raise UsageError(
            f"De verifier-status {path} is onleesbaar. Zet een reservekopie terug; verwijder "
            "hem alleen bewust (dan vergeet de verifier wat hij eerder zag).",
            f"The verifier state {path} is unreadable. Restore a backup; remove it only "
            "deliberately (the verifier then forgets what it saw before).",
            errcode="BB_AUDIT_STATE") from None
    return state


def write_state(path: Path, state: VerifierState) -> None:
    """Replace the state file atomically (mode 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(state.to_json(), fh, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


# --------------------------------------------------------------------------- witnesses


async def fetch_witness_checkpoints(
    witnesses: Sequence[WitnessEndpoint], origin: str, timeout: float = 10.0
) -> dict[str, str | None]:
    """Each reachable witness's latest checkpoint for ``origin`` (None: unreachable or
    not a checkpoint; "" : the witness never cosigned this log)."""
    out: dict[str, str | None] = {}
    targets = [w for w in witnesses if w.url]
    if not targets:
        return out
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session:

        async def one(w: WitnessEndpoint) -> None:
            try:
                async with session.get(f"{w.url}/{origin_hash(origin)}/checkpoint") as resp:
                    body = await resp.content.read(64 * 1024)
                    if resp.status == 404:
                        out[w.name] = ""
                    elif resp.status == 200:
                        out[w.name] = body.decode("utf-8", "replace")
                    else:
                        out[w.name] = None
            except (aiohttp.ClientError, TimeoutError, OSError):
                out[w.name] = None

        await asyncio.gather(*(one(w) for w in targets))
    return out


# --------------------------------------------------------------------------- verify


def _entries_at(log: AuditLog, indexes: Sequence[int]) -> list[tuple[int, bytes]]:
    t = entry_table
    out: list[tuple[int, bytes]] = []
    with log.engine.connect() as conn:
        for start in range(0, len(indexes), 500):
            part = list(indexes[start:start + 500])
            out += [(int(i), bytes(leaf)) for i, leaf in conn.execute(
                sa.select(t.c.idx, t.c.leaf).where(t.c.idx.in_(part)))]
    return out


def _markers(log: AuditLog, sizes: Sequence[int]) -> tuple[list[Marker], bool]:
    """Markers vouched for by a checkpoint (at size − 1), markers after the newest
    checkpoint, and whether the service ever ran (any marker or service entry)."""
    markers: list[Marker] = []
    for index, leaf in _entries_at(log, [s - 1 for s in sizes if s > 0]):
        try:
            m = parse_marker(index, parse_leaf(leaf).entry)
        except ValueError:
            continue
        if m is not None:
            markers.append(m)
    tail = max(sizes, default=0)
    for item in log.query(event_prefix=MARKER_EVENT) if not sizes else log.entries(tail):
        m = parse_marker(item.index, item.entry)
        if m is not None and item.index >= tail:
            markers.append(m)
    ran = bool(markers)
    if not ran and not sizes:
        ran = any(item.entry.source == "service"
                  for item in log.query(event_prefix="policy.loaded"))
    return markers, ran


def _witness_checks(
    log: AuditLog, trust: TrustConfig, checkpoints: Mapping[int, str],
    remote: Mapping[str, str | None], problems: list[Problem], newest: int,
) -> tuple[list[WitnessStatus], list[str]]:
    """Stored cosignatures and the witnesses' own copies; returns their status and the
    copies that verify (to be checked against the log like any trusted note)."""
    by_name = {w.name: w for w in trust.witnesses}
    cosigned: dict[str, int] = {}
    for size, name, line in cosignature_rows(log.engine):
        witness = by_name.get(name)
        if witness is None:
            continue  # a witness nobody pinned: ignored, like an unknown signature
        note = checkpoints.get(size)
        if note is None:
            problems.append(Problem("cosignature_orphan", newest, size))
            continue
        text = split_note(note)[0]
        try:
            sig = split_note(text + "\n" + line + "\n")[1][0]
            if witness.verifier.check(text, sig) is None:
                raise NoteError("other key", "other key")
        except NoteError:
            problems.append(Problem("cosignature", None, size))
            continue
        cosigned[name] = max(cosigned.get(name, 0), size)
    statuses: list[WitnessStatus] = []
    trusted: list[str] = []
    for witness in trust.witnesses:
        note = remote.get(witness.name)
        remote_size: int | None = None
        error: str | None = None
        if witness.url is None or witness.name not in remote:
            error = None  # not asked (--offline, or no URL)
        elif note is None:
            error = "BB_WITNESS_UNAVAILABLE"
        elif note == "":
            remote_size = 0
        else:
            try:
                text = open_note(note, trust.log_verifier)
                found = any(witness.verifier.check(text, s) is not None
                            for s in split_note(note)[1])
                if not found:
                    raise NoteError("unsigned", "unsigned")
                remote_size = parse_checkpoint(text).size
                trusted.append(note)
            except NoteError:
                error = "BB_WITNESS_GARBAGE"
        if remote_size is not None and remote_size > newest:
            problems.append(Problem("checkpoints_rolled_back", newest, remote_size))
        statuses.append(WitnessStatus(witness.name, cosigned.get(witness.name),
                                      remote_size, error))
    return statuses, trusted


def verify_trusted(
    log: AuditLog,
    trust: TrustConfig,
    *,
    state: VerifierState | None = None,
    remote: Mapping[str, str | None] | None = None,
    progress: Callable[[int], None] | None = None,
    trusted_notes: Sequence[str] = (),
    workers: int | None = None,
    now: dt.datetime | None = None,
) -> tuple[VerifyReport, VerifierState | None]:
    """Verify ``log`` against the pinned key, the state and the witnesses (see the
    module docstring). Returns the report and, when it is OK, the state to keep."""
    if state is not None and state.origin != trust.origin:
        raise UsageError(
            f"De verifier-status hoort bij log {state.origin}, niet bij {trust.origin}.",
            f"The verifier state belongs to log {state.origin}, not to {trust.origin}.",
            errcode="BB_AUDIT_STATE")
    checked = AuditLog(log.engine, verifiers=(trust.log_verifier,), origin=trust.origin)
    stored = checked.checkpoints()
    checkpoints = dict(stored)
    sizes = [s for s, _ in stored]
    newest = max(sizes, default=0)
    problems: list[Problem] = []
    statuses, witness_notes = _witness_checks(checked, trust, checkpoints, remote or {},
                                              problems, newest)
    notes = list(trusted_notes) + witness_notes
    if state is not None:
        notes.append(state.note)
        if len(stored) < state.checkpoints:
            problems.append(Problem("checkpoints_fewer", min(newest, state.size),
                                    state.size))
        if newest < state.size:
            problems.append(Problem("checkpoints_rolled_back", newest, state.size))
    base = checked.verify(progress, trusted_notes=notes, workers=workers)
    markers, ran = _markers(checked, sizes)
    findings, open_run = check_markers(markers, sizes, ran)
    problems += [Problem(f.kind, f.index, f.checkpoint_size) for f in findings]
    # Witnessed: a checkpoint that ``quorum`` witnesses vouch for (at its size or later).
    vouch = [max(s.cosigned_size or 0, s.remote_size or 0) for s in statuses]
    unwitnessed = tuple(s for s in sizes if trust.witnesses
                        and sum(v >= s for v in vouch) < trust.quorum)
    everything = list(base.problems) + problems
    everything.sort(key=lambda p: (p.index is None, p.index or 0))
    first = first_bad(everything)
    shown = first or (everything[0] if everything else None)
    report = replace(
        base, ok=not everything, problems=tuple(everything),
        first_bad_index=first.index if first else None,
        problem=shown.describe("en") if shown else None,
        witnesses=tuple(statuses), unwitnessed=unwitnessed,
        quorum=trust.quorum if trust.witnesses else 0,
        previous_size=state.size if state is not None else None,
        open_run_last=format_time(open_run.occurred_at) if open_run else None)
    _log.info("audit.verified_trusted", ok=report.ok, size=report.size,
              unwitnessed=len(unwitnessed), problems=len(everything))
    new_state = None
    if report.ok and stored:
        new_state = VerifierState(trust.origin, newest, checkpoints[newest], len(stored),
                                  format_time(now or dt.datetime.now(dt.UTC)))
    return report, new_state
