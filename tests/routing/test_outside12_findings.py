"""outside12 (session 10): the wegwijzer as its users meet it (`make dev`, encrypted
direct chats with @wegwijzer from a plain encrypting nio client; 40 questions of my own in
new voices — GP assistants, teachers, police, debt counsellors, Wmo consultants,
volunteers — written and committed before any answer was seen:
tests/data/socialmap/outside12-questions.jsonl), shown here at router level on the
shipped demo map: the bot gave these same top 3s (pass 1 and a burst, 40/40 equal).

What works is a passing test; what does not is ``xfail(strict=True)`` with the cause
(each checked with ``--runxfail`` to fail on its assertion). Ranking and the safety file
are other helpers' work this session: reported here, not fixed. The one small fix
(pasted HTML is read as its text, not refused as a foreign language) is tested at the
end. See docs/notes/2026-12-08s10-outside12.md.
"""

from __future__ import annotations

import pytest
from routing_testdata import OutsideQuestions, caution, signals, top

from busbaan.errors import UsageError
from busbaan.routing import Router
from busbaan.routing.safety import detect
from busbaan.routing.text import plain_text
from busbaan.wegwijzer import parse_question, refuse_personal_data

OUTSIDE = OutsideQuestions("outside12-questions.jsonl")
QUESTIONS = OUTSIDE.rows
KNOWN = OUTSIDE.known
_q, _fits = OUTSIDE.text, OUTSIDE.fits
_top, _signals, _caution = top, signals, caution


def _route(router: Router, qid: str) -> object:
    return OUTSIDE.route(router, qid)


def test_the_set_is_what_the_brief_asked_for() -> None:
    """40 questions: 12+ danger told in everyday words, 6 near misses, 4 with a name or a
    BSN, 3 bad inputs (pasted HTML, only emoji, 5,000 characters), some English."""
    kinds = [row["kind"] for row in QUESTIONS.values()]
    assert len(kinds) == 40
    assert kinds.count("danger") >= 12
    assert kinds.count("near") == 6
    assert kinds.count("personal") == 4
    assert kinds.count("bad") == 3
    assert len(_q("o12-27")) == 5000


# ------------------------------------------------------------------ what works

DANGER_WORKS = [
    ("o12-02", "child_maltreatment", "veilig-thuis"),  # bruises in the neck, "papa boos"
    ("o12-03", "suicide", "crisisdienst-113"),         # "springt vannacht van de brug"
    ("o12-04", "suicide", "crisisdienst-113"),         # a farewell letter, debts gone then
    ("o12-05", "elder_abuse", "veilig-thuis"),         # son keeps his bank card, no food
    ("o12-07", "psychiatric_crisis", "crisisdienst-113"),  # English: poisoned water, barricade
    ("o12-10", "eviction_cutoff", "crisis-schulden"),  # evicted on Friday, two small children
]


@pytest.mark.parametrize(("qid", "signal", "service"), DANGER_WORKS)
def test_danger_described_puts_the_safety_service_first(
        demo_router: Router, qid: str, signal: str, service: str) -> None:
    """Danger told in everyday words: its signal, its service first, confident (the ⚠
    line with what to do now that a professional sees in Element)."""
    answer = _route(demo_router, qid)
    assert signal in _signals(answer)
    assert _top(answer, 1) == [service]
    assert answer.confident  # type: ignore[attr-defined]


def test_a_runaway_minor_is_not_sent_to_the_adult_shelter(demo_router: Router) -> None:
    """A 17-year-old sleeping in the school's bike shed: Veilig Thuis and the Ouder- en
    Kindteam first with the minor's ⚠ line, not the adult shelter I had expected (the
    bot was right and my key wrong: adjudicated, counted as a miss in the raw figure)."""
    answer = _route(demo_router, "o12-14")
    assert "homeless_tonight" in _signals(answer)
    assert _top(answer, 2) == ["veilig-thuis", "okt"]


