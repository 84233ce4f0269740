"""The wegwijzer bot after issue 8 (and issue 13's wegwijzer part), through a real
Synapse: named direct chats are answered, safety comes first, and an unsure answer
offers a lane to a person (`!baan mens`)."""

from __future__ import annotations

import hashlib
from typing import Any

import aiohttp
import nio

from busbaan.devstack.people import NOTICE_KEY, REPLY_KEY, Person, eventually
from busbaan.keyfile import load_pseudonyms
from busbaan.metrics import samples
from busbaan.service import Service
from tests.wegwijzer.conftest import ROUTE_KEY, Intake, MakePerson, ask_dm


async def _named_dm(person: Person, bot_id: str, name: str) -> str:
    resp = await person.client.room_create(is_direct=True, invite=[bot_id], name=name)
    assert isinstance(resp, nio.RoomCreateResponse), resp

    def joined(rid: str, ev: dict[str, Any]) -> bool:
        return (rid == resp.room_id and ev.get("type") == "m.room.member"
                and ev.get("state_key") == bot_id
                and ev.get("content", {}).get("membership") == "join")

    await person.wait_for(joined)
    return str(resp.room_id)


async def test_direct_chat_with_a_name_is_answered(make_person: MakePerson,
                                                   bot_id: str) -> None:
    """A direct chat that has a room name still gets an answer to every message."""
    asker = await make_person()
    dm = await _named_dm(asker, bot_id, "Vragen aan de wegwijzer")
    _, content = await ask_dm(asker, dm, "cliënt heeft schulden en veel rekeningen")
    assert content[NOTICE_KEY]["kind"] == "route.answer"
    _, hello = await ask_dm(asker, dm, "hallo, wat kan je?")
    assert hello[NOTICE_KEY]["kind"] in {"route.answer", "wegwijzer.help"}


async def test_safety_signal_puts_the_safety_service_first(make_person: MakePerson,
                                                           bot_id: str) -> None:
    """Danger described in everyday words gets the safety service first, why, and what now."""
    asker = await make_person()
    dm = await asker.dm(bot_id)
    _, content = await ask_dm(
        asker, dm, "cliënt durft niet meer naar huis omdat haar vriend haar slaat")
    route = content[ROUTE_KEY]
    assert route["results"][0]["service_id"] == "veilig-thuis"
    assert route["safety"] == [{"signal": "partner_violence", "service_id": "veilig-thuis"}]
    assert content["body"].startswith("⚠") and "112" in content["body"]
    assert "slaat" not in str(route["safety"])


async def test_unsure_answer_offers_a_person_and_opens_the_triage_lane(
        make_person: MakePerson, bot_id: str, intake: Intake) -> None:
    """When the bot is not sure it says so, offers !baan mens, and that opens a lane to the
    general triage desk of the map (no stadsdeel known)."""
    asker, member = await make_person(), await make_person()
    await intake("triage-algemeen", [member])
    dm = await asker.dm(bot_id)
    _, content = await ask_dm(asker, dm, "iets met papieren of zo")
    assert content[ROUTE_KEY]["confident"] is False
    assert "niet zeker" in content["body"] or "weet het niet" in content["body"]
    assert "!baan mens" in content["body"]
    reply = await asker.command(dm, "!baan mens")
    assert reply[REPLY_KEY]["ok"] is True, reply["body"]
    data = reply[REPLY_KEY]["data"]
    assert data["service_id"] == "triage-algemeen" and data["triage"] is True


async def test_triage_falls_back_to_the_general_desk_when_the_local_one_has_no_room(
        make_person: MakePerson, bot_id: str, intake: Intake) -> None:
    """outside6: with the stadsdeel known (Oost) but no intake room for its buurtteam's
    desk, `!baan mens` opened nothing; it now opens a lane to the general desk."""
    asker, member = await make_person(), await make_person()
    await intake("triage-algemeen", [member])
    dm = await asker.dm(bot_id)
    _, content = await ask_dm(asker, dm, "ik woon in Oost en loop overal tegenaan, papieren "
                                         "of zo")
    assert content[ROUTE_KEY]["confident"] is False
    reply = await asker.command(dm, "!baan mens")
    assert reply[REPLY_KEY]["ok"] is True, reply["body"]
    assert reply[REPLY_KEY]["data"]["service_id"] == "triage-algemeen"


