"""outside19 (session 15): the wegwijzer as its users meet it (`make dev`, encrypted direct
chats with @wegwijzer from a plain encrypting nio client in its own process; ten
professionals at once, each in a new direct chat, four questions each; then commands,
bad input, other languages, dialects, long pastes and Element-shaped messages). The 40
questions are in voices no outside check used before — a speech therapist, a school
photographer, a hearing-aid specialist, a tram conductor, a plasterer, a hospice
volunteer, a nail stylist, a fibre installer, a club bouncer, a phone-shop worker, a
masseur, a plumber, a dog walker, a piano tuner, a bike mechanic, a tax adviser, a
residents' guide for a demolition, a florist, a lift technician, a barista, a visitor of
the seniors' union, a tattoo artist, an emergency-room resident, a telecom help desk, a
church organist, a lawyer, a teaching assistant of a newcomers' class, a hospital
chaplain, a game-shop worker, a school-transport driver, a chimney sweep, a refuse
collector, a young carer, a podiatrist, a start-up's office manager, a children's
magician, the council's IT help desk, a nursing student, a dietitian, a Repair Café
volunteer — written and committed before any answer was seen
(tests/data/socialmap/outside19-questions.jsonl, 3d7c8f5) and replayed here at router
level on the shipped demo map: the bot gave these same top 3s and signals for all 35
questions it routed.

What works is a passing test; what does not is ``xfail(strict=True)`` with the cause read
from the router's own evidence (the safety cue it read, the words each service "past
bij"). Ranking, the language check and the safety file are not mine to change: reported,
not fixed. See docs/notes/2026-12-13s15-outside19.md.
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

from busbaan.errors import BusbaanError
from busbaan.routing import MAX_QUESTION_CHARS, Router
from busbaan.wegwijzer import parse_question

OUTSIDE = OutsideQuestions("outside19-questions.jsonl")
QUESTIONS = OUTSIDE.rows
_q, _fits = OUTSIDE.text, OUTSIDE.fits
#: a forwarded mail's first lines (pass 2 and 3 pasted it many times over)
FILLER = ("Beste collega, hierbij stuur ik je de mail door die ik vanochtend kreeg van de "
          "woningcorporatie over de gang van zaken in het complex, met daaronder het verslag "
          "van de bewonersavond en de planning van het schilderwerk. ")


def _route(router: Router, qid: str) -> Any:
    return OUTSIDE.route(router, qid, clean=True)


def test_the_set_is_what_the_brief_asked_for() -> None:
    """40 questions: 14 dangers told in everyday words over all 12 families, 6 near
    misses, 5 with personal data (a dotted BSN with a double name, an IBAN in groups with
    a name, a birth date in words, an international phone number with a name, an e-mail
    address), 15 everyday; 7 in English, some with typos; each with its answer key and
    what a professional names first."""
    rows = list(QUESTIONS.values())
    kinds = [row["kind"] for row in rows]
    assert len(rows) == 40
    assert (kinds.count("danger"), kinds.count("near"), kinds.count("personal"),
            kinds.count("everyday")) == (14, 6, 5, 15)
    assert sum(row["lang"] == "en" for row in rows) == 7
    assert len({row["safety"] for row in rows if row["kind"] == "danger"}) == 12
    assert len({row["voice"] for row in rows}) == 40
    assert all(row["first"] and row["expected"] for row in rows)
    assert [row["expect_refusal"] for row in rows if row.get("expect_refusal")] == [
        "bsn", "iban", "date", "phone", "email"]


# ------------------------------------------------------------------ what works

DANGER_WORKS = [
    ("o19-01", "partner_violence", "veilig-thuis"),     # speech therapist: floored, phone searched
    ("o19-02", "child_maltreatment", "veilig-thuis"),   # school photographer: round burns
    ("o19-05", "eviction_cutoff", "crisis-schulden"),   # plasterer: bailiff empties it Thursday
    ("o19-06", "suicide", "crisisdienst-113"),          # hospice: father's pills put aside
    ("o19-08", "psychiatric_crisis", "crisisdienst-113"),  # fibre installer: knife, meter cupboard
    ("o19-09", "overdose", "crisisdienst-113"),         # English bouncer: pills, burning hot
    ("o19-10", "honour_violence", "veilig-thuis"),      # phone shop: brothers follow, sent abroad
    ("o19-13", "unseen_person", "ggd-vangnet"),         # dog walker: no answer since Saturday
]


@pytest.mark.parametrize(("qid", "signal", "service"), DANGER_WORKS)
def test_danger_described_puts_the_safety_service_first(
        demo_router: Router, qid: str, signal: str, service: str) -> None:
    """Danger told in everyday words: its ⚠ line, its service first, confident."""
    assert_danger_first(_route(demo_router, qid), signal, service)


def test_a_minor_with_nowhere_to_sleep_goes_to_veilig_thuis(demo_router: Router) -> None:
    """o19-04, tram conductor (no capitals, typos): a girl of about 17 put out at home,
    riding the tram at half past eleven at night. The answer key named the shelter's
    access (with Veilig Thuis acceptable); the bot says, by design, that a minor does not
    belong in the adults' shelter and puts Veilig Thuis first with the ⚠ line. (Its
    "bel vandaag nog … of het Ouder- en Kindteam" is said at 23:30 too, when the OKT is
    closed: the safety file's sentence, reported.)"""
    assert_danger_first(_route(demo_router, "o19-04"), "homeless_tonight", "veilig-thuis")


