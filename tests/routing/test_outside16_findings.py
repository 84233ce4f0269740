"""outside16 (session 13): the wegwijzer as its users meet it (`make dev`, encrypted
direct chats with @wegwijzer from a plain encrypting nio client, ten clients at once and
bursts; 40 questions of my own in voices no outside check used before — a school nurse,
a night-shift station guard, a collection agency's phone agent, a library volunteer, a
midwife, a foster parent, a football coach, a private landlord, a bus driver, a pharmacy
assistant, a hairdresser, a day-care worker, a driving instructor, a hotel night
receptionist, a scout leader, a removal man, an allotment gardener, a grid technician, a
deacon, a school caretaker, a maternity nurse, a bartender, a bailiff, a market trader,
a window fitter — written and committed before any answer was seen:
tests/data/socialmap/outside16-questions.jsonl), replayed here at router level on the
shipped demo map: the bot gave these same top 3s for all 37 questions it routed (pass 1
with ten clients, a sequential pass and three bursts).

What works is a passing test; what does not is ``xfail(strict=True)`` with the cause read
from the router's own evidence (its safety cue and the words each service "past bij").
Ranking and the safety file are not mine to change: reported, not fixed. The one message
that was mine (a bare `!baan` did not name `mens`) is fixed and tested at the bottom.
See docs/notes/2026-12-11s13-outside16.md.
"""

from __future__ import annotations

from typing import Any

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

OUTSIDE = OutsideQuestions("outside16-questions.jsonl")
QUESTIONS = OUTSIDE.rows
KNOWN = OUTSIDE.known
_q, _fits = OUTSIDE.text, OUTSIDE.fits


def _route(router: Router, qid: str) -> Any:
    return OUTSIDE.route(router, qid, clean=True)


def _near(router: Router, qid: str) -> None:
    row = dict(QUESTIONS[qid])
    row["question"] = _q(qid)
    assert_near_miss_is_silent(router, row)


def test_the_set_is_what_the_brief_asked_for() -> None:
    """40 questions: 14 danger told in everyday words over all 12 families, 6 near misses,
    3 with a titled name, a birth date or a BSN, 9 English; each with its answer key and
    what a professional names first."""
    rows = list(QUESTIONS.values())
    kinds = [row["kind"] for row in rows]
    assert len(rows) == 40
    assert kinds.count("danger") == 14
    assert kinds.count("near") == 6
    assert sum(row["lang"] == "en" for row in rows) == 9
    assert len({row["safety"] for row in rows if row["kind"] == "danger"}) == 12
    assert all(row["first"] and row["expected"] for row in rows)
    assert all({"id", "question", "context", "expected", "acceptable", "tags", "safety"}
               <= set(row) for row in rows)
    assert [row["id"] for row in rows if row.get("expect_refusal")] == [
        "o16-21", "o16-22", "o16-23"]


# ------------------------------------------------------------------ what works

DANGER_WORKS = [
    ("o16-01", "child_maltreatment", "veilig-thuis"),  # school nurse: round burns, secret
    ("o16-03", "suicide", "crisisdienst-113"),         # collection agent: farewell letter
    ("o16-04", "elder_abuse", "veilig-thuis"),         # library: grandson takes pension, locks in
    ("o16-05", "partner_violence", "veilig-thuis"),    # midwife: kicked while pregnant
    ("o16-07", "honour_violence", "veilig-thuis"),     # English coach: brothers, married off
    ("o16-10", "overdose", "crisisdienst-113"),        # English pharmacy: pills + wine, won't wake
    ("o16-11", "cutoff_now", "crisis-schulden"),       # hairdresser: gas off, baby, frost
    ("o16-12", "eviction_cutoff", "crisis-schulden"),  # day care: eviction in five days
    ("o16-13", "suicide", "crisisdienst-113"),         # English instructor: paracetamol search
    ("o16-14", "partner_violence", "veilig-thuis"),    # English hotel: split lip, pushed
]


