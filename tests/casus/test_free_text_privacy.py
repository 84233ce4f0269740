"""Free text the casus bot takes from a professional, followed to where it goes
(session 19, guidepd; house rules 4 and 5). Real Synapse with the gate, the casus bot,
plain Matrix clients, the service's own store.

- A direct chat with the bot keeps nothing, but free text there that holds a BSN, a
  name or a phone number is answered with what is wrong and what to do (it was met
  with the pointer alone); an edited command holding one is not echoed back.
- Words typed into ``!toestemming geef`` reach a refusal's audit entry only when the
  policy knows them: a BSN typed as a category went into a leaf as typed (never sealed,
  never erased), a BSN as the organisation made the log refuse the entry (the refusal
  never logged), a surname as the organisation went into the leaf.
- ``!uitnodigen`` of an unknown ``@<bsn>:server`` is refused before its refusal's
  record would keep the ID; a non-ID with a BSN is not echoed.
- ``!burgerlink bereikbaar=`` holds how the citizen reaches the professional, never a
  BSN, an account number or a date of birth.
- None of it reaches the bot's log, before or after the redaction processor.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import random
from collections.abc import Iterator, MutableMapping
from typing import Any

import nio
import pytest
import sqlalchemy as sa
import structlog

from busbaan.devstack.people import NOTICE_KEY, Person, eventually
from busbaan.log import redact_processor
from busbaan.privacy import is_valid_bsn
from busbaan.service import Service
from busbaan.store import make_engine
from busbaan.store.service_tables import outbox_table
from tests.audit.test_outside18_erasure import _cells_with
from tests.casus.conftest import MakePerson
from tests.casus.test_case_rooms import open_case

pytestmark = pytest.mark.synapse

REPLY = "nl.busbaan.reply"


def _fresh_bsn() -> str:
    """A BSN (11-check) that appears nowhere but where the test puts it."""
    rnd = random.Random()
    while True:
        digits = f"{rnd.randint(100_000_000, 999_999_999)}"
        if is_valid_bsn(digits):
            return digits


def _surname() -> str:
    """A made-up surname nobody else in the store carries."""
    rnd = random.Random()
    return "Vosse" + "".join(rnd.choice("bdklmnprstvw") + rnd.choice("aeiou")
                             for _ in range(3)) + "lt"


def _until(days: int) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


class _Log:
    """Every event the process logs while the test runs: as the bot logged it (before
    any processor) and as it is written (after busbaan's redaction processor)."""

    def __init__(self) -> None:
        self.raw: list[str] = []
        self.written: list[str] = []

    def before(self, _l: Any, _m: str, event: MutableMapping[str, Any]
               ) -> MutableMapping[str, Any]:
        self.raw.append(repr(dict(event)))
        return event

    def after(self, _l: Any, _m: str, event: MutableMapping[str, Any]) -> str:
        self.written.append(json.dumps(event, default=str, ensure_ascii=False))
        raise structlog.DropEvent

    def holds(self, *needles: str) -> list[str]:
        return [line for line in (*self.raw, *self.written)
                if any(n.lower() in line.lower() for n in needles)]


@pytest.fixture
def bot_log() -> Iterator[_Log]:
    """busbaan's processors (format_exc_info, then redaction) with a recorder on each
    side; the configuration is put back after the test (tests/conftest.py)."""
    seen = _Log()
    structlog.configure(processors=[
        structlog.contextvars.merge_contextvars, structlog.processors.add_log_level,
        seen.before, structlog.processors.format_exc_info, redact_processor, seen.after],
        wrapper_class=structlog.make_filtering_bound_logger(0),
        cache_logger_on_first_use=False)
    yield seen


async def _answer_to(person: Person, room: str, event_id: str) -> dict[str, Any]:
    _, ev = await person.wait_for(
        lambda rid, e: rid == room and e.get("content", {}).get("m.relates_to", {}).get(
            "m.in_reply_to", {}).get("event_id") == event_id)
    content: dict[str, Any] = ev["content"]
    return content


async def test_personal_data_in_a_direct_chat_is_answered_with_what_to_do(
    service: Service, make_person: MakePerson, bot_log: _Log
) -> None:
    """Free text with a BSN and a name, or (in English) a name and a phone number, in a
    direct chat gets the pointer opened by the warning: the kinds found, never the
    values; nothing kept or passed on; delete it; a client's details belong in their
    case room. Text without any gets the pointer as before. An edited command holding
    a BSN is not echoed. Nothing of it is logged."""
    bsn, surname = _fresh_bsn(), _surname()
    bot = service.runners["casus"].user_id
    person = await make_person("buurtteam", "buurtteammedewerker")
    dm = await person.dm(bot)

    sent = await person.say(dm, f"Vraagje over mevrouw {surname}, bsn {bsn}")
    answer = await _answer_to(person, dm, sent)
    assert answer[NOTICE_KEY]["personal_data"] == ["bsn", "name"]
    assert answer["body"].startswith("Uw bericht lijkt een BSN en een naam te bevatten.")
    assert "niet bewaard en nergens doorgegeven" in answer["body"]
    assert "verwijder het" in answer["body"] and "casuskamer" in answer["body"]
    assert "Ik ben de casus-bot" in answer["body"]  # and still says what it does
    assert bsn not in json.dumps(answer) and surname not in json.dumps(answer)

    sent = await person.say(dm, f"Can you help my client John {surname}, phone "
                                "+31 6 4827 1953?")
    answer = await _answer_to(person, dm, sent)
    assert answer[NOTICE_KEY] == {"kind": "casus.pointer", "lang": "en",
                                 "personal_data": ["phone", "name"]}
    assert answer["body"].startswith("Your message seems to contain a phone number and a "
                                     "name.")
    assert "4827" not in answer["body"] and surname not in answer["body"]

    sent = await person.say(dm, "hoi, hoe open ik een casus?")
    answer = await _answer_to(person, dm, sent)
    assert answer[NOTICE_KEY]["personal_data"] == []
    assert answer["body"].startswith("Ik ben de casus-bot")

    first = (await person.command(dm, "!mijn-casussen"))
    original = first["m.relates_to"]["m.in_reply_to"]["event_id"]
    edit = f"!casus sluiten cliënt met bsn {bsn} is verhuisd"
    resp = await person.client.room_send(dm, "m.room.message", {
        "msgtype": "m.text", "body": f"* {edit}",
        "m.new_content": {"msgtype": "m.text", "body": edit},
        "m.relates_to": {"rel_type": "m.replace", "event_id": original}})
    assert isinstance(resp, nio.RoomSendResponse), resp
    answer = await _answer_to(person, dm, resp.event_id)
    assert "stuur het commando opnieuw" in answer["body"]
    assert bsn not in answer["body"] and "een BSN" in answer["body"]
    assert answer[NOTICE_KEY]["personal_data"] == ["bsn"]
    assert bot_log.raw, "the recorder saw the bot's events"
    assert bot_log.holds(bsn, surname, "4827") == []


async def test_typed_words_reach_no_audit_leaf_no_store_and_no_log(
    service: Service, make_person: MakePerson, busbaan_db_url: str, bot_log: _Log
) -> None:
    """A BSN typed as a category or as the organisation, or a surname as the
    organisation, of ``!toestemming geef`` is refused (BB_UNLAWFUL, unknown id), and
    each refusal is in the audit log with only what the policy knows: none held back
    from the log, none with the typed word. An unknown ``@<bsn>:server`` invitee is
    refused before anything records it; a BSN given as invitee is not echoed;
    ``bereikbaar=`` with a BSN makes no link. Afterwards the BSN and the surname are in
    no cell of busbaan's store (audit leaves included) and in no log line."""
    bsn, surname = _fresh_bsn(), _surname()
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    case_id, room = await open_case(regie, bot)
    until = _until(30)
    for text in (f"!toestemming geef schuldhulp {bsn} grondslag=wgs tot={until}",
                 f"!toestemming geef {bsn} contact grondslag=wgs tot={until}",
                 f"!toestemming geef {surname} contact grondslag=wgs tot={until}",
                 f"!toestemming geef schuldhulp schulden grondslag={bsn} tot={until}"):
        r = (await regie.command(room, text))[REPLY]
        assert r["ok"] is False and r["errcode"] == "BB_UNLAWFUL", r
    reply = await regie.command(room, f"!uitnodigen @{bsn}:localhost")
    assert reply[REPLY]["errcode"] == "BB_PERSONAL_DATA", reply
    assert "een BSN" in reply["body"] and bsn not in reply["body"]
    reply = await regie.command(room, f"!uitnodigen {bsn}")
    assert reply[REPLY]["errcode"] == "BB_USAGE" and bsn not in reply["body"], reply
    reply = await regie.command(room, f"!burgerlink bereikbaar=bsn {bsn}")
    assert reply[REPLY]["errcode"] == "BB_PERSONAL_DATA", reply
    assert "geen link gemaakt" in reply["body"] and bsn not in reply["body"]

    await asyncio.to_thread(service.casus.audit_mirror.drain)
    entries = [e.entry for e in service.audit.log().query(case_id=case_id)]
    refused = [e for e in entries if e.event_code == "consent.grant_refused"]
    assert [(e.details["rules"], e.details["grant_organisation"], e.data_categories,
             e.legal_bases) for e in refused] == [
        ("unknown-category", "schuldhulp", (), ("wgs",)),
        ("unknown-organisation", "", ("contact",), ("wgs",)),
        ("unknown-organisation", "", ("contact",), ("wgs",)),
        ("unknown-legal-basis", "schuldhulp", ("schulden",), ())]
    assert not [e for e in entries if e.event_code.startswith(("invite.", "citizen."))]
    engine = make_engine(busbaan_db_url)
    try:
        with engine.connect() as conn:
            failures = conn.execute(sa.select(outbox_table.c.failure).where(
                outbox_table.c.case_id == case_id, outbox_table.c.failure.is_not(None))
            ).all()
        assert failures == []  # no refusal held back from the audit log

        async def nowhere() -> bool:  # the inbox drops each text once it is answered
            found = [await asyncio.to_thread(_cells_with, engine, needle)
                     for needle in (bsn, surname, surname.lower())]
            return found == [[], [], []]

        await eventually(nowhere, timeout=15)
    finally:
        engine.dispose()
    assert bot_log.raw, "the recorder saw the bot's events"
    assert bot_log.holds(bsn, surname) == []
