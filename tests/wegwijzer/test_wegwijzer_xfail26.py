"""Session 16 (xfail26): two of outside19's findings in the bot's own code
(docs/notes/2026-12-13s15-outside19.md #14 and #15; docs/notes/2026-12-14s16-xfail26.md).

- An Element edit (``m.replace``) was routed from its "* " fallback body ("* cliënt, 70,
  ..."): a message's text is now read once, by :func:`busbaan.matrix.runner.message_text`
  (the edit's ``m.new_content``, a reply without its quoted lines), in the runner's inbox,
  in the bot's direct path and when a question is read again from Matrix. The
  wegwijzer's own copy of the reply-fallback rule is gone. An edit is still never run as
  a command.
- A follow-up sent as a reply to an answer ("en als hij in Noord woont?") was routed
  alone: it is now routed with the question that answer was for
  (:func:`busbaan.wegwijzer.follow_up`), with the place or age the reply names itself.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from bots.wegwijzer.bot import WegwijzerBot
from busbaan.errors import UsageError
from busbaan.matrix.runner import BotRunner, message_text
from busbaan.routing import MAX_QUESTION_CHARS, Router
from busbaan.wegwijzer import follow_up, parse_question

EDIT = {"msgtype": "m.text", "body": "* Buurman van 77 in West kan zijn post niet meer lezen",
        "m.new_content": {"msgtype": "m.text",
                          "body": "Buurman van 77 in West kan zijn post niet meer lezen"},
        "m.relates_to": {"rel_type": "m.replace", "event_id": "$old"}}


@pytest.mark.parametrize(("body", "content", "text"), [
    (EDIT["body"], EDIT, "Buurman van 77 in West kan zijn post niet meer lezen"),
    # a client that sends no m.new_content: the body without Element's "* "
    ("* stille vraag", {"body": "* stille vraag",
                        "m.relates_to": {"rel_type": "m.replace", "event_id": "$o"}},
     "stille vraag"),
    # a reply with the quoted fallback: the quote is no part of it
    ("> <@w:localhost> Buurtteam West\n\nen als ze in Noord woont?",
     {"body": "x", "m.relates_to": {"m.in_reply_to": {"event_id": "$a"}}},
     "en als ze in Noord woont?"),
    # "* " in an ordinary message is the writer's
    ("* vraag", {"body": "* vraag"}, "* vraag"),
])
def test_a_message_reads_as_its_sender_wrote_it(body: str, content: dict[str, Any],
                                                text: str) -> None:
    assert message_text(body, content).strip() == text


def _event(content: dict[str, Any]) -> Any:
    return SimpleNamespace(event_id="$e", sender="@a:localhost", body=content["body"],
                           source={"content": content}, server_timestamp=1)


def test_the_inbox_keeps_an_edit_as_its_new_text_and_never_as_a_command() -> None:
    """The runner's inbox entry of an edited direct question holds the new text; an edit
    into "!goed" is a message (an edit is never run as a command)."""
    runner: Any = SimpleNamespace(dispatcher=SimpleNamespace(match=lambda t: (
        (SimpleNamespace(name="goed"),) if t.startswith("!goed") else None)))
    room = SimpleNamespace(room_id="!r:localhost", member_count=2)
    entry = BotRunner._command_entry(runner, room, _event(EDIT))
    assert entry["text"] == "Buurman van 77 in West kan zijn post niet meer lezen"
    command = {**EDIT, "body": "* !goed", "m.new_content": {"body": "!goed"}}
    entry = BotRunner._command_entry(runner, room, _event(command))
    assert entry["command"] is None and entry["kind"] == "message"


def test_a_reply_is_read_with_the_question_it_follows(demo_router: Router) -> None:
    """"En als hij in Noord woont?" after a question about a man in Oost: the earlier
    words with Noord as the place (the reply's own place counts over the earlier one)."""
    earlier = "Meneer van 81 in Oost kan zijn huis niet meer schoonhouden, wie helpt?"
    question = follow_up(earlier, parse_question("en als hij in Noord woont?"))
    assert question.text.startswith(earlier) and question.text.endswith("Noord woont?")
    assert question.context["stadsdeel"] == "Noord"
    answer = demo_router.route(question.text, question.context)
    assert answer.stadsdeel == "Noord"
    assert "wmo-huishouden" in [r.service_id for r in answer.results[:3]]
    alone = demo_router.route("en als hij in Noord woont?")
    assert "wmo-huishouden" not in [r.service_id for r in alone.results[:3]]


def test_a_long_earlier_question_gives_way_to_the_reply() -> None:
    """Both must fit in what the router reads: the earlier question is cut, the reply
    is kept whole; an age in the reply counts as the context's."""
    question = follow_up("schulden " * 400, parse_question("en als ze 19 jaar is?"))
    assert len(question.text) <= MAX_QUESTION_CHARS and not question.truncated
    assert question.text.endswith("en als ze 19 jaar is?")
    assert question.context["leeftijd"] == "19"


async def _no_choice(user_id: str) -> None:
    return None  # the person chose no language (session 20: the bot asks the gate)


async def _nothing(*args: Any) -> None:
    return None  # no unread question to forget (session 21: kept in the store)


async def test_the_bot_routes_a_reply_with_the_question_it_replies_to() -> None:
    """The direct path: a question that replies to an answer asks with that answer's
    question; one that replies to nothing asks alone."""
    asked: list[Any] = []

    async def replied_question(room_id: str, in_reply_to: str | None) -> str | None:
        return "Meneer van 81 kan zijn huis niet schoonhouden" if in_reply_to else None

    async def ask(raw: str, lang: str, earlier: str | None = None, *, markup: str = "") -> Any:
        asked.append((raw, earlier))
        raise UsageError("stop", "stop", errcode="BB_EMPTY_QUESTION")

    async def refused(room_id: str, sender: str, exc: Exception, raw: str = "") -> Exception:
        return exc  # the refusal to send (session 20: with the way to a person)

    fake = SimpleNamespace(_usages=lambda lang: [], _asked=lambda *a: None,
                           _read_now=_nothing, _spoken={}, ask=ask,
                           replied_question=replied_question, _refused=refused,
                           languages=SimpleNamespace(of=_no_choice))
    await WegwijzerBot._direct_answer(fake, "!r:localhost", "$q", "@a:localhost",  # type: ignore[arg-type]
                                      "en in Noord?", in_reply_to="$answer")
    await WegwijzerBot._direct_answer(fake, "!r:localhost", "$q2", "@a:localhost",  # type: ignore[arg-type]
                                      "en in Noord?")
    assert asked == [("en in Noord?", "Meneer van 81 kan zijn huis niet schoonhouden"),
                     ("en in Noord?", None)]


async def test_an_edit_into_a_command_is_told_that_an_edit_is_not_run() -> None:
    """outside20: an edit into `!baan 1` was not run (right) but answered "Dat commando
    ken ik niet" (wrong: it is a command). An edit into a command is told that an edit is
    not run and to send the command anew; the same text not edited keeps its answer."""
    fake = SimpleNamespace(_usages=lambda lang: [], _asked=lambda *a: None, _read_now=_nothing,
                           _spoken={},
                           languages=SimpleNamespace(of=_no_choice))

    async def reply(text: str, edited: bool) -> dict[str, Any]:
        content, _ = await WegwijzerBot._direct_answer(  # type: ignore[arg-type]
            fake, "!r:localhost", "$q", "@a:localhost", text, edited=edited)
        return content

    edited = await reply("!baan 1", True)
    assert edited["body"].startswith("Je hebt een bericht bewerkt tot een commando.")
    assert "ken ik niet" not in edited["body"]
    assert edited["nl.busbaan.notice"]["errcode"] == "BB_EDITED_COMMAND"
    plain = await reply("!foo", False)
    assert plain["body"].startswith("Dat commando ken ik niet.")
    assert plain["nl.busbaan.notice"]["errcode"] == "BB_UNKNOWN_COMMAND"


def test_the_inbox_keeps_whether_a_message_is_an_edit() -> None:
    """The runner's inbox entry says whether the message edits an earlier one, so that
    the bot can say an edit is not run after a restart too."""
    from busbaan.matrix.runner import is_edit

    edit = SimpleNamespace(source={"content": {"m.relates_to": {
        "rel_type": "m.replace", "event_id": "$old"}}})
    new = SimpleNamespace(source={"content": {"body": "!baan 1"}})
    assert is_edit(edit) and not is_edit(new)  # type: ignore[arg-type]
