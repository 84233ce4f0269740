"""outside22 (session 18): the wegwijzer as its users meet it (`make dev`, encrypted direct
chats with @wegwijzer from a plain encrypting nio client in its own process; five
professionals at once, each in a new direct chat, six questions each; then one chat with
lanes, `!baan mens`, `!goed`/`!fout`, Element edits and replies, empty, huge and
other-script input, and phone numbers and names in new shapes). The 30 questions are in
voices no outside check used before — a farrier, a skating coach, a dog groomer, a
seamstress from Syria, a climbing-hall instructor, a carillon player, a zookeeper, a
liquor-store owner, a paver, a forklift driver from Poland, a beekeeper, a forest ranger,
a fishmonger, a printer, a pet-boarding owner, a snooker-hall owner, a wedding
photographer, a cook from Eritrea, a housekeeper from the Philippines, a sauna worker, a
bowling-alley manager, a picture framer, a train conductor, a violin maker, a flower
auctioneer, a dental technician, an organ builder, a boat-rental owner, a greengrocer from
Turkey and a greenkeeper — written and committed before any answer was seen
(docs/notes/outside22-questions.jsonl, 72f771c) and replayed here at router level on the
shipped demo map (the bot gave these same top 3s live) and on the benchmark map.

What works is a passing test; what does not is ``xfail(strict=True)`` with the cause read
from the router's own evidence (the safety cue it read, the words each service "past
bij"). Fixed on this branch (busbaan/privacy.py; tests/core/test_privacy_outside22.py): the
"+31 (0)6" phone number (answered and laned live), a date with an hour refused as a phone
number, and a name in Arabic script. See docs/notes/2026-12-16s18-outside22.md.
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

OUTSIDE = OutsideQuestions.of("outside22")


def test_the_set_is_what_the_brief_asked_for() -> None:
    """30 questions: 10 dangers described, not named, over 10 of the 12 families (honour
    violence and cut-off-now among them, which outside21 did not ask); 15 ordinary (3 near
    misses); 5 with personal data in shapes no outside check used (a lower-case spaced
    IBAN, a "+31 (0)6" phone number, an e-mail address with an underscore, initials with a
    double surname and "geb. 7-3-'58", an English "DOB"); 30 voices; 5 in English; 5
    newcomers in second-language Dutch who name the country they came from."""
    rows = list(OUTSIDE.rows.values())
    kinds = [row["kind"] for row in rows]
    assert len(rows) == 30
    assert (kinds.count("danger"), kinds.count("ordinary") + kinds.count("near"),
            kinds.count("near"), kinds.count("personal")) == (10, 15, 3, 5)
    assert len({row["safety"] for row in rows if row["kind"] == "danger"}) == 10
    assert len({row["voice"] for row in rows}) == 30
    assert sum(row["lang"] == "en" for row in rows) == 5
    assert sum(row["question"].startswith("Ik kom ") for row in rows) == 5
    assert all(row["first"] and row["expected"] and row["expected_shared"] for row in rows)
    assert [row["expect_refusal"] for row in rows if row.get("expect_refusal")] == [
        "iban", "phone", "email", "name", "name"]


# ------------------------------------------------------------------ what works

DANGER_WORKS = [
    ("o22-02", "child_maltreatment", "veilig-thuis"),   # skating: welts in rows
    ("o22-04", "honour_violence", "veilig-thuis"),      # seamstress from Syria: cousin abroad
    ("o22-05", "sexual_violence", "veilig-thuis"),      # climbing hall: storage room
    ("o22-06", "suicide", "crisisdienst-113"),          # carillon: the height, the watch
    ("o22-07", "psychiatric_crisis", "crisisdienst-113"),  # zookeeper (en): poison, enclosure
    ("o22-09", "unseen_person", "ggd-vangnet"),         # paver: curtains shut since Monday
]


@pytest.mark.parametrize(("qid", "signal", "service"), DANGER_WORKS)
def test_danger_described_puts_the_safety_service_first(
        demo_router: Router, qid: str, signal: str, service: str) -> None:
    """Danger told in everyday words: its ⚠ line, its service first, confident."""
    assert_danger_first(OUTSIDE.routed(demo_router, qid), signal, service)


@pytest.mark.parametrize(("qid", "signal", "service"), [
    ("o22-01", "partner_violence", "veilig-thuis"),  # farrier (see the xfails below)
    ("o22-03", "elder_abuse", "veilig-thuis"),       # dog groomer (en)
    ("o22-08", "overdose", "ggd-vangnet"),           # liquor store: pills and gin
    ("o22-10", "cutoff_now", "crisis-schulden"),     # forklift driver from Poland
])
def test_the_other_dangers_get_their_warning_and_a_fitting_service_first(
        demo_router: Router, qid: str, signal: str, service: str) -> None:
    answer = OUTSIDE.routed(demo_router, qid)
    assert signal in signals(answer)
    assert top(answer, 1) == [service]


ORDINARY_WORKS = ["o22-11", "o22-12", "o22-14", "o22-15", "o22-16", "o22-19", "o22-20",
                  "o22-21", "o22-22"]


@pytest.mark.parametrize("qid", ORDINARY_WORKS)
def test_ordinary_questions_put_a_fitting_service_first(
        demo_router: Router, qid: str) -> None:
    """Beekeeper (a stairlift), forest ranger (unopened envelopes), printer (a drop-out
    of 20), pet boarding (a lonely widow), snooker hall (en: Dutch lessons), housekeeper
    from the Philippines (no food till the month's end), sauna (low mood), bowling alley
    (a boy of 14 out of school), picture framer (municipal taxes): a service of the answer
    key first, no ⚠, no caution."""
    answer = OUTSIDE.routed(demo_router, qid)
    assert top(answer, 1)[0] in OUTSIDE.fits(qid), top(answer)
    assert not signals(answer) and not caution(answer)


@pytest.mark.parametrize("qid", ["o22-23", "o22-24", "o22-25"])
def test_near_misses_raise_no_alarm(demo_router: Router, qid: str) -> None:
    """"De hypotheek kost hem nog de kop"; "zijn vader vermoordt hem" said laughing, of
    loving parents; a power bill he fears for next year: no ⚠, no caution."""
    assert_near_miss_is_silent(demo_router, OUTSIDE.row(qid))


@pytest.mark.parametrize(("qid", "kinds"), [
    ("o22-26", {"iban"}), ("o22-27", {"phone"}), ("o22-28", {"email"}),
    ("o22-29", {"name"}), ("o22-30", {"name", "date"})])
def test_personal_data_is_found_before_routing(qid: str, kinds: set[str]) -> None:
    """Live: four of five refused (the English one in English), each for its own kind. The
    "+31 (0)6 4827 1953" of o22-27 was answered and `!baan 1` opened a lane with it: fixed
    on this branch (busbaan.privacy._PHONE), refused after the restart. None of the
    needles was found afterwards in .busbaan/ or the console log."""
    found = set(OUTSIDE.found(qid))
    assert kinds <= found, found


# ------------------------------------------------------------------ what does not

def test_an_old_lady_robbed_by_her_nephew_is_no_child_in_danger(demo_router: Router) -> None:
    """o22-03 (dog groomer, en): an old lady of 88 whose nephew has her bank card and left
    grab marks gets the elder_abuse ⚠ only. Found as a strict xfail (cue 'nephew + bruis'
    read the nephew as the child in danger); since session 18's merge the subject before
    the cue's verb rules it out (falsewarn's `_subject_before_object`, written for
    outside21's o21-03)."""
    assert signals(OUTSIDE.routed(demo_router, "o22-03")) == ["elder_abuse"]


def test_power_switched_off_is_no_night_without_a_bed(demo_router: Router) -> None:
    """o22-10 (forklift driver from Poland): 'het bedrijf heeft het [de stroom] uitgezet'
    gets no homeless_tonight ⚠ and a confident answer. Found as a strict xfail ('uitzetten'
    read as evicting a person, three desks, not sure); since session 19 (xfails) "het"
    right before "uitgezet" is a thing switched off (safety._thing_switched_off)."""
    answer = OUTSIDE.routed(demo_router, "o22-10")
    assert "homeless_tonight" not in signals(answer)
    assert answer.confident


@pytest.mark.xfail(strict=True, reason=(
    "since s54's questions are examples (session 21; it passes without asked-heldout54): "
    "on the benchmark map no ⚠ and unsure; "
    "the ⚠ read from the examples that gave partner_violence since session 18 no longer "
    "speaks there (on the demo map it still does)"))
def test_a_woman_thrown_against_a_wall_by_her_husband_is_partner_violence(
        router: Router) -> None:
    """o22-01 (farrier): 'haar oog dicht en paars', 'hij had haar tegen de stalmuur
    gegooid', 'ze verstijfde toen hij binnenkwam'. Found as a strict xfail (no cue reads a
    partner thrown against a wall); since session 18's merge the ⚠ read from the examples
    (dangerwide: kin desks, share 0.4) gives partner_violence."""
    assert "partner_violence" in signals(OUTSIDE.routed(router, "o22-01"))


@pytest.mark.xfail(strict=True, reason=(
    "o22-17 (wedding photographer, en): parents exhausted by a baby who cries all night and "
    "hardly eats, asking for advice: Veilig Thuis first (no ⚠) on 'hardly, around, "
    "advice', GGD Vangnet (18+) second, Jongerenloket third; the Ouder- en Kindteam is not "
    "in the top 3. English 'baby', 'crying', 'exhausted' reach no family service."))
def test_a_crying_baby_goes_to_the_parent_and_child_team(demo_router: Router) -> None:
    answer = OUTSIDE.routed(demo_router, "o22-17")
    assert "veilig-thuis" not in top(answer)
    assert "okt" in top(answer)


def test_sport_for_children_of_a_low_income_family_finds_the_stadspas(
        demo_router: Router) -> None:
    """o22-13 (fishmonger, Noord): a mother on social assistance who cannot pay for her
    children's swimming lessons and football. Was a strict xfail (Bijstand, Kwijtschelding,
    Bijzondere bijstand; 'zwemles', 'voetbal' reached no service on the demo map); since
    s52's questions are examples (session 21; it fails again without asked-heldout52) the
    Stadspas is third (Bijstand 840, Kwijtschelding 834, Stadspas 823)."""
    assert "stadspas" in top(OUTSIDE.routed(demo_router, "o22-13"))


@pytest.mark.xfail(strict=True, reason=(
    "o22-18 (cook from Eritrea): a neighbour who gets many letters from the council and "
    "the tax office, cannot read Dutch well and wants someone to go through his papers "
    "with him: Kwijtschelding first on 'papieren, belasting, gemeente, brieven, betalen'; "
    "Humanitas Thuisadministratie (help with one's papers at home) is not in the top 3 on "
    "either map."))
def test_help_with_letters_he_cannot_read_finds_home_administration(
        demo_router: Router) -> None:
    answer = OUTSIDE.routed(demo_router, "o22-18")
    assert top(answer, 1)[0] != "kwijtschelding"
    assert "thuisadministratie" in top(answer)


@pytest.mark.xfail(strict=True, reason=(
    "Live, an edit in pass 2: 'Een weduwe van 76 in Noord voelt zich eenzaam en zoekt een "
    "maatje' → Buurtteam Noord first, Wmo hulpmiddelen second on 'eenzaam, voelt', POH-GGZ "
    "third; the Ouderenadviseur (65+, welzijn) is not in the top 3 once the district is "
    "named (without it, o22-15, she is first)."))
def test_a_lonely_widow_in_noord_finds_the_elderly_adviser(demo_router: Router) -> None:
    answer = demo_router.route("Een weduwe van 76 in Noord voelt zich eenzaam en zoekt een "
                               "maatje.", {"stadsdeel": "Noord", "leeftijd": 76})
    assert "ouderenadvies" in top(answer)
    assert "wmo-hulpmiddelen" not in top(answer)