NEAR_MISSES_WORK = [
    ("o12-16", "wmo-hulpmiddelen"),  # "bang om te vallen in de douche"
    ("o12-17", "schuldhulp"),        # the bailiff "maakt hem kapot"
    ("o12-18", "poh-ggz"),           # English "she'd kill for a decent night's sleep"
    ("o12-20", "bt-oost"),           # "verveelt zich dood" since his wife died
]


@pytest.mark.parametrize(("qid", "service"), NEAR_MISSES_WORK)
def test_a_near_miss_is_answered_as_the_everyday_question_it_is(
        demo_router: Router, qid: str, service: str) -> None:
    """Danger-sounding words without danger: no ⚠, no caution, the ordinary service first."""
    answer = _route(demo_router, qid)
    assert _signals(answer) == []
    assert _caution(answer) == []
    assert _top(answer, 1) == [service]


EVERYDAY_WORKS = [
    ("o12-28", "bijzondere-bijstand"),  # glasses and the own risk
    ("o12-30", "bt-noord-geld"),        # unopened post in Noord
    ("o12-31", "wsnp"),                 # creditors refuse the amicable settlement
    ("o12-32", "wmo-huishouden"),       # a carer's mother with dementia, cleaning
    ("o12-33", "wmo-begeleiding"),      # brain injury, planning his week
    ("o12-34", "voedselbank"),          # a church volunteer, no money for food
    ("o12-35", "jongerenloket"),        # English, 22, dropped out, no income
    ("o12-37", "leerplicht"),           # kept home for "familiebezoek"
    ("o12-38", "wmo-hulpmiddelen"),     # thresholds and a rollator
    ("o12-39", "poh-ggz"),              # tense and sleepless after a burglary
    ("o12-40", "raadslieden"),          # a blue envelope: allowance reclaimed
    ("o12-27", "energiecoach"),         # 5,000 characters: a whole e-mail with disclaimer
]


@pytest.mark.parametrize(("qid", "service"), EVERYDAY_WORKS)
def test_an_everyday_question_gets_its_service_first(
        demo_router: Router, qid: str, service: str) -> None:
    """The service a professional would name first comes first."""
    assert _top(_route(demo_router, qid), 1) == [service]


@pytest.mark.parametrize("qid", ["o12-21", "o12-22", "o12-23", "o12-24"])
def test_a_question_with_a_name_or_bsn_is_refused(qid: str) -> None:
    """A name with a birth date, a BSN, a pupil's name, an English "Mr" + BSN: refused."""
    assert parse_question(_q(qid), KNOWN).personal


def test_a_beating_told_with_the_pupils_name_still_says_what_to_do_now(
        demo_router: Router) -> None:
    """"Mijn leerling <naam> zegt dat zijn vader hem met een riem slaat": refused, and the
    refusal starts with the ⚠ meldcode line (Veilig Thuis, 112)."""
    question = parse_question(_q("o12-23"), KNOWN)
    refusal = refuse_personal_data(question.findings, detect(demo_router.safety, _q("o12-23")))
    assert refusal.errcode == "BB_PERSONAL_DATA"
    assert refusal.nl.startswith("⚠ Dit kan kindermishandeling")
    assert "0800-2000" in refusal.nl.splitlines()[0]


def test_only_emoji_asks_for_words(demo_router: Router) -> None:
    """😢😢🙏🏠💸: BB_NO_WORDS, "in een paar gewone woorden"."""
    with pytest.raises(UsageError) as err:
        demo_router.route(parse_question(_q("o12-26"), KNOWN).text)
    assert err.value.errcode == "BB_NO_WORDS"


# ---------------------------------------------------------------- danger once missed (safety file)
# outside12 found these without a signal or with the wrong one; safety21 (session 10)
# fixed them by cause (families overdose, honour_violence, cutoff_now; rules for a
# partner who locks her in and a child's sexual abuse told plainly): now passing.

def test_an_overdose_told_plainly_puts_113_first(demo_router: Router) -> None:
    """A paracetamol overdose, played down afterwards: ⚠ and 113 (call 112 now) first."""
    answer = _route(demo_router, "o12-12")
    assert _signals(answer)
    assert _top(answer, 1) == ["crisisdienst-113"]


