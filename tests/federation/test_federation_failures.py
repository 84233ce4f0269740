"""What goes wrong between homeservers, and what people are told: a server outside the
closed federation, a server with a certificate of another CA, a homeserver that is down."""

from __future__ import annotations

import asyncio
import datetime as dt
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from signedjson.key import generate_signing_key

from busbaan.consent import Professional
from busbaan.devstack.federation import Federation
from busbaan.devstack.people import Person, eventually
from busbaan.devstack.rogue import RogueServer
from busbaan.devstack.synapse import free_port
from busbaan.devstack.tls import LocalCA
from busbaan.service import Service
from busbaan.store import make_engine
from busbaan.store.repositories import DirectoryRepository
from tests.federation.conftest import FedPerson
from tests.federation.test_federated_cases import GRANT_GP, _r, _until, open_case


def _in_directory(store: str, user_id: str, organisation: str, role: str) -> None:
    engine = make_engine(store)
    try:
        DirectoryRepository(engine).upsert(
            [Professional(user_id=user_id, organisation=organisation, role=role)],
            source="test", now=dt.datetime.now(dt.UTC))
    finally:
        engine.dispose()


async def _case_with_gp_grant(fed_service: Service, fed_person: FedPerson) -> tuple[Person, str]:
    regie = await fed_person("buurtteam", "buurtteammedewerker")
    _, room = await open_case(regie, fed_service.runners["casus"].user_id)
    assert _r(await regie.command(room, GRANT_GP.format(until=_until())))["ok"]
    return regie, room


async def test_a_third_server_is_refused_both_ways(
    federation: Federation, fed_service: Service, fed_person: FedPerson, fed_store: str
) -> None:
    """A server outside the closed federation is refused: an invite to it, even of
    someone the directory (wrongly) places in scope, gets a clear reply naming the
    server; its own request to join is refused before its signature is checked."""
    third = f"derde.localhost:{free_port()}"
    stranger = f"@iemand:{third}"
    _in_directory(fed_store, stranger, "huisartsen", "poh-ggz")
    await fed_service.casus.refresh_directory(force=True)
    regie, room = await _case_with_gp_grant(fed_service, fed_person)

    reply = await regie.command(room, f"!uitnodigen {stranger}")
    r = _r(reply)
    assert r["ok"] is False and r["errcode"] == "BB_SERVER_NOT_IN_FEDERATION", reply["body"]
    assert third in reply["body"] and "federatie" in reply["body"]

    outsider = RogueServer(third, generate_signing_key("a_1"),
                           destination=federation["gemeente"].server_name,
                           destination_url=federation.federation_url("gemeente"),
                           ssl_context=federation.ssl_context())
    refused = await outsider.make_join(room, stranger)
    assert refused.status == 403 and refused.body["errcode"] == "M_FORBIDDEN"
    assert third in refused.body["error"]


@pytest.fixture
async def wrong_cert_server(tmp_path: Path, wrong_cert_port: int) -> AsyncIterator[str]:
    """``vals.localhost`` (allowed by the federation list) answering with a certificate
    of a CA nobody in the federation trusts; yields its server name."""
    foreign = LocalCA.ensure(tmp_path / "vreemde-ca", name="vreemde CA")
    cert = foreign.issue("vals.localhost")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert.cert_path, cert.key_path)

    async def close(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    server = await asyncio.start_server(close, "127.0.0.1", wrong_cert_port, ssl=context)
    try:
        yield f"vals.localhost:{wrong_cert_port}"
    finally:
        server.close()
        await server.wait_closed()


async def test_a_server_with_a_wrong_certificate_is_refused_with_a_clear_line(
    federation: Federation, fed_service: Service, fed_person: FedPerson, fed_store: str,
    wrong_cert_server: str,
) -> None:
    """An invite to a server whose certificate is not from the federation's CA is not
    delivered: the regie reads that the server cannot be reached or trusted, and the
    municipal homeserver's log names the server and the failed certificate check."""
    user = f"@nep:{wrong_cert_server}"
    _in_directory(fed_store, user, "huisartsen", "poh-ggz")
    await fed_service.casus.refresh_directory(force=True)
    regie, room = await _case_with_gp_grant(fed_service, fed_person)

    reply = await regie.command(room, f"!uitnodigen {user}", timeout=60)
    r = _r(reply)
    assert r["ok"] is False and r["errcode"] == "BB_REMOTE_UNREACHABLE", reply["body"]
    assert wrong_cert_server in reply["body"] and "certificaat" in reply["body"]

    log_path = federation["gemeente"].config.log_path

    def logged() -> bool:
        return any("vals.localhost" in line and "certificate verify failed" in line
                   for line in log_path.read_text(encoding="utf-8").splitlines())

    await eventually(lambda: asyncio.to_thread(logged), timeout=5)


async def test_a_homeserver_that_is_down_gets_a_clear_message_and_heals(
    federation: Federation, fed_service: Service, fed_person: FedPerson
) -> None:
    """With the care provider's homeserver stopped, inviting its professional tells the
    regie the server is unreachable and nothing changed; once it is back, the same
    invite works."""
    regie, room = await _case_with_gp_grant(fed_service, fed_person)
    poh = await fed_person("huisartsen", "poh-ggz")
    zorg = federation["zorg"]
    await zorg.process.astop()
    try:
        reply = await regie.command(room, f"!uitnodigen {poh.user_id}", timeout=60)
        r = _r(reply)
        assert r["ok"] is False and r["errcode"] == "BB_REMOTE_UNREACHABLE", reply["body"]
        assert zorg.server_name in reply["body"] and "niet bereikbaar" in reply["body"]
    finally:
        await zorg.process.astart()
    await federation.check(timeout=60)

    async def invited() -> bool:
        r = _r(await regie.command(room, f"!uitnodigen {poh.user_id}", timeout=60))
        return bool(r["ok"])

    await eventually(invited, timeout=60, interval=1.0)
