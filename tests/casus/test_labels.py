"""Issue 13 end to end: private labels in the professional's own account data, written
by the gate inside a real Synapse; !mijn-casussen; no silence in the casus bot's
direct chat; !help that teaches."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any

import nio
import pytest
import sqlalchemy as sa

from busbaan.devstack.people import NOTICE_KEY, Person, eventually
from busbaan.labels import LABELS_EVENT
from busbaan.service import Service
from busbaan.store.service_tables import bot_command_table
from tests.casus.conftest import MakePerson

pytestmark = pytest.mark.synapse

REPLY = "nl.busbaan.reply"


def _r(content: dict[str, Any]) -> dict[str, Any]:
    return content[REPLY]


def _until(days: int) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


async def labels_of(person: Person) -> dict[str, Any] | None:
    """The person's own label account data, read with their own token (None: none)."""
    client = person.client
    resp = await client.send(
        "GET", f"/_matrix/client/v3/user/{person.user_id}/account_data/{LABELS_EVENT}",
        headers={"Authorization": f"Bearer {client.access_token}"})
    if resp.status == 404:
        return None
    assert resp.status == 200, resp.status
    body: dict[str, Any] = await resp.json()
    return body


async def label_in(person: Person, room_id: str) -> str | None:
    book = await labels_of(person)
    entry = (book or {}).get("rooms", {}).get(room_id)
    return entry["label"] if entry else None


async def open_case(regie: Person, bot: str, label: str = "") -> tuple[str, str, str,
                                                                      dict[str, Any]]:
    """(dm, case id, room id, reply data) of a case the regie opened and joined."""
    dm = await regie.dm(bot)
    r = _r(await regie.command(dm, f"!casus nieuw {label}".strip()))
    assert r["ok"] is True, r
    room_id = r["data"]["room_id"]
    assert isinstance(await regie.join(room_id), nio.JoinResponse)
    return dm, r["data"]["case_id"], room_id, r["data"]


async def test_the_label_of_a_new_case_lives_only_in_the_regies_account_data(
    service: Service, make_person: MakePerson
) -> None:
    """!casus nieuw <label> keeps the label in the regie's account data only: not in
    the store, not in room state, not in the outbox (audit), not for a colleague, and
    the command's text leaves the bot's inbox once answered."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    colleague = await make_person("buurtteam", "buurtteammedewerker")
    label = "huur en energie ✨ Zuidoost"
    dm, case_id, room, data = await open_case(regie, bot, label)
    assert data["label_saved"] is True and data["label_warnings"] == []
    assert await label_in(regie, room) == label
    assert (await labels_of(regie) or {})["rooms"][room]["case_id"] == case_id
    assert await labels_of(colleague) is None

    casus = service.casus
    row = await asyncio.to_thread(casus.cases.get, case_id)
    assert row is not None and row.label == ""
    await casus.settle()
    state = await regie.client.room_get_state(room)
    assert isinstance(state, nio.RoomGetStateResponse)
    assert "energie" not in json.dumps(state.events)
    outbox = await asyncio.to_thread(casus.service.outbox, case_id)
    assert outbox and "energie" not in json.dumps([r["payload"] for r in outbox])

    def inbox_texts() -> list[Any]:
        t = bot_command_table
        with casus.engine.connect() as conn:
            # by the regie's DM room, not by sender: an answered command no longer names
            # it (outside10); by bot alone, other tests' commands came first
            return list(conn.execute(sa.select(t.c.event, t.c.reply, t.c.status).where(
                t.c.bot == "casus", t.c.room_id == dm).order_by(t.c.seq)))

    async def answered() -> bool:
        rows = await asyncio.to_thread(inbox_texts)
        return bool(rows) and all(r[2] == "replied" for r in rows)

    await eventually(answered)
    rows = await asyncio.to_thread(inbox_texts)
    assert "energie" not in json.dumps([[r[0], r[1]] for r in rows])
    assert rows[0][0]["command"] == "casus nieuw"


async def test_a_label_typed_in_the_case_room_is_stored_privately_and_redacted(
    service: Service, make_person: MakePerson
) -> None:
    """!label in the case room stores the regie's label (a name: kept private, with a
    warning), never repeats it in the room, and the bot redacts the message."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    colleague = await make_person("buurtteam", "buurtteammedewerker")
    _, _, room, _ = await open_case(regie, bot)
    assert _r(await regie.command(room, f"!uitnodigen {colleague.user_id}"))["ok"]
    assert isinstance(await colleague.join(room), nio.JoinResponse)

    event_id = await regie.say(room, "!label mevrouw Jansen, huurschuld")
    _, ev = await regie.wait_for(lambda rid, e: rid == room and REPLY in e.get("content", {})
                                 and e["content"].get("m.relates_to", {}).get(
                                     "m.in_reply_to", {}).get("event_id") == event_id)
    r = _r(ev["content"])
    assert r["ok"] is True and r["data"]["warnings"] == ["name"] and r["data"]["redacted"]
    assert "Jansen" not in ev["content"]["body"] and "Let op" in ev["content"]["body"]
    assert await label_in(regie, room) == "mevrouw Jansen, huurschuld"
    assert await labels_of(colleague) is None

    async def redacted() -> bool:
        got = await colleague.client.room_get_event(room, event_id)
        return isinstance(got, nio.RoomGetEventResponse) and not got.event.source.get(
            "content")

    await eventually(redacted)
    # The colleague's own label for the same case is theirs alone.
    assert _r(await colleague.command(room, "!label mijn kant: budgetcoach"))["ok"]
    assert await label_in(colleague, room) == "mijn kant: budgetcoach"
    assert await label_in(regie, room) == "mevrouw Jansen, huurschuld"
    # Clearing takes it away.
    assert _r(await regie.command(room, "!label wissen"))["data"]["cleared"] is True
    assert await label_in(regie, room) is None


