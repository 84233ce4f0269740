"""`!goed` / `!fout [dienst]` (`!good` / `!wrong`) through a real Synapse (session 11,
outside13 finding 5): what a command does to the same person's earlier verdict on an
answer, what it says (Dutch, English), what is stored and learned, what is audited;
and, since session 11 (privacy13), that all of it names the professional per answer,
the votes' source under the key and the audit entries' objects by keyed reference."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from busbaan.audit.storage import AuditLog
from busbaan.devstack.people import REPLY_KEY
from busbaan.keyfile import load_pseudonyms
from busbaan.service import Service
from busbaan.store import make_engine
from busbaan.store.wegwijzer_repo import AnswerRepository, FeedbackRepository
from tests.wegwijzer.conftest import ROUTE_KEY, MakePerson, ask_dm, group_room

LETTERS = "buurvrouw kan de brieven van de gemeente niet lezen"


def _state(db_url: str, service: Service, answer_event: str
           ) -> tuple[str, list[Any], dict[str, int], list[dict[str, Any]]]:
    """The answer id, its verdicts, the net learned votes of those verdicts per service,
    and the audit entries (as JSON) that name the answer or its verdicts (all found with
    the key: the votes' source and the entries' references are keyed)."""
    engine = make_engine(db_url)
    key = load_pseudonyms(service.config.pseudonym_key_path)
    try:
        answer = AnswerRepository(engine).by_event(answer_event)
        assert answer is not None
        verdicts = FeedbackRepository(engine).for_answer(answer.answer_id)
        sha = service.wegwijzer.document.sha256
        sources = {key.learned_source(v.feedback_id) for v in verdicts}
        net: dict[str, int] = {}
        # session 13 (privacy16): what a verdict voted is sealed per source under the
        # key; the count rows hold voters per association, not sources
        with engine.connect() as conn:
            records = conn.execute(sa.text(
                "SELECT source_ref, sealed FROM route_learned_source WHERE map_sha256 = :m"),
                {"m": sha}).all()
        for ref, sealed in records:
            record = key.open_learned(ref, sealed) if ref in sources else None
            for _term, service_id, delta in (record or {}).get("votes", ()):
                net[service_id] = net.get(service_id, 0) + int(delta)
        refs = {key.audit_ref("feedback", v.feedback_id) for v in verdicts}
        entries = [e.entry.to_json() for e in AuditLog(engine).entries(0)]
        answer_ref = key.audit_ref("answer", answer.answer_id)
        # other tests' entries share the store; an entry without details names nothing
        mine = [e for e in entries
                if e.get("details", {}).get("answer_ref") == answer_ref
                or e.get("details", {}).get("feedback_ref") in refs]
        return answer.answer_id, verdicts, {s: n for s, n in net.items() if n}, mine
    finally:
        engine.dispose()


async def test_a_verdict_after_a_verdict_keeps_what_the_professional_means(
        make_person: MakePerson, bot_id: str, busbaan_db_url: str,
        wegwijzer_service: Service) -> None:
    """On one answer: `!wrong <first>` refused (it came first); `!wrong schuldhulp`;
    a bare `!fout` keeps schuldhulp (outside13: it wiped it); `!fout <second>` replaces
    it; `!goed` withdraws the wrong verdict and its votes; `!good` again changes
    nothing. One verdict row throughout; the learned votes always those of the stored
    verdict; route.feedback audited only for the changes, without the question."""
    asker = await make_person()
    dm = await asker.dm(bot_id)
    answer_event, content = await ask_dm(asker, dm, LETTERS)
    ids = [r["service_id"] for r in content[ROUTE_KEY]["results"]]
    first, second = ids[0], ids[1]
    assert "schuldhulp" not in ids

    refused = await asker.command(dm, f"!wrong {first}")
    assert refused[REPLY_KEY]["errcode"] == "BB_ALREADY_FIRST"
    assert f"{first} already came first" in refused["body"] and "!good" in refused["body"]
    _, verdicts, _, _ = _state(busbaan_db_url, wegwijzer_service, answer_event)
    assert verdicts == []

    named = await asker.command(dm, "!wrong schuldhulp")
    assert named[REPLY_KEY]["data"]["outcome"] == "new"
    assert "schuldhulp should have come up" in named["body"]
    feedback_id = named[REPLY_KEY]["data"]["feedback_id"]

    bare = await asker.command(dm, "!fout")
    data = bare[REPLY_KEY]["data"]
    assert (data["outcome"], data["expected_service_id"]) == ("kept_service", "schuldhulp")
    assert "schuldhulp had moeten komen; dat blijft staan" in bare["body"]
    _, verdicts, net, _ = _state(busbaan_db_url, wegwijzer_service, answer_event)
    assert [(v.verdict, v.expected_service_id) for v in verdicts] == [("wrong", "schuldhulp")]
    assert net.get("schuldhulp", 0) > 0 and net.get(first, 0) < 0

    other = await asker.command(dm, f"!fout {second}")
    assert other[REPLY_KEY]["data"]["outcome"] == "replaced_service"
    assert f"{second} bovenaan had moeten staan, in plaats van schuldhulp" in other["body"]
    _, _, net, _ = _state(busbaan_db_url, wegwijzer_service, answer_event)
    assert "schuldhulp" not in net and net.get(second, 0) > 0

    good = await asker.command(dm, "!goed")
    assert good[REPLY_KEY]["data"]["outcome"] == "to_good"
    assert f"je eerdere !fout {second} is ingetrokken" in good["body"]
    again = await asker.command(dm, "!good")
    assert again[REPLY_KEY]["data"]["outcome"] == "same"
    assert "nothing has changed" in again["body"]

    _, verdicts, net, entries = _state(busbaan_db_url, wegwijzer_service, answer_event)
    assert [(v.feedback_id, v.verdict, v.expected_service_id) for v in verdicts] == [
        (feedback_id, "good", None)]
    key = load_pseudonyms(wegwijzer_service.config.pseudonym_key_path)
    answer_id = verdicts[0].answer_id
    # privacy13: the verdict names the asker for this answer only, not by the one
    # pseudonym their votes are counted under
    assert verdicts[0].by == key.asker(answer_id, asker.user_id) != key.person(asker.user_id)
    assert set(net) == {first} and net[first] > 0  # only the !goed's +1 is left
    feedback = [e for e in entries if e["event_code"] == "route.feedback"]
    assert [e["details"]["outcome"] for e in feedback] == ["new", "replaced_service",
                                                           "to_good"]
    assert all(e["user_id"] == asker.user_id for e in feedback)
    # audit entries v2: the answer and the verdict by keyed reference, never their ids
    assert {(e["details"]["answer_ref"], e["details"]["feedback_ref"],
             e["details"]["pseudonym_key"]) for e in feedback} == {
        (key.audit_ref("answer", answer_id), key.audit_ref("feedback", feedback_id),
         key.fingerprint())}
    learned = [e for e in entries if e["event_code"] == "route.learned"]
    assert len(learned) == 3 and {e["details"]["feedback_ref"] for e in learned} == {
        key.audit_ref("feedback", feedback_id)}
    assert not any("person" in e["details"] or "source_id" in e["details"] for e in learned)
    assert answer_id not in str(entries) and feedback_id not in str(entries)
    assert "brieven" not in str(entries) and "lezen" not in str(entries)


async def test_naming_a_safety_service_on_an_ordinary_answer_says_to_act_now(
        make_person: MakePerson, bot_id: str) -> None:
    """`!fout veilig-thuis` on an answer without a safety signal is noted (a danger the
    answer missed teaches the map) and says, in the command's language, to contact
    Veilig Thuis now if there is danger: the verdict alerts no one."""
    asker = await make_person()
    dm = await asker.dm(bot_id)
    await ask_dm(asker, dm, LETTERS)
    nl = await asker.command(dm, "!fout veilig-thuis")
    assert nl[REPLY_KEY]["ok"] is True
    assert "Is er nu gevaar?" in nl["body"] and "Veilig Thuis" in nl["body"]
    assert "bel " in nl["body"]
    await ask_dm(asker, dm, "neighbour cannot read the letters from the council")
    en = await asker.command(dm, "!wrong veilig-thuis")
    assert "Is there danger now?" in en["body"] and "call " in en["body"]
    ordinary = await asker.command(dm, "!wrong [Schuldhulp]")  # as typed, case aside
    assert ordinary[REPLY_KEY]["data"]["expected_service_id"] == "schuldhulp"
    assert "danger" not in ordinary["body"]
    unknown = await asker.command(dm, "!wrong schuldhulpp")
    assert unknown[REPLY_KEY]["errcode"] == "BB_UNKNOWN_SERVICE"
    assert "nothing was stored" in unknown["body"] and "schuldhulp" in unknown["body"]


async def test_someone_who_did_not_ask_cannot_rate_and_nothing_is_stored(
        make_person: MakePerson, bot_id: str, busbaan_db_url: str,
        wegwijzer_service: Service) -> None:
    """In a group room another member's `!wrong <dienst>` in reply to the asker's answer
    is refused (BB_NOT_ASKER, English), their bare `!fout` finds no answer of theirs
    (BB_NO_ANSWER, Dutch); the asker's verdicts are untouched."""
    asker, member = await make_person(), await make_person()
    room = await group_room(asker, bot_id, member)
    await asker.command(room, f"!wie {LETTERS}")
    await asker.command(room, "!fout schuldhulp")
    engine = make_engine(busbaan_db_url)
    try:
        key = load_pseudonyms(wegwijzer_service.config.pseudonym_key_path)
        record = AnswerRepository(engine).last_for(
            lambda answer_id: key.answer_room(answer_id, room),
            lambda answer_id: key.asker(answer_id, asker.user_id))
        assert record is not None and record.event_id is not None
        answer_event = record.event_id
    finally:
        engine.dispose()
    reply = await member.client.room_send(room, "m.room.message", {
        "msgtype": "m.text", "body": "!wrong taalhuis",
        "m.relates_to": {"m.in_reply_to": {"event_id": answer_event}}})

    def reply_to(rid: str, ev: dict[str, Any]) -> bool:
        rel = ev.get("content", {}).get("m.relates_to", {}).get("m.in_reply_to", {})
        return rid == room and rel.get("event_id") == getattr(reply, "event_id", None)
    _, refused = await member.wait_for(reply_to)
    assert refused["content"][REPLY_KEY]["errcode"] == "BB_NOT_ASKER"
    assert "Only the person who asked" in refused["content"]["body"]
    bare = await member.command(room, "!fout")
    assert bare[REPLY_KEY]["errcode"] == "BB_NO_ANSWER" and "nog geen antwoord" in bare["body"]
    _, verdicts, _, _ = _state(busbaan_db_url, wegwijzer_service, answer_event)
    assert [(v.verdict, v.expected_service_id) for v in verdicts] == [("wrong", "schuldhulp")]
