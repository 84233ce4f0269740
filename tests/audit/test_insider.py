"""The insider attack of issue 9, and witnesses over real HTTP (SQLite and PostgreSQL).

The attacker has the database credentials: drops the append-only triggers, deletes the
checkpoints and the cosignatures, rewrites entries, re-appends, restores the triggers
and lets the service sign again. After a witnessed checkpoint that must be caught.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy.engine import Engine

from busbaan.audit import AuditEntry, AuditLog, merkle
from busbaan.audit.assurance import (
    fetch_witness_checkpoints,
    read_state,
    verify_trusted,
    write_state,
)
from busbaan.audit.cosign import Cosigner
from busbaan.audit.keys import load_or_create_signer
from busbaan.audit.signing import CheckpointService, SignerMemory
from busbaan.audit.trust import TrustConfig, load_trust_config
from busbaan.audit.witness_server import Witness, WitnessStore, create_witness_app
from busbaan.audit.witnessing import cosignature_rows
from busbaan.devstack.synapse import free_port
from busbaan.errors import BusbaanError
from tests.audit.tampering import drop_cosignature_guards, drop_guards, restore_guards

ORIGIN = "test.busbaan.example/audit"
MakeEntry = Callable[..., AuditEntry]


class _Clock:
    def __init__(self) -> None:
        self.t = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)

    def now(self) -> dt.datetime:
        return self.t


async def _serve(app: web.Application, port: int | None = None) -> tuple[TestServer, str]:
    server = TestServer(app, host="127.0.0.1", port=port)
    await server.start_server()
    return server, str(server.make_url("")).rstrip("/")


@pytest.fixture
def cosigner() -> Cosigner:
    """The witness's key."""
    return Cosigner.generate("witness.test/w1")


@pytest.fixture
def key_path(tmp_path: Path) -> Path:
    """The service's signing key, created explicitly (as --init does)."""
    path = tmp_path / "service" / "audit-signing.key"
    load_or_create_signer(path, ORIGIN)
    return path


def _trust(tmp_path: Path, key_path: Path, cosigner: Cosigner, url: str | None) -> Path:
    from busbaan.audit.keys import load_signer

    path = tmp_path / "verifier" / "audit-verify.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps({
        "log_key": load_signer(key_path).verifier.vkey,
        "witnesses": [{"key": cosigner.verifier.vkey, **({"url": url} if url else {})}],
        "state_file": "state.json",
    }))
    return path


@pytest.fixture
async def witness(tmp_path: Path, key_path: Path, cosigner: Cosigner
                  ) -> AsyncIterator[tuple[Witness, str]]:
    """A witness on a real loopback port that knows the service's log."""
    from busbaan.audit.keys import load_signer

    w = Witness(cosigner, {ORIGIN: [load_signer(key_path).verifier]},
                WitnessStore(tmp_path / "witness" / "state.json"))
    server, url = await _serve(create_witness_app(w))
    yield w, url
    await server.close()


async def _verify(engine: Engine, trust: TrustConfig, *, remote: bool = True,
                  state: bool = True):  # type: ignore[no-untyped-def]
    notes = await fetch_witness_checkpoints(trust.witnesses, trust.origin) if remote else {}
    assert trust.state_file is not None
    return verify_trusted(AuditLog(engine), trust, remote=notes,
                          state=read_state(trust.state_file) if state else None)


def _rewrite_everything(engine: Engine, make_entry: MakeEntry, n: int) -> None:
    """What the insider does with the database credentials alone."""
    drop_guards(engine)
    drop_cosignature_guards(engine)
    with engine.begin() as conn:
        for table in ("audit_cosignature", "audit_checkpoint", "audit_node", "audit_entry"):
            conn.exec_driver_sql(f"DELETE FROM {table}")
        conn.execute(sa.text("UPDATE audit_head SET size = 0, frontier = :f, root = :r "
                             "WHERE id = 1"), {"f": b"", "r": merkle.EMPTY_ROOT})
    forged = [make_entry(i, outcome="refused" if i == 3 else "done") for i in range(n)]
    AuditLog(engine).append_many(forged)
    restore_guards(engine)