@pytest.mark.parametrize("qid", ["o19-16", "o19-17", "o19-18", "o19-19"])
def test_near_misses_raise_no_alarm(demo_router: Router, qid: str) -> None:
    """"Het water staat hem tot aan de lippen" about a tax bill, a flat to leave in half
    a year for demolition (a new home offered), an old lady not opening the door who is
    in Spain, a planned power cut that is over: no ⚠ and no caution, a fitting service
    first."""
    row = dict(QUESTIONS[qid])
    row["question"] = _q(qid)
    assert_near_miss_is_silent(demo_router, row)
    assert top(_route(demo_router, qid), 1)[0] in _fits(qid)


EVERYDAY_WORKS = ["o19-26", "o19-28", "o19-30", "o19-31", "o19-32", "o19-34", "o19-35",
                  "o19-37", "o19-38", "o19-39", "o19-40"]


@pytest.mark.parametrize("qid", EVERYDAY_WORKS)
def test_everyday_questions_put_the_expected_service_first(
        demo_router: Router, qid: str) -> None:
    """Lawyer (WSNP), hospital chaplain (specialist care), school-transport driver (a
    boy at home without a school), chimney sweep (Noord, lonely), refuse collector (a
    hoarder who lets no one in), podiatrist, English office manager (Dutch lessons), the
    IT help desk with "kwijtgeschoulden", English nursing student (20, no income), a
    dietitian (brain injury), Repair Café (a fridge): the expected service first, no ⚠,
    no caution."""
    answer = _route(demo_router, qid)
    assert top(answer, 1)[0] in QUESTIONS[qid]["expected"], top(answer)
    assert not signals(answer) and not caution(answer)


@pytest.mark.parametrize(("qid", "kind"), [
    ("o19-21", "bsn"), ("o19-22", "iban"), ("o19-23", "date"), ("o19-24", "phone"),
    ("o19-25", "email")])
def test_personal_data_is_found_before_routing(qid: str, kind: str) -> None:
    """Live: all five refused (the English one in English), nothing searched; none of
    their needles was found afterwards in .busbaan/, the databases or the logs."""
    findings = parse_question(_q(qid), OUTSIDE.known).findings
    assert kind in [f.kind for f in findings]


def test_a_bsn_at_the_end_of_a_long_paste_is_refused() -> None:
    """Live: 6,683 characters of forwarded mail with a BSN in its last line: refused
    (the check reads the whole text, not only what the router reads)."""
    text = FILLER * 30 + "PS het gaat om een bewoner met BSN 266614619 die niet betaalt."
    assert len(text) > 3 * MAX_QUESTION_CHARS
    assert "bsn" in [f.kind for f in parse_question(text, OUTSIDE.known).findings]


def test_city_dialect_is_read(demo_router: Router) -> None:
    """Live: "Me moeder is 80 en ken d'r huis nie meer schoonmake, waar ken ze hulp
    krijge?" (Amsterdams / Brabants spelling) was answered, Wmo huishoudelijke hulp
    first."""
    answer = demo_router.route("Me moeder is 80 en ken d'r huis nie meer schoonmake, waar "
                               "ken ze hulp krijge?")
    assert top(answer, 1) == ["wmo-huishouden"]


# ------------------------------------------------------------------ still wrong

