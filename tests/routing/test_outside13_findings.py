"""outside13 (session 10): the wegwijzer as its users meet it (`make dev`, encrypted
direct chats with @wegwijzer from a plain encrypting nio client; 40 questions of my own in
voices outside12 did not use — a pharmacist, a bailiff's office, a school attendance
officer, neighbours via a housing app, a Wmo consultant's long visit report, English-
speaking expats, a food-bank volunteer — written and committed before any answer was
seen: tests/data/socialmap/outside13-questions.jsonl), shown here at router level on the
shipped demo map: the bot gave these same top 3s (pass 1 and a burst, 40/40 equal).

What works is a passing test; what does not is ``xfail(strict=True)`` with the cause.
Ranking and the safety file are not mine to change this session: reported here, not
fixed. The one small fix (a visit report's "mevrouw in vertrouwen" was refused as a
name) is tested at the end and in tests/core/test_privacy_redaction.py. See
docs/notes/2026-12-08s10-outside13.md.
"""

from __future__ import annotations

import pytest
from routing_testdata import OutsideQuestions, caution, signals, top

from busbaan.errors import UsageError
from busbaan.routing import Router
from busbaan.wegwijzer import parse_question

OUTSIDE = OutsideQuestions("outside13-questions.jsonl")
QUESTIONS = OUTSIDE.rows
KNOWN = OUTSIDE.known
_q, _fits = OUTSIDE.text, OUTSIDE.fits
_top, _signals, _caution = top, signals, caution


def _route(router: Router, qid: str) -> object:
    return OUTSIDE.route(router, qid, clean=True)


def test_the_set_is_what_the_brief_asked_for() -> None:
    """40 questions: 14 danger told in everyday words, 6 near misses, 4 with a name, a
    birth date or a BSN, 3 bad inputs (pasted HTML, only emoji, 5,000 characters), some
    English; each with what a professional names first."""
    rows = list(QUESTIONS.values())
    kinds = [row["kind"] for row in rows]
    assert len(rows) == 40
    assert kinds.count("danger") == 14
    assert kinds.count("near") == 6
    assert kinds.count("bad") == 3
    assert sum("{bsn}" in row["question"] for row in rows) == 1
    assert sum(row["lang"] == "en" for row in rows) == 5
    assert len(_q("o13-40")) == 5000
    assert all(row["first"] for row in rows)
    assert [row["id"] for row in rows if row.get("expect_refusal")] == [
        "o13-21", "o13-22", "o13-23", "o13-24"]


# ------------------------------------------------------------------ what works

DANGER_WORKS = [
    ("o13-08", "partner_violence", "veilig-thuis"),   # English: locked in, passport taken
    ("o13-09", "suicide", "crisisdienst-113"),        # English: a goodbye e-mail at 2 am
    ("o13-10", "suicide", "crisisdienst-113"),        # police: a man on the bridge
    ("o13-11", "elder_abuse", "veilig-thuis"),        # son has her bank card, no food
    ("o13-12", "psychiatric_crisis", "crisisdienst-113"),  # poisoned by wifi, a knife
    ("o13-14", "child_maltreatment", "veilig-thuis"),  # a 17-year-old sent to hotels
]


@pytest.mark.parametrize(("qid", "signal", "service"), DANGER_WORKS)
def test_danger_described_puts_the_safety_service_first(
        demo_router: Router, qid: str, signal: str, service: str) -> None:
    """Danger told in everyday words: its signal (the ⚠ line with what to do now), its
    service first, confident."""
    answer = _route(demo_router, qid)
    assert signal in _signals(answer)
    assert _top(answer, 1) == [service]
    assert answer.confident  # type: ignore[attr-defined]


NEAR_MISSES_WORK = [
    ("o13-18", "thuisadministratie"),   # the power is back on after the arrangement
    ("o13-19", "taalhuis"),             # a Veilig Thuis file closed last year; Dutch now
    ("o13-20", "energiecoach"),         # English: "the energy bill is killing us"
]


@pytest.mark.parametrize(("qid", "service"), NEAR_MISSES_WORK)
def test_a_near_miss_is_answered_as_the_everyday_question_it_is(
        demo_router: Router, qid: str, service: str) -> None:
    """Danger-sounding words without danger: no ⚠, no caution, the ordinary service first."""
    answer = _route(demo_router, qid)
    assert _signals(answer) == []
    assert _caution(answer) == []
    assert _top(answer, 1) == [service]


def test_o13_15_sleeping_pills_and_a_fee_are_no_danger(demo_router: Router) -> None:
    """Sleeping pills for three months abroad and a co-payment she cannot pay: no ⚠, no
    caution, Bijzondere bijstand in the top 3 (its first place: the strict xfail below;
    until session 13 both were one test, NEAR_MISSES_WORK)."""
    answer = _route(demo_router, "o13-15")
    assert _signals(answer) == []
    assert _caution(answer) == []
    assert "bijzondere-bijstand" in _top(answer)