async def test_the_insider_rewrite_after_a_witnessed_checkpoint_is_caught(
        engine: Engine, make_entry: MakeEntry, tmp_path: Path, key_path: Path,
        cosigner: Cosigner, witness: tuple[Witness, str]) -> None:
    """After a witnessed checkpoint the full insider attack fails three times over: the
    service refuses to sign (it remembers its last checkpoint outside the database); a
    service that forgot signs, but the witness refuses to cosign; and 'verify' fails,
    both against the witness's copy and against the verifier's own state file."""
    trust_path = _trust(tmp_path, key_path, cosigner, witness[1])
    trust = load_trust_config(trust_path)
    clock = _Clock()
    service = await CheckpointService.open(engine, key_path=key_path, trust_path=trust_path,
                                           clock=clock)
    try:
        service.log.append_many([make_entry(i) for i in range(30)])
        assert await service.checkpoint("start") is not None
        assert [o.state for o in service.last_outcomes] == ["cosigned"]
        report, state = await _verify(engine, trust)
        assert report.ok and report.unwitnessed == (), report.problems
        assert state is not None and trust.state_file is not None
        write_state(trust.state_file, state)
        clock.t += dt.timedelta(minutes=5)
        service.log.append_many([make_entry(i) for i in range(30, 40)])
        assert await service.checkpoint() is not None

        _rewrite_everything(engine, make_entry, 40)

        assert await service.checkpoint() is None  # the signer's memory refuses
    finally:
        await service.close()
    SignerMemory.path_for(key_path).unlink()  # a signer that forgot (a new host)
    forgetful = await CheckpointService.open(engine, key_path=key_path,
                                             trust_path=trust_path, clock=clock)
    try:
        assert await forgetful.checkpoint("start") is not None
        [outcome] = forgetful.last_outcomes
        assert outcome.state == "error" and outcome.error is not None
        assert outcome.error.errcode == "BB_WITNESS_REFUSED"
        assert cosignature_rows(engine) == []
    finally:
        await forgetful.close()
    with_witness, _ = await _verify(engine, trust, state=False)
    assert not with_witness.ok
    assert {"checkpoint_root", "checkpoints_rolled_back"} & {p.kind for p in with_witness.problems}
    offline, new_state = await _verify(engine, trust, remote=False)
    assert not offline.ok and new_state is None
    assert "checkpoint_root" in {p.kind for p in offline.problems}  # the remembered root


async def test_a_witness_that_is_down_leaves_checkpoints_pending_until_it_is_back(
        engine: Engine, make_entry: MakeEntry, tmp_path: Path, key_path: Path,
        cosigner: Cosigner) -> None:
    """With the witness down the checkpoint is signed and stays pending (verify lists
    it as not yet witnessed, and is otherwise OK); once the witness is up, the next send
    delivers it and verify lists nothing pending."""
    port = free_port()
    trust_path = _trust(tmp_path, key_path, cosigner, f"http://127.0.0.1:{port}")
    trust = load_trust_config(trust_path)
    service = await CheckpointService.open(engine, key_path=key_path, trust_path=trust_path)
    try:
        service.log.append_many([make_entry(i) for i in range(12)])
        note = await service.checkpoint("start")
        assert note is not None
        [outcome] = service.last_outcomes
        assert outcome.error is not None and outcome.error.errcode == "BB_WITNESS_UNAVAILABLE"
        assert "niet bereikbaar" in outcome.error.message("nl")
        report, _ = await _verify(engine, trust)
        assert report.ok, report.problems
        assert report.unwitnessed == (13,)  # 12 entries + the marker
        from busbaan.audit.keys import load_signer

        w = Witness(cosigner, {ORIGIN: [load_signer(key_path).verifier]},
                    WitnessStore(tmp_path / "w.json"))
        server, _ = await _serve(create_witness_app(w), port)
        try:
            assert [o.state for o in await service.send_pending()] == ["cosigned"]
            report, _ = await _verify(engine, trust)
            assert report.ok and report.unwitnessed == ()
            assert report.witnesses[0].cosigned_size == 13
            assert report.witnesses[0].remote_size == 13
        finally:
            await server.close()
    finally:
        await service.close()


