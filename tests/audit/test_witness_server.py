"""The witness server over real HTTP, its memory, and the verifier configuration."""

from __future__ import annotations

import json
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from busbaan.audit import merkle
from busbaan.audit.checkpoint import Checkpoint, Signer
from busbaan.audit.cosign import Cosigner
from busbaan.audit.trust import load_trust_config
from busbaan.audit.witness_protocol import format_add_checkpoint
from busbaan.audit.witness_server import (
    Witness,
    WitnessStore,
    create_witness_app,
    origin_hash,
)
from busbaan.errors import BusbaanError, UsageError

ORIGIN = "test.busbaan.example/audit"


def _note(signer: Signer, n: int, salt: bytes = b"") -> str:
    hashes = [merkle.leaf_hash(salt + bytes([i])) for i in range(n)]
    return Checkpoint(ORIGIN, n, merkle.root_from_leaf_hashes(hashes)).sign(signer)


async def _post(url: str, body: bytes) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.post(
            f"{url}/add-checkpoint", data=body) as response:
        return response.status, await response.text()


async def test_the_witness_remembers_across_a_restart_and_refuses_a_rollback(
        tmp_path: Path) -> None:
    """After a restart on the same memory the witness still knows size 8: a checkpoint
    of another tree of size 8 (a fork) is refused with 422, a stale old size with 409
    naming 8; the monitoring API serves the cosigned note; an oversized body is 413."""
    signer, cosigner = Signer.generate(ORIGIN), Cosigner.generate("w.test/1")
    memory = tmp_path / "witness.json"

    async def start() -> tuple[TestServer, str]:
        w = Witness(cosigner, {ORIGIN: [signer.verifier]}, WitnessStore(memory))
        server = TestServer(create_witness_app(w), host="127.0.0.1")
        await server.start_server()
        return server, str(server.make_url("")).rstrip("/")

    server, url = await start()
    status, body = await _post(url, format_add_checkpoint(0, [], _note(signer, 8)))
    assert status == 200 and body.startswith("— w.test/1 ")
    await server.close()
    assert oct(memory.stat().st_mode)[-3:] == "600"
    server, url = await start()
    try:
        status, _ = await _post(url, format_add_checkpoint(8, [], _note(signer, 8, b"x")))
        assert status == 422
        status, body = await _post(url, format_add_checkpoint(0, [], _note(signer, 8, b"x")))
        assert (status, body) == (409, "8\n")
        status, _ = await _post(url, b"old 0\n\n" + b"x" * 70_000)
        assert status == 413
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{url}/{origin_hash(ORIGIN)}/checkpoint") as response:
                note = await response.text()
            assert response.status == 200 and "\n8\n" in note and "— w.test/1 " in note
            async with session.get(f"{url}/{'0' * 64}/checkpoint") as response:
                assert response.status == 404
    finally:
        await server.close()


def test_an_unreadable_witness_memory_stops_the_witness(tmp_path: Path) -> None:
    """A corrupt memory file is an error (never 'start afresh', which would let a
    rollback through)."""
    memory = tmp_path / "witness.json"
    memory.write_text("{not json")
    with pytest.raises(BusbaanError) as caught:
        WitnessStore(memory)
    assert caught.value.errcode == "BB_WITNESS_STATE"


@pytest.mark.parametrize(("content", "field"), [
    ({"log_key": "nonsense"}, "log_key"),
    ({"log_key": "{log}", "extra": 1}, "extra"),
    ({"log_key": "{log}", "witnesses": [{"key": "{log}"}]}, "witnesses.0.key"),
    ({"log_key": "{log}", "witnesses": [{"key": "{wit}", "url": "ftp://x"}]},
     "witnesses.0.url"),
    ({"log_key": "{log}", "witnesses": [{"key": "{wit}"}], "quorum": 2}, "quorum"),
])
def test_a_bad_verifier_configuration_names_file_and_field(
        tmp_path: Path, content: dict[str, object], field: str) -> None:
    """Malformed configuration: a UsageError naming the file and the field."""
    log = Signer.generate(ORIGIN).verifier.vkey
    wit = Cosigner.generate("w.test/1").verifier.vkey
    text = json.dumps(content).replace("{log}", log).replace("{wit}", wit)
    path = tmp_path / "verify.json"
    path.write_text(text)
    with pytest.raises(UsageError) as caught:
        load_trust_config(path)
    assert str(path) in caught.value.message("nl")
    assert caught.value.data["field"] == field


def test_a_missing_configuration_is_a_clear_error(tmp_path: Path) -> None:
    """A configuration file that does not exist: a clear message, Dutch and English."""
    with pytest.raises(UsageError) as caught:
        load_trust_config(tmp_path / "nope.yaml")
    assert "bestaat niet" in caught.value.message("nl")
    assert "does not exist" in caught.value.message("en")


def test_witness_key_cli_needs_init_to_create(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """'busbaan witness key' refuses a missing key (exit 2, no file); with --init and a
    name it creates one (mode 0600) and prints a cosignature/v1 public key."""
    from click.testing import CliRunner
    from structlog.testing import capture_logs

    monkeypatch.setattr("busbaan.cli.witness.configure", lambda *a, **k: None)

    from busbaan.audit.cosign import CosignatureVerifier
    from busbaan.cli import main

    key = tmp_path / "w" / "witness.key"
    runner = CliRunner()
    missing = runner.invoke(main, ["witness", "key", "--key", str(key)])
    assert missing.exit_code == 2 and "--init" in missing.stderr and not key.exists()
    with capture_logs():
        made = runner.invoke(main, ["witness", "key", "--key", str(key), "--init",
                                    "--name", "witness.example/w1"])
    assert made.exit_code == 0, made.output
    assert CosignatureVerifier.from_vkey(made.stdout.strip()).name == "witness.example/w1"
    assert oct(key.stat().st_mode)[-3:] == "600"
