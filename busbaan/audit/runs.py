"""Checkpoint markers: the service's own record of when it ran and signed (pure).

Each time the service signs a checkpoint it first appends a *marker* entry
(``audit.checkpoint``), in the same transaction, so the checkpoint's size is the
marker's index + 1. A marker's details::

    run        random id of this service run (one per start)
    seq        0, 1, 2, ... within the run
    reason     start | periodic | stop | manual
    interval   seconds between periodic checkpoints in this run
    prev_size  size of the checkpoint before this one (absent: there was none)
    failed     attempts that failed since the previous marker (absent: none)
    after_run, after_seq   (start only) the previous run and its last seq, as the
               service remembers them *outside* the database (its state file)

What "a checkpoint is missing for a period the service ran" means, as rules that
:func:`check_markers` applies (each breach is a :class:`~busbaan.audit.verify.Problem`):

``checkpoint_missing``  a marker with no signed checkpoint at its index + 1;
``checkpoint_chain``    a marker's ``prev_size`` is not the size of the checkpoint
                        stored just before it (one was deleted or slipped in);
``run_gap``             a run whose seq numbers have a hole, or do not start at 0;
``checkpoint_gap``      two consecutive markers of a run further apart than
                        2 × interval + 60 s, while the later one records no failed
                        attempt (the service signs on time or says why it could not);
``run_truncated``       a run that ended without ``stop`` and is not the last run,
                        unless the next run's start names it with its true last seq
                        (a crash is fine; a tail cut off is not); or a start marker
                        naming a run or seq the log does not have;
``checkpoints_absent``  no checkpoint at all although the service ran (a marker or a
                        service entry exists).

The last run may still be running: it is reported (``open_run``), not failed. An
insider who rewrites the log *and* every marker since the start of time is not caught
here: that is what the witnesses and the verifier's state file are for.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from busbaan.audit.entry import AuditEntry

__all__ = [
    "MARKER_EVENT",
    "Marker",
    "MarkerFinding",
    "check_markers",
    "marker_entry",
    "parse_marker",
]

MARKER_EVENT = "audit.checkpoint"
REASONS = frozenset({"start", "periodic", "stop", "manual"})
SLACK = dt.timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class Marker:
    """A parsed marker entry at ``index``."""

    index: int
    occurred_at: dt.datetime
    run: str
    seq: int
    reason: str
    interval: int
    prev_size: int | None
    failed: int = 0
    after_run: str | None = None
    after_seq: int | None = None


@dataclass(frozen=True, slots=True)
class MarkerFinding:
    """One breach of the rules above: kind, index it makes doubtful, checkpoint size."""

    kind: str
    index: int
    checkpoint_size: int | None = None


def marker_entry(
    *,
    now: dt.datetime,
    run: str,
    seq: int,
    reason: str,
    interval: int,
    prev_size: int | None,
    failed: int = 0,
    after: tuple[str, int] | None = None,
    source: str = "service",
) -> AuditEntry:
    """The marker entry (see the module docstring)."""
    details = {"run": run, "seq": str(seq), "reason": reason, "interval": str(interval)}
    if prev_size is not None:
        details["prev_size"] = str(prev_size)
    if failed:
        details["failed"] = str(failed)
    if after is not None:
        details["after_run"], details["after_seq"] = after[0], str(after[1])
    return AuditEntry(event_code=MARKER_EVENT, action="E", occurred_at=now, outcome="done",
                      source=source, details=details)


def _int(details: Mapping[str, str], key: str) -> int | None:
    value = details.get(key)
    return int(value) if value is not None and value.isdigit() else None


def parse_marker(index: int, entry: AuditEntry) -> Marker | None:
    """The marker in ``entry``, or None when it is not a well-formed one."""
    if entry.event_code != MARKER_EVENT:
        return None
    d = entry.details
    seq, interval = _int(d, "seq"), _int(d, "interval")
    run, reason = d.get("run"), d.get("reason")
    if seq is None or interval is None or not run or reason not in REASONS:
        return None
    return Marker(index, entry.occurred_at, run, seq, str(reason), interval,
                  _int(d, "prev_size"), _int(d, "failed") or 0, d.get("after_run"),
                  _int(d, "after_seq"))


def check_markers(markers: Iterable[Marker], checkpoint_sizes: Sequence[int],
                  service_ran: bool) -> tuple[list[MarkerFinding], Marker | None]:
    """Apply the rules; returns the findings and the last marker of an open last run."""
    ordered = sorted(markers, key=lambda m: m.index)
    sizes = sorted(set(checkpoint_sizes))
    findings: list[MarkerFinding] = []
    if not sizes:
        if ordered or service_ran:
            findings.append(MarkerFinding("checkpoints_absent", 0))
        return findings, None
    present = set(sizes)
    for m in ordered:
        if m.index + 1 not in present:
            findings.append(MarkerFinding("checkpoint_missing", m.index, m.index + 1))
            continue
        pos = bisect.bisect_left(sizes, m.index + 1)
        before = sizes[pos - 1] if pos > 0 else None
        if before != m.prev_size:
            findings.append(MarkerFinding("checkpoint_chain", m.index, m.index + 1))
    runs: dict[str, list[Marker]] = {}
    for m in ordered:
        runs.setdefault(m.run, []).append(m)
    run_order = sorted(runs, key=lambda r: runs[r][0].index)
    for run in run_order:
        items = runs[run]
        for expected, m in enumerate(items):
            if m.seq != expected:
                findings.append(MarkerFinding("run_gap", m.index, m.index + 1))
                break
        for a, b in itertools.pairwise(items):
            if a.interval == 0:  # a run without periodic checkpoints: no deadline
                continue
            allowed = dt.timedelta(seconds=2 * a.interval) + SLACK
            if b.occurred_at - a.occurred_at > allowed and not b.failed:
                findings.append(MarkerFinding("checkpoint_gap", a.index + 1, b.index + 1))
    vouched: dict[str, int] = {}
    for m in ordered:
        if m.reason == "start" and m.after_run is not None:
            previous = runs.get(m.after_run)
            if not previous or previous[-1].seq != m.after_seq or previous[-1].index > m.index:
                findings.append(MarkerFinding("run_truncated", m.index, m.index + 1))
            else:
                vouched[m.after_run] = m.index
    open_run: Marker | None = None
    for position, run in enumerate(run_order):
        last = runs[run][-1]
        if last.reason in ("stop", "manual"):  # a CLI checkpoint is a run of one
            continue
        if position == len(run_order) - 1:
            open_run = last
        elif run not in vouched:
            findings.append(MarkerFinding("run_truncated", last.index + 1, last.index + 1))
    return findings, open_run