async def test_bad_input_in_a_direct_chat_is_answered_and_nothing_stored(
        make_person: MakePerson, bot_id: str, busbaan_db_url: str,
        wegwijzer_service: Any) -> None:
    """Emoji only, Arabic, and a name with a BSN each get a clear answer; no answer is
    stored for any of them."""
    from busbaan.store import make_engine
    from busbaan.store.wegwijzer_repo import AnswerRepository

    asker = await make_person()
    dm = await asker.dm(bot_id)
    for text, errcode in (("😀🙏🏽", "BB_NO_WORDS"), ("أحتاج مساعدة في الديون", "BB_NO_WORDS"),
                          ("Jan de Vries 111222333", "BB_PERSONAL_DATA")):
        _, content = await ask_dm(asker, dm, text)
        assert content[NOTICE_KEY]["kind"] == "route.refused", text
        assert content[NOTICE_KEY]["errcode"] == errcode
        assert "111222333" not in content["body"]
    engine = make_engine(busbaan_db_url)
    try:
        key = load_pseudonyms(wegwijzer_service.config.pseudonym_key_path)
        assert AnswerRepository(engine).last_for(
            lambda answer_id: key.answer_room(answer_id, dm),
            lambda answer_id: key.asker(answer_id, asker.user_id)) is None
    finally:
        engine.dispose()


def _learned(db_url: str, service: Any, feedback_id: str) -> tuple[
        str | None, list[tuple[str, str, int]], str, set[str]]:
    """What one feedback item left for the running map: (the person and the votes in its
    sealed record, opened with the key; the learned summary as text; the voter values of
    the count rows). Session 13 (privacy16): votes are counted per association with a
    keyed voter value, and what a source voted is kept sealed under the key, found by the
    feedback id's keyed reference."""
    import sqlalchemy as sa

    from busbaan.store import make_engine
    from busbaan.store.wegwijzer_learned import LearnedRepository

    engine = make_engine(db_url)
    try:
        repo = LearnedRepository(engine)
        sha = service.wegwijzer.document.sha256
        key = load_pseudonyms(service.config.pseudonym_key_path)
        ref = key.learned_source(feedback_id)
        with engine.connect() as conn:
            sealed = conn.execute(sa.text(
                "SELECT sealed FROM route_learned_source WHERE source_ref = :r "
                "AND map_sha256 = :m"), {"r": ref, "m": sha}).scalar()
            voters = set(conn.execute(sa.text(
                "SELECT voter FROM route_learned_count WHERE map_sha256 = :m"),
                {"m": sha}).scalars())
        assert not any(feedback_id in e.source_id for e in repo.evidence(sha))
        if sealed is None:
            return None, [], str(repo.summary(sha)), voters
        assert feedback_id not in sealed
        record = key.open_learned(ref, sealed)
        assert isinstance(record, dict)
        votes = [(str(t), str(sid), int(d)) for t, sid, d in record["votes"]]
        return str(record["person"]), votes, str(repo.summary(sha)), voters
    finally:
        engine.dispose()


async def test_feedback_becomes_learned_terms(
        make_person: MakePerson, bot_id: str, busbaan_db_url: str,
        wegwijzer_service: Any) -> None:
    """`!fout <dienst>` stores term votes for the map version (stems, never the text)."""
    asker = await make_person()
    dm = await asker.dm(bot_id)
    question = "buurvrouw kan de brieven van de gemeente niet lezen"
    await ask_dm(asker, dm, question)
    # session 11 (outside13): Taalhuis comes first here, so `!fout taalhuis` is refused
    # as saying wrong and right at once (test_wegwijzer_feedback_bot); name another
    wrong = await asker.command(dm, "!fout schuldhulp")
    assert wrong[REPLY_KEY]["ok"] is True
    person, votes, summary, voters = _learned(busbaan_db_url, wegwijzer_service,
                                              wrong[REPLY_KEY]["data"]["feedback_id"])
    # stored per person (a keyed hash of the Matrix ID, never the ID itself, nor its
    # plain SHA-256 that anyone with the directory could compute; session 8), sealed;
    # the count rows name a voter per association, not the person (session 13)
    key = load_pseudonyms(wegwijzer_service.config.pseudonym_key_path)
    assert votes and person == key.person(asker.user_id)
    assert key.person(asker.user_id) != hashlib.sha256(asker.user_id.encode()).hexdigest()[:12]
    assert voters and asker.user_id not in str(voters) and person not in voters
    assert {sid for _t, sid, d in votes if d > 0} == {"schuldhulp"}
    terms = {t for t, _sid, _d in votes}
    assert terms and all(t.isalpha() and " " not in t for t in terms)
    assert question not in summary
    # session 9: the answer and the verdict name the asker by pseudonym, never by ID;
    # session 11: the bot's route.learned audit entry names no person (it stood next to
    # the route.feedback entry naming them) and the verdict by keyed reference only
    feedback_id = wrong[REPLY_KEY]["data"]["feedback_id"]
    ref = key.audit_ref("feedback", feedback_id)
    await eventually(lambda: _learned_entry(busbaan_db_url, ref))
    entry = await _learned_entry(busbaan_db_url, ref)
    assert entry.get("user_id") is None and asker.user_id not in str(entry)
    assert "person" not in entry["details"] and feedback_id not in str(entry)
    assert entry["details"]["pseudonym_key"] == key.fingerprint()
    assert asker.user_id not in _person_values(busbaan_db_url)


