"""outside14 (session 11): the wegwijzer as its users meet it (`make dev`, encrypted
direct chats with @wegwijzer from a plain encrypting nio client, ten clients at once;
40 questions of my own in voices no outside check used before — a youth worker, an
international school nurse, child-care staff, a physiotherapist, a dental assistant, a
bank employee, a district nurse, a librarian, a guardian (bewindvoerder), a football
coach, an HR manager, a maternity nurse, a hairdresser, a midwife, an employment agent —
written and committed before any answer was seen:
tests/data/socialmap/outside14-questions.jsonl), replayed here at router level on the
shipped demo map: the bot gave these same top 3s for all 36 questions it routed (pass 1,
and two bursts of 40).

What works is a passing test; what does not is ``xfail(strict=True)`` with the cause.
Ranking and the safety file are not mine to change this session: reported here, not
fixed. The small fixes (a birth date in words was routed, a chat's time stamps were
refused as a birth date, a refused first question was answered "ask a question first")
are tested at the end, in tests/core/test_privacy_redaction.py and in
tests/wegwijzer/test_wegwijzer_issue8_bot.py. See docs/notes/2026-12-09s11-outside14.md.
"""

from __future__ import annotations

import pytest
from routing_testdata import (
    OutsideQuestions,
    assert_danger_first,
    assert_near_miss_is_silent,
    caution,
    signals,
    top,
)

from busbaan.errors import UsageError
from busbaan.routing import Router
from busbaan.wegwijzer import parse_question

OUTSIDE = OutsideQuestions("outside14-questions.jsonl")
QUESTIONS = OUTSIDE.rows
KNOWN = OUTSIDE.known
_q, _fits = OUTSIDE.text, OUTSIDE.fits


def _route(router: Router, qid: str) -> object:
    return OUTSIDE.route(router, qid, clean=True)


def test_the_set_is_what_the_brief_asked_for() -> None:
    """40 questions: 14 danger told in everyday words, 6 near misses, 4 with a name, a
    birth date or a BSN, 3 bad inputs, 7 English; each with what a professional names
    first."""
    rows = list(QUESTIONS.values())
    kinds = [row["kind"] for row in rows]
    assert len(rows) == 40
    assert kinds.count("danger") == 14
    assert kinds.count("near") == 6
    assert kinds.count("bad") == 3
    assert sum("{bsn}" in row["question"] for row in rows) == 1
    assert sum(row["lang"] == "en" for row in rows) == 7
    assert all(row["first"] for row in rows)
    assert [row["id"] for row in rows if row.get("expect_refusal")] == [
        "o14-21", "o14-22", "o14-23", "o14-24"]


# ------------------------------------------------------------------ what works

DANGER_WORKS = [
    ("o14-03", "child_maltreatment", "veilig-thuis"),  # a 4-year-old plays out 'oom'
    ("o14-06", "partner_violence", "veilig-thuis"),    # bruised ribs, "fell down the stairs"
    ("o14-07", "child_maltreatment", "veilig-thuis"),  # a toddler in the same dirty clothes
    ("o14-08", "child_maltreatment", "veilig-thuis"),  # broken teeth, flinches at a hand
    ("o14-09", "elder_abuse", "veilig-thuis"),         # grandson takes her money, no rent
    ("o14-11", "homeless_tonight", "opvang-toegang"),  # put out this morning, a suitcase
    ("o14-14", "suicide", "crisisdienst-113"),         # English: pills, letters to his kids
]


@pytest.mark.parametrize(("qid", "signal", "service"), DANGER_WORKS)
def test_danger_described_puts_the_safety_service_first(
        demo_router: Router, qid: str, signal: str, service: str) -> None:
    """Danger told in everyday words: its signal (the ⚠ line with what to do now), its
    service first, confident."""
    assert_danger_first(_route(demo_router, qid), signal, service)


@pytest.mark.parametrize("qid", ["o14-05", "o14-12"])
def test_a_cutoff_or_eviction_told_plainly_still_gets_the_crisis_desk_first(
        demo_router: Router, qid: str) -> None:
    """The gas already shut ("zit sinds vorige week dicht"), the bailiff changing the
    locks on Tuesday: Spoedhulp first (the ⚠ line is missing; see the xfails below)."""
    assert top(_route(demo_router, qid), 1) == ["crisis-schulden"]


@pytest.mark.parametrize("qid", ["o14-15", "o14-16", "o14-17", "o14-18", "o14-19",
                                 "o14-20"])
def test_near_misses_raise_no_alarm(demo_router: Router, qid: str) -> None:
    """'dood vragen', a violence settled two years ago, a crisis already handled, a
    stabbing in the news, 'the paperwork is killing her', shooting in Fortnite: no ⚠
    and no caution service the answer key does not support."""
    row = dict(QUESTIONS[qid])
    row["question"] = _q(qid)
    assert_near_miss_is_silent(demo_router, row)


NEAR_FIRST = ["o14-15", "o14-16", "o14-17", "o14-19", "o14-20"]


@pytest.mark.parametrize("qid", NEAR_FIRST)
def test_near_misses_put_the_everyday_service_first(demo_router: Router, qid: str) -> None:
    assert top(_route(demo_router, qid), 1) == QUESTIONS[qid]["expected"]


