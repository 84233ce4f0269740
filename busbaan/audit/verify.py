"""Full verification of the stored log (one streaming pass; see :func:`verify_log`).

It recomputes every leaf hash from the rows and the tree from the leaf hashes, and
checks: indexes without gaps; each row's stored hash; that each leaf sits at the index
it names; the sealed details' hashes; the search columns against their leaves; the
cached subtree hashes; the head; every checkpoint's signature (stored ones and any held
elsewhere), its root against the recomputed tree, and consistency proofs between
consecutive checkpoints. Every problem names the first index it makes doubtful.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import multiprocessing
import re
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from busbaan.audit import merkle
from busbaan.audit.checkpoint import NoteError, open_note, parse_checkpoint
from busbaan.audit.errors import AuditIntegrityError
from busbaan.audit.tables import (
    CACHE_EVERY,
    COPIED_COLUMNS,
    checkpoint_table,
    entry_table,
    head_table,
    node_table,
)
from busbaan.log import get_logger

if TYPE_CHECKING:
    from busbaan.audit.storage import AuditLog

__all__ = ["Problem", "VerifyReport", "WitnessStatus", "first_bad", "verify_log"]

_log = get_logger("busbaan.audit")
#: Rows per read. A power of two: each chunk then starts at a multiple of its length,
#: so its leaves form whole subtrees of the log (see ``grow``).
_CHUNK = 8192
#: The C JSON scanner without ``json.loads``'s per-call encoding detection.
_JSON_SCAN: Callable[[str, int], tuple[Any, int]] = (
    json.JSONDecoder().scan_once  # type: ignore[attr-defined]
)


_PROBLEM_TEXT: dict[str, tuple[str, str]] = {
    "missing": ("regel ontbreekt", "entry is missing"),
    "leaf_hash": ("regel is gewijzigd (hash klopt niet)", "entry was modified (hash mismatch)"),
    "unreadable": ("regel is onleesbaar", "entry is unreadable"),
    "moved": ("regel staat op een andere plaats dan waar hij is geschreven",
              "entry is not at the index it was written at"),
    "column": ("zoekkolom wijkt af van de regel", "search column differs from the entry"),
    "schema": ("zoekkolommen worden niet meer uit de regels afgeleid",
               "search columns are no longer derived from the entries"),
    "personal": ("versleutelde details zijn gewijzigd", "sealed details were modified"),
    "node_cache": ("tussenhash klopt niet bij de regels", "cached subtree hash does not match"),
    "head": ("de kop van het log klopt niet bij de regels", "the log's head does not match"),
    "checkpoint_signature": ("controlepunt is niet geldig ondertekend",
                             "checkpoint has no valid signature"),
    "checkpoint_root": ("regels passen niet bij een ondertekend controlepunt",
                        "entries do not match a signed checkpoint"),
    "checkpoint_row": ("controlepuntrij wijkt af van de ondertekende tekst",
                       "checkpoint row differs from its signed text"),
    "checkpoint_beyond": ("een ondertekend controlepunt telt meer regels dan er zijn",
                          "a signed checkpoint covers more entries than exist"),
    "consistency": ("twee controlepunten zijn niet consistent",
                    "two checkpoints are not consistent"),
    # issue 9: what the service, the verifier and the witnesses remember
    "checkpoint_missing": ("een controlepunt ontbreekt voor een periode waarin de dienst "
                           "draaide", "a checkpoint is missing for a period the service ran"),
    "checkpoint_chain": ("de keten van controlepunten is onderbroken (een controlepunt is "
                         "verwijderd of ingevoegd)",
                         "the chain of checkpoints is broken (one was deleted or inserted)"),
    "run_gap": ("controlepunten van een dienstrun ontbreken",
                "checkpoints of a service run are missing"),
    "checkpoint_gap": ("de dienst tekende niet op tijd en zegt niet waarom",
                       "the service did not sign on time and does not say why"),
    "run_truncated": ("het einde van een dienstrun is weggehaald",
                      "the end of a service run was cut off"),
    "checkpoints_absent": ("geen enkel controlepunt, terwijl de dienst heeft gedraaid",
                           "no checkpoint at all, although the service ran"),
    "checkpoints_fewer": ("minder controlepunten dan bij de vorige controle",
                          "fewer checkpoints than at the previous verification"),
    "checkpoints_rolled_back": ("het nieuwste controlepunt is ouder dan een eerder gezien "
                                "controlepunt (verifier of getuige)",
                                "the newest checkpoint is older than one seen before "
                                "(verifier or witness)"),
    "cosignature": ("een medeondertekening van een getuige klopt niet",
                    "a witness's cosignature does not verify"),
    "cosignature_orphan": ("een getuige tekende een controlepunt dat er niet meer is",
                           "a witness cosigned a checkpoint that is gone"),
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing verification found: its kind, the first index it makes doubtful and,
    for checkpoint problems, the checkpoint's tree size.

    Row problems (``ROW_KINDS``) name the very entry. Tree problems (a cached subtree
    or a signed root that does not match) can only say that something in
    ``[index, until)`` changed; when a row problem inside that range explains them,
    the row problem is the first bad index.
    """

    kind: str
    index: int | None
    checkpoint_size: int | None = None
    until: int | None = None

    def describe(self, lang: str = "nl") -> str:
        nl, en = _PROBLEM_TEXT.get(self.kind, (self.kind, self.kind))
        text = en if lang == "en" else nl
        parts = []
        if self.index is not None:
            parts.append(f"index {self.index}")
        if self.checkpoint_size is not None:
            parts.append(
                f"checkpoint at size {self.checkpoint_size}" if lang == "en"
                 else f"controlepunt bij grootte {self.checkpoint_size}"
            )
        return f"{', '.join(parts)}: {text}" if parts else text