async def _learned_entry(db_url: str, feedback_ref: str) -> dict[str, Any] | None:
    """The bot's route.learned audit entry for one feedback item (its keyed reference),
    once written."""
    from busbaan.audit.storage import AuditLog
    from busbaan.store import make_engine

    engine = make_engine(db_url)
    try:
        for e in AuditLog(engine).entries(0):
            entry = e.entry.to_json()
            if (entry["event_code"] == "route.learned"
                    and entry["details"].get("feedback_ref") == feedback_ref):
                return entry
        return None
    finally:
        engine.dispose()


def _person_values(db_url: str) -> set[str]:
    """Every value in the wegwijzer's person columns (the Matrix IDs must not be there)."""
    import sqlalchemy as sa

    from busbaan.store import make_engine

    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            return {str(v) for table, column in (("route_answer", "asker"),
                                                 ("route_feedback", "by"),
                                                 ("lane", "asker"), ("lane", "first_answer_by"),
                                                 ("lane", "closed_by"))
                    for v in conn.execute(sa.text(
                        f'SELECT "{column}" FROM {table}')).scalars()}  # fixed names
    finally:
        engine.dispose()


async def test_feedback_on_a_safety_answer_teaches_nothing(
        make_person: MakePerson, bot_id: str, busbaan_db_url: str,
        wegwijzer_service: Any) -> None:
    """outside7: `!fout taalhuis` on suicide answers taught "zoon" -> Taalhuis for all.
    Feedback is still recorded (and audited), but a safety answer's words are not
    learned."""
    asker = await make_person()
    dm = await asker.dm(bot_id)
    _, content = await ask_dm(asker, dm, "mijn zoon zegt dat hij er niet meer wil zijn")
    assert content[ROUTE_KEY]["safety"], content["body"][:200]
    wrong = await asker.command(dm, "!fout taalhuis")
    assert wrong[REPLY_KEY]["ok"] is True
    _, votes, _, _ = _learned(busbaan_db_url, wegwijzer_service,
                              wrong[REPLY_KEY]["data"]["feedback_id"])
    assert votes == []


async def test_help_alone_is_answered_in_dutch(make_person: MakePerson, bot_id: str) -> None:
    """``!help`` and ``help`` — Dutch words too — get the Dutch help, as from the casus
    bot (they got the English one); an English question still gets English."""
    asker = await make_person()
    dm = await _named_dm(asker, bot_id, "Vragen")
    for text in ("!help", "help", "hoi", "Hallo!", "goedemorgen"):
        _, content = await ask_dm(asker, dm, text)
        assert content[NOTICE_KEY]["kind"] == "wegwijzer.help", content
        assert "Ik ben de wegwijzer" in content["body"], content["body"][:200]
        assert "errcode" not in content[NOTICE_KEY], content[NOTICE_KEY]
    _, hello = await ask_dm(asker, dm, "hello")  # a greeting alone: help, not "no service"
    assert hello[NOTICE_KEY]["kind"] == "wegwijzer.help", hello
    assert "I am the wayfinder" in hello["body"], hello["body"][:200]
    _, english = await ask_dm(asker, dm, "my client is lonely and has no one to talk to")
    assert "I am not sure" in english["body"] or "These are" in english["body"] \
        or "Why:" in english["body"], english["body"][:200]


