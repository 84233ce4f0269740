"""Session 20 (botlane; outside23 finding 7), against the real Synapse harness: after a
question the wegwijzer cannot read (another script, emoji only, a language other than
Dutch and English), `!baan mens` opens a lane to the human triage desk — the stadsdeel's
buurtteam when the question named one in letters the bot reads, else the general desk, as
the map defines them — without the question: nothing of its text goes into the lane or
the store.

Before, `!baan mens` after such a refusal answered BB_NO_ANSWER: a professional who
pasted a citizen's message in Arabic got the 112 line but no way to a person.
"""

from __future__ import annotations

from typing import Any

import nio
import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from bots.wegwijzer.bot import UNREAD_QUESTION
from busbaan.devstack.people import NOTICE_KEY, REPLY_KEY, Person
from busbaan.service import Service
from busbaan.store import make_engine
from busbaan.store.wegwijzer_repo import AnswerRepository, LaneRepository
from tests.wegwijzer.conftest import ROUTE_KEY, Intake, MakePerson, ask_dm

ARABIC = "جاري يضرب زوجته كل ليلة وأسمع صراخ الأطفال"
ARABIC_WORDS = ("يضرب", "زوجته", "صراخ")
# Turkish, naming the stadsdeel in Latin letters ("in Zuidoost"; lower case: "Komşum
# Zuidoost'ta" reads as a name and is refused as personal data)
TURKISH_ZUIDOOST = ("komşum zuidoost'ta yalnız yaşıyor, oğlu her ay onun emekli maaşını "
                    "alıyor ve kadın yemek alamıyor.")
TURKISH_WORDS = ("Komşum", "maaşını", "alamıyor")


def _notice(room_id: str, kind: str) -> Any:
    def match(rid: str, ev: dict[str, Any]) -> bool:
        return rid == room_id and ev.get("content", {}).get(NOTICE_KEY, {}).get("kind") == kind
    return match


async def _join_lane(person: Person, lane_room: str) -> None:
    await person.wait_for(lambda rid, ev: rid == lane_room
                          and ev.get("type") == "busbaan.test.invite")
    joined = await person.join(lane_room)
    assert isinstance(joined, nio.JoinResponse), joined


def _stored_text(engine: Engine) -> str:
    """Every row of every table of the wegwijzer's store, as text."""
    rows: list[str] = []
    with engine.connect() as conn:
        for table in inspect(engine).get_table_names():
            rows.extend(str(tuple(r)) for r in conn.execute(text(f'SELECT * FROM "{table}"')))
    return "\n".join(rows)


async def test_a_person_after_an_unreadable_question_gets_the_general_desk_without_it(
        make_person: MakePerson, bot_id: str, intake: Intake,
        busbaan_db_url: str) -> None:
    engine = make_engine(busbaan_db_url)
    asker, member = await make_person(), await make_person()
    await intake("triage-algemeen", [member])
    dm = await asker.dm(bot_id)
    _, refused = await ask_dm(asker, dm, ARABIC)
    assert refused[NOTICE_KEY]["errcode"] == "BB_NO_WORDS" and ROUTE_KEY not in refused
    lines = refused["body"].splitlines()
    assert lines[-1] == "Is er direct gevaar? Bel 112."
    assert "!baan mens" in lines[-2] and "Sociaal Loket" in lines[-2], refused["body"]
    assert refused[NOTICE_KEY]["human_desk"] == "triage-algemeen"

    reply = await asker.command(dm, "!baan mens")
    assert reply[REPLY_KEY]["ok"] is True, reply["body"]
    data = reply[REPLY_KEY]["data"]
    assert data["service_id"] == "triage-algemeen" and data["triage"] is True
    assert data["carried"] is False and data["existing"] is False and data["invited"] == 1
    assert "niet lezen" in reply["body"] and "niet bewaard" in reply["body"]
    lane_room = data["room_id"]

    # the lane's first message says a question could not be read, and holds none of it
    await _join_lane(member, lane_room)
    _, first = await member.wait_for(_notice(lane_room, "lane.question"))
    body = first["content"]["body"]
    assert "niet kon lezen" in body and asker.user_id in body
    assert not any(word in body for word in ARABIC_WORDS)
    assert first["content"][NOTICE_KEY]["carried"] is False
    assert first["content"][NOTICE_KEY]["unread"] is True

    # once: asked again, the same lane
    again = await asker.command(dm, "!baan mens")
    assert again[REPLY_KEY]["data"]["existing"] is True
    assert again[REPLY_KEY]["data"]["room_id"] == lane_room
    # still no answer to rate (the question was not answered)
    good = await asker.command(dm, "!goed")
    assert good[REPLY_KEY]["errcode"] == "BB_NO_ANSWER", good["body"]

    # the store: the lane hangs on an answer without results or a hash of the text
    lane = LaneRepository(engine).by_room(lane_room)
    assert lane is not None and lane.service_id == "triage-algemeen"
    answer = AnswerRepository(engine).get(lane.answer_id)
    assert answer is not None and answer.results == ()
    assert answer.question_sha256 == UNREAD_QUESTION
    assert answer.question_event_id != refused["m.relates_to"]["m.in_reply_to"]["event_id"]
    stored = _stored_text(engine)
    assert not any(word in stored for word in ARABIC_WORDS)

    # a question the bot reads afterwards is answered as ever; `!baan mens` is about it
    _, answered = await ask_dm(asker, dm, "iets met papieren of zo")
    assert answered[NOTICE_KEY]["kind"] == "route.answer"
    after = await asker.command(dm, "!baan mens")
    assert after[REPLY_KEY]["ok"] is True, after["body"]
    assert after[REPLY_KEY]["data"]["carried"] is True
    assert after[REPLY_KEY]["data"]["room_id"] != lane_room


