"""Keyed pseudonyms for values that are easy to guess (pure).

Some things busbaan keeps must let it recognise a value again without keeping the
value: a wegwijzer question (so that feedback and lanes refer to it without its text)
and the professional who gave a learning vote (so that votes are counted per person).
A plain SHA-256 does not hide such values: questions are short and professionals' Matrix
IDs are in the directory, so anyone with the database can hash candidates and compare
(a dictionary attack). Here every such hash is an HMAC-SHA-256 under a per-deployment
key that is *not* in the database (a file of mode 0600, see :mod:`busbaan.keyfile`).

This module is the one place that derives them: each use has its own purpose label, so
a question's pseudonym can never equal a person's, and a new use gets a new label, not
a second copy of the rule. What someone can still learn:

- with the database only: which rows are about the same question (equal hashes) and
  how many distinct people voted, never the text or the person; a guess cannot be
  checked without the key;
- with the key file only: nothing (it holds no data);
- with both: the guessing works again, exactly as with a plain hash. The key is
  therefore kept apart from the database (another mount, a container secret) and from
  its backups.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import json
import secrets
import unicodedata

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = ["KEY_BYTES", "PERSON_HEX", "REF_HEX", "KeyDecision", "Pseudonyms", "key_decision",
           "normalise_question"]

#: The key's length (bytes); the file holds it as 64 hex characters.
KEY_BYTES = 32
#: Hex digits kept of a person's pseudonym (48 bits: enough to count different people
#: among thousands without collisions that matter; not an identifier).
PERSON_HEX = 12

_QUESTION = b"busbaan/wegwijzer/question/v1"
_PERSON = b"busbaan/learning/person/v1"
_ASKER = b"busbaan/wegwijzer/asker/v1"
_LANE_PERSON = b"busbaan/wegwijzer/lane-person/v1"
_LEARNED_SOURCE = b"busbaan/learning/source/v1"
_LEARNED_VOTER = b"busbaan/learning/voter/v1"
_LEARNED_SEAL = b"busbaan/learning/seal/v1"
#: What a learned source record is padded to (bytes, a whole number of them): one block
#: holds a verdict of about twenty votes.
SEAL_BLOCK = 1024
_AUDIT_REF = b"busbaan/audit/ref/v1"
_ANSWER_ROOM = b"busbaan/wegwijzer/answer-room/v1"
_UNREAD = b"busbaan/wegwijzer/unread/v1"
#: Hex digits of a learned vote's source (:meth:`Pseudonyms.learned_source`) and of an
#: audit entry's object reference (:meth:`Pseudonyms.audit_ref`): 64 bits.
REF_HEX = 16
_FINGERPRINT = b"busbaan/pseudonyms/fingerprint/v1"


def normalise_question(text: str) -> str:
    """NFC, case-folded, single spaces: the same words give the same pseudonym."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