async def test_a_thank_you_is_no_question_and_keeps_the_last_answer(
        make_person: MakePerson, bot_id: str) -> None:
    """outside16: "dank je wel" after an answer was searched (the Sociaal Loket and the
    Voedselbank) and became the last answer, so a following !goed rated that. Now it gets
    a short reply, and !goed rates the answer before it."""
    asker = await make_person()
    dm = await asker.dm(bot_id)
    _, answer = await ask_dm(asker, dm, "cliënt heeft schulden en veel rekeningen")
    _, thanks = await ask_dm(asker, dm, "Dank je wel!")
    assert thanks[NOTICE_KEY]["kind"] == "wegwijzer.thanks", thanks
    assert ROUTE_KEY not in thanks and "!goed" in thanks["body"]
    good = await asker.command(dm, "!goed")
    assert good[REPLY_KEY]["data"]["answer_id"] == answer[ROUTE_KEY]["answer_id"]


async def test_direct_questions_and_their_refusals_are_counted_in_metrics(
        make_person: MakePerson, bot_id: str, wegwijzer_service: Service) -> None:
    """``/metrics`` counts the direct chat's questions (``command="question"``, by
    outcome and errcode, with their latency) and a refused question with a name as
    ``refused.personal_data``, never the text (outside check s5: not counted at all, and
    the refusal as ``other``)."""
    assert wegwijzer_service.web is not None
    url = f"{wegwijzer_service.web.url}/metrics"
    asker = await make_person()
    dm = await _named_dm(asker, bot_id, "Vragen")
    before = await _scrape(url)
    _, answered = await ask_dm(asker, dm, "cliënt heeft schulden en veel rekeningen")
    assert answered[NOTICE_KEY]["kind"] == "route.answer"
    _, refused = await ask_dm(asker, dm, "mevrouw Yilmaz heeft huurschuld")
    assert refused[NOTICE_KEY]["errcode"] == "BB_PERSONAL_DATA"

    async def counted() -> bool:
        text = await _scrape(url)
        return (_sum(text, "busbaan_commands_total", command="question", outcome="ok")
                > _sum(before, "busbaan_commands_total", command="question", outcome="ok")
                and _sum(text, "busbaan_commands_total", command="question",
                         outcome="refused", errcode="BB_PERSONAL_DATA")
                > _sum(before, "busbaan_commands_total", command="question",
                       outcome="refused", errcode="BB_PERSONAL_DATA"))

    await eventually(counted, timeout=10)
    text = await _scrape(url)
    assert _sum(text, "busbaan_refusals_total", code="refused.personal_data") >= 1
    assert _sum(text, "busbaan_refusals_total", source="wegwijzer-bot", code="other") == 0
    assert _sum(text, "busbaan_reply_latency_seconds_count", command="question") >= 2
    assert "Yilmaz" not in text and "schulden" not in text


async def _scrape(url: str) -> str:
    async with aiohttp.ClientSession() as http, http.get(url) as resp:
        assert resp.status == 200
        return await resp.text()


def _sum(text: str, name: str, **labels: str) -> float:
    return sum(v for n, lab, v in samples(text) if n == name
               and all(lab.get(k) == want for k, want in labels.items()))


async def test_feedback_after_a_refused_question_finds_no_answer(
        make_person: MakePerson, bot_id: str, busbaan_db_url: str) -> None:
    """outside7 finding 4: a safety answer, then a refused question (personal data), then
    `!fout stadspas` was booked on the safety answer. Feedback is about the last question
    answered, and only when no question was asked after it: after a refusal there is no
    answer to correct (Dutch, or English for `!wrong`), and nothing is recorded."""
    from busbaan.store import make_engine
    from busbaan.store.wegwijzer_repo import FeedbackRepository

    asker = await make_person()
    dm = await asker.dm(bot_id)
    _, first = await ask_dm(asker, dm, "mijn zoon zegt dat hij er niet meer wil zijn")
    answer_id = first[ROUTE_KEY]["answer_id"]
    for refused, errcode in (("Jan de Vries 111222333", "BB_PERSONAL_DATA"),
                             ("😀🙏🏽", "BB_NO_WORDS")):
        _, content = await ask_dm(asker, dm, refused)
        assert content[NOTICE_KEY]["errcode"] == errcode
        for cmd, words in (("!fout stadspas", "niet beantwoord"), ("!goed", "niet beantwoord"),
                           ("!wrong", "did not answer")):
            reply = await asker.command(dm, cmd)
            assert reply[REPLY_KEY]["ok"] is False, (cmd, reply["body"])
            assert reply[REPLY_KEY]["errcode"] == "BB_NO_ANSWER"
            assert words in reply["body"], reply["body"]
        baan = await asker.command(dm, "!baan 1")  # nor a lane from the answer before
        assert baan[REPLY_KEY]["errcode"] == "BB_NO_ANSWER"
    engine = make_engine(busbaan_db_url)
    try:
        assert FeedbackRepository(engine).for_answer(answer_id) == []
    finally:
        engine.dispose()
    # a new question answered: feedback refers to it again
    _, again = await ask_dm(asker, dm, "cliënt heeft schulden en veel rekeningen")
    good = await asker.command(dm, "!goed")
    assert good[REPLY_KEY]["ok"] is True, good["body"]
    assert good[REPLY_KEY]["data"]["answer_id"] == again[ROUTE_KEY]["answer_id"]