async def test_bad_labels_are_refused_and_unusual_scripts_are_kept(
    service: Service, make_person: MakePerson
) -> None:
    """In the bot's direct chat: a BSN or 10,000 characters store nothing; emoji and
    right-to-left text are kept as typed; another's case or no case is refused."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    stranger = await make_person("buurtteam", "buurtteammedewerker")
    dm, case_id, room, _ = await open_case(regie, bot, "schulden")

    reply = await regie.command(dm, f"!label {case_id} dossier 111222333")
    assert _r(reply)["errcode"] == "BB_PERSONAL_DATA" and "111222333" not in reply["body"]
    reply = await regie.command(dm, f"!label {case_id} " + "x" * 10_000)
    assert _r(reply)["errcode"] == "BB_USAGE" and _r(reply)["data"]["chars"] == 10_000
    assert await label_in(regie, room) == "schulden"

    for text in ("👨‍👩‍👧 gezin 🏠", "ديون وإيجار", "חובות ושכירות"):
        assert _r(await regie.command(dm, f"!label {case_id.lower()} {text}"))["ok"]
        assert await label_in(regie, room) == text

    # A non-member learns nothing about which case ids exist (s3 #9): another's case
    # and a case that does not exist get the same answer, also for "wissen".
    other_dm = await stranger.dm(bot)
    for verb in ("mijn label", "wissen"):
        theirs = await stranger.command(other_dm, f"!label {case_id} {verb}")
        none = await stranger.command(other_dm, f"!label C-ZZZZZZZZ {verb}")
        assert _r(theirs)["ok"] is False and _r(theirs)["errcode"] == "BB_UNKNOWN_CASE"
        assert _r(none)["errcode"] == "BB_UNKNOWN_CASE"
        assert theirs["body"].replace(case_id, "C-ZZZZZZZZ") == none["body"], theirs["body"]
    assert await labels_of(stranger) is None
    r = _r(await regie.command(dm, "!label zonder casus"))
    assert r["errcode"] == "BB_USAGE"
    r = _r(await regie.command(dm, "!label C-ZZZZZZZZ iets"))
    assert r["errcode"] == "BB_UNKNOWN_CASE"


async def test_leaving_the_case_removes_the_label(
    service: Service, make_person: MakePerson
) -> None:
    """A member who leaves the case room loses their label for it; others keep theirs."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    colleague = await make_person("buurtteam", "buurtteammedewerker")
    _, case_id, room, _ = await open_case(regie, bot, "huur")
    assert _r(await regie.command(room, f"!uitnodigen {colleague.user_id}"))["ok"]
    assert isinstance(await colleague.join(room), nio.JoinResponse)
    cdm = await colleague.dm(bot)
    assert _r(await colleague.command(cdm, f"!label {case_id} buurtteam oost"))["ok"]
    assert await label_in(colleague, room) == "buurtteam oost"

    assert isinstance(await colleague.client.room_leave(room), nio.RoomLeaveResponse)

    async def gone() -> bool:
        return await label_in(colleague, room) is None

    await eventually(gone)
    assert await label_in(regie, room) == "huur"


