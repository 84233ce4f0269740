"""A bot's stored login: access token and device id, kept in the state directory.

One file per bot (``<state>/bots/<name>.credentials.json``, mode 0600, written
atomically). A bot logs in with its password only when it has no stored login or the
homeserver says the stored token is no longer valid; every other start reuses token and
device, so a restart costs no login (Synapse rate-limits logins per address and per
account) and keeps the device (and, once case rooms are encrypted, its keys).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from busbaan.log import get_logger

log = get_logger("busbaan.matrix")

#: Errcodes with which a homeserver says a token is gone (logged out, revoked, expired).
TOKEN_GONE = frozenset({"M_UNKNOWN_TOKEN", "M_MISSING_TOKEN"})


class StoredLogin(BaseModel):
    """What a bot keeps of a login (never logged: the token is excluded from repr)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    user_id: str = Field(min_length=3, pattern=r"^@[^:\s]+:\S+$")
    device_id: str = Field(min_length=1, max_length=255)
    access_token: str = Field(min_length=1, repr=False)


def read_login(path: Path) -> StoredLogin | None:
    """The stored login, or None when there is none or it cannot be used (said in the
    log, by field name only: the file holds a secret)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.warning("bot.credentials_unreadable", path=str(path), cause=type(exc).__name__)
        return None
    try:
        return StoredLogin.model_validate_json(text)
    except ValidationError as exc:
        fields = sorted({".".join(str(p) for p in e["loc"]) or "(file)" for e in exc.errors()})
        log.warning("bot.credentials_malformed", path=str(path), fields=fields)
        return None


def write_login(path: Path, login: StoredLogin) -> None:
    """Write ``login`` atomically with mode 0600 from the first byte."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(login.model_dump_json())
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


__all__ = ["TOKEN_GONE", "StoredLogin", "read_login", "write_login"]