@pytest.mark.xfail(strict=True, reason=(
    "since s57's questions are examples (session 22; it passes without "
    "asked-heldout57): GGD Vangnet first (827, no ⚠, no caution) for the co-payment "
    "on sleeping pills, Bijzondere bijstand second (798)"))
def test_o13_15_the_co_payment_is_special_assistance(demo_router: Router) -> None:
    """The co-payment for sleeping pills: Bijzondere bijstand first (a strict xfail from
    session 12, when s24's pharmacy question voted for Kwijtschelding; passes since
    s30-s32 were retired into example files, session 15). A strict xfail again in session
    16 (s33-s35 retired: GGD Vangnet's overdose examples, sleeping pills with wine or
    vodka, held about 15 % of its 20 nearest examples, over Tuning.danger_open_share);
    passes since s36-s38 were retired into example files (session 17): their examples
    are among its nearest now, and GGD Vangnet's danger examples no longer open it. A
    strict xfail again since s55-s58 were retired (session 22; by s57's examples)."""
    assert _top(_route(demo_router, "o13-15"), 1) == ["bijzondere-bijstand"]


EVERYDAY_WORKS = [
    ("o13-25", "crisis-schulden"),  # a bailiff: eviction tomorrow at 9
    ("o13-27", "schuldhulp"),       # a bailiff: six claims, wants a settlement
    ("o13-28", "leerplicht"),       # gaming at night, hardly at school
    ("o13-30", "bijstand"),         # English: no income at all
    ("o13-31", "taalhuis"),         # English: practise Dutch for free
    ("o13-32", "poh-ggz"),          # low and sleepless, no waiting list
    ("o13-34", "jongerenloket"),    # a language buddy's 24-year-old
    ("o13-36", "wsnp"),             # the amicable settlement failed
    ("o13-37", "opvang-toegang"),   # 19, thrown out, sleeping on friends' sofas
    ("o13-38", "kwijtschelding"),   # pasted HTML e-mail: waste tax on benefits
]


@pytest.mark.parametrize(("qid", "service"), EVERYDAY_WORKS)
def test_an_everyday_question_gets_its_service_first(
        demo_router: Router, qid: str, service: str) -> None:
    """The service a professional would name first comes first."""
    assert _top(_route(demo_router, qid), 1) == [service]


def test_a_hoarding_neighbour_gets_the_team_and_bemoeizorg(demo_router: Router) -> None:
    """o13-33 (police, Zuidoost): the local team first, GGD Vangnet second: acceptable."""
    assert _top(_route(demo_router, "o13-33"), 2) == ["bt-zuidoost", "ggd-vangnet"]


@pytest.mark.parametrize("qid", ["o13-21", "o13-22", "o13-23", "o13-24"])
def test_a_name_birth_date_or_bsn_is_refused(qid: str) -> None:
    """The four questions with a name (with a BSN, with a birth date, "Mw. Jansen", a
    pupil's name) are refused, as the bot did live (4/4)."""
    assert parse_question(_q(qid), KNOWN).findings


def test_only_emoji_is_refused_with_what_to_do(demo_router: Router) -> None:
    """😢😢🏠❌💶: BB_NO_WORDS, "in een paar gewone woorden" (live: the same)."""
    with pytest.raises(UsageError) as err:
        demo_router.route(parse_question(_q("o13-39"), KNOWN).text)
    assert err.value.errcode == "BB_NO_WORDS"


# ------------------------------------------------------------------ safety misses
# The safety file (busbaan/routing/safety_signals.yaml) is the safety helpers' work; each
# miss names the family that exists for it and why its cues do not meet my wording.

# fixed by safety24 (session 11): the medicines word class and gathering from several
# doctors (suicide)
def test_o13_01_a_plan_with_hoarded_pills_is_suicide(demo_router: Router) -> None:
    answer = _route(demo_router, "o13-01")
    assert {"suicide", "overdose"} & set(_signals(answer))
    assert _top(answer, 1) == ["crisisdienst-113"]


# fixed by safety24 (session 11): overdose: medicines + alcohol + drowsiness ('valt
# steeds weg' is 'wegvallen', no fall)
def test_o13_02_an_overdose_happening_now_says_112(demo_router: Router) -> None:
    answer = _route(demo_router, "o13-02")
    assert "overdose" in _signals(answer)


# fixed by safety24 (session 11): honour_violence: brothers' control + what is at stake
def test_o13_03_honour_related_control_is_signalled(demo_router: Router) -> None:
    answer = _route(demo_router, "o13-03")
    assert "honour_violence" in _signals(answer)
    assert _top(answer, 1) == ["veilig-thuis"]


# fixed by safety24 (session 11): a child named with an age is a child beside 'opa'; the
# wider household's adults
def test_o13_04_a_child_telling_of_sexual_abuse_is_signalled(demo_router: Router) -> None:
    answer = _route(demo_router, "o13-04")
    assert {"sexual_violence", "child_maltreatment"} & set(_signals(answer))
    assert _top(answer, 1) == ["veilig-thuis"]