@pytest.mark.parametrize(("qid", "signal", "service"), DANGER_WORKS)
def test_danger_described_puts_the_safety_service_first(
        demo_router: Router, qid: str, signal: str, service: str) -> None:
    """Danger told in everyday words: its signal (the ⚠ line with what to do now), its
    service first, confident (live: the same, with the ⚠ line first in the body)."""
    assert_danger_first(_route(demo_router, qid), signal, service)


def test_a_family_locked_out_tonight_gets_the_shelter_first(demo_router: Router) -> None:
    """o16-02 (English, a station guard at night): the landlord changed the locks this
    afternoon, a mother with two kids has nowhere to sleep tonight. Two ⚠ lines
    (homeless_tonight, eviction_cutoff), the shelter first, Spoedhulp second; the answer
    says it is unsure what else is going on and offers `!lane human` (render's rule for
    a safety answer that is not confident)."""
    answer = _route(demo_router, "o16-02")
    assert "homeless_tonight" in signals(answer)
    assert top(answer, 2) == ["opvang-toegang", "crisis-schulden"]


@pytest.mark.parametrize("qid", ["o16-15", "o16-17", "o16-18", "o16-19"])
def test_near_misses_raise_no_alarm(demo_router: Router, qid: str) -> None:
    """A black eye from a branch at camp (parents know), "he'd rather die than tell his
    parents" (a joke, he laughed), sleeping in a garden shed by choice, a son who "will
    murder" his father over the wifi: no ⚠ and no caution service the key does not
    support."""
    _near(demo_router, qid)


@pytest.mark.parametrize("qid", ["o16-15", "o16-16", "o16-18", "o16-19", "o16-20"])
def test_near_misses_put_a_fitting_service_first(demo_router: Router, qid: str) -> None:
    assert top(_route(demo_router, qid), 1)[0] in _fits(qid)


EVERYDAY_WORKS = [f"o16-{n}" for n in range(24, 41) if n not in (28, 35)]
#: Session 21: moved by retiring s51-s54 into examples (strict xfails, with the set).
DRIFT21 = {"o16-24": ("since s51-s54 are examples (session 21; together: it passes without "
                      "the four files, fails without any one of them): the tie is broken, the "
                      "Sociaal raadslieden first (894) before Thuisadministratie (882) on "
                      "letters from the tax office (the raadslieden are acceptable in the "
                      "key, but this test asks for the expected service first)")}


@pytest.mark.parametrize("qid", [
    pytest.param(q, marks=pytest.mark.xfail(strict=True, reason=DRIFT21[q]))
    if q in DRIFT21 else q for q in EVERYDAY_WORKS])
def test_everyday_questions_put_the_expected_service_first(
        demo_router: Router, qid: str) -> None:
    """Library help desk, foster father, deacon, school caretaker (typo 'zwemen'),
    maternity nurse, housing caretaker, collection agent, hairdresser, market trader,
    cleaner, teacher, bailiff, temp agency (stadsdeel=Oost), post office, choir leader,
    window fitter: the expected service first (o16-35 is below). A tie for first with
    the same score counts (o16-24: Thuisadministratie and the Sociaal raadslieden score
    alike on letters from the tax office; which of two equal scores is listed first is
    not what this test protects)."""
    results = _route(demo_router, qid).results
    first = [r.service_id for r in results if r.score == results[0].score]
    assert set(first) & set(QUESTIONS[qid]["expected"]), [r.service_id for r in results[:3]]


@pytest.mark.parametrize(("qid", "kind"), [("o16-21", "name"), ("o16-22", "date"),
                                           ("o16-23", "bsn")])
def test_a_titled_name_a_birth_date_or_a_bsn_is_refused(qid: str, kind: str) -> None:
    """"Mevrouw drs. Willemijn ter Haar-Okafor", "geboren 14-07-1961", a BSN: found
    before routing (live: BB_PERSONAL_DATA, in Dutch, "ik heb de vraag niet gezocht en
    niets bewaard")."""
    assert kind in {f.kind for f in parse_question(_q(qid), KNOWN).findings}