async def test_my_cases_lists_labels_regie_activity_and_links_in_the_direct_chat(
    service: Service, make_person: MakePerson
) -> None:
    """!mijn-casussen lists the professional's open cases with their own labels, the
    regie, last activity and a matrix.to link; a word filters; never in a case room."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    other = await make_person("buurtteam", "buurtteammedewerker")
    dm, first, room1, _ = await open_case(regie, bot, "huur en energie")
    _, second, room2, _ = await open_case(regie, bot, "schulden")
    _, third, room3, _ = await open_case(other, bot, "niet van mij")
    assert _r(await regie.command(room2, "!status"))["ok"]

    r = _r(await regie.command(dm, "!mijn-casussen"))
    assert r["ok"] is True and r["data"]["total"] == 2 and r["data"]["pages"] == 1
    cases = {c["case_id"]: c for c in r["data"]["cases"]}
    assert set(cases) == {first, second}
    assert cases[first]["label"] == "huur en energie" and cases[second]["label"] == "schulden"
    assert cases[first]["regie"] == regie.user_id
    assert cases[first]["link"].startswith(f"https://matrix.to/#/{room1}?via=")
    assert all(c["last_activity"].endswith("UTC") for c in cases.values())

    r = _r(await regie.command(dm, "!mijn-casussen ENERGIE"))
    assert [c["case_id"] for c in r["data"]["cases"]] == [first]
    content = await regie.command(dm, "!my-cases nothing-matches")
    assert _r(content)["data"]["cases"] == [] and "No open cases" in content["body"]
    r = _r(await regie.command(room1, "!mijn-casussen"))
    assert r["ok"] is False and r["errcode"] == "BB_NOT_DIRECT"
    del third, room2, room3


async def test_every_message_in_the_direct_chat_gets_an_answer(
    service: Service, make_person: MakePerson
) -> None:
    """Free text and unknown commands in a direct chat get a pointer (Dutch, or English
    when the message looks English), also in a direct chat the person named; free
    text in a case room gets none."""
    bot = service.runners["casus"].user_id
    person = await make_person("buurtteam", "buurtteammedewerker")
    created = await person.client.room_create(name="Vragen aan de bot", invite=[bot])
    assert isinstance(created, nio.RoomCreateResponse)
    named = created.room_id
    await person.wait_for(lambda rid, e: rid == named and e.get("type") == "m.room.member"
                          and e.get("state_key") == bot
                          and e["content"].get("membership") == "join")

    async def pointer_to(room_id: str, text: str) -> dict[str, Any]:
        event_id = await person.say(room_id, text)
        _, ev = await person.wait_for(
            lambda rid, e: rid == room_id
            and e.get("content", {}).get(NOTICE_KEY, {}).get("kind") == "casus.pointer"
            and e["content"].get("m.relates_to", {}).get("m.in_reply_to", {}).get(
                "event_id") == event_id)
        content: dict[str, Any] = ev["content"]
        return content

    dm = await person.dm(bot)
    nl = await pointer_to(dm, "hallo, wat kan je?")
    assert "Ik ben de casus-bot" in nl["body"] and "!help" in nl["body"]
    en = await pointer_to(dm, "hello, what can you do?")
    assert en[NOTICE_KEY]["lang"] == "en" and "!help" in en["body"]
    assert "casus-bot" in (await pointer_to(named, "is hier iemand?"))["body"]
    unknown = await pointer_to(dm, "!foo")
    assert "Dat commando ken ik niet" in unknown["body"]

    # A case room: quiet on purpose (the reply to a later command comes first and only).
    _, _, room, _ = await open_case(person, bot)
    chat = await person.say(room, "hallo allemaal")
    assert _r(await person.command(room, "!regie"))["ok"]
    assert not [e for rid, e in person.events if rid == room
                and e.get("content", {}).get("m.relates_to", {}).get(
                    "m.in_reply_to", {}).get("event_id") == chat]


async def test_help_teaches_with_examples_and_the_policy(
    service: Service, make_person: MakePerson
) -> None:
    """!help gives every command an example; !help toestemming lists the policy's
    organisations, categories, legal bases and templates, and in a case room the
    lawful combinations for the case's organisations."""
    bot = service.runners["casus"].user_id
    policy = service.casus.policy
    regie = await make_person("buurtteam", "buurtteammedewerker")
    dm, _, room, _ = await open_case(regie, bot)
    content = await regie.command(dm, "!help")
    r = _r(content)
    for name in ("casus nieuw", "toestemming geef", "label", "mijn-casussen", "overdracht"):
        assert name in r["data"]["commands"] and name in r["data"]["examples"]
    assert "Bijvoorbeeld: !casus nieuw schulden en huur" in content["body"]

    assert _r(await regie.command(
        room, f"!toestemming geef schuldhulp contact,schulden grondslag=wgs "
              f"tot={_until(30)}"))["ok"]
    content = await regie.command(room, "!help toestemming")
    r = _r(content)["data"]
    assert r["organisations"] == [o.id for o in policy.organisations]
    assert r["templates"] == [t.id for t in policy.templates]
    assert r["legal_bases"] == [b.id for b in policy.legal_bases]
    assert set(r["combinations"]) == {"buurtteam", "schuldhulp"}
    wgs = [c for c in r["combinations"]["schuldhulp"] if c["legal_bases"] == ["wgs"]]
    assert len(wgs) == 1 and {"contact", "schulden"} <= set(wgs[0]["categories"])
    assert "gezondheid" not in wgs[0]["categories"]
    assert "schulden-en-inkomen" in content["body"]
    assert "Wettig voor schuldhulp" in content["body"]

    content = await regie.command(dm, "!help consent")
    r = _r(content)["data"]
    assert r["combinations"] == {} and "Legal bases:" in content["body"]
    r = _r(await regie.command(dm, "!help toestemming humanitas"))["data"]
    assert set(r["combinations"]) == {"humanitas"}