def test_a_disclosure_of_sexual_abuse_in_english_is_a_signal(demo_router: Router) -> None:
    """A secret kept about night visits by mum's boyfriend: ⚠ meldcode, Veilig Thuis."""
    answer = _route(demo_router, "o12-08")
    assert "child_maltreatment" in _signals(answer)


def test_a_girl_afraid_of_being_cut_abroad_is_a_signal(demo_router: Router) -> None:
    """FGM feared this summer: ⚠ and Veilig Thuis first."""
    answer = _route(demo_router, "o12-09")
    assert _signals(answer)
    assert _top(answer, 1) == ["veilig-thuis"]


def test_a_woman_kept_in_with_her_passport_taken_is_a_signal(demo_router: Router) -> None:
    """Not allowed out alone, passport taken: ⚠ with what to do now."""
    assert _signals(_route(demo_router, "o12-06"))


def test_a_woman_locked_in_without_her_phone_is_a_strong_signal(demo_router: Router) -> None:
    """Locked in, phone taken, terrified: ⚠ partner violence, Veilig Thuis, confident."""
    answer = _route(demo_router, "o12-01")
    assert "partner_violence" in _signals(answer)
    assert answer.confident  # type: ignore[attr-defined]


def test_children_in_a_cold_house_are_no_homeless_caution(demo_router: Router) -> None:
    """Gas off, frost: crisis-schulden first (it is), and no shelter caution."""
    answer = _route(demo_router, "o12-13")
    assert _top(answer, 1) == ["crisis-schulden"]
    assert "homeless_tonight" not in _caution(answer)


# ------------------------------------------------------------------ ranking

def test_hitting_a_ball_is_no_reason_for_veilig_thuis(demo_router: Router) -> None:
    """A hockey club's fee: hitting the ball earns Veilig Thuis nothing. It was first on
    'slaat, zoon'; fixed in session 11 (xfail21): "de bal slaan" is in the safety file's
    figurative list, which the ranker now reads too (safety.figurative_parts).
    Until session 13 this asserted Veilig Thuis out of the top 3. With s24-s26 retired
    into examples it is third again, not on 'slaat' but on 'hockeyclub, zoon' (s14's
    hockey club writing its volunteer policy, s24's football trainer "bij een club"):
    Veilig Thuis as a filler from its 463 examples, the open cause of xfail22's table,
    not the figure of speech this test is about (retire13). So: no signal, no caution,
    'slaat' not among Veilig Thuis's matched words, an ordinary service first and the
    Stadspas in the top 3."""
    answer = _route(demo_router, "o12-15")
    assert _signals(answer) == [] and _caution(answer) == []
    assert all("slaat" not in r.matched for r in answer.results  # type: ignore[attr-defined]
               if r.service_id == "veilig-thuis")
    assert _top(answer, 1) != ["veilig-thuis"]
    assert "stadspas" in _top(answer)


@pytest.mark.xfail(strict=True, reason=(
    "ranking: with 'slaat' no longer counted (session 11) the Ouder- en Kindteam is "
    "first on 'club, hulp, contributie, ouders, vragen' and the Stadspas second"))
def test_a_hockey_club_fee_puts_the_stadspas_first(demo_router: Router) -> None:
    """A hockey club's fee the parents cannot pay: the Stadspas first."""
    assert _top(_route(demo_router, "o12-15"), 1) == ["stadspas"]


@pytest.mark.xfail(strict=True, reason=(
    "a school trip of 60 euro the parents cannot pay: Leerplicht first ('leerling, "
    "ouders, schoolreis'), OKT, Bijzondere bijstand; the Stadspas (whose children's "
    "credit pays such costs) is not in the top 3"))
def test_a_school_trip_the_parents_cannot_pay(demo_router: Router) -> None:
    """Stadspas in the top 3, Leerplicht not first."""
    answer = _route(demo_router, "o12-29")
    assert "stadspas" in _top(answer)
    assert _top(answer, 1) != ["leerplicht"]


