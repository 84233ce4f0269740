"""outside21 (session 17): what a professional pastes is read as she sees it.

Live (`make dev`, an encrypted direct chat from a plain nio client), a question with a
BSN whose groups were separated by no-break spaces — as Outlook, Word, a web page or
macOS's Option-space write them — was not refused: it was answered, and `!baan 1` put
it, BSN and all, in the lane's first message to the team. A BSN split by zero-width
spaces went the same way. :func:`busbaan.matrix.runner.message_text`, the one reading of
a message's text for the runner and the bots, now reads every Unicode space as a space
and drops invisible format characters, so the personal-data check sees what the reader
sees. (Tabs, line breaks and double spaces between a BSN's groups are the privacy
check's own: tests/routing/test_outside21_findings.py.)
"""

from __future__ import annotations

import pytest

from bots.wegwijzer.render import answer_texts
from busbaan.matrix.runner import message_text
from busbaan.routing import MAX_QUESTION_CHARS, Router
from busbaan.wegwijzer import parse_question

BSN = "839958912"  # passes the 11-check; no one's
QUESTION = "Cliënt van 44 uit Zuidoost met bsn {} heeft schulden. Waar kan hij terecht?"


@pytest.mark.parametrize("written", [
    "839\u00a0958\u00a0912",  # no-break space (Outlook, Word, Option-space)
    "839\u202f958\u202f912",  # narrow no-break space
    "839\u2009958\u2009912",  # thin space
    "8\u200b3\u200b9\u200b9\u200b5\u200b8\u200b9\u200b1\u200b2",  # zero-width spaces
    "839\u00ad958\u00ad912",  # soft hyphens
    "\u2066839958912\u2069",  # direction isolates around it
    "8\u200d39958912",  # a zero-width joiner between digits
])
def test_a_bsn_pasted_with_invisible_or_unusual_spaces_is_refused(written: str) -> None:
    body = QUESTION.format(written)
    text = message_text(body, {"msgtype": "m.text", "body": body})
    question = parse_question(text)
    assert question.personal, text
    assert "bsn" in [f.kind for f in question.findings], text


def test_an_edit_with_a_no_break_bsn_is_read_the_same_way() -> None:
    new = QUESTION.format("839\u00a0958\u00a0912")
    content = {"msgtype": "m.text", "body": "* cliënt zoekt schuldhulp",
               "m.new_content": {"msgtype": "m.text", "body": new},
               "m.relates_to": {"rel_type": "m.replace", "event_id": "$q"}}
    assert parse_question(message_text(content["body"], content)).personal


@pytest.mark.parametrize(("body", "text"), [
    # ordinary text is untouched
    ("cliënt, 58, Zuidoost, kan de energierekening niet betalen",
     "cliënt, 58, Zuidoost, kan de energierekening niet betalen"),
    # a word with a soft hyphen is the word
    ("zoekt schuld\u00adhulp", "zoekt schuldhulp"),
    # an emoji sequence keeps its joiner
    ("dank je 👩\u200d⚕️", "dank je 👩\u200d⚕️"),
    # a command typed with a no-break space is the command
    ("!baan\u00a01", "!baan 1"),
])
def test_text_reads_as_the_reader_sees_it(body: str, text: str) -> None:
    assert message_text(body, {"msgtype": "m.text", "body": body}) == text


#: live: 2,790 characters of small talk, then the danger
LONG = ("Ik schrijf dit even uitgebreid op omdat het een lang verhaal is over de buurt en het "
        "weer. " * 30 + " Haar man slaat haar elke avond en ze durft niet naar huis.")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_danger_after_the_cut_is_not_said_to_be_unread(demo_router: Router,
                                                         lang: str) -> None:
    """Live: the ⚠ for partner violence came from after the first 2000 characters (the
    safety signals read 20,000), and right under it the bot said it had read nothing
    after the first 2000. The cut note now says what each reading covers."""
    answer = demo_router.route(LONG)
    assert answer.truncated and LONG.index("Haar man") > MAX_QUESTION_CHARS
    assert "partner_violence" in [hit.signal for hit in answer.safety]
    body, _ = answer_texts(answer, lang)
    cut = body.split("\n")[1]  # under the ⚠ line
    if lang == "nl":
        assert cut.startswith("Je bericht was erg lang") and "niet wat daarna komt" not in cut
        assert "op tekenen van gevaar de eerste 20.000" in cut
    else:
        assert cut.startswith("Your message was very long") and "not what comes after" not in cut
        assert "for signs of danger its first 20,000" in cut
