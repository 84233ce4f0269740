"""The signing key file: created 0600, refused when others can read it, never logged."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from busbaan.audit.keys import load_or_create_signer, load_signer, load_verifier
from busbaan.errors import Forbidden, NotFound


def test_a_missing_key_is_created_with_mode_0600(tmp_path: Path) -> None:
    """A new key file is written with mode 0600 and loads back as the same key."""
    path = tmp_path / "sub" / "audit-signing.key"
    signer, created = load_or_create_signer(path, "busbaan.example/audit")
    assert created
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again, created_again = load_or_create_signer(path)
    assert not created_again
    assert again.verifier == signer.verifier
    assert again.name == "busbaan.example/audit"


def test_a_key_readable_by_others_is_refused(tmp_path: Path) -> None:
    """A key file of mode 0644 is refused with a message that says how to fix it."""
    path = tmp_path / "k"
    load_or_create_signer(path)
    path.chmod(0o644)
    with pytest.raises(Forbidden) as info:
        load_signer(path)
    assert "chmod 600" in info.value.message("nl")


def test_a_missing_key_cannot_be_loaded(tmp_path: Path) -> None:
    """Loading (not creating) a missing key says so."""
    with pytest.raises(NotFound):
        load_signer(tmp_path / "none")


def test_creating_a_key_logs_its_id_but_never_the_key(tmp_path: Path) -> None:
    """The creation is logged with the key ID; no log value holds the private key."""
    with capture_logs() as logs:
        signer, _ = load_or_create_signer(tmp_path / "k")
    secret = signer.skey().split("+", 4)[4]  # the whole blob: base64 may hold a '+'
    assert len(secret) == 44
    assert [e["event"] for e in logs] == ["audit.key_created"]
    assert logs[0]["key_id"] == signer.verifier.key_id.hex()
    assert all(secret not in str(v) for e in logs for v in e.values())


def test_a_verifier_key_loads_from_text_or_file(tmp_path: Path) -> None:
    """The public key can be given as text or as a file holding it."""
    signer, _ = load_or_create_signer(tmp_path / "k")
    (tmp_path / "v").write_text(signer.verifier.vkey + "\n")
    assert load_verifier(signer.verifier.vkey) == signer.verifier
    assert load_verifier(tmp_path / "v") == signer.verifier