async def test_a_witness_answering_garbage_stores_nothing(
        engine: Engine, make_entry: MakeEntry, tmp_path: Path, key_path: Path,
        cosigner: Cosigner) -> None:
    """A witness that answers 200 with something that is not a valid cosignature from
    its pinned key: a clear error, no cosignature stored, the checkpoint still pending."""
    async def junk(request: web.Request) -> web.Response:
        return web.Response(text="hello\n")

    app = web.Application()
    app.router.add_post("/add-checkpoint", junk)
    server, url = await _serve(app)
    try:
        trust_path = _trust(tmp_path, key_path, cosigner, url)
        service = await CheckpointService.open(engine, key_path=key_path,
                                               trust_path=trust_path)
        service.log.append_many([make_entry(i) for i in range(3)])
        await service.checkpoint("start")
        await service.close()
        [outcome] = service.last_outcomes
        assert outcome.error is not None and outcome.error.errcode == "BB_WITNESS_GARBAGE"
        assert cosignature_rows(engine) == []
    finally:
        await server.close()


async def test_a_missing_key_is_an_error_unless_init(engine: Engine, tmp_path: Path) -> None:
    """Without --init the service does not create a signing key; with it, it does."""
    path = tmp_path / "nowhere" / "audit-signing.key"
    with pytest.raises(BusbaanError) as caught:
        await CheckpointService.open(engine, key_path=path)
    assert caught.value.errcode == "BB_AUDIT_KEY_MISSING"
    assert "--init" in caught.value.message("nl")
    assert not path.exists()
    service = await CheckpointService.open(engine, key_path=path, init=True)
    assert path.exists() and oct(path.stat().st_mode)[-3:] == "600"
    await service.close()


async def test_a_key_other_than_the_pinned_one_is_refused(
        engine: Engine, tmp_path: Path, key_path: Path, cosigner: Cosigner) -> None:
    """The service does not sign with a key whose public key is not the pinned one."""
    trust_path = _trust(tmp_path, key_path, cosigner, None)
    other = tmp_path / "other.key"
    load_or_create_signer(other, ORIGIN)
    with pytest.raises(BusbaanError) as caught:
        await CheckpointService.open(engine, key_path=other, trust_path=trust_path)
    assert caught.value.errcode == "BB_AUDIT_KEY_NOT_PINNED"