@dataclass(frozen=True, slots=True)
class WitnessStatus:
    """One pinned witness, as verification saw it.

    ``cosigned_size``: the largest checkpoint with a valid cosignature stored in the
    log; ``remote_size``: the witness's own latest (fetched from its URL), or
    ``remote_error`` (errcode) when it could not be fetched or read.
    """

    name: str
    cosigned_size: int | None
    remote_size: int | None = None
    remote_error: str | None = None


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """The outcome of :meth:`AuditLog.verify` (and, with the trust configuration, of
    :func:`busbaan.audit.assurance.verify_trusted`, which fills the last fields)."""

    ok: bool
    first_bad_index: int | None
    problem: str | None
    size: int
    checkpoints: int
    problems: tuple[Problem, ...] = field(default=())
    witnesses: tuple[WitnessStatus, ...] = field(default=())
    #: Checkpoint sizes that fewer than ``quorum`` witnesses vouch for (yet).
    unwitnessed: tuple[int, ...] = field(default=())
    quorum: int = 0
    #: The size the verifier's state file held before this run (None: no state file).
    previous_size: int | None = None
    #: When the open (last) service run last signed, ISO 8601, if it is open.
    open_run_last: str | None = None


# --------------------------------------------------------------------------- chunks
#
# The rows are checked in chunks of ``_CHUNK`` consecutive indexes. A chunk's check
# reads only its own rows and cached subtrees, so chunks can be checked in other
# processes (both cores of a small machine) while this one grows the tree from what
# they return, in order.


class ChunkResult(NamedTuple):
    """What the check of rows ``start .. stop`` found."""

    start: int
    stop: int
    rows: int
    #: The first index in the chunk without a row, if any.
    first_missing: int | None
    #: Row and cached-subtree problems: (kind, index, until).
    problems: tuple[tuple[str, int, int | None], ...]
    #: Per level, the hashes of the complete subtrees over the stored leaf hashes of the
    #: gapless prefix of the chunk, packed (32 bytes each).
    levels: tuple[bytes, ...]


