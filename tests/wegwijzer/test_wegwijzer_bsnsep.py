"""bsnsep (session 17): a BSN is found however its groups are parted, and wherever a
client shows it.

outside21 found two ways past the personal-data check:

- a BSN whose groups were parted by a tab, a line break, two spaces, a slash, an
  underscore or an en dash was not found (the detector joined groups only across one
  ".", " " or "-"); a lane would have carried it;
- the bot read only a message's ``body``: a crafted client could put a BSN in the
  ``formatted_body`` that every other client shows, and the bot answered it.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import nio
import pytest

from busbaan.audit.entry import AuditEntry
from busbaan.devstack.people import NOTICE_KEY, REPLY_KEY
from busbaan.errors import PersonalData
from busbaan.matrix.runner import markup_text
from busbaan.privacy import find_bsns, find_personal_data, redact
from busbaan.wegwijzer import parse_question
from tests.wegwijzer.conftest import ROUTE_KEY, MakePerson, group_room, in_reply_to

BSN = "839958912"  # passes the 11-check; no one's
QUESTION = "Cliënt met bsn {} heeft schulden, waar kan hij heen?"
SEPARATORS = ["\t", "\n", "\r\n", "  ", "/", " / ", "_", "–", " – ", "—", ". ", "*", "|", "\\"]


@pytest.mark.parametrize("sep", SEPARATORS)
def test_a_bsn_is_found_whatever_parts_its_groups(sep: str) -> None:
    written = sep.join(["839", "958", "912"])
    text = QUESTION.format(written)
    assert find_bsns(text) == [written]
    assert parse_question(text).personal
    assert "bsn" in [f.kind for f in parse_question(text).findings]


@pytest.mark.parametrize("sep", ["\t", "\n", "/", "_", "–"])
def test_a_bsn_in_other_groupings_is_found_too(sep: str) -> None:
    """Groups of four, two and three (as some letters print it), not just 3-3-3."""
    written = sep.join(["8399", "58", "912"])
    assert find_bsns(f"bsn {written} graag") == [written]


@pytest.mark.parametrize("sep", ["\t", "\n", "  ", "/", "_", "–"])
def test_a_parted_bsn_never_reaches_a_log(sep: str) -> None:
    """redact(), the reading for logs, replaces it whole: no group of it is left."""
    text = QUESTION.format(sep.join(["839", "958", "912"]))
    out = redact(text)
    assert "[bsn]" in out
    assert not any(group in out for group in ("839", "958", "912"))


@pytest.mark.parametrize("sep", ["\t", "\n", "/", "_", "–"])
def test_an_audit_entry_with_a_parted_bsn_is_refused(sep: str) -> None:
    with pytest.raises(PersonalData):
        AuditEntry(event_code="route.refused", action="E",
                   occurred_at=dt.datetime(2026, 12, 15, tzinfo=dt.UTC), outcome="refused",
                   source="wegwijzer",
                   details={"note": f"bsn {sep.join(['839', '958', '912'])}"})


@pytest.mark.parametrize("text", [
    # a letter, a comma or a semicolon parts the numbers: a list, not one number
    "huur € 839, gas € 958, water € 912",
    "bedragen 839; 958; 912",
    "839 euro en 958 euro en 912 euro",
    # four characters between groups are no separator of one number
    "839 // 958 // 912",
    # a full date and the time after it ("1-12-2024 9:30": 12, 2024, 9, 30 made nine)
    "afspraak op 1-12-2024 9:30 of 12/03/2025 14:15",
    # a phone number, an IBAN with its check, a postcode and a house number
    "bel 020 123 4567", "NL91 ABNA 0417 1643 00", "1071 ZN 12-3",
])
def test_numbers_that_are_no_bsn_stay_so(text: str) -> None:
    assert find_bsns(text) == []


def test_amounts_and_dates_do_not_become_bsns_more_often_than_before() -> None:
    """Generated lists of amounts and dates with times: no comma-separated list, and no
    full date with its time, reads as a BSN (the old rule had 41 in 3,000 of the dates:
    "1-12-2024 9" joined across the space)."""
    rnd = random.Random(17)
    dates = [f"{rnd.randint(1, 28)}-{rnd.randint(1, 12)}-{rnd.randint(1990, 2026)} "
             f"{rnd.randint(0, 23)}:{rnd.randint(0, 59):02d}" for _ in range(3000)]
    amounts = [f"{rnd.randint(100, 999)}, {rnd.randint(100, 999)}, {rnd.randint(100, 999)}"
               for _ in range(3000)]
    assert sum(bool(find_bsns(t)) for t in dates + amounts) == 0


def test_a_long_run_of_digits_and_marks_is_read_quickly() -> None:
    """The wider separator must not make the scan slow (the gate reads names with it):
    the scan grows in proportion to the text, not with its square. Measured as a ratio
    of two lengths, each the best of three runs, not against a wall-clock limit (house
    rule 6: the machines are shared; a fixed 5 s failed at load 20 with a linear scan).
    Four times the text costs about four times the time; a quadratic scan would cost
    sixteen."""
    import time

    def best(n: int) -> float:
        text = "1 - " * n + "x" + "12/" * n
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            find_personal_data(text)
            runs.append(time.perf_counter() - start)
        return min(runs)

    small, large = best(5_000), best(20_000)
    assert large / small < 9, (small, large)


# -- the HTML part -------------------------------------------------------------------

def test_the_html_part_is_read_as_a_reader_sees_it() -> None:
    content = {"msgtype": "m.text", "body": "cliënt zoekt schuldhulp",
               "format": "org.matrix.custom.html",
               "formatted_body": "<mx-reply><blockquote>eerder 111222333</blockquote>"
                                 "</mx-reply><p>cliënt <b>bsn</b> 839&nbsp;958&#160;912</p>"}
    assert markup_text(content) == "cliënt bsn 839 958 912"
    edit = {"msgtype": "m.text", "body": "* x",
            "m.relates_to": {"rel_type": "m.replace", "event_id": "$q"},
            "m.new_content": {"body": "x", "formatted_body": "<p>a</p><p>b</p>"}}
    assert markup_text(edit).split() == ["a", "b"]
    assert markup_text({"msgtype": "m.text", "body": "x"}) == ""


async def _send(person: Any, room_id: str, content: dict[str, Any]) -> str:
    resp = await person.client.room_send(room_id, "m.room.message", content,
                                         ignore_unverified_devices=True)
    assert isinstance(resp, nio.RoomSendResponse), resp
    return str(resp.event_id)


async def _answer(person: Any, room_id: str, event_id: str, key: str) -> dict[str, Any]:
    def match(rid: str, ev: dict[str, Any]) -> bool:
        content = ev.get("content", {})
        return rid == room_id and key in content and in_reply_to(content) == event_id

    _, ev = await person.wait_for(match, 15.0)
    return dict(ev["content"])


HIDDEN = {"msgtype": "m.text", "body": "Cliënt van 44 heeft schulden. Waar kan hij terecht?",
          "format": "org.matrix.custom.html",
          "formatted_body": "<p>Cliënt van 44 met bsn 839&nbsp;958&nbsp;912 heeft schulden. "
                            "Waar kan hij terecht?</p>"}


async def test_a_bsn_only_in_the_html_part_is_refused(make_person: MakePerson,
                                                      bot_id: str) -> None:
    """Live: a direct question and `!wie` whose body is clean and whose HTML part holds
    a BSN are refused like the BSN in the body; the same message without it is answered;
    the refusal never repeats the number."""
    asker = await make_person()
    dm = await asker.dm(bot_id)
    refused = await _answer(asker, dm, await _send(asker, dm, HIDDEN), NOTICE_KEY)
    assert refused[NOTICE_KEY]["errcode"] == "BB_PERSONAL_DATA" and ROUTE_KEY not in refused
    assert "839" not in refused["body"]
    clean = dict(HIDDEN, formatted_body="<p>Cliënt van 44 heeft <b>schulden</b>. "
                                        "Waar kan hij terecht?</p>")
    answered = await _answer(asker, dm, await _send(asker, dm, clean), NOTICE_KEY)
    assert answered[NOTICE_KEY]["kind"] == "route.answer" and ROUTE_KEY in answered
    room = await group_room(asker, bot_id)
    who = {"msgtype": "m.text", "body": "!wie cliënt heeft schulden",
           "format": "org.matrix.custom.html",
           "formatted_body": "!wie cliënt met bsn 839/958/912 heeft schulden"}
    reply = await _answer(asker, room, await _send(asker, room, who), REPLY_KEY)
    assert reply[REPLY_KEY]["errcode"] == "BB_PERSONAL_DATA" and ROUTE_KEY not in reply