@pytest.mark.parametrize(("question", "errcode", "words"), [
    (TURKISH_ZUIDOOST, "BB_LANGUAGE", TURKISH_WORDS),
    # emoji with the context word (Arabic with it: tests/wegwijzer/test_restart21.py;
    # it was refused as "a name" until session 21, docs/notes/2026-12-19s21-restart.md)
    ("😢🙏🏽🆘 stadsdeel=Zuidoost", "BB_NO_WORDS", ("😢🙏🏽🆘",))])
async def test_the_stadsdeel_named_chooses_its_buurtteam(
        make_person: MakePerson, bot_id: str, intake: Intake, busbaan_db_url: str,
        question: str, errcode: str, words: tuple[str, ...]) -> None:
    """A question naming Zuidoost in Latin letters, or emoji with the context word
    ``stadsdeel=Zuidoost``: the buurtteam Zuidoost's desk (its intake), not the general
    one; the text is not kept."""
    engine = make_engine(busbaan_db_url)
    asker, member = await make_person(), await make_person()
    await intake("bt-zuidoost", [member])
    dm = await asker.dm(bot_id)
    _, refused = await ask_dm(asker, dm, question)
    assert refused[NOTICE_KEY]["errcode"] == errcode, refused["body"]
    assert "Buurtteam Zuidoost" in refused["body"].splitlines()[-2], refused["body"]
    reply = await asker.command(dm, "!baan mens")
    assert reply[REPLY_KEY]["ok"] is True, reply["body"]
    assert reply[REPLY_KEY]["data"]["service_id"] == "bt-zuidoost"
    assert reply[REPLY_KEY]["data"]["carried"] is False
    assert not any(word in _stored_text(engine) for word in words)


async def test_only_an_unreadable_refusal_opens_a_way_without_the_question(
        make_person: MakePerson, bot_id: str) -> None:
    """Personal data keeps its own way (a case room); an empty `!wie` is no question;
    `!wie` in Arabic in a group room: the refusal names `!baan mens` too."""
    asker = await make_person()
    dm = await asker.dm(bot_id)
    _, refused = await ask_dm(asker, dm, "Jan de Vries 111222333 heeft schulden")
    assert refused[NOTICE_KEY]["errcode"] == "BB_PERSONAL_DATA"
    assert "!baan mens" not in refused["body"]
    lane = await asker.command(dm, "!baan mens")
    assert lane[REPLY_KEY]["errcode"] == "BB_NO_ANSWER", lane["body"]
    assert "111222333" not in lane["body"]
    # English alias: the refusal and the way in English
    who = await asker.command(dm, f"!who {ARABIC}")
    assert who[REPLY_KEY]["errcode"] == "BB_NO_WORDS"
    assert "!lane human" in who["body"] and "Call 112." in who["body"], who["body"]


async def test_when_no_desk_takes_a_lane_the_refusal_says_how_to_reach_it(
        make_person: MakePerson, bot_id: str, wegwijzer_service: Service,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """As an unsure answer does (lanes8): no intake room of a desk can take a lane now,
    so the line names the desk and its phone or e-mail instead of `!baan mens`."""
    bot = wegwijzer_service.wegwijzer

    async def closed(services: Any, asker: str) -> dict[str, str]:
        return {s.id: "BB_INTAKE_EMPTY" for s in services}

    monkeypatch.setattr(bot.lanes.reach, "blocks", closed)
    asker = await make_person()
    dm = await asker.dm(bot_id)
    _, refused = await ask_dm(asker, dm, ARABIC)
    lines = refused["body"].splitlines()
    assert lines[-2].startswith("Liever een mens laten meekijken? Neem contact op met "
                                "Sociaal Loket"), refused["body"]
    assert "!baan mens" not in refused["body"]
    assert lines[-1] == "Is er direct gevaar? Bel 112."
