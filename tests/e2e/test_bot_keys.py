"""The bots' key files (busbaan.matrix.crypto), without a homeserver: the secret and the
key backup are 0600 files, a backup restores exactly the room keys it holds into a new
store, and rooms the bots create get Megolm only when encryption is on."""

from __future__ import annotations

import stat
from pathlib import Path

import nio
import pytest
from nio.exceptions import EncryptionError

from busbaan.matrix.crypto import ENCRYPTION_ALGORITHM, BotKeys, with_encryption
from busbaan.matrix.rooms import case_room_request

USER = "@casus:localhost"


def _olm(path: Path, device: str, secret: str) -> nio.AsyncClient:
    path.mkdir(parents=True, exist_ok=True)
    client = nio.AsyncClient("http://127.0.0.1:9", USER, device_id=device, store_path=str(path),
                             config=nio.AsyncClientConfig(encryption_enabled=True,
                                                          store_sync_tokens=False,
                                                          pickle_key=secret))
    client.restore_login(USER, device, "token")
    assert client.olm is not None
    return client


def test_backup_restores_the_room_keys_into_a_new_device(tmp_path: Path) -> None:
    """Room keys backed up from one device's store are imported into a new device's
    store with the same session ids; a second backup with nothing new writes nothing."""
    keys = BotKeys(tmp_path, "casus", USER)
    secret = keys.secret()
    assert stat.S_IMODE(keys.secret_file.stat().st_mode) == 0o600
    assert keys.secret() == secret  # made once

    old = _olm(keys.store_dir, "OLD", secret)
    assert old.olm is not None
    for room in ("!a:localhost", "!b:localhost"):
        old.olm.create_outbound_group_session(room)  # also keeps the inbound half
    sessions = {s.id for s in old.olm.inbound_group_store}
    assert len(sessions) == 2
    assert keys.backup(old.olm) == 2
    assert stat.S_IMODE(keys.backup_file.stat().st_mode) == 0o600
    assert keys.backup(old.olm) is None  # nothing new since
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".backup-")]

    new = _olm(tmp_path / "elsewhere", "NEW", secret)
    assert new.olm is not None and not list(new.olm.inbound_group_store)
    assert BotKeys(tmp_path, "casus", USER).restore(new.olm) == 2
    assert {s.id for s in new.olm.inbound_group_store} == sessions


def test_a_backup_with_another_secret_is_refused(tmp_path: Path) -> None:
    """A backup cannot be read with another secret (it is encrypted, not just stored)."""
    keys = BotKeys(tmp_path, "casus", USER)
    client = _olm(keys.store_dir, "DEV", keys.secret())
    assert client.olm is not None
    client.olm.create_outbound_group_session("!a:localhost")
    keys.backup(client.olm)
    keys.secret_file.write_text("x" * 43)
    other = _olm(tmp_path / "other", "DEV2", "y" * 43)
    with pytest.raises(EncryptionError):  # the wrong passphrase
        keys.restore(other.olm)


def test_rooms_get_megolm_only_when_encryption_is_on() -> None:
    """with_encryption adds m.room.encryption (Megolm) to a room's initial state when
    on, and leaves the request as it was when off."""
    def request() -> dict[str, object]:
        return case_room_request(case_id="C-ABCDEFGH", regie="@r:localhost",
                                 case_state={"case_id": "C-ABCDEFGH"},
                                 acl_servers=["localhost"])

    on = with_encryption(request(), True)
    [enc] = [e for e in on["initial_state"] if e["type"] == "m.room.encryption"]
    assert enc["state_key"] == "" and enc["content"]["algorithm"] == ENCRYPTION_ALGORITHM
    assert with_encryption(request(), False) == request()
