"""An end-to-end encrypted case room that spans two homeservers (issue 11): the casus
bot with encryption ON on the municipal server, professionals at encrypting nio
clients on both servers, the gate on both, federation over TLS. The room keys and
device lists travel over federation; each homeserver holds only ciphertext.

The two homeservers are this module's own (started with the federation suite's
helpers): the federation suite's casus bot runs with encryption off, and only one
``@casus`` may be logged in on a municipal server."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import nio
import pytest
from sqlalchemy.engine import Engine

from busbaan.devstack import new_password
from busbaan.devstack.federation import Federation
from busbaan.devstack.people import REPLY_KEY, Person, eventually
from busbaan.matrix.rooms import acl_host
from busbaan.service import Service
from busbaan.store import make_engine, migrate
from tests.federation.conftest import fed_service_config, new_fed_person, start_closed_federation
from tests.federation.test_federated_cases import GRANT_GP, _acl_has, _join, _until

pytestmark = [pytest.mark.synapse, pytest.mark.federation]

MEGOLM = "m.megolm.v1.aes-sha2"


@dataclass
class FedE2E:
    federation: Federation
    service: Service
    engine: Engine
    clients: Path
    people: list[Person] = field(default_factory=list)

    async def person(self, organisation: str, role: str, password: str | None = None
                     ) -> Person:
        """A professional in the directory at an encrypting client on her own server."""
        p = await new_fed_person(self.federation, self.service, self.engine, organisation,
                                 role, store_dir=self.clients, password=password)
        self.people.append(p)
        return p

    async def second_device(self, person: Person, password: str) -> Person:
        """``person`` logs in again at a new encrypting client (a new device)."""
        server = person.user_id.partition(":")[2]
        hs = next(h for h in self.federation.homeservers.values() if h.server_name == server)
        store = self.clients / f"{person.user_id.partition(':')[0][1:]}-2"
        store.mkdir(parents=True)
        client = nio.AsyncClient(hs.url, person.user_id, store_path=str(store),
                                 config=nio.AsyncClientConfig(store_sync_tokens=False))
        resp = await client.login(password, device_name="tweede apparaat")
        assert isinstance(resp, nio.LoginResponse), resp
        assert client.olm is not None
        p = Person(person.user_id, client)
        await p.start()
        self.people.append(p)
        return p


@pytest.fixture(scope="module")
async def fed_e2e(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[FedE2E]:
    """Two homeservers with the gate, the service with encryption ON (the default)."""
    base = tmp_path_factory.mktemp("fed-e2e")
    store = f"sqlite:///{base / 'busbaan.db'}"
    migrate(store)
    federation = await start_closed_federation(base / "federation", store)
    engine = make_engine(store)
    service: Service | None = None
    stack: FedE2E | None = None
    try:
        config = await fed_service_config(federation, store, base / "state", encryption=True)
        assert config.encryption is True
        service = Service(config)
        await service.start()
        stack = FedE2E(federation, service, engine, base / "clients")
        yield stack
    finally:
        if stack is not None:
            for p in stack.people:
                await p.stop()
                await p.client.close()
        if service is not None:
            await service.stop()
        engine.dispose()
        await federation.stop()


async def server_view(person: Person, room: str) -> list[dict[str, Any]]:
    """The room's timeline as ``person``'s own homeserver stores it (raw /messages)."""
    async with aiohttp.ClientSession() as http:
        resp = await http.get(
            f"{person.client.homeserver}/_matrix/client/v3/rooms/{room}/messages",
            params={"dir": "b", "limit": "200"},
            headers={"Authorization": f"Bearer {person.client.access_token}"})
        body = await resp.json()
    assert resp.status == 200, body
    return list(body["chunk"])


def _why_not(person: Person, room: str) -> str:
    """What ``person``'s client holds of ``room`` that it could not decrypt (for a
    failing assertion: a missing room key looks like silence otherwise)."""
    stuck = [ev for rid, ev in person.events if rid == room
             and ev.get("type") == "m.room.encrypted"]
    return f"{len(stuck)} undecrypted event(s) from " \
           f"{sorted({str(ev.get('sender')) for ev in stuck})}"


async def open_case_with_poh(fed_e2e: FedE2E, poh: Person) -> tuple[Person, str]:
    """A regie on the municipal server opens an encrypted case room, grants the GP
    practice and invites ``poh`` (on the care provider's server), who joins."""
    federation, bot = fed_e2e.federation, fed_e2e.service.runners["casus"].user_id
    regie = await fed_e2e.person("buurtteam", "buurtteammedewerker")
    dm = await regie.dm(bot, encrypted=True)
    opened = await regie.command(dm, "!casus nieuw", timeout=30)
    assert opened[REPLY_KEY]["ok"] is True, opened["body"]
    room = str(opened[REPLY_KEY]["data"]["room_id"])
    assert isinstance(await regie.join(room), nio.JoinResponse)
    granted = await regie.command(room, GRANT_GP.format(until=_until()), timeout=30)
    assert granted[REPLY_KEY]["ok"] is True, granted["body"]
    await eventually(lambda: _acl_has(regie, room, acl_host(federation["zorg"].server_name)))
    invited = await regie.command(room, f"!uitnodigen {poh.user_id}", timeout=30)
    assert invited[REPLY_KEY]["ok"] is True, invited["body"]
    assert isinstance(await eventually(lambda: _join(poh, room), timeout=30), nio.JoinResponse)
    return regie, room


async def test_an_encrypted_case_room_spans_both_homeservers(fed_e2e: FedE2E) -> None:
    """The regie (municipal server) opens a case from an encrypted direct chat, grants
    the GP practice and invites the POH-GGZ on the care provider's server; she joins,
    sends `!toestemming` encrypted, the bot decrypts it and answers encrypted, she
    decrypts the answer and the regie reads her message; on both homeservers the
    room's messages are only m.room.encrypted (no command or reply text)."""
    federation, service = fed_e2e.federation, fed_e2e.service
    assert service.runners["casus"].client.olm is not None  # the bot encrypts
    poh = await fed_e2e.person("huisartsen", "poh-ggz")
    assert poh.user_id.endswith(federation["zorg"].server_name)

    regie, room = await open_case_with_poh(fed_e2e, poh)
    state = await regie.client.room_get_state_event(room, "m.room.encryption")
    assert getattr(state, "content", {}).get("algorithm") == MEGOLM, state
    assert poh.client.rooms[room].encrypted  # her server's copy of the room state

    # She writes from the other server: her client fetches the bot's and the regie's
    # devices from the municipal server and sends them the room key over federation.
    event_id = await poh.say(room, "!toestemming")

    def reply_to_her(rid: str, ev: dict[str, Any]) -> bool:
        content = ev.get("content", {})
        rel = content.get("m.relates_to", {}).get("m.in_reply_to", {})
        return rid == room and REPLY_KEY in content and rel.get("event_id") == event_id

    try:
        _, answer = await poh.wait_for(reply_to_her, timeout=45)
    except TimeoutError as exc:
        raise AssertionError(f"no readable answer for the POH-GGZ: {_why_not(poh, room)}") \
            from exc
    scope = answer["content"][REPLY_KEY]
    assert scope["ok"] is True, answer["content"]["body"]
    assert [g["organisation"] for g in scope["data"]["grants"]] == ["huisartsen"]

    # The regie, on the municipal server, reads what the POH-GGZ wrote.
    try:
        _, seen = await regie.wait_for(
            lambda rid, ev: rid == room and ev.get("event_id") == event_id, timeout=30)
    except TimeoutError as exc:
        raise AssertionError(f"the regie cannot read her: {_why_not(regie, room)}") from exc
    assert seen.get("type") == "m.room.message" and seen["content"]["body"] == "!toestemming"
    assert seen["sender"] == poh.user_id

    # Both homeservers hold only ciphertext for the room's messages.
    for person in (regie, poh):
        raw = await server_view(person, room)
        messages = [ev for ev in raw if "state_key" not in ev]
        assert event_id in {ev["event_id"] for ev in messages}
        assert {ev["type"] for ev in messages} == {"m.room.encrypted"}, (
            person.user_id, [ev["type"] for ev in messages])
        text = json.dumps(raw)
        assert "!toestemming" not in text and REPLY_KEY not in text
        said = json.dumps(messages)
        assert "grondslag" not in said and "grants" not in said  # the grant, the answer


async def test_a_new_device_on_the_other_server_reads_the_next_answer(fed_e2e: FedE2E) -> None:
    """The POH-GGZ, already in the room, signs in on a second device on her own server
    (the care provider's) and sends a command from it at once: the bot, on the other
    server, learns of the new device over federation before it answers, and the new
    device decrypts the answer. Her first device still reads it too."""
    password = new_password()
    poh = await fed_e2e.person("huisartsen", "poh-ggz", password=password)
    regie, room = await open_case_with_poh(fed_e2e, poh)
    first = await poh.command(room, "!regie", timeout=45)  # the bot knows her 1st device
    assert first[REPLY_KEY]["ok"] is True, first["body"]

    phone = await fed_e2e.second_device(poh, password)
    assert phone.client.device_id != poh.client.device_id
    assert isinstance(await phone.join(room), nio.JoinResponse)  # already a member
    event_id = await phone.say(room, "!toestemming")

    def reply_to(rid: str, ev: dict[str, Any]) -> bool:
        content = ev.get("content", {})
        rel = content.get("m.relates_to", {}).get("m.in_reply_to", {})
        return rid == room and REPLY_KEY in content and rel.get("event_id") == event_id

    for device in (phone, poh):
        try:
            _, answer = await device.wait_for(reply_to, timeout=45)
        except TimeoutError as exc:
            raise AssertionError(f"{device.client.device_id} cannot read the answer: "
                                 f"{_why_not(device, room)}") from exc
        assert answer["content"][REPLY_KEY]["ok"] is True, answer["content"]["body"]
    # The regie, on the municipal server, reads what the new device wrote.
    try:
        _, seen = await regie.wait_for(
            lambda rid, ev: rid == room and ev.get("event_id") == event_id, timeout=30)
    except TimeoutError as exc:
        raise AssertionError(f"the regie cannot read it: {_why_not(regie, room)}") from exc
    assert seen["content"]["body"] == "!toestemming"


async def test_a_withdrawn_grant_takes_the_other_server_out_of_the_room_key(
    fed_e2e: FedE2E
) -> None:
    """Withdrawing the GP practice's grant removes the POH-GGZ (on the other server):
    the bot's next message in the room is encrypted with a new Megolm session that was
    shared with no device of hers, and the regie still reads it."""
    poh = await fed_e2e.person("huisartsen", "poh-ggz")
    regie, room = await open_case_with_poh(fed_e2e, poh)
    assert (await poh.command(room, "!regie", timeout=45))[REPLY_KEY]["ok"] is True
    bot = fed_e2e.service.runners["casus"].client
    assert bot.olm is not None
    before = bot.olm.outbound_group_sessions[room]
    her_device = (poh.user_id, poh.client.device_id)
    assert her_device in before.users_shared_with  # she had the room key

    withdrawn = await regie.command(room, "!toestemming intrekken huisartsen", timeout=30)
    assert withdrawn[REPLY_KEY]["ok"] is True, withdrawn["body"]
    assert withdrawn[REPLY_KEY]["data"]["removed"] == [poh.user_id]
    after_withdrawal = await regie.command(room, "!regie", timeout=30)
    assert after_withdrawal[REPLY_KEY]["ok"] is True, after_withdrawal["body"]

    now = bot.olm.outbound_group_sessions[room]
    assert now.id != before.id
    assert not any(user == poh.user_id for user, _ in now.users_shared_with), \
        now.users_shared_with
    assert (regie.user_id, regie.client.device_id) in now.users_shared_with


async def test_a_member_of_the_other_server_who_leaves_gets_no_further_room_key(
    fed_e2e: FedE2E
) -> None:
    """The POH-GGZ leaves the case room herself (from the other server): the bot's next
    message there is encrypted with a session shared with no device of hers."""
    poh = await fed_e2e.person("huisartsen", "poh-ggz")
    regie, room = await open_case_with_poh(fed_e2e, poh)
    assert (await poh.command(room, "!regie", timeout=45))[REPLY_KEY]["ok"] is True
    bot = fed_e2e.service.runners["casus"].client
    assert bot.olm is not None
    before = bot.olm.outbound_group_sessions[room]
    assert (poh.user_id, poh.client.device_id) in before.users_shared_with

    assert isinstance(await poh.client.room_leave(room), nio.RoomLeaveResponse)
    await regie.wait_for(lambda rid, ev: rid == room and ev.get("type") == "m.room.member"
                         and ev.get("state_key") == poh.user_id
                         and ev["content"].get("membership") == "leave", timeout=30)
    reply = await regie.command(room, "!regie", timeout=30)
    assert reply[REPLY_KEY]["ok"] is True, reply["body"]

    now = bot.olm.outbound_group_sessions[room]
    assert now.id != before.id
    assert not any(user == poh.user_id for user, _ in now.users_shared_with), \
        now.users_shared_with