EVERYDAY_FIRST = ["o14-28", "o14-29", "o14-33", "o14-34", "o14-35", "o14-36", "o14-37",
                  "o14-38", "o14-40", "o14-31", "o14-39"]


@pytest.mark.parametrize("qid", EVERYDAY_FIRST)
def test_everyday_questions_put_a_fitting_service_first(
        demo_router: Router, qid: str) -> None:
    """Hairdresser, community worker, midwife, district nurse, home-care planner, expats:
    a service the answer key names first or accepts there (o14-31/39, young adults in
    debt: the Jongerenloket first, Schuldhulp in the top 3)."""
    answer = _route(demo_router, qid)
    assert top(answer, 1)[0] in _fits(qid)
    assert set(QUESTIONS[qid]["expected"]) & set(top(answer))


@pytest.mark.parametrize("qid", ["o14-21", "o14-22", "o14-23", "o14-24"])
def test_a_name_a_birth_date_or_a_bsn_is_found(qid: str) -> None:
    """An untitled full name (nl, en), a birth date in words (fixed this session), a BSN
    after "burgerservicenummer": the bot refuses these before routing."""
    assert parse_question(_q(qid), KNOWN).findings


def test_another_language_is_refused_as_such(demo_router: Router) -> None:
    """o14-25, Polish in the Latin script: "I read Dutch and English" (BB_LANGUAGE)."""
    with pytest.raises(UsageError) as refused:
        _route(demo_router, "o14-25")
    assert refused.value.errcode == "BB_LANGUAGE"


def test_a_forwarded_chat_with_time_stamps_is_answered(demo_router: Router) -> None:
    """o14-26, fixed this session (busbaan/privacy.py): a chat copied from WhatsApp with
    "[14:02, 3-12-2026]" before each message was refused as "een datum die een
    geboortedatum kan zijn"; now it is answered, Thuisadministratie first."""
    assert top(_route(demo_router, "o14-26"), 1) == ["thuisadministratie"]


# ------------------------------------------------------------------ what does not

# o14-01, o14-02, o14-04 pass since safety27 (overdose: something swallowed + a body that
# does not respond; sexual_violence: an act + no consent; honour_violence: a marriage
# arranged that she refuses); o14-13 and o14-10 since safety29 and xfail22, each on its own
# (session 12: "niemand gaat me missen" is the future of "niemand zal me missen", and with
# "sorry voor alles" two signs; "geeft hem nauwelijks eten" denies the food as "geen eten"
# does, and "meneer van 88" with the live-in daughter is elder_abuse's neglect by a
# relative). All in test_danger_now_read below.


@pytest.mark.parametrize(("qid", "signal", "service"), [
    ("o14-01", "overdose", "crisisdienst-113"),
    ("o14-02", "sexual_violence", "veilig-thuis"),
    ("o14-04", "honour_violence", "veilig-thuis"),
    ("o14-13", "suicide", "crisisdienst-113"),
    ("o14-10", "elder_abuse", "veilig-thuis"),
])
def test_danger_now_read(demo_router: Router, qid: str, signal: str, service: str) -> None:
    """safety27 (o14-01, 02, 04), safety29 (o14-13, 10): the family's service first, with
    its sentence on what to do now."""
    answer = _route(demo_router, qid)
    assert signal in signals(answer), (signals(answer), caution(answer), top(answer))
    assert top(answer, 1) == [service]
    assert "112" in answer.safety[0].why  # type: ignore[attr-defined]


# o14-05 ("het gas zit ... dicht") and o14-12 ("de sloten van de woning ... vervangen")
# pass since safety27: the ⚠ line is there
SIGNAL_MISSING = [
    pytest.param("o14-05", "cutoff_now"),
    pytest.param("o14-12", "eviction_cutoff"),
]


@pytest.mark.parametrize(("qid", "signal"), SIGNAL_MISSING)
def test_the_warning_line_is_missing(demo_router: Router, qid: str, signal: str) -> None:
    assert signal in signals(_route(demo_router, qid))


RANKING = [
    pytest.param("o14-18", marks=pytest.mark.xfail(strict=True, reason="a residents' "
        "meeting after a stabbing in Noord: the Buurtteam Noord *geldzaken* first, the "
        "Buurtteam Noord third")),
    pytest.param("o14-27", marks=pytest.mark.xfail(strict=True, reason="all caps with "
        "typos ('BETALE', 'MAANDE', 'BRIEVE') about rent arrears: Budgetbeheer first, "
        "Schuldhulp not in the top 3 (spelled right, Spoedhulp comes first)")),
    # going home after surgery, cannot shop or keep the house: a strict xfail until
    # session 20 (Thuisadministratie first on 'bijhouden'); passes since s47-s50 are
    # examples (without s48 it fails again)
    "o14-30",
    pytest.param("o14-32", marks=pytest.mark.xfail(strict=True, reason="the football "
        "club's fee for a low-income family: Sociaal raadslieden first ('regeling'), the "
        "Stadspas second")),
]


@pytest.mark.parametrize("qid", RANKING)
def test_ranking(demo_router: Router, qid: str) -> None:
    answer = _route(demo_router, qid)
    assert top(answer, 1)[0] in _fits(qid), top(answer)
