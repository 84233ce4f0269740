"""Symmetric keys on disk: 32 random bytes as one line of 64 hex characters, in a file
of mode 0600 outside the database (the edge around :mod:`busbaan.pseudonyms`).

Two keys use it: the citizen sessions' HMAC key (``citizen-session.key``, made at first
start: losing it only logs citizens out) and the pseudonym key (``pseudonym.key``:
keyed hashes of wegwijzer questions and of the professionals behind learning votes).
The pseudonym key is made only when asked (``busbaan dev``, the tests, ``busbaan serve
--init-pseudonym-key``): a production service whose key went missing must stop, not
quietly start hashing under a new key that matches nothing stored before.

Every process of one busbaan reads the same file (the bot, ``busbaan serve``'s
workers, the CLI). A key file that others can read, that is not a key, or that cannot
be read is refused, as ``ssh`` refuses such a key.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from busbaan.errors import BusbaanError, NotFound
from busbaan.pseudonyms import KEY_BYTES, Pseudonyms

__all__ = ["PSEUDONYM_KEY", "PSEUDONYM_KEY_FILE", "SESSION_KEY", "KeyKind", "create_key",
           "load_key", "load_pseudonyms"]

#: The pseudonym key's file name in the state directory (unless configured elsewhere).
PSEUDONYM_KEY_FILE = "pseudonym.key"


@dataclass(frozen=True, slots=True)
class KeyKind:
    """What a key file is called in messages, its errcode stem, and how to make one."""

    nl: str
    en: str
    errcode: str  # <errcode>_MISSING, <errcode>_INVALID
    init_nl: str = ""
    init_en: str = ""


SESSION_KEY = KeyKind("De sessiesleutel", "The session key", "BB_SESSION_KEY")
PSEUDONYM_KEY = KeyKind(
    "De pseudoniemsleutel", "The pseudonym key", "BB_PSEUDONYM_KEY",
    init_nl="Maak hem eenmalig aan met busbaan serve --init-pseudonym-key (of: umask 077; "
            "openssl rand -hex 32 > {path}), bewaar hem buiten de database en geef elk "
            "busbaan-proces dezelfde. Een nieuwe sleutel herkent eerder opgeslagen vragen "
            "niet meer.",
    init_en="Create it once with busbaan serve --init-pseudonym-key (or: umask 077; "
            "openssl rand -hex 32 > {path}), keep it apart from the database and give every "
            "busbaan process the same one. A new key no longer recognises questions stored "
            "before.")


def _invalid(path: Path, kind: KeyKind, why_nl: str, why_en: str) -> BusbaanError:
    return BusbaanError(
        f"{kind.nl} {path} is onbruikbaar: {why_nl} (moet 64 hextekens zijn, modus 0600).",
        f"{kind.en} {path} is unusable: {why_en} (must be 64 hex characters, mode 0600).",
        errcode=f"{kind.errcode}_INVALID")


def _create(path: Path) -> None:
    """Write a new random key to ``path`` unless it exists; complete or not at all (a
    process that loses the race reads the winner's whole key, never a half-written one)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_hex(KEY_BYTES) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileExistsError):  # another process made it first
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def create_key(path: str | Path) -> None:
    """A new random key at ``path`` (mode 0600), made only when ``path`` does not exist
    (``busbaan keys rotate`` makes the next key beside the current one with it)."""
    _create(Path(path))


def load_key(path: str | Path, kind: KeyKind, *, create: bool) -> bytes:
    """The key at ``path``; with ``create``, made (mode 0600) when missing. Raises
    :class:`BusbaanError` ``<kind>_MISSING`` (missing, not created) or ``_INVALID``
    (readable by others, not 64 hex characters, unreadable)."""
    path = Path(path)
    if create and not path.exists():
        _create(path)
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        hint = (" " + kind.init_nl.format(path=path)) if kind.init_nl else ""
        hint_en = (" " + kind.init_en.format(path=path)) if kind.init_en else ""
        raise NotFound(f"{kind.nl} {path} bestaat niet.{hint}",
                       f"{kind.en} {path} does not exist.{hint_en}",
                       errcode=f"{kind.errcode}_MISSING") from exc
    if not stat.S_ISREG(info.st_mode):
        raise _invalid(path, kind, "geen bestand", "not a file")
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        mode = stat.S_IMODE(info.st_mode)
        raise _invalid(path, kind, f"leesbaar voor anderen (modus {mode:04o}; chmod 600 "
                       f"{path})", f"readable by others (mode {mode:04o}; chmod 600 {path})")
    try:
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except PermissionError as exc:
        raise _invalid(path, kind, "niet te lezen voor dit proces",
                       "this process cannot read it") from exc
    except (ValueError, UnicodeDecodeError):
        key = b""
    if len(key) != KEY_BYTES:
        raise _invalid(path, kind, "geen sleutel", "not a key")
    return key


def load_pseudonyms(path: str | Path, *, create: bool = False) -> Pseudonyms:
    """The deployment's :class:`Pseudonyms` from its key file (see :func:`load_key`)."""
    return Pseudonyms(load_key(path, PSEUDONYM_KEY, create=create))
