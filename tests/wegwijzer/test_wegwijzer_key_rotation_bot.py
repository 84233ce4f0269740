"""The wegwijzer left running through ``busbaan keys rotate`` (session 9, privacy11),
through a real Synapse: it reads its key file again and goes on under the new key;
answers from before the rotation say why they cannot be rated; a key that is not the
current one writes nothing.

The service is the session's (tests/wegwijzer/conftest.py): the test leaves it under
the new key, as a rotation would, so later tests see an ordinary bot."""

from __future__ import annotations

import asyncio
from typing import Any

import nio
from click.testing import CliRunner

from busbaan.cli import main
from busbaan.clock import OffsetClock
from busbaan.devstack.people import NOTICE_KEY, REPLY_KEY
from busbaan.keyfile import load_pseudonyms
from busbaan.service import Service
from busbaan.store import make_engine
from busbaan.store.pseudonym_key import STALE_KEY, record_key
from busbaan.store.wegwijzer_repo import AnswerRepository
from tests.wegwijzer.conftest import MakePerson, ask_dm, in_reply_to

QUESTION = "cliënt, 58, Zuidoost, kan de energierekening niet betalen en heeft schulden"


async def _stored(answers: AnswerRepository, event_id: str) -> Any:
    """The answer record of ``event_id``: it is written after the answer is sent, so wait
    for it (up to 10 s; suitetime saw the second read run ahead of the write at load 15)."""
    for _ in range(100):
        if (stored := answers.by_event(event_id)) is not None:
            return stored
        await asyncio.sleep(0.1)
    return None


async def test_a_running_bot_follows_a_rotation_and_explains_older_answers(
        make_person: MakePerson, bot_id: str, busbaan_db_url: str,
        wegwijzer_service: Service, lane_clock: OffsetClock) -> None:
    path = wegwijzer_service.config.pseudonym_key_path
    old = load_pseudonyms(path)
    asker = await make_person()
    dm = await asker.dm(bot_id)
    before_event, _ = await ask_dm(asker, dm, QUESTION)
    # the answer's record is written after the answer is sent: let it be stored before
    # the rotation (written after it, it is fenced and stored under the new key; keys20)
    answers = AnswerRepository(make_engine(busbaan_db_url))
    stored = await _stored(answers, before_event)
    assert stored is not None and stored.asker == old.asker(stored.answer_id, asker.user_id)

    result = CliRunner().invoke(main, ["keys", "rotate", "--pseudonym-key", str(path),
                                       "--db", busbaan_db_url],
                                env={"BUSBAAN_LANG": "nl", "BUSBAAN_PSEUDONYM_KEY": None})
    assert result.exit_code == 0, result.output
    new = load_pseudonyms(path)
    engine = make_engine(busbaan_db_url)
    try:
        # the bot's clock runs ahead of the real one in these tests (lane reminders):
        # date the rotation on its clock, as one clock would in a deployment
        with engine.begin() as conn:
            record_key(conn, new.fingerprint(), lane_clock.now(), rotated=True)

        # "your last answer": the one from before is under the old key
        last = await asker.command(dm, "!goed")
        assert last[REPLY_KEY]["errcode"] == "BB_NO_ANSWER"
        assert "beveiligingsupdate" in last["body"]
        # a reply to that answer: why it cannot be rated, plainly
        resp = await asker.client.room_send(dm, "m.room.message", {
            "msgtype": "m.text", "body": "!goed",
            "m.relates_to": {"m.in_reply_to": {"event_id": before_event}}})
        assert isinstance(resp, nio.RoomSendResponse)

        def reply(rid: str, ev: dict[str, Any]) -> bool:
            return rid == dm and in_reply_to(ev.get("content", {})) == resp.event_id
        _, refused = await asker.wait_for(reply)
        assert refused["content"][REPLY_KEY]["errcode"] == "BB_NOT_ASKER"
        body = refused["content"]["body"]
        assert "vóór een beveiligingsupdate" in body and "opnieuw" in body
        assert "sleutel" not in body and old.fingerprint() not in body

        # asked again: stored under the new key (the bot read its key file again)
        after_event, _ = await ask_dm(asker, dm, QUESTION)
        answer = await _stored(AnswerRepository(engine), after_event)
        assert answer is not None and answer.asker == new.asker(answer.answer_id, asker.user_id)
        good = await asker.command(dm, "!goed")
        assert good[REPLY_KEY]["ok"] is True

        # a key that is not the current one (e.g. the rotation's mv not done): nothing
        # is written; the person is told plainly
        with engine.begin() as conn:
            record_key(conn, "0badc0de", lane_clock.now(), rotated=True)
        try:
            refused_event, content = await ask_dm(asker, dm, QUESTION)
            assert content[NOTICE_KEY]["errcode"] == STALE_KEY
            assert "beheerder" in content["body"] and "niets opgeslagen" in content["body"]
            assert AnswerRepository(engine).by_event(refused_event) is None
        finally:
            with engine.begin() as conn:
                record_key(conn, new.fingerprint(), lane_clock.now(), rotated=True)
    finally:
        engine.dispose()
