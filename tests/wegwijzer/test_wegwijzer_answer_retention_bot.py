"""An answer past the retention limit, through a real Synapse (session 10, privacy12):
the bot's own sweep (on its lane clock) forgets where the answer was given; ``!goed`` as
a reply to it, ``!good`` about "your last answer" and a 1️⃣ reaction on it each get one
plain sentence (Dutch by default, English for the English command), never a newer
answer rated in its place and never a traceback.

The service is the session's (tests/wegwijzer/conftest.py); only this test's answer is
made old (its ``created_at`` moved back), so other tests' answers are untouched."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import nio
import sqlalchemy as sa

from bots.wegwijzer.bot import answer_forgotten
from busbaan.devstack.people import NOTICE_KEY, REPLY_KEY
from busbaan.service import Service
from busbaan.store import make_engine
from busbaan.store.wegwijzer_repo import AnswerRepository, FeedbackRepository
from busbaan.wegwijzer import MATRIX_ID_DAYS
from tests.wegwijzer.conftest import ROUTE_KEY, MakePerson, ask_dm, in_reply_to

QUESTION = "cliënt, 41, Noord, zit met schulden en kan de huur niet betalen"


async def test_an_answer_past_the_limit_says_so_on_reply_last_answer_and_reaction(
        make_person: MakePerson, bot_id: str, busbaan_db_url: str,
        wegwijzer_service: Service) -> None:
    asker = await make_person()
    dm = await asker.dm(bot_id)
    answer_event, content = await ask_dm(asker, dm, QUESTION)
    answer_id = content[ROUTE_KEY]["answer_id"]
    engine = make_engine(busbaan_db_url)
    answers = AnswerRepository(engine)
    try:
        for _ in range(100):  # the record is written after the answer is sent
            if answers.by_event(answer_event) is not None:
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("answer not stored")
        with engine.begin() as conn:  # as if given MATRIX_ID_DAYS and an hour ago
            conn.execute(sa.text("UPDATE route_answer SET created_at = :t WHERE answer_id = :a"),
                         {"a": answer_id,
                          "t": (wegwijzer_service.wegwijzer.clock.now()
                                - dt.timedelta(days=MATRIX_ID_DAYS, hours=1)
                                ).astimezone(dt.UTC).replace(tzinfo=None)})
        for _ in range(100):  # the bot's sweep runs on its lane clock (0.3 s here)
            stored = answers.get(answer_id)
            if stored is not None and stored.forgotten:
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("the bot's sweep did not forget the answer's ids")
        assert stored.results and answers.by_event(answer_event) is None
        with engine.connect() as conn:
            row = conn.execute(sa.text(
                "SELECT room_id, event_id, question_event_id FROM route_answer "
                "WHERE answer_id = :a"), {"a": answer_id}).one()
        assert dm not in row and answer_event not in row
        assert not any(str(v).startswith(("!", "$")) for v in row)

        # "your last answer" (no reply), in English: the other sentence
        last = await asker.command(dm, "!good")
        assert last[REPLY_KEY]["errcode"] == "BB_NO_ANSWER"
        assert last["body"].endswith(answer_forgotten(replied=False).message("en"))

        # a newer answer in the same chat; a reply to the old one must not rate it, but
        # say why the old one cannot be rated, in one sentence (Dutch)
        newer_event, _ = await ask_dm(asker, dm, QUESTION)
        resp = await asker.client.room_send(dm, "m.room.message", {
            "msgtype": "m.text", "body": "!goed",
            "m.relates_to": {"m.in_reply_to": {"event_id": answer_event}}})
        assert isinstance(resp, nio.RoomSendResponse), resp

        def reply_to(event_id: str) -> Any:
            return lambda rid, ev: (rid == dm and REPLY_KEY in ev.get("content", {})
                                    and in_reply_to(ev["content"]) == event_id)
        _, refused = await asker.wait_for(reply_to(resp.event_id))
        assert refused["content"][REPLY_KEY]["errcode"] == "BB_NO_ANSWER"
        assert refused["content"]["body"].endswith(
            answer_forgotten(replied=True).message("nl"))
        assert f"ouder dan {MATRIX_ID_DAYS} dagen" in refused["content"]["body"]
        assert "Traceback" not in refused["content"]["body"]
        newer = answers.by_event(newer_event)
        assert newer is not None and newer.answer_id != answer_id
        assert FeedbackRepository(engine).for_answer(newer.answer_id) == []  # not rated

        # a 1️⃣ reaction on it: refused in the same words, as a reply to the answer
        reacted = await asker.client.room_send(dm, "m.reaction", {"m.relates_to": {
            "rel_type": "m.annotation", "event_id": answer_event, "key": "1️⃣"}})
        assert isinstance(reacted, nio.RoomSendResponse), reacted
        _, notice = await asker.wait_for(
            lambda rid, ev: rid == dm
            and ev.get("content", {}).get(NOTICE_KEY, {}).get("kind") == "lane.refused")
        assert in_reply_to(notice["content"]) == answer_event
        assert notice["content"][NOTICE_KEY]["reason"] == "expired"
        assert answer_forgotten(replied=True).message("nl") in notice["content"]["body"]
    finally:
        engine.dispose()
