"""Session 20 (botlane; outside23 finding 8): the wegwijzer replies in the language a
person chose (``nl.busbaan.language`` in their account data, as the gate's refusals do),
where there is one; else as before (the question's language, Dutch by default).

Before, it chose from the question's words only (a bot cannot read another user's account
data): a professional who set English got the Dutch refusal and 112 line for an Arabic
question. The gate now answers the busbaan bots one person's choice
(busbaan.gate.language_desk); one rule decides (busbaan.language.reply_language).
Against the real Synapse harness with the gate; the book's cache with a fake clock.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from bots.wegwijzer.languages import GATE_PATH, LanguageBook
from busbaan.devstack.people import NOTICE_KEY, REPLY_KEY, Person
from busbaan.language import LANGUAGE_ACCOUNT_DATA, reply_language
from busbaan.service import Service
from tests.wegwijzer.conftest import ROUTE_KEY, MakePerson, ask_dm

ARABIC = "أحتاج مساعدة في الديون"
TURKISH = ("Komşum 78 yaşında, yalnız yaşıyor. Oğlu her ay onun emekli maaşını alıyor ve "
           "kadın yemek alamıyor.")


async def _choose(person: Person, content: dict[str, Any]) -> None:
    """The person sets ``nl.busbaan.language`` as their own client would."""
    client = person.client
    resp = await client.send(
        "PUT", f"/_matrix/client/v3/user/{person.user_id}/account_data/{LANGUAGE_ACCOUNT_DATA}",
        json.dumps(content), headers={"Authorization": f"Bearer {client.access_token}"})
    assert resp.status == 200, resp.status


@pytest.mark.parametrize(("chosen", "asked_in", "replied"), [
    ("en", "nl", "en"), ("nl", "en", "nl"), (None, "en", "en"), (None, "nl", "nl"),
    (None, None, "nl"), ("en", None, "en"), (None, "fr", "nl")])
def test_one_rule_the_choice_then_the_question_then_dutch(
        chosen: Any, asked_in: Any, replied: str) -> None:
    assert reply_language(chosen, asked_in) == replied


async def test_a_person_who_chose_english_gets_english_replies(
        make_person: MakePerson, bot_id: str, wegwijzer_service: Service) -> None:
    bot = wegwijzer_service.wegwijzer
    asker = await make_person()
    await _choose(asker, {"language": "en"})
    bot.languages.forget(asker.user_id)  # the book keeps a choice `ttl` seconds
    dm = await asker.dm(bot_id)
    # an Arabic question: the refusal, the way to a person and the 112 line in English
    _, refused = await ask_dm(asker, dm, ARABIC)
    assert refused[NOTICE_KEY]["errcode"] == "BB_NO_WORDS"
    assert refused["body"].startswith("I read no words"), refused["body"]
    assert refused["body"].splitlines()[-1] == "In immediate danger? Call 112."
    # Turkish (a chance English word no longer decides, the choice does): English
    _, turkish = await ask_dm(asker, dm, TURKISH)
    assert turkish[NOTICE_KEY]["errcode"] == "BB_LANGUAGE"
    assert turkish["body"].startswith("I do not recognise"), turkish["body"]
    # a Dutch question: routed as ever, answered in English
    _, answer = await ask_dm(asker, dm, "cliënt van 58 kan de energierekening niet betalen")
    assert answer[NOTICE_KEY]["kind"] == "route.answer"
    assert answer[ROUTE_KEY]["results"]
    assert "Was this answer useful? !good" in answer["body"], answer["body"]
    # a Dutch command alias: the reply in English too
    status = await asker.command(dm, "!baan status")
    assert status[REPLY_KEY]["ok"] is True
    unknown = await asker.command(dm, "!baan")
    assert unknown[REPLY_KEY]["errcode"] == "BB_USAGE"
    assert unknown["body"].startswith("Name the number"), unknown["body"]


async def test_a_choice_of_dutch_wins_over_an_english_question_and_none_changes_nothing(
        make_person: MakePerson, bot_id: str, wegwijzer_service: Service) -> None:
    bot = wegwijzer_service.wegwijzer
    dutch, nobody, odd = await make_person(), await make_person(), await make_person()
    await _choose(dutch, {"language": "nl"})
    await _choose(odd, {"language": "klingon"})  # unusable: as no choice
    for person in (dutch, nobody, odd):
        bot.languages.forget(person.user_id)
    question = "my client has debts and cannot pay the rent"
    _, nl = await ask_dm(dutch, await dutch.dm(bot_id), question)
    assert "Was dit antwoord nuttig? !goed" in nl["body"], nl["body"]
    for person in (nobody, odd):
        _, en = await ask_dm(person, await person.dm(bot_id), question)
        assert "Was this answer useful? !good" in en["body"], en["body"]


async def test_only_the_busbaan_bots_read_a_choice(make_person: MakePerson,
                                                   wegwijzer_service: Service) -> None:
    """Another user asking the gate's desk is refused; the bot gets the choice, of
    one person, and nothing for a user of another homeserver. Each refusal says why in
    Dutch (``error``) and in English (``error_en``; session 21: both held the Dutch)."""
    asker, other = await make_person(), await make_person()
    await _choose(asker, {"language": "EN-gb"})
    resp = await other.client.send(
        "GET", f"{GATE_PATH}?user_id={asker.user_id}",
        headers={"Authorization": f"Bearer {other.client.access_token}"})
    assert resp.status == 403
    refused = await resp.json(content_type=None)
    assert "language" not in refused
    assert refused["errcode"] == "M_FORBIDDEN"
    assert refused["error"].startswith("Alleen de busbaan-bots")  # Dutch
    assert refused["error_en"] == "Only the busbaan bots may read a language choice."
    bot = wegwijzer_service.wegwijzer
    bot.languages.forget(asker.user_id)
    assert await bot.languages.of(asker.user_id) == "en"
    assert await bot.languages.of("@someone:elsewhere.example") is None
    bad = await bot.client.send("GET", f"{GATE_PATH}?user_id=nobody",
                                headers={"Authorization": f"Bearer {bot.client.access_token}"})
    assert bad.status == 400
    usage = await bad.json(content_type=None)
    assert (usage["errcode"], usage["error_en"]) == ("BB_USAGE",
                                                     "Name one user: ?user_id=@name:server.")
    assert usage["error"].startswith("Noem één gebruiker")
    anonymous = await bot.client.send("GET", f"{GATE_PATH}?user_id={asker.user_id}")
    assert anonymous.status == 401
    unknown = await anonymous.json(content_type=None)
    assert unknown["error"].startswith("Deze aanvraag is niet aangemeld")
    assert unknown["error_en"] and unknown["error_en"] != unknown["error"]  # Synapse's own


class _Resp:
    def __init__(self, status: int, body: Any) -> None:
        self.status, self._body = status, body

    async def json(self, content_type: Any = None) -> Any:
        return self._body


class _Client:
    access_token = "t"

    def __init__(self, status: int = 200, language: str | None = "en") -> None:
        self.status, self.language, self.calls = status, language, 0

    async def send(self, method: str, path: str, headers: Any = None) -> _Resp:
        self.calls += 1
        return _Resp(self.status, {"language": self.language})


async def test_the_book_asks_once_per_ttl_and_counts_a_failure_as_no_choice() -> None:
    now = [0.0]
    client = _Client()
    book = LanguageBook(lambda: client, clock=lambda: now[0])  # type: ignore[arg-type,return-value]
    assert await book.of("@a:hs") == "en" and await book.of("@a:hs") == "en"
    assert client.calls == 1
    client.language = "nl"
    now[0] += book.ttl + 1  # a changed choice counts once `ttl` passed
    assert await book.of("@a:hs") == "nl" and client.calls == 2
    # no desk on this homeserver (404): no choice, and not asked again for `absent` s
    missing = _Client(status=404)
    book = LanguageBook(lambda: missing, clock=lambda: now[0])  # type: ignore[arg-type,return-value]
    assert await book.of("@a:hs") is None and await book.of("@b:hs") is None
    assert missing.calls == 1
    # a server error: no choice, asked again after `retry`
    broken = _Client(status=500)
    book = LanguageBook(lambda: broken, clock=lambda: now[0])  # type: ignore[arg-type,return-value]
    assert await book.of("@a:hs") is None and await book.of("@a:hs") is None
    assert broken.calls == 1
    now[0] += book.retry + 1
    await book.of("@a:hs")
    assert broken.calls == 2