@pytest.mark.parametrize(("text", "kinds"), [
    ("Dhr. ir. Pieterse uit West heeft schulden bij de energieleverancier, wie helpt?",
     {"name"}),
    ("Cliënte, geboren op 2 februari 1990, zoekt hulp bij de opvoeding van haar zoon.",
     {"date"}),
    ("BSN 1112.22.333, huurachterstand, wie helpt?", {"bsn"}),
    ("Mr. John Smith, born 02/02/1990, cannot pay his rent. Who can help?",
     {"name", "date"}),
])
def test_personal_data_variants_asked_live_are_refused(text: str, kinds: set[str]) -> None:
    """Pass 2, live: a title and a surname alone, a birth date in words, a dotted BSN and
    an English name with a birth date were each refused (BB_PERSONAL_DATA)."""
    assert kinds <= {f.kind for f in parse_question(text, KNOWN).findings}


@pytest.mark.parametrize(("text", "errcode"), [
    ("", "BB_EMPTY_QUESTION"),
    ("   ", "BB_EMPTY_QUESTION"),
    ("🙏🚌😢", "BB_NO_WORDS"),
    ("👍", "BB_NO_WORDS"),
])
def test_bad_input_gets_a_clear_refusal(demo_router: Router, text: str, errcode: str) -> None:
    """Empty, spaces only, emoji only, one thumbs-up: one Dutch sentence saying what to
    send instead (live: the same errcodes)."""
    with pytest.raises(UsageError) as refused:
        question = parse_question(text, KNOWN)
        demo_router.route(question.text, question.context)
    assert refused.value.errcode == errcode


def test_a_21000_character_note_is_answered_from_its_first_2000(
        demo_router: Router) -> None:
    """21,600 characters (live: answered, "ik heb alleen de eerste 2000 tekens gelezen"):
    Thuisadministratie in the top 3 for a man of 70 with post he does not understand."""
    note = ("Notitie van de bibliotheek. Een bezoeker van 70 komt al maanden met stapels "
            "post en rekeningen die hij niet begrijpt; hij heeft achterstanden bij de "
            "energie en de zorgverzekering en weet niet waar hij moet beginnen. ") * 100
    question = parse_question(note, KNOWN)
    assert question.truncated and question.findings == ()
    assert "thuisadministratie" in top(demo_router.route(question.text, question.context))


# ------------------------------------------------------------------ what does not

def test_an_adult_paying_a_13_year_old_for_photos_is_read_as_sexual_violence(
        demo_router: Router) -> None:
    """Was a strict xfail (outside16).
    o16-06: a man of 35 pays a foster daughter of 13 for photos in her underwear,
    wants her to come to a hotel, she may tell no one: no signal and no caution; OKT
    first ('past bij: ondergoed'), Veilig Thuis second ('mag, pleegmoeder'), unsure.
    safety30's minor rules read an adult who *sends* sexual images or *meets* in secret;
    an adult who pays for images of the child ('stuurt haar geld voor foto's') and a
    hotel are not read (Sr 240b/248a/248e). Fixed (safety34): an adult role + photos in
    her underwear or a hotel + money or secrecy (Sr 240b/248a/248e)."""
    answer = _route(demo_router, "o16-06")
    assert {"sexual_violence", "child_maltreatment"} & set(signals(answer))
    assert top(answer, 1) == ["veilig-thuis"]