async def test_a_refused_first_question_is_not_called_no_question(
        make_person: MakePerson, bot_id: str) -> None:
    """outside14 (session 11): in a new direct chat, a first question refused for a birth
    date written with the month in words, then `!baan 1`: the bot said "Ik heb je in
    deze kamer nog geen antwoord gegeven. Stel eerst een vraag" to someone who had just
    asked one (and before the fix in busbaan/privacy.py the question was answered, and
    `!baan 1` put the birth date in the team's intake room). Now the question is refused
    and the commands after it say the last question was not answered (Dutch, English)."""
    asker = await make_person()
    dm = await asker.dm(bot_id)
    _, refused = await ask_dm(
        asker, dm, "Mijn uitzendkracht (geboren 3 maart 2005) is zijn werk kwijt en heeft "
                   "geen diploma en geen inkomen. Waar kan hij terecht?")
    assert refused[NOTICE_KEY]["errcode"] == "BB_PERSONAL_DATA", refused["body"]
    assert ROUTE_KEY not in refused and "maart" not in refused["body"]
    for cmd, words in (("!baan 1", "niet beantwoord"), ("!goed", "niet beantwoord"),
                       ("!lane 1", "did not answer")):
        reply = await asker.command(dm, cmd)
        assert reply[REPLY_KEY]["errcode"] == "BB_NO_ANSWER", reply["body"]
        assert reply[REPLY_KEY]["data"]["reason"] == "last_question_refused"
        assert words in reply["body"] and "Stel eerst een vraag" not in reply["body"]
    # someone who never asked here still hears "ask a question first"
    other = await make_person()
    fresh = await other.dm(bot_id)
    never = await other.command(fresh, "!goed")
    assert never[REPLY_KEY]["errcode"] == "BB_NO_ANSWER" and "nog geen antwoord" in never["body"]


async def test_the_bot_reads_what_the_editor_forgot_before_the_next_question(
        make_person: MakePerson, bot_id: str, busbaan_db_url: str,
        wegwijzer_service: Any) -> None:
    """Session 8 (forget9's open point): `busbaan route learned forget` runs in another
    process; the bot reads the learned associations again before a question once they are
    older than ``learned_refresh_s`` (60 s; 0 here), so a forgotten association stops
    counting without a restart, and one taught elsewhere starts counting."""

    from busbaan.routing.learning import Evidence, source_key
    from busbaan.store import make_engine
    from busbaan.store.wegwijzer_learned import LearnedRepository

    bot = wegwijzer_service.wegwijzer
    sha = bot.document.sha256
    key = load_pseudonyms(wegwijzer_service.config.pseudonym_key_path)
    engine = make_engine(busbaan_db_url)
    term = "kwartetspel"  # nobody else votes for it
    try:
        repo = LearnedRepository(engine)
        for n in (1, 2):  # two people: the association counts
            source = source_key(f"F-refresh-{n}", f"@refresh{n}:test", key)
            repo.replace_source(sha, source, [Evidence(term, "taalhuis", 1, source)], key)
        assert term not in bot.learned.by_term  # loaded at start, before the votes
        bot.learned_refresh_s = 0.0
        asker = await make_person()
        dm = await asker.dm(bot_id)
        await ask_dm(asker, dm, "buurvrouw wil beter leren lezen")
        assert [a.service_id for a in bot.learned.by_term[term]] == ["taalhuis"]
        assert repo.forget(term, map_sha256=sha) == 2
        await ask_dm(asker, dm, "buurvrouw wil beter leren schrijven")
        assert term not in bot.learned.by_term
    finally:
        bot.learned_refresh_s = 60.0
        engine.dispose()
