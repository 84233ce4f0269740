"""Full verification of the stored log (one streaming pass; see :func:`verify_log`).

It recomputes every leaf hash from the rows and the tree from the leaf hashes, and
checks: indexes without gaps; each row's stored hash; that each leaf sits at the index
it names; the sealed details' hashes; the search columns against their leaves; the
cached subtree hashes; the head; every checkpoint's signature (stored ones and any held
elsewhere), its root against the recomputed tree, and consistency proofs between
consecutive checkpoints. Every problem names the first index it makes doubtful.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

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

__all__ = ["Problem", "VerifyReport", "verify_log"]

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
class VerifyReport:
    """The outcome of :meth:`AuditLog.verify`."""

    ok: bool
    first_bad_index: int | None
    problem: str | None
    size: int
    checkpoints: int
    problems: tuple[Problem, ...] = field(default=())


#: Problems that name the very entry that is wrong.
ROW_KINDS = frozenset({"missing", "leaf_hash", "moved", "unreadable", "personal", "column"})


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
) -> VerifyReport:
    """Verify ``log`` (see the module docstring)."""
    return _Verifier(log, progress, trusted_notes, max_problems).run()


class _Verifier:
    """One streaming verification pass (see :meth:`AuditLog.verify`)."""

    def __init__(
        self,
        log: AuditLog,
        progress: Callable[[int], None] | None,
        trusted_notes: Sequence[str],
        max_problems: int,
    ) -> None:
        self.log = log
        self.progress = progress
        self.trusted_notes = trusted_notes
        self.max_problems = max_problems
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

    def _fetch(self, start: int) -> list[tuple[Any, ...]]:
        """Rows from ``start``: (idx, leaf_hash, leaf, personal, personal_sha256, the
        index the leaf names). On PostgreSQL the last is checked by :meth:`_copies_differ`
        instead, and the row's own idx stands in for it here."""
        mark = self.log._mark
        index = "leaf_index" if self.log._sqlite else "idx"
        return self._raw(
            f"SELECT idx, leaf_hash, leaf, personal, personal_sha256, {index} FROM audit_entry "
            f"WHERE idx >= {mark} ORDER BY idx LIMIT {mark}", (start, _CHUNK))

    def _raw(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        """Plain DB-API tuples, bytes as bytes (no result processing: the hot path)."""
        with self.log.engine.connect() as conn:
            dbapi = conn.connection.dbapi_connection
            assert dbapi is not None
            cursor = dbapi.cursor() if self.log._sqlite else dbapi.cursor(binary=True)
            try:
                cursor.execute(sql, params)
                rows: list[tuple[Any, ...]] = list(cursor.fetchall())
            finally:
                cursor.close()
                conn.rollback()
            return rows

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
        nodes = _NodeStream(self.log.engine)

        def grow(tree: merkle.Frontier, leaves: list[bytes]) -> None:
            """Feed a run of leaf hashes that starts at ``tree.size`` (a multiple of the
            run's length, see ``_CHUNK``) to the tree; check cached subtrees, and the
            signed root at every checkpoint inside the run."""
            nonlocal last_good_cp
            base = tree.size
            levels = merkle.subtree_levels(leaves)
            for level in range(CACHE_EVERY, len(levels), CACHE_EVERY):
                first = base >> level
                for j, h in enumerate(levels[level]):
                    if not nodes.matches(level, first + j, h):
                        self.add("node_cache", (first + j) << level,
                                 until=(first + j + 1) << level)
            end = base + len(leaves)
            while tree.size < end:
                stop = min(end, pending[-1][0]) if pending else end
                tree.push_levels(levels, base, stop)
                while pending and pending[-1][0] == tree.size:
                    size, root = pending.pop()
                    if tree.root() != root:
                        self.add("checkpoint_root", last_good_cp, size)
                    else:
                        last_good_cp = size

        expected = 0
        # Read the next chunk in a second thread while this one is hashed: the database
        # does its part without the GIL, so the two overlap on a two-core machine.
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="audit-verify") as pool:
            copies = pool.submit(self._copies_differ)
            ahead = pool.submit(self._fetch, 0)
            while expected < target:
                rows = ahead.result()
                if not rows:
                    break
                if len(rows) == _CHUNK:
                    ahead = pool.submit(self._fetch, int(rows[-1][0]) + 1)
                frontier = self._check_chunk(rows, expected, frontier, grow)
                expected = int(rows[-1][0]) + 1
                if self.progress is not None:
                    self.progress(len(rows))
                if len(self.problems) >= self.max_problems or len(rows) < _CHUNK:
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
            self._extra_nodes = nodes.extra(frontier.size)
        return frontier

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

    def _check_chunk(
        self,
        rows: list[tuple[Any, ...]],
        expected: int,
        frontier: merkle.Frontier | None,
        grow: Callable[[merkle.Frontier, list[bytes]], None],
    ) -> merkle.Frontier | None:
        """Check one chunk of rows; feed their stored leaf hashes to the tree.

        The tree is built from the stored hashes (what was signed); each stored hash is
        checked against its row, so a change shows at its own index. The common case,
        where everything matches, runs as list comprehensions; rows that differ are
        then looked at one by one.
        """
        sha256 = hashlib.sha256
        indexes = [r[0] for r in rows]
        stored = [r[1] for r in rows]
        gapless = indexes == list(range(expected, expected + len(rows)))
        recomputed = [sha256(b"\x00" + r[2]).digest() for r in rows]
        clean = (gapless and recomputed == stored and [r[5] for r in rows] == indexes
                 and not any(r[3] is not None or r[4] is not None for r in rows))
        if not clean:
            for row, lh in zip(rows, recomputed, strict=True):
                idx, stored_hash, _data, blob, digest, leaf_index = row
                if idx != expected:
                    self.add("missing", expected)
                    if frontier is not None:
                        grow(frontier, stored[: idx - indexes[0]])
                        frontier = None
                    expected = idx
                if lh != stored_hash:
                    self.add("leaf_hash", idx)
                if leaf_index != idx:
                    self.add("moved", idx)
                if (digest is not None or blob is not None) and (
                    digest is None or blob is None or sha256(blob).hexdigest() != digest
                ):
                    self.add("personal", idx)
                expected += 1
        if frontier is not None:
            grow(frontier, stored)
        return frontier

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