async def test_a_cut_off_tail_and_a_forged_cosignature_are_caught(
        engine: Engine, make_entry: MakeEntry, tmp_path: Path, key_path: Path,
        cosigner: Cosigner, witness: tuple[Witness, str]) -> None:
    """Deleting the newest entries with the checkpoints that cover them (the log is
    shorter than a checkpoint seen before) fails against the state file; a cosignature
    row that does not verify against the pinned witness key fails too."""
    trust_path = _trust(tmp_path, key_path, cosigner, witness[1])
    trust = load_trust_config(trust_path)
    service = await CheckpointService.open(engine, key_path=key_path, trust_path=trust_path)
    try:
        service.log.append_many([make_entry(i) for i in range(20)])
        await service.checkpoint("start")
        service.log.append_many([make_entry(i) for i in range(20, 30)])
        await service.checkpoint()
        service.sender = None  # the third checkpoint is not sent
        await service.checkpoint()
    finally:
        await service.close()
    report, state = await _verify(engine, trust)
    assert report.ok and state is not None and state.size == 33
    assert report.unwitnessed == (33,)
    assert trust.state_file is not None
    write_state(trust.state_file, state)

    forged = cosigner.cosign("x\n", 1).replace(cosigner.name, "witness.test/w1")
    with engine.begin() as conn:  # an INSERT is all it takes: no trigger to drop
        conn.execute(sa.text("INSERT INTO audit_cosignature (size, witness, line, "
                             "timestamp, received_at) VALUES (33, :w, :l, 1, 'now')"),
                     {"w": "witness.test/w1", "l": forged})
    bad, _ = await _verify(engine, trust)
    assert "cosignature" in {p.kind for p in bad.problems}

    drop_guards(engine)
    drop_cosignature_guards(engine)
    frontier = merkle.Frontier()
    for item in AuditLog(engine).entries(0, 21):
        frontier.push(item.leaf_hash)
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM audit_cosignature")
        conn.exec_driver_sql("DELETE FROM audit_checkpoint WHERE size > 21")
        conn.exec_driver_sql("DELETE FROM audit_node WHERE idx >= 1")
        conn.exec_driver_sql("DELETE FROM audit_entry WHERE idx >= 21")
        conn.execute(sa.text("UPDATE audit_head SET size = 21, frontier = :f, root = :r"),
                     {"f": frontier.to_bytes(), "r": frontier.root()})
    restore_guards(engine)
    plain = AuditLog(engine, verifiers=(trust.log_verifier,), origin=trust.origin)
    assert plain.verify().ok  # on its own, the shortened log looks fine
    cut, _ = await _verify(engine, trust, remote=False)
    kinds = {p.kind for p in cut.problems}
    assert not cut.ok
    assert {"checkpoints_rolled_back", "checkpoints_fewer", "checkpoint_beyond"} <= kinds


async def test_the_workbench_shows_the_witnesses(
        engine: Engine, make_entry: MakeEntry, tmp_path: Path, key_path: Path,
        cosigner: Cosigner, witness: tuple[Witness, str]) -> None:
    """With the verifier configuration the workbench's integrity status verifies with
    the pinned key and reports each witness and what is not yet witnessed."""
    from busbaan.web.workbench.integrity import IntegrityMonitor

    trust_path = _trust(tmp_path, key_path, cosigner, witness[1])
    service = await CheckpointService.open(engine, key_path=key_path, trust_path=trust_path)
    service.log.append_many([make_entry(i) for i in range(5)])
    await service.checkpoint("start")
    await service.close()
    monitor = IntegrityMonitor(lambda: AuditLog(engine), None, _Clock(),
                               trust_path=trust_path)
    assert await monitor.run_now(wait=30)
    status = (await monitor.status()).to_json()
    assert status["state"] == "ok" and status["signing_key_known"] is True
    assert status["witnesses"] == [{"name": "witness.test/w1", "cosigned_size": 6,
                                    "remote_size": 6, "remote_error": None}]
    assert status["unwitnessed"] == []


async def test_lost_cosignature_rows_are_fetched_again_from_the_witness(
        engine: Engine, make_entry: MakeEntry, tmp_path: Path, key_path: Path,
        cosigner: Cosigner, witness: tuple[Witness, str]) -> None:
    """When the log no longer has its cosignature rows, the next send starts from 0,
    the witness answers 409 with the size it has, and the sender retries from there
    with a consistency proof: cosigned again, nothing refused."""
    trust_path = _trust(tmp_path, key_path, cosigner, witness[1])
    service = await CheckpointService.open(engine, key_path=key_path, trust_path=trust_path)
    try:
        service.log.append_many([make_entry(i) for i in range(10)])
        await service.checkpoint("start")
        drop_cosignature_guards(engine)
        with engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM audit_cosignature")
        service.log.append_many([make_entry(i) for i in range(10, 25)])
        await service.checkpoint()
        assert [(o.state, o.size) for o in service.last_outcomes] == [("cosigned", 27)]
    finally:
        await service.close()
    assert [(size, name) for size, name, _ in cosignature_rows(engine)] == [
        (27, "witness.test/w1")]
