"""Session 10, safety20 (issue 8; safety file 2026-12-08.20): false alarms on the retired
sets and the near misses, by cause, each tested in our own words beside a real danger
of the same shape (so that no fix simply switches a cue off).

- A scary word in a harmless sense: "trap" as the staircase, "af en toe", "licht
  verstandelijk", "aan het eind van de maand", an employer who puts someone "op straat".
- Worry without danger, said as a denial: "Niet dat ...", "heeft nooit gezegd dat ...".
- Past and settled danger: years on the street or of threats told as over, an eviction
  "op het nippertje afgewend"; "al jaren" is still going on.
- A harmless cause with the verb at the end ("omdat hij tegen de tafel botst"), a cut
  while cutting food; a cause told by someone else still alarms.
- A home to furnish ("geen bed, geen koelkast") is no night without a bed.
- "een oude lening" and "oud-cliënte" are no older person ("oudere" is read as "oud").
- The retired miss: a psychosis told by messages from the television and nights awake,
  of a student named with an age under 18.
- The probe file probes-s10-safety20.jsonl, written before the change.
"""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import assert_near_miss_is_silent, read_jsonl

from busbaan.routing import Router
from busbaan.routing.safety import detect

ROWS = read_jsonl("probes-s10-safety20.jsonl")
PROBES = [q for q in ROWS if q["safety"]]
NEAR = [q for q in ROWS if not q["safety"]]
#: Near misses still read as danger, with the cause.
STILL_ALARMED = {
    # (safety20-near-006, "leeft niet meer", is silent since safety22: a cue that opens
    # with "niet" holds its word order)
    # housebound ("zit opgesloten in mijn eigen huis") and locked in share their words
    "safety20-near-016",
}


def strong(signals: Any, text: str, age: int | None = None) -> set[str]:
    return {s.family.id for s in detect(signals, text, age) if not s.weak}


@pytest.mark.parametrize(("text", "family"), [
    ("Haar vriend kan de trap niet meer op sinds zijn ongeluk, wie betaalt een traplift?",
     "partner_violence"),
    ("Mijn opa (90) leent zijn buurman af en toe wat geld, maar zijn eigen post raakt zoek",
     "elder_abuse"),
    ("Cliënt met een licht verstandelijke beperking sluit via de kantonrechter bewind af",
     "eviction_cutoff"),
    ("Ik werk me dood in de bouw en aan het eind van de maand is alles op", "suicide"),
    ("Mijn werkgever heeft me na tien jaar op straat gezet, waar vraag ik nu WW aan?",
     "homeless_tonight"),
])
def test_a_scary_word_in_a_harmless_sense_is_no_signal(
        signals: Any, text: str, family: str) -> None:
    """Stairs, 'now and then', a mild disability, the end of the month and a dismissal
    are not read as a kick, money taken, a cut-off, suicide or a night on the street."""
    assert family not in strong(signals, text)


@pytest.mark.parametrize(("text", "family"), [
    ("Mijn vriend gaf me gisteren een trap tegen mijn been", "partner_violence"),
    ("Mijn man duwde me van de trap en ik durf niet naar huis", "partner_violence"),
    ("Haar kleinzoon pakt af en toe geld van de rekening van mijn oma (88)", "elder_abuse"),
    ("Het licht wordt morgen afgesloten en we hebben een baby", "eviction_cutoff"),
    ("Mijn huisbaas heeft me op straat gezet, ik slaap vannacht buiten", "homeless_tonight"),
])
def test_the_same_words_in_danger_are_still_read(signals: Any, text: str, family: str) -> None:
    """A kick, a push down the stairs, money taken now and then, a cut-off and a landlord
    who put someone on the street stay signals."""
    assert family in strong(signals, text)


@pytest.mark.parametrize("text", [
    "Niet dat ik er een eind aan wil maken, ik voel me alleen erg eenzaam sinds de verhuizing",
    "Hij heeft nooit gezegd dat hij niet meer wil leven, maar hij is wel somber",
    "Not that I want to end my life, I just miss my wife",
])
def test_a_denied_wish_to_die_is_no_signal(signals: Any, text: str) -> None:
    """"Niet dat ..." and "heeft nooit gezegd dat ..." deny the clause after them."""
    assert "suicide" not in strong(signals, text)


def test_a_denial_reaches_its_own_clause_only(signals: Any) -> None:
    """What comes after the denied clause is read ("niet dat ik iets ga doen, maar ...")."""
    assert "suicide" in strong(
        signals, "Niet dat ik iets ga doen, maar ik heb een afscheidsbrief geschreven")
    assert "suicide" in strong(signals, "Hij zegt dat hij niet meer wil leven")


