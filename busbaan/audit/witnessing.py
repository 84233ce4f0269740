"""Sending checkpoints to witnesses and keeping their cosignatures (the log's side of
c2sp.org/tlog-witness).

The queue is persisted by construction: every signed checkpoint is a row of
``audit_checkpoint``, every cosignature a row of ``audit_cosignature``; a checkpoint
larger than a witness's largest cosigned size is *pending* for that witness. After
signing, and again on every tick of the service, :meth:`WitnessSender.send_pending` sends
the *latest* checkpoint to each witness with a consistency proof from the size the
witness last cosigned (a witness keeps only the latest; the proof covers the ones in
between). A witness that is down leaves the checkpoints pending; nothing is lost and
nothing is half-written (a cosignature is stored only after it verifies against the
witness's pinned key).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

import aiohttp
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from busbaan.audit.checkpoint import NoteError, split_note
from busbaan.audit.cosign import Cosignature
from busbaan.audit.entry import format_time
from busbaan.audit.storage import AuditLog
from busbaan.audit.tables import cosignature_table
from busbaan.audit.trust import WitnessEndpoint
from busbaan.audit.witness_protocol import SIZE_CONTENT_TYPE, format_add_checkpoint
from busbaan.clock import Clock, SystemClock
from busbaan.errors import BusbaanError
from busbaan.log import get_logger

__all__ = [
    "WitnessError",
    "WitnessOutcome",
    "WitnessSender",
    "cosignature_rows",
    "store_cosignature",
    "witnessed_sizes",
]

_log = get_logger("busbaan.audit.witness")


class WitnessError(BusbaanError):
    """A witness could not be reached, refused, or answered something unreadable."""

    errcode = "BB_WITNESS"


def _unavailable(name: str, cause: str) -> WitnessError:
    return WitnessError(
        f"Getuige {name} is niet bereikbaar ({cause}); de controlepunten wachten en worden "
        "later verstuurd.",
        f"Witness {name} cannot be reached ({cause}); the checkpoints wait and are sent "
        "later.", errcode="BB_WITNESS_UNAVAILABLE", data={"witness": name, "cause": cause})


def _garbage(name: str, what: str) -> WitnessError:
    return WitnessError(
        f"Getuige {name} gaf een onbruikbaar antwoord ({what}); er is niets opgeslagen.",
        f"Witness {name} gave an unusable answer ({what}); nothing was stored.",
        errcode="BB_WITNESS_GARBAGE", data={"witness": name, "what": what})


def _refused(name: str, status: int, size: int) -> WitnessError:
    return WitnessError(
        f"Getuige {name} weigert het controlepunt bij grootte {size} (HTTP {status}): het "
        "past niet bij wat de getuige eerder zag. Dit kan betekenen dat het log is "
        "herschreven; voer 'busbaan audit verify' uit.",
        f"Witness {name} refuses the checkpoint at size {size} (HTTP {status}): it does "
        "not match what the witness saw before. The log may have been rewritten; run "
        "'busbaan audit verify'.", errcode="BB_WITNESS_REFUSED",
        data={"witness": name, "status": status, "size": size})


@dataclass(frozen=True, slots=True)
class WitnessOutcome:
    """What happened for one witness: ``cosigned`` (with the size), ``current`` (nothing
    to send), or ``error`` (the :class:`WitnessError`; the checkpoints stay pending)."""

    witness: str
    state: str
    size: int | None = None
    error: WitnessError | None = None


# --------------------------------------------------------------------------- storage


def witnessed_sizes(engine: Engine) -> dict[str, int]:
    """The largest cosigned checkpoint size per witness."""
    t = cosignature_table
    with engine.connect() as conn:
        return {str(w): int(s) for w, s in conn.execute(
            sa.select(t.c.witness, sa.func.max(t.c.size)).group_by(t.c.witness))}


def cosignature_rows(engine: Engine) -> list[tuple[int, str, str]]:
    """Every stored cosignature as ``(size, witness, line)``."""
    t = cosignature_table
    with engine.connect() as conn:
        return [(int(s), str(w), str(line)) for s, w, line in conn.execute(
            sa.select(t.c.size, t.c.witness, t.c.line).order_by(t.c.size, t.c.witness))]


def store_cosignature(engine: Engine, size: int, cosignature: Cosignature,
                      clock: Clock) -> None:
    """Keep a verified cosignature (idempotent: a second copy is ignored)."""
    t = cosignature_table
    with engine.begin() as conn:
        exists = conn.execute(sa.select(t.c.size).where(
            t.c.size == size, t.c.witness == cosignature.name)).first()
        if exists is None:
            conn.execute(t.insert().values(
                size=size, witness=cosignature.name, line=cosignature.line,
                timestamp=cosignature.timestamp, received_at=format_time(clock.now())))


# --------------------------------------------------------------------------- sending


class WitnessSender:
    """Sends the log's latest checkpoint to each witness (see the module docstring)."""

    def __init__(self, log: AuditLog, witnesses: Sequence[WitnessEndpoint], *,
                 clock: Clock | None = None, timeout: float = 10.0) -> None:
        self.log = log
        self.witnesses = tuple(w for w in witnesses if w.url)
        self.clock: Clock = clock or SystemClock()
        self.timeout = aiohttp.ClientTimeout(total=timeout)

    async def send_pending(self, session: aiohttp.ClientSession | None = None
                           ) -> list[WitnessOutcome]:
        """Send the latest checkpoint to every witness that has not cosigned it."""
        if not self.witnesses:
            return []
        latest = await asyncio.to_thread(self.log.latest_checkpoint)
        if latest is None:
            return []
        done = await asyncio.to_thread(witnessed_sizes, self.log.engine)
        own = session is None
        session = session or aiohttp.ClientSession(timeout=self.timeout)
        try:
            outcomes = await asyncio.gather(*(
                self._one(session, w, latest[0], latest[1], done.get(w.name, 0))
                for w in self.witnesses))
        finally:
            if own:
                await session.close()
        return list(outcomes)

    async def _one(self, session: aiohttp.ClientSession, witness: WitnessEndpoint,
                   size: int, note: str, known: int) -> WitnessOutcome:
        if known >= size:
            return WitnessOutcome(witness.name, "current", known)
        try:
            cosig = await self._submit(session, witness, size, note, known)
        except WitnessError as exc:
            _log.warning("audit.witness_failed", witness=witness.name, size=size,
                         errcode=exc.errcode, status=exc.data.get("status"))
            return WitnessOutcome(witness.name, "error", size, exc)
        await asyncio.to_thread(store_cosignature, self.log.engine, size, cosig, self.clock)
        _log.info("audit.witnessed", witness=witness.name, size=size)
        return WitnessOutcome(witness.name, "cosigned", size)

    async def _submit(self, session: aiohttp.ClientSession, witness: WitnessEndpoint,
                      size: int, note: str, old: int) -> Cosignature:
        """One add-checkpoint, retried once from the size a 409 names."""
        for _attempt in range(2):
            proof = await asyncio.to_thread(self._proof, old, size)
            status, ctype, body = await self._post(session, witness, old, proof, note)
            if status == 409 and ctype == SIZE_CONTENT_TYPE:
                text = body.decode("ascii", "replace")
                if not text.endswith("\n") or not text[:-1].isdigit():
                    raise _garbage(witness.name, "409 without a size")
                theirs = int(text[:-1])
                if theirs > size:
                    # The witness saw a larger tree than this log has: a rollback.
                    raise _refused(witness.name, 409, size)
                old = theirs
                continue
            if status == 200:
                return self._cosignature(witness, note, body)
            if status in (403, 404):
                raise WitnessError(
                    f"Getuige {witness.name} kent dit log of zijn sleutel niet (HTTP "
                    f"{status}): zet de publieke sleutel van het log in de configuratie van "
                    "de getuige.",
                    f"Witness {witness.name} does not know this log or its key (HTTP "
                    f"{status}): put the log's public key in the witness's configuration.",
                    errcode="BB_WITNESS_UNKNOWN_LOG",
                    data={"witness": witness.name, "status": status})
            if status in (409, 422):
                raise _refused(witness.name, status, size)
            raise _garbage(witness.name, f"HTTP {status}")
        raise _garbage(witness.name, "409 twice")

    def _proof(self, old: int, new: int) -> list[bytes]:
        if old == 0 or old == new:
            return []
        return list(self.log.consistency_proof(old, new).hashes)

    async def _post(self, session: aiohttp.ClientSession, witness: WitnessEndpoint,
                    old: int, proof: list[bytes], note: str) -> tuple[int, str, bytes]:
        assert witness.url is not None
        try:
            async with session.post(
                    f"{witness.url}/add-checkpoint", timeout=self.timeout,
                    data=format_add_checkpoint(old, proof, note),
                    headers={"Content-Type": "text/plain"}) as response:
                body = await response.content.read(64 * 1024)
                return response.status, response.content_type, body
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise _unavailable(witness.name, type(exc).__name__) from None

    @staticmethod
    def _cosignature(witness: WitnessEndpoint, note: str, body: bytes) -> Cosignature:
        try:
            text = body.decode("utf-8")
            checkpoint_text, _ = split_note(note)
            _, lines = split_note(checkpoint_text + "\n" + text)
        except (UnicodeDecodeError, NoteError):
            raise _garbage(witness.name, "no signature lines") from None
        found: Cosignature | None = None
        for line in lines:
            try:
                got = witness.verifier.check(checkpoint_text, line)
            except NoteError:
                raise _garbage(witness.name, "a cosignature that does not verify") from None
            found = found or got
        if found is None:
            raise _garbage(witness.name, "no cosignature from the pinned key")
        return found
