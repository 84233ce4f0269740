"""outside15 (session 12): the wegwijzer as its users meet it (`make dev`, encrypted
direct chats with @wegwijzer from a plain encrypting nio client, ten clients at once;
40 questions of my own in voices no outside check used before — a POH-GGZ, a school
social worker, a client's son and sister, a refugee coach, a housing officer, a regional
taxi driver, a grid technician, a mosque volunteer, a gym owner, a postman, an undertaker,
a probation officer, a fire-safety officer, a debt buddy, a buurtteam intake worker, a
dementia case manager, an UWV assessor, a PhD supervisor, a boa — written and committed
before any answer was seen: tests/data/socialmap/outside15-questions.jsonl), replayed here
at router level on the shipped demo map: the bot gave these same top 3s for all 37
questions it routed (pass 1, a sequential pass and two bursts of 40).

What works is a passing test; what does not is ``xfail(strict=True)`` with the cause read
from the router's own evidence (its safety cue and the words each service "past bij").
Ranking and the safety file are not mine to change: reported, not fixed.
See docs/notes/2026-12-10s12-outside15.md.

Session 12, safety30 (docs/notes/2026-12-10s12-safety30.md): the findings on the safety
file are fixed by general readings and pass now (o15-06, o15-10, o15-12, o15-19, o15-15,
o15-17, o15-02's second warning); each test keeps its history in its docstring. Still
strict xfails: o15-02's adult shelter by the ranker's words, and the filler services.
"""

from __future__ import annotations

import datetime as dt

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

OUTSIDE = OutsideQuestions("outside15-questions.jsonl")
QUESTIONS = OUTSIDE.rows
KNOWN = OUTSIDE.known
_q, _fits = OUTSIDE.text, OUTSIDE.fits


def _route(router: Router, qid: str) -> object:
    return OUTSIDE.route(router, qid, clean=True)


def _near(router: Router, qid: str) -> None:
    row = dict(QUESTIONS[qid])
    row["question"] = _q(qid)
    assert_near_miss_is_silent(router, row)


def test_the_set_is_what_the_brief_asked_for() -> None:
    """40 questions: 14 danger told in everyday words across the families, 6 near
    misses, 3 with a name, a birth date or a BSN, 7 English; each with its answer key
    and what a professional names first."""
    rows = list(QUESTIONS.values())
    kinds = [row["kind"] for row in rows]
    assert len(rows) == 40
    assert kinds.count("danger") == 14
    assert kinds.count("near") == 6
    assert sum(row["lang"] == "en" for row in rows) == 7
    assert len({row["safety"] for row in rows if row["kind"] == "danger"}) == 12
    assert all(row["first"] and row["expected"] for row in rows)
    assert all({"id", "question", "context", "expected", "acceptable", "tags", "safety"}
               <= set(row) for row in rows)
    assert [row["id"] for row in rows if row.get("expect_refusal")] == [
        "o15-21", "o15-22", "o15-23"]


# ------------------------------------------------------------------ what works

DANGER_WORKS = [
    ("o15-01", "partner_violence", "veilig-thuis"),    # POH: "keel dichtkneep", control
    ("o15-03", "elder_abuse", "veilig-thuis"),         # son: brother has her card, fear
    ("o15-04", "homeless_tonight", "opvang-toegang"),  # English: at Centraal, no bed
    ("o15-05", "eviction_cutoff", "crisis-schulden"),  # "ontruiming op 12-3-2027 staat vast"
    ("o15-07", "psychiatric_crisis", "crisisdienst-113"),  # foil on the windows, a knife
    ("o15-08", "overdose", "crisisdienst-113"),        # English: pills + vodka, won't wake
    ("o15-09", "honour_violence", "veilig-thuis"),     # "de familie te schande gemaakt"
    ("o15-11", "cutoff_now", "crisis-schulden"),       # power off, oxygen on the battery
    ("o15-13", "homeless_tonight", "veilig-thuis"),    # 16, put out by his stepfather
    ("o15-14", "partner_violence", "veilig-thuis"),    # English GP: "walked into a door"
]