class _NodeStream:
    """Reads the cached subtree hashes level by level, in index order, in chunks."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.buffers: dict[int, list[tuple[int, bytes]]] = {}
        self.positions: dict[int, int] = {}
        self.after: dict[int, int] = {}
        self.exhausted: set[int] = set()

    def _fill(self, level: int) -> None:
        after = self.after.get(level, -1)
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(node_table.c.idx, node_table.c.hash)
                .where(node_table.c.level == level, node_table.c.idx > after)
                .order_by(node_table.c.idx).limit(_CHUNK)
            ).all()
        self.buffers[level] = [(int(i), bytes(h)) for i, h in rows]
        self.positions[level] = 0
        if rows:
            self.after[level] = int(rows[-1][0])
        if len(rows) < _CHUNK:
            self.exhausted.add(level)

    def _peek(self, level: int) -> tuple[int, bytes] | None:
        buf = self.buffers.get(level)
        if buf is None or (self.positions[level] >= len(buf) and level not in self.exhausted):
            self._fill(level)
            buf = self.buffers[level]
        pos = self.positions[level]
        return buf[pos] if pos < len(buf) else None

    def matches(self, level: int, idx: int, expected: bytes) -> bool:
        """Whether the cache holds ``expected`` at (level, idx); consumes up to it."""
        while True:
            got = self._peek(level)
            if got is None or got[0] > idx:
                return False
            self.positions[level] += 1
            if got[0] == idx:
                return got[1] == expected

    def extra(self, size: int) -> list[tuple[int, int]]:
        """Cached nodes left over (beyond the recomputed tree of ``size`` leaves)."""
        out: list[tuple[int, int]] = []
        level = CACHE_EVERY
        with self.engine.connect() as conn:
            for lvl, idx in conn.execute(
                sa.select(node_table.c.level, node_table.c.idx)
                .where(sa.or_(*(
                    sa.and_(node_table.c.level == lv, node_table.c.idx >= (size >> lv))
                    for lv in range(level, max(size.bit_length(), level) + 1, CACHE_EVERY)
                ), node_table.c.level > max(size.bit_length(), level)))
                .limit(10)
            ):
                out.append((int(lvl), int(idx)))
        return out
