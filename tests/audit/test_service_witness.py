"""The service with a witness, as ``make dev`` runs it: start, stop, crash, restart."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from busbaan.audit import AuditLog
from busbaan.audit.assurance import fetch_witness_checkpoints, verify_trusted
from busbaan.audit.keys import load_or_create_signer
from busbaan.audit.runs import parse_marker
from busbaan.audit.trust import load_trust_config, write_trust_config
from busbaan.devstack.witness import DevWitness, start_dev_witness
from busbaan.errors import BusbaanError
from busbaan.service import Service, ServiceConfig
from busbaan.store import make_engine, migrate

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def dev(tmp_path: Path) -> AsyncIterator[tuple[Path, Path, DevWitness]]:
    """A state dir with a signing key, a dev witness and the verifier configuration."""
    state = tmp_path / "state"
    signer, _ = load_or_create_signer(state / "audit-signing.key")
    witness = await start_dev_witness(state / "witness", [signer.verifier])
    trust = state / "audit-verify.json"
    write_trust_config(trust, {"log_key": signer.verifier.vkey, "witnesses": [
        {"key": witness.cosigner.verifier.vkey, "url": witness.url}]})
    yield state, trust, witness
    await witness.stop()


def config(state: Path, trust: Path | None, **extra: object) -> ServiceConfig:
    url = f"sqlite:///{state / 'busbaan.db'}"
    migrate(url)
    return ServiceConfig(homeserver="http://127.0.0.1:9", bots={}, policy_dir=ROOT / "policies",
                         database_url=url, state_dir=state, web_port=-1, audit_trust=trust,
                         checkpoint_seconds=0, **extra)  # type: ignore[arg-type]


async def verified(state: Path, trust: Path):  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{state / 'busbaan.db'}")
    cfg = load_trust_config(trust)
    report, _ = verify_trusted(AuditLog(engine), cfg, remote=await fetch_witness_checkpoints(
        cfg.witnesses, cfg.origin))
    markers = [m for item in AuditLog(engine).entries()
               if (m := parse_marker(item.index, item.entry)) is not None]
    engine.dispose()
    return report, markers


async def test_start_stop_crash_restart_all_verify_and_are_witnessed(
        dev: tuple[Path, Path, DevWitness]) -> None:
    """A clean run, a run that 'crashes' (never stops) and a run after it: every
    checkpoint is witnessed and verification passes, because the next start names the
    crashed run's last marker from the signer's memory outside the database."""
    state, trust, _ = dev
    first = Service(config(state, trust))
    await first.start()
    await first.stop()
    crashed = Service(config(state, trust))
    await crashed.start()
    await crashed.checkpoint()
    await crashed._checkpointer.close()  # gone without its stop checkpoint
    crashed.engine.dispose()
    third = Service(config(state, trust))
    await third.start()
    await third.stop()
    report, markers = await verified(state, trust)
    assert report.ok, report.problems
    assert report.unwitnessed == ()
    assert [(m.reason, m.seq) for m in markers] == [
        ("start", 0), ("stop", 1), ("start", 0), ("periodic", 1), ("start", 0), ("stop", 1)]
    assert (markers[4].after_run, markers[4].after_seq) == (markers[2].run, 1)
    assert json.loads((state / "audit-signing.key.last").read_text())["seq"] == 1


async def test_the_service_does_not_create_a_missing_key(tmp_path: Path) -> None:
    """Without audit_key_init the service refuses to start when its key is missing."""
    service = Service(config(tmp_path, None))
    with pytest.raises(BusbaanError) as caught:
        await service.start()
    assert caught.value.errcode == "BB_AUDIT_KEY_MISSING"
    assert not (tmp_path / "audit-signing.key").exists()
    await service.stop()


async def test_a_kill_between_commit_and_memory_write_is_not_a_cut_off_run(
        dev: tuple[Path, Path, DevWitness]) -> None:
    """If the service dies after a checkpoint is committed but before its memory file
    is updated, the next start still names the run's true last marker (signed with its
    own key), so verification passes."""
    state, trust, _ = dev
    crashed = Service(config(state, trust))
    await crashed.start()
    memory = (state / "audit-signing.key.last").read_text()
    await crashed.checkpoint()
    await crashed._checkpointer.close()
    crashed.engine.dispose()
    (state / "audit-signing.key.last").write_text(memory)  # the write that never happened
    again = Service(config(state, trust))
    await again.start()
    await again.stop()
    report, markers = await verified(state, trust)
    assert report.ok, report.problems
    assert (markers[2].after_run, markers[2].after_seq) == (markers[0].run, 1)
