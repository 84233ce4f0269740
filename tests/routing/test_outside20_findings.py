"""outside20 (session 16): the wegwijzer as its users meet it (`make dev`, encrypted direct
chats with @wegwijzer from a plain encrypting nio client in its own process; five
professionals at once, each in a new direct chat, six questions each, twice; then one chat
with an Element edit, an edit into a command, a reply to an answer, regional Dutch, an
empty, an emoji-only and an Arabic-script message). The 30 questions are in voices no
outside check used before — a baker, a pool attendant, a cobbler, an escape-room host, a
vet, a parking warden, a bike courier, a clothes-shop assistant, an electrician, a parcel
courier, a museum attendant, a youth chess-club leader, a ceramics teacher, a traffic
controller at events, a homework tutor, a Christmas-tree seller, an ambulance nurse, a
parish priest, a drugstore clerk, a bookkeeper for freelancers, a tour guide, a gardener,
a houseboat dweller, a grocery bike courier, a paediatrician, a travel agent, a rental
agent, a home-care shop assistant, a flower courier and a GP-post secretary — written and
committed before any answer was seen (tests/data/socialmap/outside20-questions.jsonl,
1392ddd) and replayed here at router level on the shipped demo map: the bot gave these
same top 3s for all 25 questions it routed, in both passes.

What works is a passing test; what does not is ``xfail(strict=True)`` with the cause read
from the router's own evidence (the safety cue it read, the words each service "past
bij"). Ranking, the safety file and the personal-data check are not mine to change:
reported, not fixed. See docs/notes/2026-12-14s16-outside20.md.
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

from busbaan.routing import Router
from busbaan.wegwijzer import parse_question

OUTSIDE = OutsideQuestions.of("outside20")


def test_the_set_is_what_the_brief_asked_for() -> None:
    """30 questions: 10 dangers told in everyday words over 10 families, 5 near misses,
    10 everyday, 5 with personal data (a plain 9-digit BSN with a double name, a lower-case
    IBAN without spaces, an ISO birth date, a landline with its area code, an e-mail
    address); 6 in English; each with its answer key and what a professional names first."""
    rows = list(OUTSIDE.rows.values())
    kinds = [row["kind"] for row in rows]
    assert len(rows) == 30
    assert (kinds.count("danger"), kinds.count("near"), kinds.count("everyday"),
            kinds.count("personal")) == (10, 5, 10, 5)
    assert len({row["safety"] for row in rows if row["kind"] == "danger"}) == 10
    assert len({row["voice"] for row in rows}) == 30
    assert sum(row["lang"] == "en" for row in rows) == 6
    assert all(row["first"] and row["expected"] for row in rows)
    assert [row["expect_refusal"] for row in rows if row.get("expect_refusal")] == [
        "bsn", "iban", "date", "phone", "email"]


# ------------------------------------------------------------------ what works

DANGER_WORKS = [
    ("o20-01", "partner_violence", "veilig-thuis"),     # baker: dragged by the hair, no key
    ("o20-02", "child_maltreatment", "veilig-thuis"),   # pool attendant: belt welts
    ("o20-03", "elder_abuse", "veilig-thuis"),          # cobbler: neighbour boy has her PIN
    ("o20-05", "suicide", "crisisdienst-113"),          # vet: pills saved, a farewell
    ("o20-06", "psychiatric_crisis", "crisisdienst-113"),  # parking warden: tinfoil windows
    ("o20-10", "unseen_person", "ggd-vangnet"),         # parcel courier: mail, smell, 2 weeks
]


@pytest.mark.parametrize(("qid", "signal", "service"), DANGER_WORKS)
def test_danger_described_puts_the_safety_service_first(
        demo_router: Router, qid: str, signal: str, service: str) -> None:
    """Danger told in everyday words: its ⚠ line, its service first, confident."""
    assert_danger_first(OUTSIDE.routed(demo_router, qid), signal, service)


def test_locked_out_tonight_in_english_gets_the_shelter_first(demo_router: Router) -> None:
    """o20-04, escape-room host: a cleaner of 24 whose roommate changed the locks this
    afternoon, nowhere to go tonight: the ⚠ and the shelter's access first."""
    answer = OUTSIDE.routed(demo_router, "o20-04")
    assert "homeless_tonight" in signals(answer)
    assert top(answer, 1) == ["opvang-toegang"]


