"""Which pseudonym key is current, in the database (session 9, privacy11).

``busbaan keys rotate`` replaces the key file and re-keys what it can; a process that
was left running (the wegwijzer in ``busbaan serve``) still holds the old key in memory
and would go on writing pseudonyms that match nothing written under the new key — and
that keep the old key useful. So the store names the current key by its fingerprint
(table ``pseudonym_key``, migration 0080; one row): ``keys rotate`` writes it in the
transaction that re-keys, and the first process with a key records its own when no key
is named yet. Every process that pseudonymises asks :class:`KeyGuard` before it writes
one; the rule is :func:`busbaan.pseudonyms.key_decision`:

- the same fingerprint: go on;
- another one: read the key file again; if it now holds the current key, use it (the
  rotation's ``mv`` is done); if not, write nothing: :data:`STALE_KEY` (exit 2 for a CLI
  user) and one Dutch log line, without key material.

The check alone is not enough: a rotation that commits between the check and the write
lets that write through under the old key (session 10, keys20). So a transaction that
writes pseudonyms starts with :func:`fence`, which holds the named key until it commits
(PostgreSQL: ``FOR SHARE`` on the row, which the rotation's UPDATE of it waits for;
SQLite: the database's write lock, ``BEGIN IMMEDIATE``) and raises :class:`KeyMoved`
when another key is named; :meth:`KeyGuard.write` then checks again (switches to the
new key or refuses) and writes once more under the key it has now.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from busbaan.errors import BusbaanError
from busbaan.log import get_logger
from busbaan.pseudonyms import KeyDecision, Pseudonyms, key_decision

__all__ = ["STALE_KEY", "CurrentKey", "KeyGuard", "KeyMoved", "current_key", "fence",
           "record_key", "sqlite_write_lock", "stale_key"]

log = get_logger("busbaan.pseudonym_key")

_TABLE = sa.Table(
    "pseudonym_key", sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("fingerprint", sa.String(16), nullable=False),
    sa.Column("recorded_at", sa.DateTime, nullable=False),
    sa.Column("rotated_at", sa.DateTime, nullable=True),
)

#: The errcode of a process whose key is not the current one.
STALE_KEY = "BB_PSEUDONYM_KEY_STALE"

#: How often :meth:`KeyGuard.write` writes before it gives up (each after a rotation).
_WRITES = 3

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class CurrentKey:
    """The current key's fingerprint and, after a rotation, when it was rotated (UTC)."""

    fingerprint: str
    rotated_at: dt.datetime | None


def _naive(when: dt.datetime) -> dt.datetime:
    return when.astimezone(dt.UTC).replace(tzinfo=None)


def current_key(conn: Connection) -> CurrentKey | None:
    """The row, or None when no process with a key has recorded one yet."""
    row = conn.execute(sa.select(_TABLE.c.fingerprint, _TABLE.c.rotated_at)
                       .where(_TABLE.c.id == 1)).first()
    if row is None:
        return None
    rotated = row.rotated_at
    return CurrentKey(row.fingerprint, None if rotated is None else
                      rotated.replace(tzinfo=dt.UTC) if rotated.tzinfo is None
                      else rotated.astimezone(dt.UTC))


def record_key(conn: Connection, fingerprint: str, at: dt.datetime, *,
               rotated: bool) -> None:
    """Name ``fingerprint`` the current key, inside the caller's transaction (``keys
    rotate``: with ``rotated``; it replaces whatever was named before). The row is
    updated in place, not deleted and inserted again: a :func:`fence` waiting for it
    then reads the new key (on PostgreSQL a waiter on a deleted row finds no row, which
    reads as "no key named yet")."""
    values = {"fingerprint": fingerprint, "recorded_at": _naive(at),
              "rotated_at": _naive(at) if rotated else None}
    done = conn.execute(sa.update(_TABLE).where(_TABLE.c.id == 1).values(values)).rowcount
    if not done:
        conn.execute(sa.insert(_TABLE).values(id=1, **values))


class KeyMoved(Exception):
    """Another key than the one a write was pseudonymised under is named current (a
    rotation committed after the check): nothing of that transaction was written."""


def sqlite_write_lock(conn: Connection) -> None:
    """On SQLite, take the database's write lock now, at the start of a transaction that
    reads what it will write (pysqlite opens its transaction only at the first
    INSERT/UPDATE/DELETE); on other databases nothing (they lock rows: ``FOR UPDATE``)."""
    if (conn.dialect.name == "sqlite"
            and not conn.connection.dbapi_connection.in_transaction):  # type: ignore[union-attr]
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def fence(conn: Connection, fingerprint: str) -> None:
    """The first statement of a transaction that writes pseudonyms made under the key
    ``fingerprint``: from here until the commit no rotation can commit (PostgreSQL: a
    shared lock on the row, which :func:`record_key`'s UPDATE waits for; SQLite: the
    database's write lock). :class:`KeyMoved` when another key is named; with no key
    named yet (nothing rotated) the write goes on."""
    query = sa.select(_TABLE.c.fingerprint).where(_TABLE.c.id == 1)
    if conn.dialect.name == "sqlite":
        sqlite_write_lock(conn)  # so that the key read below stays the current one
    else:
        query = query.with_for_update(read=True)
    stored = conn.execute(query).scalar_one_or_none()
    if stored is not None and stored != fingerprint:
        raise KeyMoved


