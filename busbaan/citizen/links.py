"""Link tokens and short codes for the citizen's way in (pure).

A link carries a random token of 256 bits (``secrets.token_urlsafe(32)``), nothing
else: no case id, no personal data. The store keeps only its SHA-256. The short code
(six characters from a 32-letter alphabet without 0/O and 1/I, about 30 bits) is told
in person or by phone; it is stored as a hash keyed with the token, so a copy of the
database alone gives neither. A wrong code counts; after ``MAX_ATTEMPTS`` the link is
locked for good and the regie is told. A link is used once: a right code starts a
session and ends the link.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from enum import Enum

__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "LINK_DAYS",
    "MAX_ATTEMPTS",
    "TOKEN_BYTES",
    "CodeOutcome",
    "LinkState",
    "LinkStatus",
    "check_code",
    "code_hash",
    "link_status",
    "new_code",
    "new_token",
    "normalise_code",
    "token_hash",
    "well_formed_token",
]

TOKEN_BYTES = 32  # 256 bits
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # read aloud without 0/O, 1/I
CODE_LENGTH = 6
MAX_ATTEMPTS = 5
LINK_DAYS = 14

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")  # base64url of 32 bytes, no padding


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def well_formed_token(token: str) -> bool:
    return bool(_TOKEN.match(token))


def token_hash(token: str) -> str:
    return hashlib.sha256(b"busbaan-link\x00" + token.encode()).hexdigest()


def normalise_code(code: str) -> str:
    """What the citizen typed, as the code is stored: capitals, no spaces or dashes."""
    return re.sub(r"[\s-]", "", code).upper()[:32]


def code_hash(token: str, code: str) -> str:
    """The code's hash, keyed with the link's token (which the store does not keep)."""
    return hmac.new(token.encode(), normalise_code(code).encode(), hashlib.sha256).hexdigest()


class LinkStatus(Enum):
    OPEN = "open"
    EXPIRED = "expired"
    REVOKED = "revoked"
    USED = "used"
    LOCKED = "locked"
    CLOSED = "closed"  # the case is closed


@dataclass(frozen=True, slots=True)
class LinkState:
    """What the store knows about one link."""

    link_id: str
    case_id: str
    expires_at: dt.datetime
    attempts: int = 0
    used_at: dt.datetime | None = None
    revoked_at: dt.datetime | None = None
    locked_at: dt.datetime | None = None
    case_closed: bool = False


def link_status(link: LinkState, now: dt.datetime) -> LinkStatus:
    """Why a link can or cannot be used now (the first reason that applies)."""
    if link.revoked_at is not None:
        return LinkStatus.REVOKED
    if link.locked_at is not None:
        return LinkStatus.LOCKED
    if link.used_at is not None:
        return LinkStatus.USED
    if link.case_closed:
        return LinkStatus.CLOSED
    if now >= link.expires_at:
        return LinkStatus.EXPIRED
    return LinkStatus.OPEN


class CodeOutcome(Enum):
    RIGHT = "right"
    WRONG = "wrong"  # attempts left
    LOCKED_NOW = "locked_now"  # this wrong code used the last attempt


@dataclass(frozen=True, slots=True)
class CodeCheck:
    outcome: CodeOutcome
    attempts: int  # after this check
    left: int


def check_code(stored_hash: str, token: str, typed: str, attempts: int,
               max_attempts: int = MAX_ATTEMPTS) -> CodeCheck:
    """Compare a typed code (constant time) and count the attempt when it is wrong."""
    if hmac.compare_digest(stored_hash, code_hash(token, typed)):
        return CodeCheck(CodeOutcome.RIGHT, attempts, max_attempts - attempts)
    used = attempts + 1
    if used >= max_attempts:
        return CodeCheck(CodeOutcome.LOCKED_NOW, used, 0)
    return CodeCheck(CodeOutcome.WRONG, used, max_attempts - used)