def test_past_years_on_the_street_with_a_home_now_is_no_signal(signals: Any) -> None:
    """Years on the street told as over, with a home of one's own now, are no night
    without a bed; years of threats left behind are no partner violence."""
    assert "homeless_tonight" not in strong(
        signals, "Hij heeft zes jaar op straat geleefd, maar woont nu in een eigen flat")
    assert "partner_violence" not in strong(
        signals, "Ze is na jaren van bedreiging bij haar ex weggegaan en woont veilig")


def test_years_on_the_street_still_going_on_is_read(signals: Any) -> None:
    """"al jaren" is still going on; a past that comes back tonight is now."""
    assert "homeless_tonight" in strong(
        signals, "Ik heb vroeger op straat geleefd, nu ben ik mijn kamer kwijt: vannacht geen bed")
    assert "partner_violence" in strong(signals, "Ze wordt al jaren geslagen door haar man")


def test_an_averted_eviction_with_words_between_stays_past(signals: Any) -> None:
    """"is op het nippertje afgewend" settles last year's eviction."""
    assert "eviction_cutoff" not in strong(signals, (
        "Vorig jaar kwam de deurwaarder bijna voor een ontruiming, dat is op het laatste moment "
        "afgewend. Nu hebben we weer een kleine achterstand en willen we hulp"))


def test_a_harmless_cause_with_the_verb_at_the_end(signals: Any) -> None:
    """A cause in a subordinate clause with its verb last, and a cut while cutting food,
    explain the injury; the same cause told by a son in doubt does not."""
    assert "elder_abuse" not in strong(
        signals, "Opa heeft blauwe plekken omdat hij met de rollator tegen de kast botst", 84)
    assert "suicide" not in strong(
        signals, "Mijn moeder sneed zich gisteren diep in haar duim bij het uien snijden")
    assert "elder_abuse" in strong(signals, (
        "Buurvrouw (86) heeft blauwe plekken; haar zoon zegt dat ze tegen de kast botst, "
        "maar ze is bang voor hem"))


def test_a_home_to_furnish_is_no_night_without_a_bed(signals: Any) -> None:
    """"geen bed, geen koelkast" in a new home is furniture; on the street tonight is not."""
    assert "homeless_tonight" not in strong(
        signals, "Ik heb nu eindelijk een huurhuis maar geen bed, geen koelkast en geen stoelen")
    assert "homeless_tonight" in strong(
        signals, "Vannacht slaap ik op straat: geen bed, geen koelkast")


def test_an_old_loan_is_no_older_person(signals: Any) -> None:
    """"een oude lening" and "oud-cliënte" are no older person; "een oudere" is."""
    assert "elder_abuse" not in strong(
        signals, "Ik heb een oude lening en mijn ex sloot er een lening bij af op mijn naam")
    assert "elder_abuse" in strong(
        signals, "Een oudere buurvrouw moet van haar kleinzoon een lening afsluiten")


def test_a_psychosis_of_a_minor_student(router: Router) -> None:
    """Messages from the radio and nights awake are a psychiatric crisis; a student of 16
    is a minor, so the Ouder- en Kindteam comes first."""
    answer = router.route(
        "Docent: studente 16 slaapt al nachten niet en krijgt berichten via de radio, wat nu?",
        {"stadsdeel": None, "leeftijd": None})
    assert "psychiatric_crisis" in {h.signal for h in answer.safety}
    assert answer.results[0].service_id == "okt-opvoedondersteuning"


@pytest.mark.parametrize("q", PROBES, ids=[q["id"] for q in PROBES])
def test_probe_s20_gets_its_safety_service_in_the_top_3(router: Router, q: dict[str, Any]) -> None:
    """Each danger probe carries its family's signal and its service in the top 3."""
    answer = router.route(q["question"], q["context"])
    assert q["safety"] in {h.signal for h in answer.safety}, q["id"]
    wanted = set(q["expected"]) | set(q["acceptable"])
    assert any(r.service_id in wanted for r in answer.results[:3]), q["id"]


@pytest.mark.parametrize("q", [
    pytest.param(q, id=q["id"], marks=pytest.mark.xfail(strict=True, reason="STILL_ALARMED"))
    if q["id"] in STILL_ALARMED else pytest.param(q, id=q["id"]) for q in NEAR])
def test_near_miss_s20_is_silent(router: Router, q: dict[str, Any]) -> None:
    """Each near miss gets no safety answer (two known causes are strict xfails)."""
    assert_near_miss_is_silent(router, q)