def _claim(engine: Engine, fingerprint: str, at: dt.datetime) -> CurrentKey | None:
    """Record ``fingerprint`` unless a row exists (another process may win the race);
    the row as it is afterwards."""
    try:
        with engine.begin() as conn:
            if current_key(conn) is None:
                conn.execute(sa.insert(_TABLE).values(id=1, fingerprint=fingerprint,
                                                      recorded_at=_naive(at),
                                                      rotated_at=None))
    except sa.exc.IntegrityError:
        pass  # claimed meanwhile by another process: read theirs
    with engine.connect() as conn:
        return current_key(conn)


def _fp(stored: CurrentKey | None) -> str | None:
    return None if stored is None else stored.fingerprint


def stale_key(path: Path | None) -> BusbaanError:
    """The error of a process whose key is not the current one (for the operator: it
    names the key file, never key material)."""
    where_nl = f" ({path})" if path is not None else ""
    return BusbaanError(
        f"Deze pseudoniemsleutel{where_nl} is niet de huidige: de sleutel is gewisseld "
        "(busbaan keys rotate) en dit proces heeft de nieuwe niet. Er is niets opgeslagen. "
        "Geef het proces de nieuwe sleutel en start het opnieuw; staat er nog een "
        "<sleutel>.new, maak de wissel dan eerst af (zie de melding van keys rotate).",
        f"This pseudonym key{where_nl} is not the current one: the key was rotated "
        "(busbaan keys rotate) and this process does not have the new one. Nothing was "
        "stored. Give the process the new key and start it again; if a <key>.new is still "
        "there, finish the rotation first (see the message of keys rotate).",
        errcode=STALE_KEY)


class KeyGuard:
    """The key a process pseudonymises with, checked against the store (sync; the bot
    calls :meth:`check` off the event loop)."""

    def __init__(self, engine: Engine, pseudonyms: Pseudonyms, path: Path | None, *,
                 claim: bool = True,
                 load: Callable[[Path], Pseudonyms] | None = None) -> None:
        self._engine = engine
        self._pseudonyms = pseudonyms
        self._path = path
        self._claim = claim
        self._load = load
        self._lock = threading.Lock()
        self._refused: str | None = None  # the stored fingerprint last refused (log once)
        #: When the current key was rotated (None: never, or not known yet).
        self.rotated_at: dt.datetime | None = None

    @property
    def pseudonyms(self) -> Pseudonyms:
        """The key in use (after a switch: the key file's new key)."""
        return self._pseudonyms

    def _on_disk(self) -> tuple[str, Pseudonyms | None]:
        if self._path is None:
            return "", None
        from busbaan.keyfile import load_pseudonyms

        load: Callable[[Path], Pseudonyms] = self._load or load_pseudonyms
        try:
            fresh = load(self._path)
        except BusbaanError:
            return "", None  # missing or unusable now: nothing to switch to
        return fresh.fingerprint(), fresh

    def check(self, now: dt.datetime) -> Pseudonyms:
        """The key to pseudonymise with now; :func:`stale_key` when this process has no
        current key (see the module doc). Raises what the store raises when it cannot
        be read (nothing is written then either)."""
        with self._lock:
            with self._engine.connect() as conn:
                stored = current_key(conn)
            mine = self._pseudonyms.fingerprint()
            decision = key_decision(_fp(stored), mine)
            if decision is KeyDecision.CLAIM:
                if not self._claim:
                    return self._pseudonyms  # a reader: nothing to compare with yet
                stored = _claim(self._engine, mine, now)
                decision = key_decision(_fp(stored), mine)
                if decision is KeyDecision.USE:
                    log.info("pseudonym_key.recorded", pseudonym_key=mine)
            assert stored is not None or decision is KeyDecision.CLAIM
            if decision is KeyDecision.RELOAD:
                on_disk, fresh = self._on_disk()
                decision = key_decision(_fp(stored), mine, on_disk)
                if decision is KeyDecision.SWITCH and fresh is not None:
                    self._pseudonyms = fresh
                    log.info("pseudonym_key.switched", old_key=mine,
                             pseudonym_key=fresh.fingerprint())
            if decision is KeyDecision.REFUSE or stored is None:
                current = stored.fingerprint if stored is not None else ""
                if self._refused != current:
                    self._refused = current
                    log.error(
                        "pseudonym_key.stale", pseudonym_key=mine, current_key=current,
                        hint="Deze sleutel is niet de huidige (gewisseld): de wegwijzer "
                             "slaat niets op tot hij met de nieuwe sleutel is gestart.")
                raise stale_key(self._path)
            self._refused = None
            self.rotated_at = stored.rotated_at
            return self._pseudonyms

    def write(self, now: dt.datetime, write: Callable[[Pseudonyms], T]) -> T:
        """``write(pseudonyms)`` — a transaction that starts with :func:`fence` under
        ``pseudonyms``' key — under the key in use. When a rotation committed since the
        last check (:class:`KeyMoved`: nothing was written), check again (the key file's
        new key, or :func:`stale_key`) and write again under the key now in use."""
        for _ in range(_WRITES):
            pseudonyms = self.pseudonyms
            try:
                return write(pseudonyms)
            except KeyMoved:
                log.info("pseudonym_key.moved", pseudonym_key=pseudonyms.fingerprint())
                self.check(now)
        raise stale_key(self._path)
