"""The audit log in the store: the :class:`AuditLog` repository.

Rows
    see :mod:`busbaan.audit.tables`; full verification is in :mod:`busbaan.audit.verify`.

Writers serialise on the head: ``BEGIN IMMEDIATE`` on SQLite (with ``synchronous=FULL``
for the audit transaction, so a commit survives power loss), ``SELECT ... FOR UPDATE``
on PostgreSQL. The API is synchronous; async callers use ``asyncio.to_thread``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from busbaan.audit import merkle
from busbaan.audit.checkpoint import (
    Checkpoint,
    NoteError,
    Signer,
    Verifier,
    parse_checkpoint,
    split_note,
)
from busbaan.audit.entry import AuditEntry, InvalidEntry, format_time, leaf_bytes, parse_leaf
from busbaan.audit.errors import AuditIntegrityError
from busbaan.audit.keys import DEFAULT_ORIGIN
from busbaan.audit.shred import SealError, new_case_key, seal, sealed_key_ref, unseal
from busbaan.audit.tables import (
    CACHE_EVERY,
    CACHE_MASK,
    case_key_table,
    checkpoint_table,
    entry_table,
    head_table,
    node_table,
)
from busbaan.audit.verify import Problem, VerifyReport, verify_log
from busbaan.clock import Clock, SystemClock
from busbaan.errors import BusbaanError, NotFound
from busbaan.log import get_logger

__all__ = [
    "CACHE_EVERY",
    "AuditIntegrityError",
    "AuditLog",
    "ConsistencyProof",
    "EraseHook",
    "Erasure",
    "InclusionProof",
    "LoggedEntry",
    "Problem",
    "VerifyReport",
]

_log = get_logger("busbaan.audit")
_TABLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_CHUNK = 5000

# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class LoggedEntry:
    """An entry as stored: its index, leaf hash and, when asked for, its details.

    ``personal_status`` is ``"none"`` (no details), ``"sealed"`` (not opened),
    ``"open"`` (``personal`` holds them) or ``"erased"`` (the case key is destroyed).
    """

    index: int
    entry: AuditEntry
    leaf_hash: bytes
    personal_status: str = "none"
    personal: Mapping[str, str] | None = None


@dataclass(frozen=True, slots=True)
class InclusionProof:
    """Leaf ``index`` is in the tree of ``tree_size`` leaves whose root is ``root``."""

    index: int
    tree_size: int
    leaf_hash: bytes
    hashes: tuple[bytes, ...]
    root: bytes

    def verify(self) -> bool:
        return merkle.verify_inclusion(
            self.leaf_hash, self.index, self.tree_size, self.hashes, self.root
        )


@dataclass(frozen=True, slots=True)
class ConsistencyProof:
    """The tree of ``new_size`` leaves extends the one of ``old_size`` leaves."""

    old_size: int
    new_size: int
    old_root: bytes
    new_root: bytes
    hashes: tuple[bytes, ...]

    def verify(self) -> bool:
        return merkle.verify_consistency(
            self.old_size, self.new_size, self.old_root, self.new_root, self.hashes
        )


@dataclass(frozen=True, slots=True)
class Erasure:
    """What :meth:`AuditLog.erase_case` did."""

    case_id: str
    index: int  # the erasure's own entry
    keys_destroyed: int
    entries_with_details: int
    scrubbed: Mapping[str, int] = field(default_factory=dict)  # per table, by the hook


EraseHook = Callable[[Connection, str], Mapping[str, int]]
"""Overwrites a case's free text outside the audit log, inside the erasure's
transaction, and says how many per table (e.g. :func:`busbaan.store.erasure
.scrub_case_free_text`): the audit log does not know those tables."""


# --------------------------------------------------------------------------- the log


@dataclass(frozen=True, slots=True)
class _Filters:
    case_id: str | None
    user_id: str | None
    organisation: str | None
    since: dt.datetime | None
    until: dt.datetime | None
    event_prefix: str | None
    outcome: str | None

    def build(self) -> tuple[list[Any], Callable[[AuditEntry], bool]]:
        """SQL conditions on the search columns, and the same test on an entry."""
        t = entry_table
        conds: list[Any] = []
        if self.case_id is not None:
            conds.append(t.c.case_id == self.case_id)
        if self.user_id is not None:
            conds.append(sa.or_(t.c.user_id == self.user_id,
                                t.c.responsible_user == self.user_id,
                                t.c.subject_user == self.user_id))
        if self.organisation is not None:
            conds.append(t.c.organisation == self.organisation)
        if self.since is not None:
            conds.append(t.c.occurred_at >= format_time(self.since))
        if self.until is not None:
            conds.append(t.c.occurred_at < format_time(self.until))
        prefix = self.event_prefix.rstrip(".") if self.event_prefix is not None else None
        if prefix is not None:
            conds.append(sa.or_(t.c.event_code == prefix,
                                t.c.event_code.startswith(prefix + ".", autoescape=True)))
        if self.outcome is not None:
            conds.append(t.c.outcome == self.outcome)

        def post(e: AuditEntry) -> bool:
            return (
                (self.case_id is None or e.case_id == self.case_id)
                and (self.user_id is None
                     or self.user_id in (e.user_id, e.responsible_user, e.subject_user))
                and (self.organisation is None or e.organisation == self.organisation)
                and (self.since is None or e.occurred_at >= self.since)
                and (self.until is None or e.occurred_at < self.until)
                and (prefix is None or e.event_code == prefix
                     or e.event_code.startswith(prefix + "."))
                and (self.outcome is None or e.outcome == self.outcome)
            )

        return conds, post



AppendItem = AuditEntry | tuple[AuditEntry, Mapping[str, str] | None]


class _Head:
    __slots__ = ("frontier",)

    def __init__(self, frontier: merkle.Frontier) -> None:
        self.frontier = frontier


class AuditLog:
    """The tamper-evident audit log in the store (see the module docstring)."""

    def __init__(
        self,
        engine: Engine,
        signer: Signer | None = None,
        *,
        verifiers: Sequence[Verifier] = (),
        origin: str | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.engine = engine
        self.signer = signer
        self.origin = origin or (signer.name if signer else DEFAULT_ORIGIN)
        self.verifiers: tuple[Verifier, ...] = tuple(verifiers) + (
            (signer.verifier,) if signer else ()
        )
        self.clock: Clock = clock or SystemClock()
        #: Called with the entries of every committed append (e.g. the service's
        #: metrics); an observer that fails is logged and never undoes the append.
        self.observers: list[Callable[[Sequence[AuditEntry]], None]] = []
        self._sqlite = engine.dialect.name == "sqlite"
        self._mark = "?" if engine.dialect.paramstyle == "qmark" else "%s"
        # SQLite derives the search columns from the leaf itself (see 0002_audit).
        columns = ("idx", "leaf_hash", "leaf", "personal") + (
            () if self._sqlite else ("personal_sha256", "event_code", "occurred_at", "outcome",
                                     "case_id", "user_id", "responsible_user", "subject_user",
                                     "organisation"))
        self._insert_sql = (
            f"INSERT INTO audit_entry ({', '.join(columns)}) "
            f"VALUES ({', '.join([self._mark] * len(columns))})"
        )

    # ------------------------------------------------------------------ transactions

    @contextmanager
    def _write(self) -> Iterator[tuple[Connection, _Head]]:
        """A transaction holding the log's write lock, with the head read."""
        with self.engine.connect() as conn:
            restore: Any = None
            if self._sqlite:
                restore = conn.exec_driver_sql("PRAGMA synchronous").scalar()
                conn.exec_driver_sql("PRAGMA synchronous=FULL")
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                row = conn.execute(sa.select(head_table.c.size, head_table.c.frontier)
                                   .where(head_table.c.id == 1)).one_or_none()
            else:
                row = conn.execute(
                    sa.select(head_table.c.size, head_table.c.frontier)
                    .where(head_table.c.id == 1).with_for_update()
                ).one_or_none()
            try:
                if row is None:
                    raise AuditIntegrityError(
                        "De audittabellen zijn leeg of ontbreken: voer eerst 'busbaan db "
                        "migrate' uit.",
                        "The audit tables are empty or missing: run 'busbaan db migrate' first.",
                    )
                head = _Head(merkle.Frontier.from_bytes(int(row[0]), bytes(row[1])))
                yield conn, head
                conn.commit()
            except BaseException:
                conn.rollback()
                raise
            finally:
                if restore is not None:
                    conn.exec_driver_sql(f"PRAGMA synchronous={int(restore)}")

    # ------------------------------------------------------------------ appending

    def append(self, entry: AuditEntry, personal: Mapping[str, str] | None = None) -> int:
        """Append one entry (one durable transaction); returns its index."""
        return self.append_many([(entry, personal)])[0]

    def append_many(self, items: Sequence[AppendItem]
                    | Callable[[Connection], Sequence[AppendItem]], *,
                    then: Callable[[Connection, list[int]], None] | None = None) -> list[int]:
        """Append entries in one durable transaction; returns their indexes, in order.

        ``items`` may be a function of that transaction's connection, called under the
        log's write lock before anything is appended: for entries that describe what it
        changes in the same transaction (``keys rotate`` counts what it re-keys after
        it has locked the key; session 10). ``then(conn, indexes)`` runs inside that
        transaction (the outbox marks what it appended there, so an event is appended
        exactly once); if either raises, nothing is appended."""
        if not callable(items) and not items:
            return []
        with self._write() as (conn, head):
            pairs = [item if isinstance(item, tuple) else (item, None)
                     for item in (items(conn) if callable(items) else items)]
            if not pairs:
                return []
            first = self._append_locked(conn, head, pairs)
            if then is not None:
                then(conn, list(range(first, first + len(pairs))))
        _log.debug("audit.appended", first=first, count=len(pairs))
        for observe in self.observers:
            try:
                observe([entry for entry, _ in pairs])
            except Exception:
                _log.exception("audit.observer_failed")
        return list(range(first, first + len(pairs)))

    def _append_locked(
        self,
        conn: Connection,
        head: _Head,
        pairs: Sequence[tuple[AuditEntry, Mapping[str, str] | None]],
    ) -> int:
        frontier = head.frontier
        first = frontier.size
        for entry, personal in pairs:
            if not isinstance(entry, AuditEntry):
                raise InvalidEntry("Geen auditregel.", "Not an audit entry.")
            if personal and entry.case_id is None:
                raise InvalidEntry(
                    "Persoonlijke details horen bij een casus: 'case_id' ontbreekt.",
                    "Personal details belong to a case: 'case_id' is missing.",
                    data={"field": "case_id"},
                )
        keys = self._case_keys(conn, {e.case_id for e, p in pairs if p and e.case_id})
        rows: list[tuple[Any, ...]] = []
        nodes: list[dict[str, Any]] = []
        sha256 = hashlib.sha256
        for entry, personal in pairs:
            index = frontier.size
            blob: bytes | None = None
            digest: bytes | None = None
            if personal and entry.case_id is not None:
                key_ref, key = keys[entry.case_id]
                blob = seal(key, key_ref, entry.case_id, personal)
                digest = sha256(blob).digest()
            data = leaf_bytes(entry, index, digest)
            lh = sha256(b"\x00" + data).digest()
            if (index + 1) & CACHE_MASK:
                frontier.push(lh)
            else:
                for level, idx, h in frontier.append(lh):
                    if level % CACHE_EVERY == 0:
                        nodes.append({"level": level, "idx": idx, "hash": h})
            if self._sqlite:
                rows.append((index, lh, data, blob))
            else:
                rows.append((index, lh, data, blob, digest.hex() if digest else None,
                             entry.event_code, format_time(entry.occurred_at), entry.outcome,
                             entry.case_id, entry.user_id, entry.responsible_user,
                             entry.subject_user, entry.organisation))
        conn.exec_driver_sql(self._insert_sql, rows)
        if nodes:
            conn.execute(node_table.insert(), nodes)
        conn.execute(
            head_table.update().where(head_table.c.id == 1).values(
                size=frontier.size, frontier=frontier.to_bytes(), root=frontier.root()
            )
        )
        return first

    def _case_keys(self, conn: Connection, case_ids: set[str]) -> dict[str, tuple[int, bytes]]:
        """The live key of each case, created where missing (inside the write lock)."""
        t = case_key_table
        ordered = sorted(case_ids)
        keys: dict[str, tuple[int, bytes]] = {}

        def load(wanted: list[str]) -> None:
            for start in range(0, len(wanted), 500):
                for case_id, key_ref, secret in conn.execute(
                    sa.select(t.c.case_id, t.c.key_ref, t.c.secret).where(
                        t.c.case_id.in_(wanted[start:start + 500]), t.c.erased_at.is_(None))
                ):
                    if secret is not None:
                        keys[str(case_id)] = (int(key_ref), bytes(secret))

        load(ordered)
        missing = [c for c in ordered if c not in keys]
        if missing:
            now = format_time(self.clock.now())
            conn.execute(t.insert(), [{"case_id": c, "secret": new_case_key(), "created_at": now}
                                      for c in missing])
            load(missing)
            _log.info("audit.case_keys_created", count=len(missing))
        return keys

    # ------------------------------------------------------------------ reading

    def size(self) -> int:
        """The number of entries (the tree size)."""
        with self.engine.connect() as conn:
            value = conn.execute(
                sa.select(head_table.c.size).where(head_table.c.id == 1)
            ).scalar_one_or_none()
        return int(value or 0)

    def root(self) -> bytes:
        """The current root hash (unsigned)."""
        with self.engine.connect() as conn:
            value = conn.execute(
                sa.select(head_table.c.root).where(head_table.c.id == 1)
            ).scalar_one_or_none()
        return bytes(value) if value is not None else merkle.EMPTY_ROOT

    def entries(
        self, start: int = 0, stop: int | None = None, *, with_personal: bool = False
    ) -> Iterator[LoggedEntry]:
        """Entries ``start <= index < stop`` in order, read in chunks."""
        conditions = [entry_table.c.idx >= start]
        if stop is not None:
            conditions.append(entry_table.c.idx < stop)
        return self._stream(conditions, with_personal=with_personal, post=None)

    def query(
        self,
        *,
        case_id: str | None = None,
        user_id: str | None = None,
        organisation: str | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        event_prefix: str | None = None,
        outcome: str | None = None,
        with_personal: bool = False,
        start: int = 0,
        stop: int | None = None,
    ) -> Iterator[LoggedEntry]:
        """Entries matching every filter given, in log order, read in chunks.

        ``user_id`` matches the acting professional, the one on whose behalf they
        acted, and the professional acted upon. ``since`` is inclusive, ``until``
        exclusive; ``event_prefix`` ``"consent"`` matches ``consent.granted``. Filters
        run in SQL on the search columns and again on the entry itself. ``start`` and
        ``stop`` bound the indexes read (``start <= index < stop``), e.g. to read only
        what was appended since an earlier query.
        """
        conds, post = _Filters(case_id, user_id, organisation, since, until, event_prefix,
                               outcome).build()
        if start > 0:
            conds.append(entry_table.c.idx >= start)
        if stop is not None:
            conds.append(entry_table.c.idx < stop)
        return self._stream(conds, with_personal=with_personal, post=post)

    def case_entries(self, conn: Connection, case_id: str) -> list[LoggedEntry]:
        """The entries of one case in log order, read on ``conn``: the caller's
        transaction in the same database (the citizen page reads them together with
        the case's other facts, one connection, one snapshot). Personal parts stay
        sealed; the case filter runs in SQL and again on each entry."""
        conds, post = _Filters(case_id, None, None, None, None, None, None).build()
        t = entry_table
        out = []
        for idx, data, lh, blob in conn.execute(
                sa.select(t.c.idx, t.c.leaf, t.c.leaf_hash, t.c.personal)
                .where(*conds).order_by(t.c.idx)):
            entry = parse_leaf(bytes(data)).entry
            if post(entry):
                out.append(self._logged(int(idx), entry, bytes(lh), blob, False, {}))
        return out

    def count(
        self,
        *,
        case_id: str | None = None,
        user_id: str | None = None,
        organisation: str | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        event_prefix: str | None = None,
        outcome: str | None = None,
    ) -> int:
        """How many entries :meth:`query` would give (counted in SQL)."""
        conds, _ = _Filters(case_id, user_id, organisation, since, until, event_prefix,
                            outcome).build()
        with self.engine.connect() as conn:
            return int(conn.execute(
                sa.select(sa.func.count()).select_from(entry_table).where(*conds)
            ).scalar_one())

    def _stream(
        self,
        conditions: list[Any],
        *,
        with_personal: bool,
        post: Callable[[AuditEntry], bool] | None,
    ) -> Iterator[LoggedEntry]:
        t = entry_table
        after = -1
        keys: dict[int, bytes | None] = {}
        while True:
            with self.engine.connect() as conn:
                rows = conn.execute(
                    sa.select(t.c.idx, t.c.leaf, t.c.leaf_hash, t.c.personal)
                    .where(t.c.idx > after, *conditions)
                    .order_by(t.c.idx)
                    .limit(_CHUNK)
                ).all()
                if with_personal:
                    wanted = set()
                    for row in rows:
                        if row[3] is not None:
                            try:
                                ref = sealed_key_ref(bytes(row[3]))
                            except SealError:
                                continue
                            if ref not in keys:
                                wanted.add(ref)
                    if wanted:
                        for ref, secret in conn.execute(
                            sa.select(case_key_table.c.key_ref, case_key_table.c.secret)
                            .where(case_key_table.c.key_ref.in_(sorted(wanted)))
                        ):
                            keys[int(ref)] = bytes(secret) if secret is not None else None
            if not rows:
                return
            for idx, data, lh, blob in rows:
                leaf = parse_leaf(bytes(data))
                if post is not None and not post(leaf.entry):
                    continue
                yield self._logged(int(idx), leaf.entry, bytes(lh), blob, with_personal, keys)
            after = int(rows[-1][0])
            if len(rows) < _CHUNK:
                return

    @staticmethod
    def _logged(
        index: int,
        entry: AuditEntry,
        lh: bytes,
        blob: Any,
        with_personal: bool,
        keys: Mapping[int, bytes | None],
    ) -> LoggedEntry:
        if blob is None:
            return LoggedEntry(index, entry, lh)
        if not with_personal:
            return LoggedEntry(index, entry, lh, "sealed")
        blob = bytes(blob)
        try:
            secret = keys.get(sealed_key_ref(blob))
            if secret is None or entry.case_id is None:
                return LoggedEntry(index, entry, lh, "erased")
            return LoggedEntry(index, entry, lh, "open", unseal(secret, entry.case_id, blob))
        except SealError:
            return LoggedEntry(index, entry, lh, "erased")

    # ------------------------------------------------------------------ proofs

    def _node_reader(
        self, conn: Connection, plan: Callable[[merkle.NodeReader], object] | None = None
    ) -> merkle.NodeReader:
        """Hashes of complete subtrees, from the leaf hashes and the subtree cache.

        A subtree at a cached level is one row; one in between is folded from at most
        ``2**(CACHE_EVERY-1)`` rows of the cached level below it. With ``plan`` (a
        function that makes the reads a proof needs), every read the plan makes is
        fetched up front in two queries: which subtrees a proof needs depends only on
        the index and the sizes, never on hash values.
        """
        memo: dict[tuple[int, int], bytes] = {}

        def fetch(wanted: list[tuple[int, int]]) -> None:
            spans: dict[tuple[int, int], tuple[int, int, int]] = {}
            for level, index in wanted:
                if (level, index) not in memo:
                    base = level - level % CACHE_EVERY
                    shift = level - base
                    spans[(level, index)] = (base, index << shift, (index + 1) << shift)
            if not spans:
                return
            rows: dict[tuple[int, int], bytes] = {}
            # Integers only: formatting them into the SQL is safe and skips compiling.
            leaf_ranges = {(lo, hi) for base, lo, hi in spans.values() if base == 0}
            if leaf_ranges:
                where = " OR ".join(f"(idx >= {lo} AND idx < {hi})" for lo, hi in leaf_ranges)
                for idx, h in conn.exec_driver_sql(
                        f"SELECT idx, leaf_hash FROM audit_entry WHERE {where}"):
                    rows[(0, int(idx))] = bytes(h)
            node_ranges = {(b, lo, hi) for b, lo, hi in spans.values() if b > 0}
            if node_ranges:
                where = " OR ".join(f"(level = {b} AND idx >= {lo} AND idx < {hi})"
                                    for b, lo, hi in node_ranges)
                for level, idx, h in conn.exec_driver_sql(
                        f"SELECT level, idx, hash FROM audit_node WHERE {where}"):
                    rows[(int(level), int(idx))] = bytes(h)
            for (level, index), (base, lo, hi) in spans.items():
                hashes = [rows.get((base, i)) for i in range(lo, hi)]
                if any(h is None for h in hashes):
                    raise AuditIntegrityError(
                        "Het log mist regels of tussenhashes: voer 'busbaan audit verify' uit.",
                        "The log is missing entries or cached hashes: run "
                        "'busbaan audit verify'.",
                        data={"level": level, "index": index},
                    )
                memo[(level, index)] = merkle.root_from_leaf_hashes(
                    [h for h in hashes if h is not None])

        def node(level: int, index: int) -> bytes:
            got = memo.get((level, index))
            if got is None:
                fetch([(level, index)])
                got = memo[(level, index)]
            return got

        if plan is not None:
            wanted: list[tuple[int, int]] = []

            def record(level: int, index: int) -> bytes:
                wanted.append((level, index))
                return bytes(32)

            plan(record)
            fetch(wanted)
        return node

    def _check_size(self, conn: Connection, tree_size: int) -> None:
        size = int(conn.execute(sa.select(head_table.c.size)).scalar_one())
        if not 0 <= tree_size <= size:
            raise NotFound(
                f"Het log heeft {size} regels; grootte {tree_size} bestaat (nog) niet.",
                f"The log has {size} entries; size {tree_size} does not exist (yet).",
                errcode="BB_AUDIT_SIZE",
            )

    def root_at(self, tree_size: int) -> bytes:
        """The root hash of the first ``tree_size`` entries."""
        with self.engine.connect() as conn:
            self._check_size(conn, tree_size)
            if tree_size == 0:
                return merkle.EMPTY_ROOT
            return merkle.range_hash(0, tree_size, self._node_reader(conn))

    def inclusion_proof(self, index: int, tree_size: int | None = None) -> InclusionProof:
        """The proof that entry ``index`` is in the tree of ``tree_size`` (now) entries."""
        with self.engine.connect() as conn:
            if tree_size is None:
                tree_size = int(conn.execute(sa.select(head_table.c.size)).scalar_one())
            self._check_size(conn, tree_size)
            if not 0 <= index < tree_size:
                raise NotFound(
                    f"Regel {index} valt buiten een log van {tree_size} regels.",
                    f"Entry {index} is outside a log of {tree_size} entries.",
                    errcode="BB_AUDIT_INDEX",
                )
            size = tree_size

            def plan(node: merkle.NodeReader) -> tuple[list[bytes], bytes, bytes]:
                return (merkle.inclusion_proof(index, size, node), node(0, index),
                        merkle.range_hash(0, size, node))

            path, leaf, root = plan(self._node_reader(conn, plan))
            return InclusionProof(index, tree_size, leaf, tuple(path), root)

    def consistency_proof(self, old: int, new: int | None = None) -> ConsistencyProof:
        """The proof that the tree of ``new`` (now) entries extends the one of ``old``."""
        with self.engine.connect() as conn:
            if new is None:
                new = int(conn.execute(sa.select(head_table.c.size)).scalar_one())
            self._check_size(conn, new)
            if not 0 <= old <= new:
                raise NotFound(
                    f"Geen bewijs van grootte {old} naar {new}.",
                    f"No proof from size {old} to {new}.",
                    errcode="BB_AUDIT_SIZE",
                )
            size = new

            def plan(node: merkle.NodeReader) -> tuple[bytes, bytes, list[bytes]]:
                return (merkle.range_hash(0, old, node) if old else merkle.EMPTY_ROOT,
                        merkle.range_hash(0, size, node) if size else merkle.EMPTY_ROOT,
                        merkle.consistency_proof(old, size, node))

            old_root, new_root, hashes = plan(self._node_reader(conn, plan))
            return ConsistencyProof(old, new, old_root, new_root, tuple(hashes))

    # ------------------------------------------------------------------ checkpoints

    def checkpoint(
        self,
        *,
        marker: Callable[[int | None], AuditEntry] | None = None,
        remembered: Sequence[str] = (),
    ) -> str:
        """Sign and store a checkpoint of the log as it is now; returns the signed note.

        Refuses (:class:`AuditIntegrityError`) when the tree no longer matches the
        latest signed checkpoint in the database or any checkpoint in ``remembered``
        (notes the signer keeps outside the database): a log never signs two
        inconsistent checkpoints, also when someone deleted the checkpoint rows.

        ``marker``, when given, builds an entry (from the previous checkpoint's size)
        that is appended in the same transaction, just before signing: the checkpoint's
        size is then the marker's index + 1 (see :mod:`busbaan.audit.runs`). Without a
        marker the latest note is returned unchanged when nothing was appended since.
        """
        if self.signer is None:
            raise BusbaanError(
                "Geen ondertekensleutel: een controlepunt kan niet worden getekend.",
                "No signing key: a checkpoint cannot be signed.",
                errcode="BB_AUDIT_NO_KEY",
            )
        known: list[Checkpoint] = []
        for note in remembered:
            try:
                known.append(parse_checkpoint(split_note(note)[0]))
            except NoteError:
                continue
        with self._write() as (conn, head):
            size = head.frontier.size
            root = head.frontier.root()
            latest = conn.execute(
                sa.select(checkpoint_table.c.size, checkpoint_table.c.note)
                .order_by(checkpoint_table.c.size.desc()).limit(1)
            ).one_or_none()
            previous = [parse_checkpoint(split_note(str(latest[1]))[0])] if latest else []
            node = self._node_reader(conn)
            for old in previous + [k for k in known if k.origin == self.origin]:
                problem = old.size > size
                if not problem and old.size:
                    recomputed = merkle.range_hash(0, old.size, node)
                    proof = merkle.consistency_proof(old.size, size, node)
                    problem = recomputed != old.root_hash or not merkle.verify_consistency(
                        old.size, size, old.root_hash, root, proof)
                if problem:
                    _log.error("audit.checkpoint_refused", size=size, previous=old.size)
                    raise AuditIntegrityError(
                        f"Geweigerd: het log past niet meer bij het controlepunt bij grootte "
                        f"{old.size}. Voer 'busbaan audit verify' uit.",
                        f"Refused: the log no longer matches the checkpoint at size "
                        f"{old.size}. Run 'busbaan audit verify'.",
                        data={"checkpoint_size": old.size},
                    )
            if marker is not None:
                self._append_locked(conn, head, [(marker(int(latest[0]) if latest else None),
                                                  None)])
                size = head.frontier.size
                root = head.frontier.root()
            elif latest is not None and int(latest[0]) == size:
                return str(latest[1])
            note = Checkpoint(self.origin, size, root).sign(self.signer)
            conn.execute(checkpoint_table.insert().values(
                size=size, root_hash=root, note=note, created_at=format_time(self.clock.now())
            ))
        _log.info("audit.checkpoint_signed", size=size, root=root.hex(),
                  key_id=self.signer.verifier.key_id.hex())
        return note

    def checkpoints(self) -> list[tuple[int, str]]:
        """Every stored checkpoint as ``(size, note)``, smallest first."""
        with self.engine.connect() as conn:
            return [(int(s), str(n)) for s, n in conn.execute(
                sa.select(checkpoint_table.c.size, checkpoint_table.c.note)
                .order_by(checkpoint_table.c.size))]

    def latest_checkpoint(self) -> tuple[int, str] | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(checkpoint_table.c.size, checkpoint_table.c.note)
                .order_by(checkpoint_table.c.size.desc()).limit(1)
            ).one_or_none()
        return (int(row[0]), str(row[1])) if row is not None else None

    # ------------------------------------------------------------------ verification

    def verify(
        self,
        progress: Callable[[int], None] | None = None,
        *,
        trusted_notes: Sequence[str] = (),
        max_problems: int = 100,
        workers: int | None = None,
    ) -> VerifyReport:
        """Recompute everything from the rows and check it against the signed checkpoints
        (see :mod:`busbaan.audit.verify`).

        ``trusted_notes`` are checkpoints held elsewhere that the log must still match.
        ``progress`` is called with the number of entries done since the last call.
        ``workers``: extra processes that check chunks of rows (default: none).
        """
        return verify_log(self, progress, trusted_notes, max_problems, workers)

    # ------------------------------------------------------------------ erasure

    def erase_case(self, case_id: str, by: str, *, scrub: EraseHook | None,
                   source: str = "cli") -> Erasure:
        """Crypto-shred the case's personal details, and log the erasure itself.

        The case's keys are destroyed; entries and sealed blobs stay, so the tree still
        verifies while the details can no longer be read. ``scrub`` overwrites the
        case's free text elsewhere in the store in the same transaction; its counts go
        into the erasure's entry (numbers only) and into the result. It must be named:
        ``None`` only where the store holds no case tables.
        """
        t = case_key_table
        now = self.clock.now()
        with self._write() as (conn, head):
            present = conn.execute(
                sa.select(sa.func.count()).select_from(entry_table)
                .where(entry_table.c.case_id == case_id)
            ).scalar_one()
            if not present:
                raise NotFound(
                    f"Het auditlog kent casus {case_id} niet.",
                    f"The audit log does not know case {case_id}.",
                    errcode="BB_AUDIT_UNKNOWN_CASE",
                )
            with_details = conn.execute(
                sa.select(sa.func.count()).select_from(entry_table)
                .where(entry_table.c.case_id == case_id, entry_table.c.personal.is_not(None))
            ).scalar_one()
            if self._sqlite:
                conn.exec_driver_sql("PRAGMA secure_delete=ON")
            destroyed = conn.execute(
                t.update().where(t.c.case_id == case_id, t.c.erased_at.is_(None))
                .values(secret=None, erased_at=format_time(now), erased_by=by)
            ).rowcount
            scrubbed = dict(scrub(conn, case_id)) if scrub is not None else {}
            if not all(_TABLE_NAME.fullmatch(table) for table in scrubbed):
                raise ValueError(f"the erase hook named no tables: {sorted(scrubbed)}")
            erasure = AuditEntry(
                event_code="audit.details_erased",
                action="D",
                occurred_at=now,
                outcome="done",
                source=source,
                user_id=by,
                case_id=case_id,
                reason_code="AVG_ART_17",
                details={"keys_destroyed": str(destroyed),
                         "entries_with_details": str(with_details),
                         **{f"scrubbed_{table}": str(n) for table, n in scrubbed.items()}},
            )
            index = self._append_locked(conn, head, [(erasure, None)])
        self._purge_old_versions([table for table, n in scrubbed.items() if n])
        _log.info("audit.case_erased", case_id=case_id, keys=destroyed, index=index,
                  scrubbed=scrubbed)
        return Erasure(case_id, index, int(destroyed), int(with_details), scrubbed)

    def _purge_old_versions(self, also: Sequence[str] = ()) -> None:
        """Push the destroyed keys' old bytes (and those of the tables ``also`` that the
        hook overwrote) out of the WAL / dead tuples."""
        try:
            if self._sqlite:
                with self.engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            else:
                with self.engine.connect().execution_options(
                    isolation_level="AUTOCOMMIT"
                ) as conn:
                    for table in ("audit_case_key", *also):
                        conn.exec_driver_sql(f"VACUUM {table}")
        except sa.exc.DBAPIError as exc:
            _log.warning("audit.purge_failed", cause=type(exc.orig).__name__)