@pytest.mark.parametrize("qid", ["o20-11", "o20-12"])
def test_near_misses_raise_no_alarm(demo_router: Router, qid: str) -> None:
    """A widow who "zich doodschaamt" to ask for a discount pass; a boy of 12 whose mother
    "vermoordt" him when he is late, who has stopped going to school: no ⚠, no caution, the
    expected service first."""
    assert_near_miss_is_silent(demo_router, OUTSIDE.row(qid))
    assert top(OUTSIDE.routed(demo_router, qid), 1)[0] in OUTSIDE.rows[qid]["expected"]


EVERYDAY_WORKS = ["o20-17", "o20-18", "o20-20", "o20-21", "o20-22", "o20-23", "o20-24",
                  "o20-25"]


@pytest.mark.parametrize("qid", EVERYDAY_WORKS)
def test_everyday_questions_put_the_expected_service_first(
        demo_router: Router, qid: str) -> None:
    """Ambulance nurse (a stairlift), priest (a widower with rheumatism), bookkeeper
    (WSNP after a failed settlement), English tour guide (Dutch lessons), gardener (the
    clothes exchange in Zuidoost), houseboat neighbour (waste tax), grocery courier (food
    parcel), paediatrician (parenting help): the expected service first, no ⚠, no caution."""
    answer = OUTSIDE.routed(demo_router, qid)
    assert top(answer, 1)[0] in OUTSIDE.rows[qid]["expected"], top(answer)
    assert not signals(answer) and not caution(answer)


def test_post_after_a_separation_gets_a_fitting_service_first(demo_router: Router) -> None:
    """o20-16, Christmas-tree seller in Noord: Buurtteam Noord geldzaken first (accepted),
    Humanitas Thuisadministratie second."""
    answer = OUTSIDE.routed(demo_router, "o20-16")
    assert top(answer, 1)[0] in OUTSIDE.fits("o20-16")
    assert "thuisadministratie" in top(answer)


@pytest.mark.parametrize(("qid", "kind"), [
    ("o20-26", "bsn"), ("o20-27", "iban"), ("o20-29", "phone"), ("o20-30", "email")])
def test_personal_data_is_found_before_routing(qid: str, kind: str) -> None:
    """Live: all five refused (the English ones in English), nothing searched; none of
    their needles was found afterwards in .busbaan/, its databases or the console log."""
    assert kind in OUTSIDE.found(qid)


@pytest.mark.parametrize("question", [
    "Ons moeder is 79 en kan d'r huis nie meer schoonhouwe, waor kan ze hulp krijge?",
    "M'n moeder is 80 en ze kan 'eur 'uus nie meer schoonmaeke, waer kan ze 'ulp kriege?",
])
def test_brabants_and_zeeuws_spelling_are_read(demo_router: Router, question: str) -> None:
    """Live: both answered, Wmo huishoudelijke hulp first."""
    assert top(demo_router.route(question), 1) == ["wmo-huishouden"]


# ------------------------------------------------------------------ still wrong

@pytest.mark.xfail(strict=True, reason=(
    "overdose: 'took a handful of something' is neither the cue 'took something' (words "
    "between) nor a medicine word for the at-once rule ('handvol' + *medicines); 'can't "
    "wake' (drowsy) needs one of those; 'lips are going blue', 'collapsed' and 'snoring "
    "weirdly' are no cue; GGD Vangnet first ('blue, can't wake, something, took, lips'), "
    "113 not in the top 3, unsure"))