@pytest.mark.xfail(strict=True, reason=(
    "half an AOW after coming to the Netherlands late: Taalhuis first ('nederland, "
    "pas'), Wmo hulpmiddelen, Kwijtschelding, Stadspas; the Ouderenadviseur (the key's "
    "acceptable) 5th (session 12). Ranking; the adverb 'pas' ('pas later') read as the "
    "card is a cause, but without it the Taalhuis stays first on 'nederland'"))
def test_half_an_aow_is_a_question_of_income(demo_router: Router) -> None:
    """An income answer for a pensioner in the top 3, not the Taalhuis first.

    Session 11 (xfail21): the test asked for Bijstand in the top 3, which the demo map
    rules out for a 68-year-old (Bijstand aanvragen: ages 27-66; the AIO, bijstand for
    pensioners, is the SVB's and not on this map); the answer key's acceptable, the
    Ouderenadviseur (65+, helps older people with money), is the one the map allows."""
    answer = _route(demo_router, "o12-36")
    assert answer.leeftijd == 68
    assert {"bijstand", "ouderenadvies"} & set(_top(answer))
    assert _top(answer, 1) != ["taalhuis"]


# ------------------------------------------------------------------ the fix: pasted HTML

def test_pasted_html_is_read_as_its_text(demo_router: Router) -> None:
    """An e-mail's HTML source pasted into the chat (`<div class="MsoNormal">…<b>
    huurachterstand</b>…&nbsp;<img …>`) was refused as a foreign language (BB_LANGUAGE;
    outside11 finding 4, again in outside12); now it is read as a reader sees it and
    answered with debt help (crisis-schulden first, acceptable in my key)."""
    question = parse_question(_q("o12-25"), KNOWN)
    assert "<" not in question.text and "&" not in question.text
    assert "cliënt heeft een huurachterstand" in question.text
    answer = demo_router.route(question.text, question.context)
    assert set(_top(answer)) & {"schuldhulp", "crisis-schulden", "bt-zuidoost-geld",
                                "bt-noord-geld", "bt-west-geld"}


@pytest.mark.parametrize("text", [
    "kind <12 jaar heeft schulden",
    "leeftijd < 18 en > 12, geen inkomen",
    "AT&T rekening niet betaald",
    "schulden en huur",
])
def test_text_without_markup_is_left_alone(text: str) -> None:
    """No tag, no entity: the text is the same object, unchanged."""
    assert plain_text(text) == text


def test_personal_data_hidden_in_markup_is_still_found() -> None:
    """An e-mail address in a link's href is gone from the text but still refused."""
    question = parse_question('<a href="mailto:j.jansen@example.nl">mail</a> schulden', KNOWN)
    assert question.text == "mail schulden"
    assert [f.kind for f in question.findings] == ["email"]


def test_style_blocks_and_comments_are_not_read() -> None:
    """What a reader never sees of pasted HTML (CSS, conditional comments) is dropped."""
    raw = ("<style>p.MsoNormal {font-family: Calibri}</style><!--[if gte mso 9]><xml>"
           "</xml><![endif]--><p>geen geld voor eten</p>")
    assert plain_text(raw).split() == ["geen", "geld", "voor", "eten"]


def test_the_s_of_s_nachts_is_no_matched_word(demo_router: Router) -> None:
    """"Oudere man loopt 's nachts over straat": no result shows 's' as a matched word."""
    answer = _route(demo_router, "o12-11")
    assert all("s" not in r.matched for r in answer.results)  # type: ignore[attr-defined]


def test_a_denied_word_is_not_shown_as_a_reason(demo_router: Router) -> None:
    """No result gives 'suicidal' as a reason without its 'not' when the question says
    'not suicidal' (render20: a negated word is shown with its negation; that the
    ranking still counts it, a negation without 'but' being kept, is the router's)."""
    answer = _route(demo_router, "o12-18")
    assert _top(answer, 1) == ["poh-ggz"]
    shown = [r.why.replace("not suicidal", "") for r in answer.results]  # type: ignore[attr-defined]
    assert all("suicidal" not in why for why in shown)
    # Session 17: since s36-s38 were retired no service of this answer matches
    # "suicidal" any more; how a negated word is shown when one does is held by
    # tests/wegwijzer/test_render20_answer_reads.py.