# fixed by safety24 (session 11): cutoff_now: the cut-off said with a past day; 'in de
# kast' no longer reads 'koelkast'
def test_o13_05_a_cut_off_yesterday_goes_to_crisis_intervention(demo_router: Router) -> None:
    answer = _route(demo_router, "o13-05")
    assert "cutoff_now" in _signals(answer)
    assert "child_maltreatment" not in _signals(answer)
    assert _top(answer, 1) == ["crisis-schulden"]


# fixed by safety24 (session 11): partner_violence: the father's anger told by the child
# beside the mother's injury
def test_o13_06_a_black_eye_and_papa_boos_is_a_strong_signal(demo_router: Router) -> None:
    answer = _route(demo_router, "o13-06")
    assert {"partner_violence", "child_maltreatment"} & set(_signals(answer))


# fixed by safety24 (session 11): the new family unseen_person
def test_o13_07_an_unseen_neighbour_and_a_smell_says_what_to_do_now(
        demo_router: Router) -> None:
    answer = _route(demo_router, "o13-07")
    assert _signals(answer) or _caution(answer)


def test_o13_13_children_caring_for_themselves_is_neglect(demo_router: Router) -> None:
    answer = _route(demo_router, "o13-13")
    assert "veilig-thuis" in _top(answer)


@pytest.mark.xfail(strict=True, reason=(
    "safety file: in the 5,000-character Wmo report homeless_tonight's caution fires on "
    "'geen woning' (the grandson's, who lives with her). partner_violence no longer "
    "shows ('de trap' is the staircase since safety24, session 11), and elder_abuse "
    "fires as it should. Left: a home named beside 'geen woning'"))
def test_o13_40_a_visit_report_gets_only_the_warnings_it_gives(demo_router: Router) -> None:
    answer = _route(demo_router, "o13-40")
    assert _signals(answer) == ["elder_abuse"]
    assert _caution(answer) == []


# ------------------------------------------------------------------ near misses alarmed

# fixed by safety24 (session 11): topic: what a text is about is no danger
def test_o13_16_a_history_essay_is_no_suicide_signal(demo_router: Router) -> None:
    answer = _route(demo_router, "o13-16")
    assert _signals(answer) == []


@pytest.mark.xfail(strict=True, reason=(
    "ranking: neighbours quarrelling about the dishes, 'geen geweld', went to the night "
    "shelter first ('portiek, ruzie, avond') and Veilig Thuis second"))
def test_o13_17_a_quarrel_about_dishes_is_not_for_the_shelter(demo_router: Router) -> None:
    assert _top(_route(demo_router, "o13-17"), 1)[0] in _fits("o13-17")


# ------------------------------------------------------------------ ranking

def test_o13_26_the_own_risk_is_special_assistance(demo_router: Router) -> None:
    """Medicines not collected because the own risk is used up, on benefits: Bijzondere
    bijstand first. Open (strict xfail) until session 13: Kwijtschelding (municipal
    taxes) was first on 'niet ophalen, leeft, bijstandsuitkering'; passes since s24-s26
    became examples (s24's pharmacy and GP questions about the own risk and co-payments;
    no rule changed, retire13)."""
    assert _top(_route(demo_router, "o13-26"), 1) == ["bijzondere-bijstand"]


@pytest.mark.xfail(strict=True, reason=(
    "ranking: a food-bank family whose term ends and who 'nog steeds niks overhouden' "
    "asks where to get their money in order: the Voedselbank first again, Schuldhulp "
    "not in the top 3 (Budgetbeheer second)"))
def test_o13_29_getting_money_in_order_is_not_the_food_bank(demo_router: Router) -> None:
    assert _top(_route(demo_router, "o13-29"), 1)[0] in _fits("o13-29")


@pytest.mark.xfail(strict=True, reason=(
    "ranking: a carer of a husband with dementia who wants day care for him got Veilig "
    "Thuis first ('dementie, jaren, zorgt'), the shelter second and Leerplicht third; "
    "no Wmo service in the top 3 (session 12: VT on 'overdag, dementie, zorgt, dagen', "
    "Leerplicht second, the shelter third)"))
def test_o13_35_day_care_for_dementia_is_wmo(demo_router: Router) -> None:
    assert _top(_route(demo_router, "o13-35"), 1)[0] in _fits("o13-35")


# ------------------------------------------------------------------ the fix

def test_a_visit_report_saying_mevrouw_in_vertrouwen_is_not_refused_as_a_name(
        demo_router: Router) -> None:
    """o13-40: the Wmo report ("wat mevrouw in vertrouwen vertelde") was refused as "een
    naam" — the ⚠ lines came, but no answer and no lane. "in"/"op" + a dictionary word
    after a title is a preposition, not a tussenvoegsel; answered, Veilig Thuis first."""
    question = parse_question(_q("o13-40"), KNOWN)
    assert question.findings == ()
    answer = demo_router.route(question.text, question.context)
    assert "elder_abuse" in _signals(answer)
    assert _top(answer, 1) == ["veilig-thuis"]