@pytest.mark.parametrize(("qid", "signal", "service"), DANGER_WORKS)
def test_danger_described_puts_the_safety_service_first(
        demo_router: Router, qid: str, signal: str, service: str) -> None:
    """Danger told in everyday words: its signal (the ⚠ line with what to do now), its
    service first, confident."""
    assert_danger_first(_route(demo_router, qid), signal, service)


def test_a_child_made_to_sleep_in_a_cupboard_gets_veilig_thuis_first(
        demo_router: Router) -> None:
    """o15-02: no breakfast for weeks, smells of urine, sleeps in the cupboard under the
    stairs: child_maltreatment's ⚠ and Veilig Thuis first (a second ⚠ is wrong: below)."""
    answer = _route(demo_router, "o15-02")
    assert "child_maltreatment" in signals(answer)
    assert top(answer, 1) == ["veilig-thuis"]


def test_an_unseen_neighbour_gets_vangnet_first_with_the_112_warning(
        demo_router: Router) -> None:
    """o15-12, the postman: letterbox full for two weeks, a smell, nobody opens. GGD
    Vangnet first (the demo map has no police desk), with the ⚠ line "bel nu 112; de
    politie kan de deur openen". outside15 saw only the caution line; safety30 made
    "niemand doet open" a sign of not being seen (see the test below)."""
    answer = _route(demo_router, "o15-12")
    assert top(answer, 1) == ["ggd-vangnet"]
    assert "unseen_person" in signals(answer)
    assert "112" in answer.safety[0].why  # type: ignore[attr-defined]


@pytest.mark.parametrize("qid", ["o15-16", "o15-18", "o15-20"])
def test_near_misses_raise_no_alarm(demo_router: Router, qid: str) -> None:
    """'ik ga dood van de stress' over a test week, a brother who will 'vermoorden' him
    over a bike (a joke), a smoke alarm set off by burnt food: no ⚠ and no caution service
    the answer key does not support."""
    _near(demo_router, qid)


@pytest.mark.parametrize("qid", ["o15-15", "o15-16", "o15-17", "o15-18", "o15-20"])
def test_near_misses_put_the_everyday_service_first(demo_router: Router, qid: str) -> None:
    assert top(_route(demo_router, qid), 1)[0] in _fits(qid)


EVERYDAY = [f"o15-{n}" for n in range(24, 41)]


@pytest.mark.parametrize("qid", EVERYDAY)
def test_everyday_questions_put_a_fitting_service_first(
        demo_router: Router, qid: str) -> None:
    """Debt buddy, intake worker, housing officer, dementia case manager, child-health
    nurse, UWV, health insurer, GP, integration coach, mosque, community centre, water
    company, PhD supervisor, a daughter, a boa, home care (typos), a law shop: a service
    the answer key names first (o15-24: Thuisadministratie, accepted) and the expected
    one in the top 3."""
    answer = _route(demo_router, qid)
    assert top(answer, 1)[0] in _fits(qid)
    assert set(QUESTIONS[qid]["expected"]) & set(top(answer))


@pytest.mark.parametrize(("qid", "kind"), [("o15-21", "name"), ("o15-22", "date"),
                                           ("o15-23", "bsn")])
def test_a_name_a_birth_date_or_a_bsn_is_refused(qid: str, kind: str) -> None:
    """An untitled full name, "geboren 3-3-2005", a BSN: found before routing (the bot
    answered BB_PERSONAL_DATA with kinds [name], [date], [bsn])."""
    assert kind in {f.kind for f in parse_question(_q(qid), KNOWN).findings}


def test_an_eviction_date_is_not_personal_data() -> None:
    """privacy14: "de ontruiming op 12-3-2027" is a step in a process, not a birth date;
    o15-05 and a short variant were answered live (crisis-schulden first)."""
    for text in (_q("o15-05"),
                 "Huurder heeft een brief: ontruiming op 12-3-2027. Wie kan nog helpen?"):
        assert parse_question(text, KNOWN).findings == ()