def test_an_unrousable_man_with_blue_lips_after_a_party_gets_the_warning(
        demo_router: Router) -> None:
    """o20-07, English bike courier: a man of about 30 collapsed in the hallway after "a
    handful of something" at a party, lips going blue, snoring oddly, cannot be woken."""
    assert_danger_first(OUTSIDE.routed(demo_router, "o20-07"), "overdose", "crisisdienst-113")


def test_a_manager_groping_a_colleague_who_said_no_gets_the_warning(
        demo_router: Router) -> None:
    """o20-08, clothes-shop assistant: a colleague of 19 pushed against the wall in the
    stock room after closing, his hand under her skirt while she said no. Was a strict
    xfail (no cue reads 'onder haar rok heeft gezeten terwijl ze nee zei' or 'tegen de
    muur gedrukt'); since s53's questions are examples (session 21;
    it fails again without asked-heldout53) the ⚠ read from the examples
    gives sexual_violence, Veilig Thuis first (923), confident."""
    assert_danger_first(OUTSIDE.routed(demo_router, "o20-08"), "sexual_violence", "veilig-thuis")


@pytest.mark.xfail(strict=True, reason=(
    "cutoff_now: 'de stroom eraf gehaald wegens achterstand' is not read as a cut-off (the "
    "rule reads 'afgesloten' and its kin, not 'eraf gehaald'); crisis-schulden is first on "
    "ranking ('wegens, eraf, vanochtend, stroom, achterstand') with no ⚠ and unsure"))
def test_power_taken_off_this_morning_with_a_baby_gets_the_warning(
        demo_router: Router) -> None:
    """o20-09, electrician in Zuidoost: the grid operator took the power off this morning
    for arrears; a baby of three months, no heating, no fridge for the bottles."""
    assert_danger_first(OUTSIDE.routed(demo_router, "o20-09"), "cutoff_now", "crisis-schulden")


@pytest.mark.xfail(strict=True, reason=(
    "eviction_cutoff reads 'put her stuff out' as 'putten her out + tonight' and adds a "
    "second ⚠ that says 'an eviction or cut-off is days away' about a lock-out that "
    "already happened; crisis-schulden is second and two families make the answer unsure"))
def test_a_lock_out_tonight_is_one_warning_and_confident(demo_router: Router) -> None:
    """o20-04: one ⚠ (nowhere to sleep tonight), the shelter first, confident."""
    answer = OUTSIDE.routed(demo_router, "o20-04")
    assert signals(answer) == ["homeless_tonight"]
    assert answer.confident


@pytest.mark.xfail(strict=True, reason=(
    "suicide's strong cue 'van het dak springen' fires on the plot of a pupil's story for "
    "school; the 'own fiction' rule of safety39 reads the asker's own story, not a third "
    "person's ('schreef een verhaal ... waarin haar hoofdpersoon'); 113 is put first"))
def test_a_jump_in_a_pupils_school_story_raises_no_alarm(demo_router: Router) -> None:
    """o20-15, homework tutor: a girl of 14 wrote a story in which her main character
    wants to jump off the roof; the worry is six people in two rooms."""
    assert_near_miss_is_silent(demo_router, OUTSIDE.row("o20-15"))
    assert top(OUTSIDE.routed(demo_router, "o20-15"), 1)[0] in OUTSIDE.fits("o20-15")


@pytest.mark.xfail(strict=True, reason=(
    "homeless_tonight's weak cue 'slapen op de bank' reads 'slaapt daar op de bank' at his "
    "brother's (he has a place) and shows the caution line and the shelter third"))
def test_sleeping_on_a_brothers_couch_raises_no_caution(demo_router: Router) -> None:
    """o20-14, traffic controller: a colleague of 23 moved in with his brother after a
    fire; he needs a benefit when his contract ends."""
    assert_near_miss_is_silent(demo_router, OUTSIDE.row("o20-14"))
    assert not caution(OUTSIDE.routed(demo_router, "o20-14"))