class Pseudonyms:
    """HMAC-SHA-256 pseudonyms under one deployment key (the key is never shown)."""

    __slots__ = ("_key",)

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("pseudonym key too short")
        self._key = bytes(key)

    @classmethod
    def generate(cls) -> Pseudonyms:
        """A fresh random key (tests and benchmarks that keep nothing)."""
        return cls(secrets.token_bytes(KEY_BYTES))

    def __repr__(self) -> str:
        return f"Pseudonyms(fingerprint={self.fingerprint()!r})"

    def _mac(self, purpose: bytes, value: str) -> str:
        return hmac.new(self._key, purpose + b"\0" + value.encode("utf-8"),
                        hashlib.sha256).hexdigest()

    def question(self, text: str) -> str:
        """A question's pseudonym (64 hex), over :func:`normalise_question` of ``text``."""
        return self._mac(_QUESTION, normalise_question(text))

    def person(self, user_id: str) -> str:
        """A professional's pseudonym (:data:`PERSON_HEX` hex) from their Matrix ID: the
        same for all their learned votes (counted per person; erased per person). Since
        session 11 nothing else stores it (privacy13): a value that stood for one person
        everywhere let one audit entry that names them find all their rows."""
        return self._mac(_PERSON, user_id)[:PERSON_HEX]

    def asker(self, answer_id: str, user_id: str) -> str:
        """Who asked for answer ``answer_id``, and who rated it (:data:`PERSON_HEX` hex):
        a pseudonym *per answer*, so that one answer tied to a professional (an audit
        entry, a waiting lane's Matrix ID) ties no other answer to them without the key
        (session 11, privacy13). With the key, "is this their answer?" is one HMAC."""
        return self._mac(_ASKER, f"{answer_id}\0{user_id}")[:PERSON_HEX]

    def answer_room(self, answer_id: str, room_id: str) -> str:
        """The room answer ``answer_id`` was given in (:data:`REF_HEX` hex), per answer:
        a direct chat's room id is one professional's, so the same value on every
        answer in it grouped all their answers of the retention period (session 11).
        With the key, "was this answer given here?" is one HMAC."""
        return self._mac(_ANSWER_ROOM, f"{answer_id}\0{room_id}")[:REF_HEX]

    def unread(self, room_id: str, user_id: str) -> str:
        """A person in a room whose newest question there the wegwijzer could not read
        (:data:`REF_HEX` hex; ``route_unread``, session 21): with the key, "was their
        last question here unread?" is one HMAC; without it, the row names nobody."""
        return self._mac(_UNREAD, f"{room_id}\0{user_id}")[:REF_HEX]

    def lane_person(self, lane_id: str, user_id: str) -> str:
        """A person in lane ``lane_id`` (the asker, the team member who answered first,
        who closed it): per lane, like :meth:`asker` per answer."""
        return self._mac(_LANE_PERSON, f"{lane_id}\0{user_id}")[:PERSON_HEX]

    def learned_source(self, source_id: str) -> str:
        """The feedback or lane id a learned vote came from, as ``route_learned`` keeps
        it (:data:`REF_HEX` hex): without the key the votes cannot be joined to the
        verdict or lane (and through it to an answer and an audit entry)."""
        return self._mac(_LEARNED_SOURCE, source_id)[:REF_HEX]

    def learned_voter(self, person: str, map_sha256: str, term: str, service_id: str) -> str:
        """Who gave votes on one association (``term`` -> ``service_id`` in map
        ``map_sha256``), as ``route_learned_count`` keeps it (:data:`REF_HEX` hex; session
        13, privacy16): ``person`` is the professional's :meth:`person` (or, for a vote
        without a person, its source), so two votes of one person on one association are
        one voter, and the same person on another association is another value: a row
        tied to a professional (by its time beside an audit entry) ties no other
        association to them without the key."""
        return self._mac(_LEARNED_VOTER,
                         f"{person}\0{map_sha256}\0{term}\0{service_id}")[:REF_HEX]

    def seal_learned(self, source_ref: str, payload: object) -> str:
        """``payload`` (JSON-able) encrypted for learned source ``source_ref`` (AES-256-GCM
        under a key derived from this one, the ref bound as associated data): what the
        source voted, readable only with the key (see :meth:`open_learned`)."""
        nonce = secrets.token_bytes(12)
        plain = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        # padded with spaces (still JSON) to a whole block: the sealed length, beside the
        # act that wrote it, must not tell how many or how long its words were (privacy18)
        plain += b" " * (-len(plain) % SEAL_BLOCK)
        body = AESGCM(self._derived(_LEARNED_SEAL)).encrypt(
            nonce, plain, _LEARNED_SEAL + b"\0" + source_ref.encode("utf-8"))
        return (nonce + body).hex()

    def open_learned(self, source_ref: str, sealed: str) -> object | None:
        """What :meth:`seal_learned` sealed for ``source_ref``; None when it was sealed
        under another key (or for another source) or is no sealed value."""
        try:
            raw = bytes.fromhex(sealed)
            plain = AESGCM(self._derived(_LEARNED_SEAL)).decrypt(
                raw[:12], raw[12:], _LEARNED_SEAL + b"\0" + source_ref.encode("utf-8"))
        except (ValueError, InvalidTag):
            return None
        value: object = json.loads(plain)
        return value

    def _derived(self, purpose: bytes) -> bytes:
        return hmac.new(self._key, purpose, hashlib.sha256).digest()

    def audit_ref(self, kind: str, object_id: str) -> str:
        """How an audit entry names a wegwijzer object (``kind``: answer, lane,
        feedback) since session 11 (:data:`REF_HEX` hex): the privacy officer with the
        key computes it for an id (``busbaan keys investigate``); with the database
        alone it matches no column of any table (its own purpose label)."""
        return self._mac(_AUDIT_REF, f"{kind}\0{object_id}")[:REF_HEX]

    def fingerprint(self) -> str:
        """8 hex that name the key without revealing it: logged at start, so that two
        processes with different keys (hashes that never match) are easy to spot."""
        return self._mac(_FINGERPRINT, "")[:8]


class KeyDecision(enum.Enum):
    """What a process that pseudonymises does with the key it holds (:func:`key_decision`)."""

    USE = "use"        # the key in use is the store's current key
    CLAIM = "claim"    # the store names no key yet: record this one (first start)
    RELOAD = "reload"  # another key is current: read the key file again
    SWITCH = "switch"  # the key file now holds the current key: use that one
    REFUSE = "refuse"  # neither matches: write no pseudonym


def key_decision(stored: str | None, in_use: str, on_disk: str | None = None) -> KeyDecision:
    """The one rule for "is this still the deployment's key?" (session 9, privacy11).

    ``stored`` is the fingerprint the database names as current (None: none yet),
    ``in_use`` the fingerprint of the key this process holds, ``on_disk`` that of the key
    file read again (None: not read yet; ``""``: unreadable). A process left running
    through ``busbaan keys rotate`` holds the old key: it reads its key file again, and
    uses the new key if that is the current one, or writes nothing (its pseudonyms would
    match nothing written under the current key, and the old key is meant to be gone)."""
    if stored is None:
        return KeyDecision.CLAIM
    if stored == in_use:
        return KeyDecision.USE
    if on_disk is None:
        return KeyDecision.RELOAD
    return KeyDecision.SWITCH if on_disk == stored else KeyDecision.REFUSE
