"""lanes8 (outside8 finding 2): an answer offers `!baan <n>` only where a lane opens, and
shows the service's phone or e-mail (the safety desk's public number) elsewhere. Pure:
the renderer, and the reachability cache against a stand-in client (the bot test
through Synapse is in test_wegwijzer_lanes8_bot.py)."""

from __future__ import annotations

from typing import Any

import nio
import pytest

from bots.wegwijzer.intake import (
    INTAKE_EMPTY,
    INTAKE_UNREACHABLE,
    NO_INTAKE_ROOM,
    IntakeReach,
)
from bots.wegwijzer.render import answer_texts, no_lane_contact
from busbaan.routing import Router

VT_ALIAS = "#intake-veilig-thuis:localhost"


@pytest.fixture(scope="module")
def router(demo_router: Router) -> Router:
    return demo_router


def _vt_answer(router: Router) -> Any:
    answer = router.route("op school zie ik steeds blauwe plekken op de armen van een "
                          "jongen van 8, hij wil er niet over praten", limit=3)
    assert answer.results[0].service_id == "veilig-thuis"
    return answer


def test_a_closed_lane_shows_the_safety_number_not_the_room_or_baan(router: Router) -> None:
    """Veilig Thuis first with the ⚠ line naming 0800-2000; its intake room cannot be
    reached: the contact line says 'bel 0800-2000', and `!baan 1` is not offered."""
    answer = _vt_answer(router)
    vt = router.map.service("veilig-thuis")
    assert vt is not None
    closed = {"veilig-thuis": no_lane_contact(vt, INTAKE_UNREACHABLE, "nl")}
    body, html = answer_texts(answer, "nl", no_lane=closed)
    first = body.split("\n2. ")[0]
    assert "0800-2000" in body.splitlines()[0]  # the ⚠ line
    assert "Contact: bel 0800-2000" in first and "intakekamer #intake-veilig-thuis" not in first
    assert "geen baan mogelijk" in first
    assert "!baan 1" not in body and "!baan <nummer>" not in body
    assert "!baan 2 of !baan 3" in body and "2️⃣ 3️⃣" in body
    assert "bel 0800-2000" in html
    # all three closed: no lane offered at all, feedback still is
    services = {r.service_id: router.map.service(r.service_id) for r in answer.results}
    every = {sid: no_lane_contact(s, INTAKE_EMPTY, "en") for sid, s in services.items()}
    body_en, _ = answer_texts(answer, "en", no_lane=every)
    assert "!lane" not in body_en and "call or e-mail them" in body_en
    assert "nobody of the team is in the intake room yet" in body_en and "!good" in body_en


def test_open_lanes_read_as_before(router: Router) -> None:
    """Without closed lanes the text is what it was (all three numbers offered)."""
    body, _ = answer_texts(_vt_answer(router), "nl")
    assert "!baan <nummer> (1–3)" in body and "intakekamer #intake-veilig-thuis" in body


def test_an_unsure_answer_names_the_desks_number_when_it_takes_no_lane(
        router: Router) -> None:
    """No desk takes a lane: the answer names the desk and how to reach it."""
    answer = router.route("iets met papieren of zo", limit=3)
    assert not answer.confident and answer.results
    body, _ = answer_texts(answer, "nl", "Sociaal Loket", desk_contact="bel 14 020")
    assert "!baan mens" not in body and "Neem contact op met Sociaal Loket: bel 14 020" in body


class _Client:
    """What IntakeReach asks of nio: resolve, join, room state; counted."""

    def __init__(self, rooms: dict[str, str], members: dict[str, list[str]],
                 joinable: set[str]) -> None:
        self.aliases = rooms
        self.members = members
        self.joinable = joinable
        self.rooms: dict[str, Any] = {}
        self.calls: list[str] = []

    async def room_resolve_alias(self, alias: str) -> Any:
        self.calls.append(f"resolve {alias}")
        if alias in self.aliases:
            return nio.RoomResolveAliasResponse(alias, self.aliases[alias], [])
        return nio.RoomResolveAliasError("not found")

    async def join(self, room_id: str) -> Any:
        self.calls.append(f"join {room_id}")
        if room_id in self.joinable:
            self.rooms[room_id] = object()
            return nio.JoinResponse(room_id)
        return nio.JoinError("forbidden", "M_FORBIDDEN")

    async def room_get_state(self, room_id: str) -> Any:
        self.calls.append(f"state {room_id}")
        events = [{"type": "m.room.member", "state_key": m,
                   "content": {"membership": "join"}} for m in self.members[room_id]]
        return nio.RoomGetStateResponse(events, room_id)