@pytest.mark.parametrize(("text", "errcode"), [
    ("", "BB_EMPTY_QUESTION"),
    ("   ", "BB_EMPTY_QUESTION"),
    ("🙏😢🏠💸", "BB_NO_WORDS"),
    ("جارتي كبيرة في السن وتعيش وحدها ولا تستطيع دفع فواتير الكهرباء", "BB_NO_WORDS"),
])
def test_bad_input_gets_a_clear_refusal(demo_router: Router, text: str, errcode: str) -> None:
    """Empty, spaces only, emoji only, Arabic script: one Dutch sentence saying what to
    send instead (live: the same errcodes)."""
    with pytest.raises(UsageError) as refused:
        question = parse_question(text, KNOWN)
        demo_router.route(question.text, question.context)
    assert refused.value.errcode == errcode


def test_a_3000_character_case_note_is_answered_from_its_first_2000(
        demo_router: Router) -> None:
    """3,006 characters: answered ("ik heb alleen de eerste 2000 tekens gelezen" live),
    with the district and age the note gives (Buurtteam West geldzaken first)."""
    note = ("Casusnotitie buurtteam. Cliënt is een alleenstaande man van 52 in West die "
            "sinds een jaar zonder werk zit. Hij heeft achterstanden bij de zorgverzekeraar, "
            "de energieleverancier en de woningcorporatie. De post stapelt zich op, hij "
            "opent geen brieven meer en schaamt zich om hulp te vragen. ") * 10
    question = parse_question(note[:2990] + " Wie kan helpen?", KNOWN)
    assert question.truncated and question.findings == ()
    assert top(demo_router.route(question.text, question.context), 1) == ["bt-west-geld"]


# ------------------------------------------------------------------ what does not

def test_a_goodbye_to_the_taxi_driver_is_read_as_suicide(demo_router: Router) -> None:
    """o15-06. outside15 (strict xfail): no suicide signal, not even the caution;
    ggz-specialistisch first on 'klonk, rustig'. The giving-away cue was 'spullen
    weggeven' (with the particle), so 'al zijn spullen aan de buren heeft gegeven' was
    not read, and 'dan ben ik er toch niet meer' was no cue ('er niet meer zijn' is said
    of the dead). safety30: the participle that closes a Dutch clause is read as the
    cue's verb, and not being there any more said in the first person of a time to
    come, with things given away, is a rule; now the ⚠ and the crisis service."""
    answer = _route(demo_router, "o15-06")
    assert "suicide" in signals(answer) + caution(answer)
    assert "crisisdienst-113" in top(answer)


def test_a_trainer_grooming_a_minor_puts_veilig_thuis_first(demo_router: Router) -> None:
    """o15-10. outside15 (strict xfail): no signal; Leerplicht first ('trainers, moeder,
    sportschool'). The grooming rule needed a much older friend/man plus money, gifts or
    parties, and sexual_violence had no cue for an adult who sends a minor sexual images.
    safety30: sexual_violence's rules for minors (an adult + sending + sexual images; an
    adult + a meeting + secrecy; Sr 240a, 248e)."""
    answer = _route(demo_router, "o15-10")
    assert {"sexual_violence", "child_maltreatment"} & set(signals(answer))
    assert top(answer, 1) == ["veilig-thuis"]


def test_an_unseen_neighbour_with_a_smell_gets_the_warning_line(demo_router: Router) -> None:
    """o15-12. outside15 (strict xfail): only the weak cue 'lucht uit de brievenbus'
    fired (caution line, no ⚠). safety30: "niemand doet open" is the rule's sign of not
    being seen (with two weeks and the smell)."""
    assert "unseen_person" in signals(_route(demo_router, "o15-12"))


def test_a_child_shut_in_a_cupboard_is_not_a_shelter_question(demo_router: Router) -> None:
    """o15-02. outside15 (strict xfail): homeless_tonight fired on the cue 'moeten slapen +
    vandaag' ('dat hij in de trapkast moet slapen' ... 'vandaag'), with the ⚠ 'Iemand
    heeft vannacht geen veilige slaapplek'. safety30: the cue is the question where to
    sleep ("waar ... moet slapen"), not a place named where a child is made to sleep."""
    answer = _route(demo_router, "o15-02")
    assert "homeless_tonight" not in signals(answer)


def test_a_child_shut_in_a_cupboard_shows_no_adult_shelter(demo_router: Router) -> None:
    """o15-02. A strict xfail until session 15: the adult night shelter (18+) was second
    by its examples ('jongen, vandaag, groep, slapen'). Fixed by vtfiller: the shelter
    access is a desk for dangers only, whose examples vote only when it is opened."""
    assert "opvang-toegang" not in top(_route(demo_router, "o15-02"))