def test_flies_behind_the_window_of_an_unseen_tenant_is_read_as_unseen(
        demo_router: Router) -> None:
    """Was a strict xfail (outside16).
    o16-08: a landlord's tenant stopped paying after years, the phone no longer
    rings, curtains closed for weeks, flies behind the window: no signal; Spoedhulp bij
    ontruiming first ('verhuur, appartement, huurder'), GGD Vangnet second, unsure.
    unseen_person's rule reads post piling up, a smell or nobody opening; flies at a
    window (a classic sign of someone dead inside) and a phone that no longer rings are
    no cue. Fixed (safety34): flies behind the window + curtains closed or a phone no
    longer answered + the time."""
    answer = _route(demo_router, "o16-08")
    assert "unseen_person" in signals(answer)
    assert top(answer, 1) == ["ggd-vangnet"]


def test_a_psychotic_man_with_a_screwdriver_gets_the_crisis_service_first(
        demo_router: Router) -> None:
    """Was a strict xfail (outside16).
    o16-09: a man in a bus talks to voices, says the drivers follow him with cameras,
    will 'get someone before they get him', a screwdriver in his hand: only two
    cautions (partner_violence on the weak cue 'volgen hem', psychiatric_crisis on
    'volgen hem met camera's'); Veilig Thuis first ('past bij: buschauffeur,
    chauffeurs, bus'), the crisis service third. Voices + paranoia + a weapon in hand is
    no strong rule of psychiatric_crisis. Fixed (safety34): a screwdriver and a threat to
    'get' someone are danger words of the psychosis rule."""
    answer = _route(demo_router, "o16-09")
    assert "psychiatric_crisis" in signals(answer)
    assert top(answer, 1) == ["crisisdienst-113"]


@pytest.mark.xfail(strict=True, reason=(
    "o16-35 (English, a bartender): 'drinks every day from noon', wife asks where he "
    "can get help to cut down: Veilig Thuis first on 'cut, every', the addiction service "
    "not in the top 3. lexicon.ENGLISH has no 'drinks'/'drinking'/'drunk' (the Dutch "
    "'drinkt' maps to 'alcohol verslaving'), and 'cut' (from 'cut down') is read as an "
    "injury word"))
def test_an_english_drinker_gets_the_addiction_service(demo_router: Router) -> None:
    assert top(_route(demo_router, "o16-35"), 1) == ["verslavingszorg"]


def test_english_rent_arrears_reach_debt_help(demo_router: Router) -> None:
    """o16-17 (near miss, English student landlord): three months' rent arrears, the joke
    'he'd rather die' rightly silent; Schuldhulpverlening in the top 3 (a strict xfail
    until session 13's merges: Spoedhulp bij ontruiming, the night shelter and Veilig
    Thuis took the top 3 on 'owe, three, rent, tenant, rooms')."""
    assert set(_fits("o16-17")) & set(top(_route(demo_router, "o16-17")))


@pytest.mark.xfail(strict=True, reason=(
    "o16-20 (near miss, grid technician): 'de afsluiting is niet doorgegaan, er is op "
    "tijd een regeling getroffen' still fires eviction_cutoff's weak cue 'afsluiting' "
    "(caution line, Spoedhulp second): safety30's 'called off' reading has no 'niet "
    "doorgegaan' / 'regeling getroffen'"))
def test_a_cut_off_that_did_not_go_ahead_raises_no_caution(demo_router: Router) -> None:
    _near(demo_router, "o16-20")


@pytest.mark.xfail(strict=True, reason=(
    "o16-16 (near miss, removal man): 'de ontruiming van het oude pand is klaar' (the "
    "clearing of the old building after a move to sheltered housing) fires the weak cue "
    "'ontruiming': the caution line and Spoedhulp second for a man who needs help "
    "cleaning. An ontruiming that is done ('is klaar') or of a building is no threat"))
def test_a_finished_clearing_after_a_move_raises_no_caution(demo_router: Router) -> None:
    _near(demo_router, "o16-16")


def test_a_food_question_shows_no_veilig_thuis(demo_router: Router) -> None:
    """o16-26 (a deacon: a family has no money for groceries this month). A strict xfail
    until session 15: Veilig Thuis second on 'ergens, eten, boodschappen' (outside16).
    Fixed by vtfiller: its examples vote only when the desk is opened."""
    assert "veilig-thuis" not in top(_route(demo_router, "o16-26"))


