"""Erasure reaches the bots' inbox (session 19, guidepd; open since session 14): a
command of the case still waiting there — an unanswered ``!casus sluiten <reden>`` in
the case room, a ``!weiger C-… <reden>`` in a direct chat whose reply is not yet sent —
kept its text in clear after ``busbaan audit erase``. Now its text goes; one not yet
run is answered (``BB_ERASED``: nothing done, what to do) instead of run; a kept reply
loses the case's free texts; another case's command is left as it was."""

from __future__ import annotations

import sqlalchemy as sa

from busbaan.store.erasure import ERASED, scrub_case_free_text
from busbaan.store.inbox import Inbox
from busbaan.store.repositories import CaseRepository
from busbaan.store.service_tables import bot_command_table
from tests.audit.test_outside18_erasure import (
    COLLEGA,
    NEEDLE,
    OTHER,
    _cells_with,
    _two_cases,
)

WAITING = "ZQWACHTEND19"  # in the erased case's waiting command only


def _command(event_id: str, room_id: str, text: str,
             sender: str = "@regie:localhost") -> dict[str, object]:
    return {"event_id": event_id, "room_id": room_id, "sender": sender,
            "text": text, "command": text.split()[1] if text.startswith("!casus") else
            "weiger", "is_direct": False, "thread_root": None, "in_reply_to": None,
            "server_ts": 1, "edited": False, "markup": ""}


def _rows(engine: sa.Engine) -> dict[str, dict[str, object]]:
    t = bot_command_table
    with engine.connect() as conn:
        return {r.event_id: dict(r._mapping) for r in conn.execute(sa.select(t))}


def test_erasure_answers_the_cases_waiting_commands_and_keeps_no_text(db_url: str) -> None:
    """After erasure no waiting command holds the case's text: the one not yet run is
    answered with BB_ERASED (Dutch and English, nothing done, send it again without
    personal data), the reply kept for a command already done has the reason replaced,
    an answered one and another case's command are untouched; the count is in the
    result and in the erasure's entry."""
    engine, log, erased, other = _two_cases(db_url)
    cases = CaseRepository(engine)
    room, other_room = (cases.get(erased).room_id, cases.get(other).room_id)  # type: ignore[union-attr]
    assert room and other_room
    inbox = Inbox(engine, "casus")
    inbox.receive("s1", [
        _command("$close", room, f"!casus sluiten hulpvraag afgerond {WAITING}"),
        _command("$decline", "!dm:localhost", f"!weiger {erased} geen ruimte {WAITING}"),
        _command("$done", room, f"!casus sluiten {WAITING} al beantwoord"),
        _command("$other", other_room, f"!casus sluiten afgerond {OTHER}"),
        _command("$elsewhere", "!dm:localhost", "!weiger C-23456789 geen ruimte"),
        # no case named: the one open proposal to the sender says which (H-1, reopened
        # below), as the handover desk reads it; someone with none is another matter
        _command("$nocase", "!dm2:localhost", f"!weiger geen plek {WAITING}",
                 sender=COLLEGA),
        _command("$nocase_other", "!dm3:localhost", "!weiger geen plek",
                 sender="@iemand:localhost"),
    ])
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE handover SET status = 'proposed' "
                             "WHERE handover_id = 'H-1'"))
    # the decline's work committed, its reply (naming the case's reason) not yet sent
    inbox.store_reply("$decline", {"msgtype": "m.notice",
                                   "body": f"Reden: geen ruimte in caseload {NEEDLE}.",
                                   "formatted_body": f"<p>Reden: geen ruimte in caseload "
                                                     f"{NEEDLE}.</p>"})
    inbox.replied("$done", "$reply")
    before = _rows(engine)
    assert WAITING in str(before["$close"]["event"])

    erasure = log.erase_case(erased, "fg:test", source="test", scrub=scrub_case_free_text)

    assert erasure.scrubbed["bot_command"] == 3
    [entry] = [i.entry for i in log.query(case_id=erased, event_prefix="audit")]
    assert entry.details["scrubbed_bot_command"] == "3"
    assert _cells_with(engine, WAITING) == []
    assert _cells_with(engine, NEEDLE) == []
    after = _rows(engine)
    close = after["$close"]
    assert close["status"] == "handled"  # answered from the store, never run
    assert close["event"]["text"] == ERASED  # type: ignore[index]
    reply = close["reply"]
    assert isinstance(reply, dict)
    assert reply["nl.busbaan.reply"]["errcode"] == "BB_ERASED"
    assert reply["m.relates_to"] == {"m.in_reply_to": {"event_id": "$close"}}
    assert "niet uitgevoerd" in reply["body"] and "not carried out" in reply["body"]
    assert "niets veranderd" in reply["body"] and "send it again" in reply["body"]
    decline = after["$decline"]
    assert decline["status"] == "handled" and decline["event"]["text"] == ERASED  # type: ignore[index]
    assert decline["reply"] == {"msgtype": "m.notice", "body": f"Reden: {ERASED}.",
                                "formatted_body": f"<p>Reden: {ERASED}.</p>"}
    assert after["$nocase"]["event"]["text"] == ERASED  # type: ignore[index]
    assert after["$nocase"]["reply"]["nl.busbaan.reply"]["errcode"] == "BB_ERASED"  # type: ignore[index]
    for untouched in ("$done", "$other", "$elsewhere", "$nocase_other"):
        assert after[untouched] == before[untouched]
