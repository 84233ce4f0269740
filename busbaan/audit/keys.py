"""The checkpoint signing key on disk: a file of mode 0600, never logged.

The file holds one line in the Go ``sumdb/note`` private-key format (see
:mod:`busbaan.audit.checkpoint`). A missing file is created with a fresh key; a file
that others can read is refused, as ``ssh`` refuses such a key.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from busbaan.audit.checkpoint import NoteError, Signer, Verifier
from busbaan.errors import BusbaanError, Forbidden, NotFound
from busbaan.log import get_logger

__all__ = [
    "DEFAULT_KEY_PATH",
    "DEFAULT_ORIGIN",
    "load_or_create_signer",
    "load_signer",
    "load_verifier",
]

DEFAULT_KEY_PATH = Path(".busbaan/audit-signing.key")
#: The checkpoints' origin line and the key's name, unless a deployment names its own.
DEFAULT_ORIGIN = "busbaan.local/audit"

_log = get_logger("busbaan.audit.keys")


def load_signer(path: str | Path) -> Signer:
    """Read the signing key at ``path``; refuse it when group or others may read it."""
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        raise NotFound(
            f"Ondertekensleutel {path} bestaat niet.",
            f"Signing key {path} does not exist.",
            errcode="BB_AUDIT_KEY_MISSING",
        ) from exc
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        mode = stat.S_IMODE(info.st_mode)
        raise Forbidden(
            f"Ondertekensleutel {path} is leesbaar voor anderen (modus {mode:04o}). "
            f"Zet hem op 0600: chmod 600 {path}",
            f"Signing key {path} is readable by others (mode {mode:04o}). "
            f"Make it 0600: chmod 600 {path}",
            errcode="BB_AUDIT_KEY_MODE",
        )
    try:
        return Signer.from_skey(path.read_text(encoding="utf-8"))
    except (NoteError, UnicodeDecodeError) as exc:
        raise BusbaanError(
            f"Ondertekensleutel {path} is onleesbaar.",
            f"Signing key {path} is unreadable.",
            errcode="BB_AUDIT_KEY_INVALID",
        ) from exc


def load_or_create_signer(path: str | Path, name: str = DEFAULT_ORIGIN) -> tuple[Signer, bool]:
    """The signing key at ``path``, created (mode 0600) when missing; and whether it was."""
    path = Path(path)
    if path.exists():
        return load_signer(path), False
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    signer = Signer.generate(name)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first: use theirs
        return load_signer(path), False
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(signer.skey() + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    _log.info("audit.key_created", key_name=signer.name, key_id=signer.verifier.key_id.hex())
    return signer, True


def load_verifier(text_or_path: str | Path) -> Verifier:
    """A verifier key from its text (``name+id+key``) or from a file holding it."""
    candidate = Path(text_or_path)
    text = str(text_or_path)
    if candidate.is_file():
        text = candidate.read_text(encoding="utf-8")
    return Verifier.from_vkey(text)