def test_no_caution_without_danger_in_everyday_questions(demo_router: Router) -> None:
    """None of the 17 everyday questions got a ⚠ or a caution line (live and here)."""
    for qid in [f"o16-{n}" for n in range(24, 41)]:
        answer = _route(demo_router, qid)
        assert not signals(answer) and not caution(answer), qid


# ------------------------------------------------------------------ the bot's message

async def test_a_bare_lane_command_names_the_human_lane() -> None:
    """Pass 2, live: a bare `!baan` (or `!baan abc`) answered "Noem het nummer van de
    dienst uit het antwoord, 'status' of 'sluit'." — without `mens`, the one way to reach
    a person that !wegwijzer lists. Fixed (outside16): the usage names all four, in
    Dutch and English; the handler refuses before it looks at the bot or the store."""
    from bots.wegwijzer.lanes import LaneDesk
    from busbaan.matrix.dispatch import CommandContext

    for args in ("", "abc", "12345"):
        ctx = CommandContext(room_id="!r:localhost", event_id="$e", sender="@a:localhost",
                             command="baan", args=args, lang="nl", is_direct=True)
        with pytest.raises(UsageError) as refused:
            await LaneDesk.cmd_lane(object(), ctx)
        assert refused.value.errcode == "BB_USAGE"
        assert "'mens'" in refused.value.message("nl")
        assert "'human'" in refused.value.message("en")


@pytest.mark.parametrize(("text", "lang"), [
    ("dank je wel", "nl"), ("Top, bedankt!", "nl"), ("Dankjewel 🙏", "nl"),
    ("dank u wel.", "nl"), ("Thanks!", "en"), ("thank you very much", "en"),
])
def test_a_thank_you_alone_is_no_question(text: str, lang: str) -> None:
    """Pass 2, live: "dank je wel" after an answer was searched ("Ik weet het niet zeker"
    with the Sociaal Loket and the Voedselbank) and became the last answer, so a `!goed`
    after it rated that. Fixed (outside16): a thank-you alone gets a short reply in its
    language, pointing to !goed / !fout, and is not searched (the bot returns before it
    notes a question, so the answer before stays the last one)."""
    from bots.wegwijzer.bot import thanks_reply

    reply = thanks_reply(text)
    assert reply is not None and reply[0] == lang
    assert ("!goed" if lang == "nl" else "!good") in reply[1]


@pytest.mark.parametrize("text", [
    "Bedankt! Waar kan een moeder met schulden terecht?",
    "dank je, maar mijn cliënt heeft ook huurachterstand",
    "!dank",
    "thanks to the neighbours she is fed, but who helps with her bills?",
])
def test_a_question_that_thanks_is_still_a_question(text: str) -> None:
    from bots.wegwijzer.bot import thanks_reply

    assert thanks_reply(text) is None


@pytest.mark.xfail(strict=True, reason=(
    "session 17: since s36-s38 were retired into examples, 'geen geld' with a lost job "
    "puts bijstand (income) level with or before bijzondere bijstand (a one-off cost: a "
    "second cot and a pram for twins) on the demo map; session 18 (outside21x): 'past "
    "bij: net, baan kwijt': the adverb 'net' of 'is net bevallen' matches income-support "
    "examples ('net ontslagen'); as a weak word it passes, but the retired top-1 fell "
    "(s17, s29: 'net gescheiden', 'net ontslagen' carry the need's recency): a trade-off"))
def test_o16_28_a_one_off_cost_is_special_assistance(demo_router: Router) -> None:
    """o16-28 (a maternity nurse: twins, the father lost his job, a cot and a pram)."""
    results = _route(demo_router, "o16-28").results
    first = [r.service_id for r in results if r.score == results[0].score]
    assert set(first) & set(QUESTIONS["o16-28"]["expected"]), [r.service_id for r in results[:3]]