class _Service:
    def __init__(self, sid: str, room: str | None) -> None:
        self.id, self.matrix_room = sid, room


async def test_reach_learns_once_and_forgets_on_a_membership_change() -> None:
    bot = "@wegwijzer:localhost"
    client = _Client({VT_ALIAS: "!vt", "#intake-okt:localhost": "!okt",
                      "#intake-closed:localhost": "!closed"},
                     {"!vt": [bot, "@quinten:localhost", "@rosa:localhost"],
                      "!okt": [bot, "@sanne:localhost"]},
                     joinable={"!vt", "!okt"})
    now = [0.0]
    reach = IntakeReach(lambda: client, lambda: bot,  # type: ignore[arg-type,return-value]
                        clock=lambda: now[0])
    services = [_Service("veilig-thuis", VT_ALIAS), _Service("okt", "#intake-okt:localhost"),
                _Service("leerplicht", "#intake-leerplicht:localhost"),
                _Service("kledingruil", None), _Service("closed", "#intake-closed:localhost")]
    blocked = await reach.blocks(services, "@sanne:localhost")
    assert blocked == {"okt": INTAKE_EMPTY,  # the asker is its only member
                       "leerplicht": INTAKE_UNREACHABLE, "kledingruil": NO_INTAKE_ROOM,
                       "closed": INTAKE_UNREACHABLE}
    assert await reach.blocks(services[:2], "@anouk:localhost") == {}
    # kept: a second answer asks nothing (not the alias that did not resolve until
    # `absent` passes, nor the room it could not join until `retry` passes; aliascache)
    client.calls.clear()
    await reach.blocks(services, "@anouk:localhost")
    assert client.calls == []
    # a membership event in the OKT room: read again
    client.members["!okt"] = [bot]
    await reach.on_member(nio.MatrixRoom("!okt", bot), None)  # type: ignore[arg-type]
    assert (await reach.blocks(services[1:2], "@anouk:localhost")) == {"okt": INTAKE_EMPTY}
    now[0] += reach.retry + 1
    client.joinable.add("!closed")
    client.members["!closed"] = [bot, "@cor:localhost"]
    assert "closed" not in await reach.blocks(services[4:], "@anouk:localhost")


async def test_reach_counts_an_error_as_open() -> None:
    """A server error is no reason to hide a lane: `!baan` then says what is wrong."""
    class Broken(_Client):
        async def room_resolve_alias(self, alias: str) -> Any:
            raise OSError("connection refused")

    client = Broken({}, {}, set())
    reach = IntakeReach(lambda: client, lambda: "@w:localhost")  # type: ignore[arg-type,return-value]
    assert await reach.blocks([_Service("veilig-thuis", VT_ALIAS)], "@a:localhost") == {}


async def test_a_miss_is_kept_briefly_and_dropped_when_the_room_shows_up() -> None:
    """aliascache: an alias that does not resolve is asked again only after `absent`
    seconds, or at once when the bot sees a membership event in a room with that alias;
    at most `limit` rooms are kept."""
    bot = "@wegwijzer:localhost"
    client = _Client({}, {}, joinable=set())
    now = [0.0]
    reach = IntakeReach(lambda: client, lambda: bot,  # type: ignore[arg-type,return-value]
                        clock=lambda: now[0], absent=30.0, limit=2)
    leerplicht = _Service("leerplicht", "#intake-leerplicht:localhost")
    assert await reach.blocks([leerplicht], "@a:localhost") == {"leerplicht": INTAKE_UNREACHABLE}
    now[0] += 29
    await reach.blocks([leerplicht], "@a:localhost")
    assert client.calls == ["resolve #intake-leerplicht:localhost"]
    now[0] += 2
    await reach.blocks([leerplicht], "@a:localhost")
    assert len(client.calls) == 2
    # the room is made and the bot sees a member event in it: asked again at once
    client.aliases["#intake-leerplicht:localhost"] = "!lp"
    client.joinable.add("!lp")
    client.members["!lp"] = [bot, "@lotte:localhost"]
    room = nio.MatrixRoom("!lp", bot)
    room.canonical_alias = "#intake-leerplicht:localhost"
    await reach.on_member(room, None)  # type: ignore[arg-type]
    assert await reach.blocks([leerplicht], "@a:localhost") == {}
    # bounded: a third room pushes out the oldest learned
    for name in ("a", "b"):
        await reach.blocks([_Service(name, f"#intake-{name}:localhost")], "@a:localhost")
    client.calls.clear()
    await reach.blocks([leerplicht], "@a:localhost")
    assert client.calls[:1] == ["resolve #intake-leerplicht:localhost"]