def test_a_danger_after_2000_characters_of_pasted_mail_is_read(demo_router: Router) -> None:
    """Live (pass 3): 2,090 characters of a forwarded mail, then "PS: de bewoonster van
    3-hoog zei vanochtend tegen me dat ze er vannacht een eind aan maakt, ze heeft de
    pillen al klaarliggen." No ⚠, Vangnet first, unsure. The same PS before the mail:
    the ⚠, 113 first. Fixed by the lead: the safety signals read MAX_LETTER_CHARS
    (20,000) of a pasted text, the ranking still the first 2,000."""
    ps = ("PS: de bewoonster van 3-hoog zei vanochtend tegen me dat ze er vannacht een eind "
          "aan maakt, ze heeft de pillen al klaarliggen.")
    assert "suicide" in signals(demo_router.route(ps + "\n\n" + FILLER * 10))  # works
    tail = demo_router.route(FILLER * 10 + "\n\n" + ps)
    assert tail.truncated
    assert "suicide" in signals(tail)


#: The cause until session 15 (kept for the record).
_REGIONAL_REFUSED = (
    "the language check (router: fewer than 60 % of the words read as Dutch or English "
    "→ BB_LANGUAGE) reads Gronings and Limburgs spellings ('moeke', 'nait', 'hoes', "
    "'schoonmoaken', 'woar', 'kriegen'; 'moder', 'kin', 'häör', 'neet mie', 'sjoonmake', "
    "'boe', 'hölp') as another language; s14's notes: regional Dutch must never be "
    "refused")


@pytest.mark.parametrize("question", [
    # both read since session 15 (router33: regional spellings written out, Dutch
    # function words as markers); _REGIONAL_REFUSED was the cause
    "Mien moeke is 80 en kan heur hoes nait meer schoonmoaken, woar kin ze hulp kriegen?",
    "Mien moder is 80 en kin häör hoes neet mie sjoonmake, boe kin ze hölp kriege?",
])
def test_regional_dutch_is_not_refused_as_another_language(
        demo_router: Router, question: str) -> None:
    """Live: both refused with "Ik herken de taal van deze vraag niet: ik lees Nederlands
    en Engels" (Frisian, Turkish, Polish and German were refused too, which is right for
    the last three; Frisian is a language of its own)."""
    try:
        answer = demo_router.route(question)
    except BusbaanError as exc:
        pytest.fail(f"refused: {exc.errcode}")
    assert "wmo-huishouden" in top(answer)


def test_an_old_man_locked_in_by_his_grandson_gets_the_warning(demo_router: Router) -> None:
    """o19-03, hearing-aid specialist: a man of 84 whose grandson takes his pension every
    month, locks him in his room when he is 'difficult' and sometimes gives him nothing
    to eat all day. A strict xfail until session 16 (elder_abuse read 'sluit hem op' but
    not the joined 'opsluit' of a subordinate clause); fixed by xfail26: a joined
    separable verb stands last, after its object, and may close its clause
    (safety._joined, safety._closing_participle)."""
    assert_danger_first(_route(demo_router, "o19-03"), "elder_abuse", "veilig-thuis")


def test_farewell_letters_and_a_balcony_in_english_get_the_warning(
        demo_router: Router) -> None:
    """o19-07, nail stylist: a client of 26 has written letters to her sisters and her
    mum 'for afterwards' and asked whether jumping from her balcony on the 9th floor
    would be quick; she laughed it off. A strict xfail until session 16 (no English cue
    for either); fixed by xfail26 in the safety file: two weak suicide signs, a letter
    for afterwards and asking whether a jump would be quick, which together signal."""
    assert_danger_first(_route(demo_router, "o19-07"), "suicide", "crisisdienst-113")


def test_water_turned_off_for_unpaid_bills_gets_the_warning(demo_router: Router) -> None:
    """o19-12, plumber: since yesterday no water from the tap, Waternet turned the supply
    off for unpaid bills; twins of 2 and a grandmother with a stoma in the house. The
    signal and its service first since session 15 (safety38: the supplier's name,
    "waternet", with "dichtgedraaid" and "sinds"); found by xfail26, whose reason said
    the cue was missing. Whether it is confident: below."""
    answer = _route(demo_router, "o19-12")
    assert "cutoff_now" in signals(answer)
    assert top(answer, 1) == ["crisis-schulden"]


@pytest.mark.xfail(strict=True, reason=(
    "confidence, not the signal: a one-desk safety answer is confident only when the "
    "question's own words put its field high enough (Router._borne_out, "
    "Tuning.safety_confident_share); the ordinary ranking puts the Ouder- en Kindteam "
    "(the twins) first and crisis-schulden's words ('rekeningen, betaald') are too few; "
    "refitting confidence is the lead's"))