class _Packed(Sequence[bytes]):
    """A packed level of hashes, indexable like a list."""

    __slots__ = ("_blob",)

    def __init__(self, blob: bytes) -> None:
        self._blob = blob

    def __len__(self) -> int:
        return len(self._blob) // 32

    def __getitem__(self, i: int) -> bytes:  # type: ignore[override]
        return self._blob[i * 32:(i + 1) * 32]


def _raw(engine: Engine, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """Plain DB-API tuples, bytes as bytes (no result processing: the hot path)."""
    with engine.connect() as conn:
        dbapi: Any = conn.connection.dbapi_connection
        cursor = dbapi.cursor() if engine.dialect.name == "sqlite" else dbapi.cursor(binary=True)
        try:
            cursor.execute(sql, params)
            rows: list[tuple[Any, ...]] = list(cursor.fetchall())
        finally:
            cursor.close()
            conn.rollback()
        return rows


def _mark(engine: Engine) -> str:
    return "?" if engine.dialect.paramstyle == "qmark" else "%s"


def check_chunk(engine: Engine, start: int, stop: int) -> ChunkResult:
    """Check rows ``start <= idx < stop`` (``start`` a multiple of the chunk length).

    Recomputes each leaf hash and compares it with the stored one; checks that each
    leaf names its own index (on SQLite; PostgreSQL does that in its column check) and
    that sealed details match their hash; builds the subtrees over the stored hashes
    (what was signed) and compares the cached ones.
    """
    sqlite = engine.dialect.name == "sqlite"
    mark = _mark(engine)
    index = "leaf_index" if sqlite else "idx"
    rows = _raw(engine, f"SELECT idx, leaf_hash, leaf, personal, personal_sha256, {index} "
                        f"FROM audit_entry WHERE idx >= {mark} AND idx < {mark} ORDER BY idx",
                (start, stop))
    sha256 = hashlib.sha256
    problems: list[tuple[str, int, int | None]] = []
    # The common case, everything in order, runs as list comprehensions; rows that
    # differ are then looked at one by one.
    stored = [r[1] for r in rows]
    recomputed = [sha256(b"\x00" + r[2]).digest() for r in rows]
    gapless = len(rows) == stop - start
    if not (gapless and recomputed == stored and all(r[0] == r[5] for r in rows)
            and not any(r[3] is not None or r[4] is not None for r in rows)):
        for (idx, stored_hash, _data, blob, digest, leaf_index), lh in zip(
                rows, recomputed, strict=True):
            if lh != stored_hash:
                problems.append(("leaf_hash", idx, None))
            if leaf_index != idx:
                problems.append(("moved", idx, None))
            if (digest is not None or blob is not None) and (
                digest is None or blob is None or sha256(blob).hexdigest() != digest
            ):
                problems.append(("personal", idx, None))
    prefix = len(rows)
    first_missing = None
    if not gapless:
        prefix = next((i for i, r in enumerate(rows) if r[0] != start + i), len(rows))
        first_missing = start + prefix
    levels = merkle.subtree_levels(stored[:prefix])
    wanted = [(level, start >> level, len(levels[level]))
              for level in range(CACHE_EVERY, len(levels), CACHE_EVERY) if levels[level]]
    if wanted:
        where = " OR ".join(f"(level = {lv} AND idx >= {lo} AND idx < {lo + n})"
                            for lv, lo, n in wanted)
        cached = {(int(lv), int(i)): bytes(h) for lv, i, h in _raw(
            engine, f"SELECT level, idx, hash FROM audit_node WHERE {where}", ())}
        for level, lo, _n in wanted:
            for j, h in enumerate(levels[level]):
                if cached.get((level, lo + j)) != h:
                    problems.append(("node_cache", (lo + j) << level, (lo + j + 1) << level))
    return ChunkResult(start, stop, len(rows), first_missing, tuple(problems),
                       tuple(b"".join(level) for level in levels))


@functools.lru_cache(maxsize=4)
def _worker_engine(url: str) -> Engine:
    """The engine of a worker process (one per database; workers live for one verify)."""
    from busbaan.store import make_engine

    return make_engine(url)


def _check_in_worker(url: str, start: int, stop: int) -> ChunkResult:
    return check_chunk(_worker_engine(url), start, stop)


def _parallel_ok(engine: Engine) -> bool:
    """Whether other processes can open this database (not an in-memory SQLite)."""
    database = engine.url.database or ""
    return not (engine.dialect.name == "sqlite" and database in ("", ":memory:"))


#: Problems that name the very entry that is wrong.
ROW_KINDS = frozenset({"missing", "leaf_hash", "moved", "unreadable", "personal", "column"})


def first_bad(problems: Sequence[Problem]) -> Problem | None:
    """The problem whose index is the first bad one (see :func:`_first_bad`)."""
    return _first_bad(problems)


def _first_bad(problems: Sequence[Problem]) -> Problem | None:
    """The problem whose index is the first bad one: the earliest row problem, unless a
    tree problem starts earlier that no row problem inside its range explains."""
    rows = [p for p in problems if p.kind in ROW_KINDS and p.index is not None]
    candidates = list(rows)
    for p in problems:
        if p.kind in ROW_KINDS or p.index is None:
            continue
        end = p.until if p.until is not None else p.checkpoint_size
        explained = end is not None and any(
            p.index <= r.index < end for r in rows if r.index is not None)
        if not explained:
            candidates.append(p)
    return min(candidates, key=lambda p: (p.index or 0, p.kind not in ROW_KINDS), default=None)


def verify_log(
    log: AuditLog,
    progress: Callable[[int], None] | None = None,
    trusted_notes: Sequence[str] = (),
    max_problems: int = 100,
    workers: int | None = None,
) -> VerifyReport:
    """Verify ``log`` (see the module docstring).

    ``workers``: processes that check chunks of rows beside this one; 0 (the default)
    checks everything here. Workers pay off on a machine with idle cores; on the small,
    shared machines this was measured on, one process was as fast and steadier (see
    docs/benchmarks.md).
    """
    return _Verifier(log, progress, trusted_notes, max_problems, workers).run()


class _Verifier:
    """One streaming verification pass (see :meth:`AuditLog.verify`)."""

    def __init__(
        self,
        log: AuditLog,
        progress: Callable[[int], None] | None,
        trusted_notes: Sequence[str],
        max_problems: int,
        workers: int | None = None,
    ) -> None:
        self.log = log
        self.progress = progress
        self.trusted_notes = trusted_notes
        self.max_problems = max_problems
        self.workers = workers
        self.problems: list[Problem] = []
        self._extra_nodes: list[tuple[int, int]] = []

    def add(
        self, kind: str, index: int | None, checkpoint_size: int | None = None,
        until: int | None = None,
    ) -> None:
        if len(self.problems) < self.max_problems:
            self.problems.append(Problem(kind, index, checkpoint_size, until))

    def _checkpoints(self, conn: Connection) -> list[tuple[int, bytes]]:
        """Checkpoints whose signature verifies, as (size, root); problems for the rest."""
        stored = [(int(s), bytes(r), str(n)) for s, r, n in conn.execute(
            sa.select(checkpoint_table.c.size, checkpoint_table.c.root_hash,
                      checkpoint_table.c.note).order_by(checkpoint_table.c.size))]
        candidates: list[tuple[int | None, bytes | None, str]] = [
            (s, r, n) for s, r, n in stored]
        candidates += [(None, None, n) for n in self.trusted_notes]
        good: dict[int, bytes] = {}
        bad: list[int | None] = []
        for row_size, row_root, note in candidates:
            try:
                cp = parse_checkpoint(open_note(note, *self.log.verifiers))
                if cp.origin != self.log.origin:
                    raise NoteError("origin", "origin")
            except NoteError:
                bad.append(row_size)
                continue
            if row_size is not None and (row_size != cp.size or row_root != cp.root_hash):
                self.add("checkpoint_row", None, cp.size)
            if cp.size in good and good[cp.size] != cp.root_hash:
                self.add("consistency", 0, cp.size)  # two signed roots for one size
            good[cp.size] = cp.root_hash
        for size in bad:
            before = [s for s in good if size is None or s < size]
            self.add("checkpoint_signature", max(before, default=0), size)
        return sorted(good.items())

    def run(self) -> VerifyReport:
        log = self.log
        with log.engine.connect() as conn:
            head = conn.execute(
                sa.select(head_table.c.size, head_table.c.frontier, head_table.c.root,
                          sa.select(sa.func.max(entry_table.c.idx)).scalar_subquery())
                .where(head_table.c.id == 1)
            ).one_or_none()
            checkpoints = self._checkpoints(conn)
        if head is None:
            raise AuditIntegrityError("De kop van het auditlog ontbreekt.",
                                      "The audit log's head is missing.")
        head_size = int(head[0])
        max_idx = -1 if head[3] is None else int(head[3])
        target = max(head_size, max_idx + 1, max((s for s, _ in checkpoints), default=0))
        frontier = self._stream(target, checkpoints)
        verified = frontier.size if frontier is not None else 0
        self._finish(head_size, bytes(head[1]), bytes(head[2]), max_idx, frontier,
                     checkpoints, verified)
        self.problems.sort(key=lambda p: (p.index is None, p.index or 0))
        first = _first_bad(self.problems)
        shown = first or (self.problems[0] if self.problems else None)
        report = VerifyReport(
            ok=not self.problems,
            first_bad_index=first.index if first else None,
            problem=shown.describe("en") if shown else None,
            size=head_size,
            checkpoints=len(checkpoints),
            problems=tuple(self.problems),
        )
        _log.info("audit.verified", ok=report.ok, size=head_size,
                  checkpoints=len(checkpoints), first_bad_index=report.first_bad_index)
        return report

    def _raw(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        return _raw(self.log.engine, sql, params)

    def _copies_differ(self) -> list[int] | None:
        """Indexes of rows whose search columns differ from their leaf (at most
        ``max_problems``); None when the database cannot read some leaf, so the caller
        must check in Python.

        On SQLite the columns are generated from the leaf, so it is enough that they
        still are (the table's definition is checked). On PostgreSQL the server's JSON
        reader compares them in one scan, beside the streaming pass.
        """
        if self.log._sqlite:
            return [] if self._sqlite_schema_ok() else None
        differs = " OR ".join(
            f"(x.j ->> '{key}') IS DISTINCT FROM e.{col}::text"
            for col, key in COPIED_COLUMNS.items()
        )
        sql = (
            "SELECT e.idx FROM audit_entry e, "
            "LATERAL (SELECT audit_leaf_json(e.leaf) AS j OFFSET 0) x "
            f"WHERE {differs} ORDER BY e.idx LIMIT %s"
        )
        try:
            return [int(row[0]) for row in self._raw(sql, (self.max_problems,))]
        except Exception as exc:  # a leaf the server cannot parse
            _log.warning("audit.verify_slow_path", cause=type(exc).__name__)
            return None

    def _sqlite_schema_ok(self) -> bool:
        """Whether every search column is still generated from the leaf."""
        rows = self._raw(
            f"SELECT sql FROM sqlite_master WHERE type = 'table' AND name = {self.log._mark}",
            ("audit_entry",))
        flat = " ".join(str(rows[0][0] if rows else "").split())
        keys = {**COPIED_COLUMNS, "leaf_index": "index"}
        keys.pop("idx")
        return all(
            re.search(rf"\b{col} \w+(\(\d+\))? GENERATED ALWAYS AS "
                      rf"\(json_extract\(CAST\(leaf AS TEXT\), '\$\.{key}'\)\)",
                      flat) is not None
            for col, key in keys.items()
        )

    def _classify(self, rows: list[tuple[Any, ...]]) -> None:
        """Say what is wrong with rows whose copies differ from their leaf."""
        for idx, _hash, data, _blob, _digest, _index in rows:
            try:
                text = bytes(data).decode("utf-8")
                obj, end = _JSON_SCAN(text, 0)
                if end != len(text) or not isinstance(obj, dict):
                    raise ValueError("not a JSON object")
            except (ValueError, StopIteration):
                self.add("unreadable", idx)
                continue
            if obj.get("index") != idx:
                self.add("moved", idx)
                continue
            copies = self._raw(
                f"SELECT {', '.join(COPIED_COLUMNS)} FROM audit_entry WHERE idx = "
                f"{self.log._mark}", (idx,))
            if not copies or tuple(obj.get(k) for k in COPIED_COLUMNS.values()) != copies[0]:
                self.add("column", idx)

    def _stream(
        self, target: int, checkpoints: list[tuple[int, bytes]]
    ) -> merkle.Frontier | None:
        """Check every row; returns the recomputed tree (None once a row is missing)."""
        frontier: merkle.Frontier | None = merkle.Frontier()
        pending = [cp for cp in checkpoints if cp[0] > 0]
        for size, root in checkpoints:
            if size == 0 and root != merkle.EMPTY_ROOT:
                self.add("checkpoint_root", 0, 0)
        pending.reverse()  # pop() gives the smallest
        last_good_cp = 0

        def grow(tree: merkle.Frontier, levels: Sequence[Sequence[bytes]], base: int,
                 end: int) -> None:
            """Add leaves up to ``end`` from a chunk's levels; check the signed root at
            every checkpoint on the way."""
            nonlocal last_good_cp
            while tree.size < end:
                stop = min(end, pending[-1][0]) if pending else end
                tree.push_levels(levels, base, stop)
                while pending and pending[-1][0] == tree.size:
                    size, root = pending.pop()
                    if tree.root() != root:
                        self.add("checkpoint_root", last_good_cp, size)
                    else:
                        last_good_cp = size

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="audit-verify") as side:
            copies = side.submit(self._copies_differ)
            for chunk in self._chunks(target):
                for kind, index, until in chunk.problems:
                    self.add(kind, index, until=until)
                if chunk.first_missing is not None:
                    self.add("missing", chunk.first_missing)
                if frontier is not None:
                    levels = [_Packed(blob) for blob in chunk.levels]
                    end = chunk.first_missing if chunk.first_missing is not None else chunk.stop
                    grow(frontier, levels, chunk.start, end)
                    if chunk.first_missing is not None:
                        frontier = None
                if self.progress is not None:
                    self.progress(chunk.rows)
                if len(self.problems) >= self.max_problems:
                    break
            differing = copies.result()
        if differing is None:  # the database could not vouch for every copy: check here
            if self.log._sqlite:
                self.add("schema", None)
            differing = self._python_copies_differ(target)
        for start in differing:
            self._classify(self._raw(
                "SELECT idx, leaf_hash, leaf, personal, personal_sha256, idx FROM audit_entry "
                f"WHERE idx = {self.log._mark}", (start,)))
        if frontier is not None:
            self._extra_nodes = _extra_nodes(self.log.engine, frontier.size)
        return frontier

    def _chunks(self, target: int) -> Iterator[ChunkResult]:
        """Chunk results in index order, from worker processes or from this one."""
        engine = self.log.engine
        starts = range(0, target, _CHUNK)
        workers = self.workers or 0
        if workers <= 0 or target <= _CHUNK or not _parallel_ok(engine):
            for start in starts:
                yield check_chunk(engine, start, min(start + _CHUNK, target))
            return
        url = engine.url.render_as_string(hide_password=False)
        # Spawned, not forked: this process may hold threads and open connections.
        pool = ProcessPoolExecutor(max_workers=workers,
                                   mp_context=multiprocessing.get_context("spawn"))
        try:
            queue: deque[Future[ChunkResult]] = deque()
            todo = iter(starts)
            for start in itertools.islice(todo, workers * 3):
                queue.append(pool.submit(_check_in_worker, url, start,
                                         min(start + _CHUNK, target)))
            while queue:
                result = queue.popleft().result()
                following = next(todo, None)
                if following is not None:
                    queue.append(pool.submit(_check_in_worker, url, following,
                                             min(following + _CHUNK, target)))
                yield result
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _python_copies_differ(self, target: int) -> list[int]:
        """The slow path of :meth:`_copies_differ`: parse every leaf here."""
        out: list[int] = []
        mark = self.log._mark
        start = 0
        keys = tuple(COPIED_COLUMNS.values())
        while start < target and len(out) < self.max_problems:
            rows = self._raw(
                f"SELECT leaf, {', '.join(COPIED_COLUMNS)} FROM audit_entry "
                f"WHERE idx >= {mark} ORDER BY idx LIMIT {mark}", (start, _CHUNK))
            for row in rows:
                try:
                    text = bytes(row[0]).decode("utf-8")
                    obj, end = _JSON_SCAN(text, 0)
                    ok = end == len(text) and isinstance(obj, dict) and tuple(
                        obj.get(k) for k in keys) == tuple(row[1:])
                except (ValueError, StopIteration):
                    ok = False
                if not ok:
                    out.append(int(row[1]))
            if len(rows) < _CHUNK:
                break
            start = int(rows[-1][1]) + 1
        return out[: self.max_problems]

    def _finish(
        self,
        head_size: int,
        head_frontier: bytes,
        head_root: bytes,
        max_idx: int,
        frontier: merkle.Frontier | None,
        checkpoints: list[tuple[int, bytes]],
        verified: int,
    ) -> None:
        rows_end = max_idx + 1
        if frontier is not None:
            for level, nidx in self._extra_nodes:
                self.add("node_cache", nidx << level)
            if head_size != frontier.size:
                self.add("missing" if head_size > frontier.size else "head",
                         min(head_size, frontier.size))
            elif head_frontier != frontier.to_bytes() or head_root != frontier.root():
                self.add("head", None)
        elif head_size < rows_end:
            self.add("head", head_size)
        for size, _ in checkpoints:
            if size > max(verified, rows_end):
                self.add("checkpoint_beyond", max(verified, rows_end), size)
        if frontier is None or any(p.kind in ("node_cache", "missing") for p in self.problems):
            return
        with self.log.engine.connect() as conn:
            node = self.log._node_reader(conn)
            for (old, old_root), (new, new_root) in itertools.pairwise(checkpoints):
                if new > frontier.size:
                    break
                try:
                    proof = merkle.consistency_proof(old, new, node)
                except AuditIntegrityError:
                    self.add("consistency", old, new)
                    continue
                if not merkle.verify_consistency(old, new, old_root, new_root, proof):
                    self.add("consistency", old, new)


def _extra_nodes(engine: Engine, size: int) -> list[tuple[int, int]]:
    """Cached subtrees beyond a tree of ``size`` leaves (there should be none)."""
    top = max(size.bit_length(), CACHE_EVERY)
    with engine.connect() as conn:
        return [(int(level), int(idx)) for level, idx in conn.execute(
            sa.select(node_table.c.level, node_table.c.idx)
            .where(sa.or_(*(
                sa.and_(node_table.c.level == level, node_table.c.idx >= (size >> level))
                for level in range(CACHE_EVERY, top + 1, CACHE_EVERY)
            ), node_table.c.level > top))
            .limit(10)
        )]
