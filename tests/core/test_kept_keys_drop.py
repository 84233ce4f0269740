"""Dropping a lane's kept room keys (busbaan.matrix.crypto.BotClient.drop_kept_keys,
lanes2, session 23): the file is written first; a write that fails leaves the keys in
memory as on disk, so the lane clock's next drop tries again (and then audits)."""

from __future__ import annotations

import pytest

from busbaan.matrix.crypto import BotClient, KeptRoomKey


class _Store:
    def __init__(self) -> None:
        self.fail = True
        self.written: list[dict[str, dict[str, KeptRoomKey]]] = []

    def save_kept(self, device_id: str, kept: dict[str, dict[str, KeptRoomKey]]) -> None:
        if self.fail:
            raise OSError("disk full")
        self.written.append({room: dict(keys) for room, keys in kept.items()})


def _client() -> tuple[BotClient, _Store]:
    client = BotClient("http://localhost:1", "@wegwijzer:x", device_id="DEV")
    client.olm = object()  # encryption on (nothing here uses the Olm machine)
    store = _Store()
    client.kept_store = store  # type: ignore[assignment]
    client.kept_room_keys = {
        "!lane:x": {"s1": KeptRoomKey("!lane:x", "s1", "key-1"),
                    "s2": KeptRoomKey("!lane:x", "s2", "key-2")},
        "!other:x": {"s3": KeptRoomKey("!other:x", "s3", "key-3")},
    }
    return client, store


def test_a_failed_write_keeps_the_keys_in_memory_and_the_retry_drops_them() -> None:
    client, store = _client()
    with pytest.raises(OSError):
        client.drop_kept_keys("!lane:x")
    assert set(client.kept_room_keys) == {"!lane:x", "!other:x"}  # as on disk
    store.fail = False
    assert client.drop_kept_keys("!lane:x") == 2
    assert set(client.kept_room_keys) == {"!other:x"}
    [written] = store.written
    assert set(written) == {"!other:x"}
    assert client.drop_kept_keys("!lane:x") == 0 and len(store.written) == 1  # once


def test_no_store_drops_from_memory_only() -> None:
    client, _store = _client()
    client.kept_store = None
    assert client.drop_kept_keys("!lane:x") == 2 and "!lane:x" not in client.kept_room_keys


