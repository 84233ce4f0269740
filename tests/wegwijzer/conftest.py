"""Fixtures for wegwijzer tests: the busbaan service with the wegwijzer bot on the
session's test homeserver (demo map, shared store), people who chat with it, and team
intake rooms created on demand.

The homeserver is one per session, so intake room aliases (``#intake-<service>:localhost``
from the demo map) are too: each test uses its own services, and a test that needs
an intake room asks ``intake(service_id, members)`` for it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import nio
import pytest
from sqlalchemy.engine import Engine

from bots.wegwijzer.intake import ensure_intake_room
from busbaan.clock import OffsetClock
from busbaan.devstack import Homeserver, new_password
from busbaan.devstack.people import NOTICE_KEY, REPLY_KEY, Person
from busbaan.matrix.runner import BotAccount
from busbaan.routing import demo_map_path
from busbaan.service import Service, ServiceConfig
from busbaan.store import make_engine

ROOT = Path(__file__).resolve().parents[2]
ROUTE_KEY = "nl.busbaan.route"

MakePerson = Callable[[], Awaitable[Person]]
Intake = Callable[[str, list[Person]], Awaitable[str]]


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """The wegwijzer's store on SQLite or PostgreSQL (``db_url``, tests/conftest.py)."""
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def key_file(path: Path) -> Path:
    """A new pseudonym key file at ``path``: 32 random bytes in hex, mode 0600."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secrets.token_hex(32) + "\n")
    return path


@pytest.fixture(scope="session")
def lane_clock() -> OffsetClock:
    """The wegwijzer service's clock: real time plus an offset tests move forward."""
    return OffsetClock()


@pytest.fixture(scope="session")
async def wegwijzer_service(homeserver: Homeserver, busbaan_db_url: str,
                            lane_clock: OffsetClock,
                            tmp_path_factory: pytest.TempPathFactory
                            ) -> AsyncIterator[Service]:
    """The busbaan service with only the wegwijzer bot, on the demo map; lanes are
    checked for reminders every 0.3 s."""
    password = new_password()
    creds = await homeserver.register("wegwijzer", password, lift_ratelimit=True)
    config = ServiceConfig(
        encryption=False,  # plain nio clients here; ON by default (issue 11)
        homeserver=homeserver.url,
        audit_key_init=True,  # tests create the signing key explicitly (issue 9)
        pseudonym_key_init=True,  # and the pseudonym key (session 8)
        bots={"wegwijzer": BotAccount("wegwijzer", homeserver.url, creds.user_id,
                                      password=password)},
        policy_dir=ROOT / "policies",
        database_url=busbaan_db_url,
        state_dir=tmp_path_factory.mktemp("wegwijzer-state"),
        web_port=0,
        socialmap=demo_map_path(),
        lane_check_seconds=0.3,
    )
    svc = Service(config, clock=lane_clock)
    await svc.start()
    try:
        yield svc
    finally:
        await svc.stop()


@pytest.fixture
def bot_id(wegwijzer_service: Service) -> str:
    """The wegwijzer bot's user id."""
    return str(wegwijzer_service.wegwijzer.user_id)


@pytest.fixture
async def make_person(homeserver: Homeserver,
                      wegwijzer_service: Service) -> AsyncIterator[MakePerson]:
    """``await make_person()`` → a new, syncing professional (stopped after the test)."""
    people: list[Person] = []

    async def make() -> Person:
        creds = await homeserver.register(f"w-{secrets.token_hex(4)}", new_password())
        client = nio.AsyncClient(homeserver.url, creds.user_id,
                                 config=nio.AsyncClientConfig(encryption_enabled=False,
                                                              store_sync_tokens=False))
        client.access_token = creds.access_token or ""
        client.user_id = creds.user_id
        person = Person(creds.user_id, client)
        await person.start()
        people.append(person)
        return person

    yield make
    for p in people:
        await p.stop()
        await p.client.close()


@pytest.fixture
def intake(wegwijzer_service: Service) -> Intake:
    """``await intake("bt-noord", [member])`` → the room id of that service's intake
    room (alias from the demo map), created by the bot with ``member`` joined."""
    bot = wegwijzer_service.wegwijzer

    async def make(service_id: str, members: list[Person]) -> str:
        service = bot.social_map.service(service_id)
        assert service is not None and service.matrix_room
        room_id = await ensure_intake_room(bot.client, service.matrix_room,
                                           name=f"Intake · {service.name}", topic="test",
                                           invite=[m.user_id for m in members])
        for member in members:
            joined = await member.join(room_id)
            assert isinstance(joined, nio.JoinResponse), joined
        return room_id

    return make


def in_reply_to(content: dict[str, Any]) -> str | None:
    return content.get("m.relates_to", {}).get("m.in_reply_to", {}).get("event_id")


async def ask_dm(person: Person, room_id: str, text: str,
                 timeout: float = 15.0) -> tuple[str, dict[str, Any]]:
    """Send ``text`` in a direct chat; (answer event id, answer content)."""
    event_id = await person.say(room_id, text)

    def is_answer(rid: str, ev: dict[str, Any]) -> bool:
        content = ev.get("content", {})
        return rid == room_id and NOTICE_KEY in content and in_reply_to(content) == event_id

    _, ev = await person.wait_for(is_answer, timeout)
    return ev["event_id"], ev["content"]


async def command_event(person: Person, room_id: str, text: str,
                        timeout: float = 15.0) -> tuple[str, dict[str, Any]]:
    """Like ``Person.command`` but also gives the reply's event id."""
    event_id = await person.say(room_id, text)

    def is_reply(rid: str, ev: dict[str, Any]) -> bool:
        content = ev.get("content", {})
        return rid == room_id and REPLY_KEY in content and in_reply_to(content) == event_id

    _, ev = await person.wait_for(is_reply, timeout)
    return ev["event_id"], ev["content"]


async def group_room(owner: Person, bot_id: str, *others: Person) -> str:
    """A named room (not a direct chat) with ``owner``, the bot and ``others``."""
    resp = await owner.client.room_create(name=f"Overleg {secrets.token_hex(3)}",
                                          invite=[bot_id, *(o.user_id for o in others)])
    assert isinstance(resp, nio.RoomCreateResponse), resp
    for other in others:
        joined = await other.join(resp.room_id)
        assert isinstance(joined, nio.JoinResponse), joined

    def bot_joined(rid: str, ev: dict[str, Any]) -> bool:
        return (rid == resp.room_id and ev.get("type") == "m.room.member"
                and ev.get("state_key") == bot_id
                and ev.get("content", {}).get("membership") == "join")

    await owner.wait_for(bot_joined)
    return str(resp.room_id)