async def test_two_hundred_cases_are_all_listed_with_their_labels_over_pages(
    service: Service, make_person: MakePerson
) -> None:
    """A professional with 200 cases finds every one in !mijn-casussen, with their own
    label, over pages that each fit in one Matrix event (the homeserver accepts every
    page); a word from a label finds the case on the first page."""
    from busbaan.devstack.seed import seed_cases

    bot = service.runners["casus"].user_id
    casus = service.casus
    regie = await make_person("schuldhulp", "schuldhulpverlener")
    seeded = await asyncio.to_thread(
        seed_cases, casus.service, casus.directory, bot_user_id=bot, regie=regie.user_id,
        organisation="schuldhulp", n=200)
    # Their labels, as their own client would write them (80 characters each, non-ASCII).
    book = {"v": 1, "rooms": {room: {"case_id": case_id,
                                     "label": f"dossier {i:03d} ✓ " + "é" * 66}
                              for i, (case_id, room) in enumerate(seeded)}}
    resp = await regie.client.send(
        "PUT", f"/_matrix/client/v3/user/{regie.user_id}/account_data/{LABELS_EVENT}",
        json.dumps(book), headers={"Authorization": f"Bearer {regie.client.access_token}"})
    assert resp.status == 200
    dm = await regie.dm(bot)

    listed: dict[str, str] = {}
    page, pages = 1, None
    while pages is None or page <= pages:
        r = _r(await regie.command(dm, f"!mijn-casussen {page}"))
        assert r["ok"] is True and r["data"]["total"] == 200
        pages = r["data"]["pages"]
        for c in r["data"]["cases"]:
            assert c["case_id"] not in listed
            listed[c["case_id"]] = c["label"]
        page += 1
    assert 2 <= pages <= 30
    assert listed == {case_id: book["rooms"][room]["label"] for case_id, room in seeded}

    r = _r(await regie.command(dm, "!mijn-casussen dossier 137"))
    assert [c["case_id"] for c in r["data"]["cases"]] == [seeded[137][0]]