def test_water_turned_off_for_unpaid_bills_is_confident(demo_router: Router) -> None:
    """o19-12: the answer with the ⚠ line, sure of itself."""
    assert_danger_first(_route(demo_router, "o19-12"), "cutoff_now", "crisis-schulden")


def test_toddlers_left_alone_for_days_in_english_get_the_warning(demo_router: Router) -> None:
    """o19-14, piano tuner (typos): two children of about 4 and 6 alone at home all day,
    nothing in the fridge but ketchup, dirty nappies, mum away 'since the weekend'. A
    strict xfail until session 16 (only the weak 'dirty nappies' was read); fixed by
    xfail26: "alone at home", the English phrase in its other order, beside "home
    alone" in the safety file."""
    assert_danger_first(_route(demo_router, "o19-14"), "child_maltreatment", "veilig-thuis")


def test_a_landlord_touching_a_student_at_night_is_sexual_violence(
        demo_router: Router) -> None:
    """o19-11, masseur: Veilig Thuis first (right), the wrong family's line until session
    16 (child_maltreatment on 'student + aan haar zit' for a woman of 22; no
    sexual_violence cue for coming in at night). Fixed by xfail26: a student named with
    an adult age reads child_maltreatment's grown view (safety._grown_named), and
    touching with coming in at night or while she sleeps is sexual violence."""
    answer = _route(demo_router, "o19-11")
    assert signals(answer) == ["sexual_violence"]
    assert top(answer, 1) == ["veilig-thuis"]


@pytest.mark.xfail(strict=True, reason=(
    "partner_violence's strong cue 'haar man + vermoorden' fires on a hyperbole told "
    "laughing about a coffee bought with the joint card; the jest rule covers only a quote "
    "that names no one but its speaker; the ⚠ puts Veilig Thuis before budgetbeheer "
    "(both 900)"))
def test_a_laughing_hyperbole_about_coffee_raises_no_alarm(demo_router: Router) -> None:
    """o19-20, barista: "haar man vermoordt haar als ze nog één keer met de gezamenlijke
    pinpas koffie koopt", said laughing; they want budget management."""
    row = dict(QUESTIONS["o19-20"])
    row["question"] = _q("o19-20")
    assert_near_miss_is_silent(demo_router, row)


@pytest.mark.xfail(strict=True, reason=(
    "ranking: 'fiets, wiel' are Wmo hulpmiddelen's words (an adapted bike), 'arm, jongen, "
    "vader' put Veilig Thuis second (no signal: the fall is explained); a child's bike is "
    "the Stadspas's (kindregeling) and neither it nor bijzondere bijstand is in the top 3"))
def test_a_bike_for_a_boy_after_a_fall_goes_to_the_stadspas(demo_router: Router) -> None:
    """o19-15, bike mechanic: a boy of 15 with a bent rim and a graze from the tram rails
    (his father saw it); a new bike they cannot pay."""
    assert top(_route(demo_router, "o19-15"), 1)[0] in _fits("o19-15")


EVERYDAY_OPEN = {
    "o19-27": "ranking: English 'class' (a newcomers' class, the asker's) is the Taalhuis's "
              "word; the clothes exchange (clothes, free, kids, Zuidoost) is second",
    "o19-29": "ranking: 'gamet' and the asker's 'gamewinkel' are read by the OKT, the "
              "jongerenloket and leerplicht; Verslavingszorg (gamen, ouders) is not in the "
              "top 3",
    "o19-33": "the age read is the young carer's own ('ik ben 16'), not the mother's with "
              "MS whom the household help is for, so 18+ Wmo huishoudelijke hulp drops out "
              "and leerplicht comes first; 'ik trek het niet meer' (I can't cope) adds the "
              "weak suicide caution with 113 third",
}


@pytest.mark.parametrize("qid", list(EVERYDAY_OPEN))
@pytest.mark.xfail(strict=True, reason="see EVERYDAY_OPEN")
def test_everyday_misses(demo_router: Router, qid: str) -> None:
    """English teaching assistant (free winter clothes in Zuidoost), game shop (a son of
    16 gaming all night), a young carer of 16 (household help for her mother with MS),
    a children's magician (a daughter bullied at school): the expected service first, no
    caution."""
    answer = _route(demo_router, qid)
    assert top(answer, 1)[0] in QUESTIONS[qid]["expected"], (EVERYDAY_OPEN[qid], top(answer))
    assert not caution(answer)