@pytest.mark.xfail(strict=True, reason=(
    "ranking: 'lachen, gisteren' put specialist mental-health care second; the arrears "
    "('rekeningen, niet meer betaalt, aanmaningen') go to budgetbeheer; schuldhulp is not "
    "in the top 3"))
def test_arrears_after_a_dismissal_get_debt_help(demo_router: Router) -> None:
    """o20-13, ceramics teacher: "ik ben er helemaal klaar mee" about the clay (laughing);
    since her dismissal she does not pay her bills and the reminders pile up."""
    assert "schuldhulp" in top(OUTSIDE.routed(demo_router, "o20-13"))


@pytest.mark.xfail(strict=True, reason=(
    "ranking: the English 'help with her drinking', 'wine with breakfast', 'wants to stop' "
    "reach no addiction word of Verslavingszorg; crisis-schulden, Veilig Thuis and GGD "
    "Vangnet come on 'customer, noticing, kids, regular'"))
def test_an_english_question_about_drinking_gets_addiction_care(demo_router: Router) -> None:
    """o20-19, drugstore clerk: a customer of 33 drinks wine with breakfast and wants to
    stop."""
    assert "verslavingszorg" in top(OUTSIDE.routed(demo_router, "o20-19"))


@pytest.mark.parametrize("text", [
    "client DOB 1946-09-07 needs a magnifier, insurance will not pay",
    "cliënt, geboren 1946-09-07, wil een loep",
])
def test_an_iso_birth_date_is_found(text: str) -> None:
    """o20-28, home-care shop assistant (live: refused for the name). A strict xfail
    until the lead read ISO dates (year first) as dates (session 16)."""
    assert "date" in [f.kind for f in parse_question(text, OUTSIDE.known).findings]


def test_twents_spelling_is_read(demo_router: Router) -> None:
    """Live: "Mien va is 82 en kan zien hoes nich meer schoonmaken, wel kan um helpen?"
    → Sociaal Loket, energiecoach, Veilig Thuis, unsure. A strict xfail until session 17
    (tradeoffs): 'zien', 'hoes', 'wel', 'um' and 'va' are Dutch (or English) words too,
    so they were read as the verb to see, a cover, 'indeed', a hesitation; in a text
    written in a regional variety they are now read as the regional word
    (lexicon.REGIONAL_IN_CONTEXT)."""
    answer = demo_router.route(
        "Mien va is 82 en kan zien hoes nich meer schoonmaken, wel kan um helpen?")
    assert top(answer, 1) == ["wmo-huishouden"]


def test_limburgs_clean_keeping_is_read(demo_router: Router) -> None:
    """Live: "Mien mam is 81 en kan heur hoes neet mie sjoen hawwe, wae kan heur helpe?"
    → GGD Vangnet, Veilig Thuis, Ouderenadviseur, unsure. A strict xfail until session 17
    (tradeoffs): 'heur', 'hoes' and 'sjoen' are read as 'haar', 'huis', 'schoon' in a
    text written in a regional variety (lexicon.REGIONAL_IN_CONTEXT)."""
    answer = demo_router.route(
        "Mien mam is 81 en kan heur hoes neet mie sjoen hawwe, wae kan heur helpe?")
    assert "wmo-huishouden" in top(answer)


@pytest.mark.xfail(strict=True, reason=(
    "ranking: 'eenzaam' is a word of Wmo hulpmiddelen en woningaanpassing, which comes "
    "first; the Ouderenadviseur (65+) is second on 'buurt' and the age"))
def test_a_lonely_client_of_70_goes_to_the_elderly_adviser(demo_router: Router) -> None:
    """Live (pass 2): "Mijn cliënt van 70 is eenzaam en wil graag meer mensen zien, wat is
    er in de buurt?"; its tip then asks to name what is at stake, "eenzaamheid" among the
    examples."""
    answer = demo_router.route("Mijn cliënt van 70 is eenzaam en wil graag meer mensen "
                               "zien, wat is er in de buurt?")
    assert top(answer, 1) == ["ouderenadvies"]