def test_not_at_risk_of_sleeping_rough_raises_no_alarm(demo_router: Router) -> None:
    """o15-19 (near miss, English). outside15 (strict xfail): 'He is not at risk of
    sleeping rough' raised homeless_tonight, the negation three words before the cue.
    safety30: a negated risk noun denies the danger it weighs ("not at risk of", "geen
    risico op", "in no danger of")."""
    _near(demo_router, "o15-19")


def test_a_widows_post_piling_up_raises_no_elder_abuse_caution(demo_router: Router) -> None:
    """o15-15 (near miss). outside15 (strict xfail): the weak elder_abuse cue 'post
    stapelen' put Veilig Thuis third with its caution for a widow who cannot pay the
    bills after the funeral. safety30: unopened post is a paperwork question; the cue
    is out of elder_abuse's weak list (it fired on no danger in the retired sets)."""
    _near(demo_router, "o15-15")


def test_an_eviction_called_off_raises_no_eviction_caution(demo_router: Router) -> None:
    """o15-17 (near miss). outside15 (strict xfail): the weak cue 'ontruiming' fired
    although 'de ontruiming is van tafel'. safety30: a danger said to be averted or
    called off in its own part of the sentence is not read."""
    _near(demo_router, "o15-17")


def test_an_eviction_months_away_gets_the_caution_not_the_warning(
        demo_router: Router) -> None:
    """o15-05 (finding 8): the ⚠ said the eviction 'dreigt binnen enkele dagen' for
    12-3-2027. safety30: with the day known (the bot passes its clock's), a date more
    than two weeks ahead makes eviction_cutoff's signal its caution, Spoedhulp still in
    the top 3; a few days before the date it is the warning again."""
    question = parse_question(_q("o15-05"), KNOWN)
    early = demo_router.route(question.text, question.context, today=dt.date(2026, 12, 10))
    assert "eviction_cutoff" not in signals(early)
    assert "eviction_cutoff" in caution(early)
    assert "crisis-schulden" in top(early)
    late = demo_router.route(question.text, question.context, today=dt.date(2027, 3, 6))
    assert "eviction_cutoff" in signals(late)


def test_the_why_names_words_that_carry_meaning(demo_router: Router) -> None:
    """Finding 8: "past bij: vertelde, kwam" (o15-01). safety30: verbs of saying and
    everyday words are not shown when a word that carries meaning is there."""
    answer = _route(demo_router, "o15-01")
    for result in answer.results[:3]:  # type: ignore[attr-defined]
        assert "vertelde" not in result.why and "kwam" not in result.why
    assert "slaapproblemen" in answer.results[0].why  # type: ignore[attr-defined]


def test_an_unemployment_question_shows_no_veilig_thuis(demo_router: Router) -> None:
    """o15-29. A strict xfail until session 15: Veilig Thuis third for a 61-year-old
    leaving unemployment benefit, on 'geen partner, valt'. Fixed by vtfiller."""
    assert "veilig-thuis" not in top(_route(demo_router, "o15-29"))


def test_a_walk_in_shower_shows_no_eviction_desk(demo_router: Router) -> None:
    """o15-26. A strict xfail until session 15: Spoedhulp bij ontruiming second for a
    wheelchair user's walk-in shower, on 'corporatie, huurder, betalen, rolstoel'. Fixed
    by vtfiller: the eviction desk is a desk for dangers only."""
    assert "crisis-schulden" not in top(_route(demo_router, "o15-26"))


# fixed by xfail24 (session 14): the words of a fixed idiom are not read (lexicon.IDIOMS)
def test_aan_de_hand_is_no_hand(demo_router: Router) -> None:
    """The idiom 'wat er aan de hand is' (what is going on) is no body part: no service
    of the top 3 matched on 'hand'."""
    question = parse_question(
        "iets met een buurman, weet niet precies wat er aan de hand is", KNOWN)
    answer = demo_router.route(question.text, question.context)
    assert not any("hand" in r.matched for r in answer.results[:3])
