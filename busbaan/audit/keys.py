"""Private keys on disk (the log's checkpoint signing key, a witness's cosigning key):
files of mode 0600, never logged.

Each file holds one line in the Go ``sumdb/note`` private-key format (see
:mod:`busbaan.audit.checkpoint` and :mod:`busbaan.audit.cosign`). A missing key is an
error: only an explicit ``--init`` (:func:`load_or_create_signer`,
:func:`load_or_create_cosigner`; the dev stack and the tests) creates one, so that a
production service never signs with a key nobody pinned. A file that others can read is
refused, as ``ssh`` refuses such a key. The key's path is configurable, so it can live
on another host than the database (a mounted secret, an HSM-backed file system).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from busbaan.audit.checkpoint import NoteError, Signer, Verifier
from busbaan.audit.cosign import CosignatureVerifier, Cosigner
from busbaan.errors import BusbaanError, Forbidden, NotFound
from busbaan.log import get_logger

__all__ = [
    "DEFAULT_KEY_PATH",
    "DEFAULT_ORIGIN",
    "load_cosigner",
    "load_or_create_cosigner",
    "load_or_create_signer",
    "load_signer",
    "load_verifier",
    "load_witness_verifier",
]

_K = TypeVar("_K")

DEFAULT_KEY_PATH = Path(".busbaan/audit-signing.key")
#: The checkpoints' origin line and the key's name, unless a deployment names its own.
DEFAULT_ORIGIN = "busbaan.local/audit"

_log = get_logger("busbaan.audit.keys")


def _load_private(path: Path, parse: Callable[[str], _K], what_nl: str, what_en: str) -> _K:
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        raise NotFound(
            f"{what_nl} {path} bestaat niet. Maak hem bewust aan met --init (en pin de "
            f"publieke sleutel bij wie controleert), of geef het juiste pad.",
            f"{what_en} {path} does not exist. Create it deliberately with --init (and pin "
            f"its public key where it is checked), or give the right path.",
            errcode="BB_AUDIT_KEY_MISSING",
        ) from exc
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        mode = stat.S_IMODE(info.st_mode)
        raise Forbidden(
            f"{what_nl} {path} is leesbaar voor anderen (modus {mode:04o}). "
            f"Zet hem op 0600: chmod 600 {path}",
            f"{what_en} {path} is readable by others (mode {mode:04o}). "
            f"Make it 0600: chmod 600 {path}",
            errcode="BB_AUDIT_KEY_MODE",
        )
    try:
        return parse(path.read_text(encoding="utf-8"))
    except (NoteError, UnicodeDecodeError, IsADirectoryError) as exc:
        raise BusbaanError(
            f"{what_nl} {path} is onleesbaar.",
            f"{what_en} {path} is unreadable.",
            errcode="BB_AUDIT_KEY_INVALID",
        ) from exc


def _create_private(path: Path, text: str) -> bool:
    """Write ``text`` to a new file of mode 0600; False when it already exists."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first: use theirs
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return True


def load_signer(path: str | Path) -> Signer:
    """Read the signing key at ``path``; refuse it when missing or readable by others."""
    return _load_private(Path(path), Signer.from_skey, "Ondertekensleutel", "Signing key")


def load_or_create_signer(path: str | Path, name: str = DEFAULT_ORIGIN) -> tuple[Signer, bool]:
    """``--init``: the signing key at ``path``, created (mode 0600) when missing; and
    whether it was. Never call this on a production path without an explicit request."""
    path = Path(path)
    if path.exists():
        return load_signer(path), False
    signer = Signer.generate(name)
    if not _create_private(path, signer.skey()):
        return load_signer(path), False
    _log.info("audit.key_created", key_name=signer.name, key_id=signer.verifier.key_id.hex())
    return signer, True


def load_cosigner(path: str | Path) -> Cosigner:
    """Read a witness's cosigning key at ``path`` (mode 0600)."""
    return _load_private(Path(path), Cosigner.from_skey, "Getuigensleutel", "Witness key")


def load_or_create_cosigner(path: str | Path, name: str) -> tuple[Cosigner, bool]:
    """``--init`` for a witness key (see :func:`load_or_create_signer`)."""
    path = Path(path)
    if path.exists():
        return load_cosigner(path), False
    cosigner = Cosigner.generate(name)
    if not _create_private(path, cosigner.skey()):
        return load_cosigner(path), False
    _log.info("witness.key_created", key_name=cosigner.name,
              key_id=cosigner.verifier.key_id.hex())
    return cosigner, True


def load_verifier(text_or_path: str | Path) -> Verifier:
    """A verifier key from its text (``name+id+key``) or from a file holding it."""
    candidate = Path(text_or_path)
    text = str(text_or_path)
    if candidate.is_file():
        text = candidate.read_text(encoding="utf-8")
    return Verifier.from_vkey(text)


def load_witness_verifier(text_or_path: str | Path) -> CosignatureVerifier:
    """A witness's public key from its text (``name+id+key``) or a file holding it."""
    candidate = Path(text_or_path)
    text = str(text_or_path)
    if candidate.is_file():
        text = candidate.read_text(encoding="utf-8")
    return CosignatureVerifier.from_vkey(text)
