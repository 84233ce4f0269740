"""Session 15 (router32): professionals' work shorthand, read as the words it stands for.

See docs/notes/2026-12-13s15-router32.md. Probes in new voices:
tests/data/socialmap/probes-s15-router32.jsonl.

- :func:`busbaan.routing.text.chat_written_out` (both readers, the ranker and the safety
  signals): the shorthand of case notes (:data:`.lexicon.SHORTHAND`: "pt.", "cl.",
  "dhr.", "mw.", "lln.", "mdw.", "dw.", "jr.", "z.s.m.", "i.v.m."), "ex-"/"oud-" before a
  role (:data:`.lexicon.FORMER_ROLES`), a school group ("gr. 6"), an hour ("9u") and a
  letter stretched for stress ("schoool");
- :func:`busbaan.routing.context.person`: an age after a note's abbreviation ("Dhr. 77",
  "mw. 79", "pt. 45"), about a number ("ca. 35", "~30"), by its decade ("eind 40", "in
  his late fifties") and with a half year ("17,5": the next birthday is near);
- "wie pakt dit op" is the ask of a case note, not its need (:data:`.lexicon.IDIOMS`);
- a benefit that ends ("WW loopt af", "benefit ran out") is settled: the ask is what
  comes after it (:data:`.lexicon.SETTLED`).
"""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import read_jsonl, signals, top

from busbaan.routing.context import person
from busbaan.routing.text import (
    chat_written_out,
    dotted_words,
    idiom_words,
    unchat,
    words,
)

PROBES = read_jsonl("probes-s15-router32.jsonl")
#: Probes the router still gets wrong, with the cause (strict: they fail today).
#: r32-02 ("op de bank" read as a bank since session 17) passes again on main e2fff90,
#: since s39-s42 were retired into examples: the central shelter access is first
#: (session 18, outside21x: its strict xfail XPASSed on main); so does r32-12 (the
#: stretched "schoooool": Leerplicht first), with no router change of this branch.
OPEN: dict[str, str] = {
}


# ------------------------------------------------------------------ shorthand


@pytest.mark.parametrize(("text", "read"), [
    ("pt. afwijzing wmo", "patient. afwijzing wmo"),
    ("let op bij cl. (69): geen stroom", "let op bij client (69): geen stroom"),
    ("dhr. 77, revalidatie", "meneer 77, revalidatie"),
    ("mw. 79 niet gezien", "mevrouw 79 niet gezien"),
    ("mevr 71 jr", "mevrouw 71 jaar"),
    ("lln 15 verzuimt", "leerling 15 verzuimt"),
    ("mdw. (30) slaapt slecht", "medewerker (30) slaapt slecht"),
    ("dw. komt de 12e", "deurwaarder. komt de 12e"),
    ("wij als dw.-kantoor", "wij als deurwaarder-kantoor"),
    ("14 dgn afwezig, z.s.m. actie", "14 dagen afwezig, zo snel mogelijk actie"),
    ("i.v.m. achterstand, zsm bellen", "in verband met achterstand, zo snel mogelijk bellen"),
    ("leeg op de 3e vd maand", "leeg op de 3e van de maand"),
    ("evt. met vervoer", "eventueel. met vervoer"),
])
def test_case_note_shorthand_is_written_out(text: str, read: str) -> None:
    """An abbreviation of a case note is the word it stands for; its period goes with it
    before a number, a bracket, a comma or a hyphen (no sentence ends there)."""
    assert chat_written_out(text) == read


@pytest.mark.parametrize("text", [
    "ha, fijn", "haha", "ptt", "clown", "mwah", "dwars", "jrk", "evtl", "optie",
    "33cl", "lidl",
])
def test_words_that_only_look_like_shorthand_stay(text: str) -> None:
    """A word of its own, or one that merely starts like an abbreviation, stays."""
    assert chat_written_out(text) == text


@pytest.mark.parametrize(("text", "read"), [
    ("Oud-lln. 18, geen diploma", ["leerling", "18", "geen", "diploma"]),
    ("Ex-werknemer (45) belt", ["werknemer", "45", "belt"]),
    ("een oud-collega van mijn vrouw", ["een", "collega", "van", "mijn", "vrouw"]),
    ("my ex-colleague lost his job", ["my", "colleague", "lost", "his", "job"]),
])
def test_former_before_a_role_is_no_word(text: str, read: list[str]) -> None:
    """"ex-" and "oud-" before a role say former: not an old person, a parent (the stem
    of "oud" is that of "ouders") or an ex-partner."""
    assert words(unchat(text)) == read


@pytest.mark.parametrize("text", [
    "mijn ex-man slaat me", "haar ex-vriend staat voor de deur", "ex-partner belt steeds",
    "woont in Oud-West", "Oud-Zuid", "my ex-husband",
])
def test_an_ex_partner_and_a_place_keep_their_prefix(text: str) -> None:
    """An ex-partner stays one (the safety signals read "ex"); a place keeps its name."""
    assert words(unchat(text)) == words(text)


@pytest.mark.parametrize(("text", "read"), [
    ("lln. gr. 6 (9 jr)", "leerling. groep 6 (9 jaar)"),
    ("kind uit gr 8", "kind uit groep 8"),
    ("dw komt om 9u", "deurwaarder komt om 9 uur"),
    ("na 17u geen HA", "na 17 uur geen ha"),
    ("donderdag 9.00 u. langs", "donderdag 9.00 uur. langs"),
    ("niet naar schoool", "niet naar school"),
    ("heeeel veeeel rekeningen", "heel veel rekeningen"),
])
def test_groups_hours_and_stretched_letters(text: str, read: str) -> None:
    """A school group, an hour and a letter typed three times are read as written in
    full."""
    assert unchat(text) == read


@pytest.mark.parametrize("text", [
    "500 gr suiker", "gr 9", "u kunt bellen", "U15 meiden", "www.uwv.nl", "zzz", "xxx",
])
def test_no_group_hour_or_stretch_where_there_is_none(text: str) -> None:
    """Grams, the pronoun "u", a team name, a web address and a run of one letter on its
    own stay as written."""
    assert unchat(text) == text.lower()


@pytest.mark.parametrize(("text", "unread"), [
    ("Geen startkwal., zit thuis. Wie pakt op?", ["wie", "pakt", "op"]),
    ("Wie pakt naast mij de geldkant op?", ["wie", "pakt", "op"]),
    ("Hoe pakken wij dit op?", ["hoe", "pakken", "op"]),
    ("Kan het buurtteam dit oppakken?", ["dit", "oppakken"]),
    ("Ze wil met iemand praten en weer wat oppakken.", []),
    ("De politie heeft hem opgepakt.", []),
])
def test_who_takes_it_on_is_the_ask_not_the_need(text: str, unread: list[str]) -> None:
    """"Wie pakt dit op?" asks who takes the case on: its words are not read; taking up
    an activity again, or an arrest, is read."""
    found = words(text)
    assert [found[i] for i in sorted(idiom_words(text))] == unread


def test_patient_is_the_person_not_the_need(router: Any) -> None:
    """"pt." is the patient, who says nothing of the need: as "client" and "klant" it adds
    no term (it matched the example questions that happen to write "pt")."""
    analyzer = router.analyzer
    plain = [t.stem for t in analyzer.query("kroon 900 euro niet verzekerd, bijdrage?")]
    for note in ("pt. kroon 900 euro niet verzekerd, bijdrage?",
                 "patiënt: kroon 900 euro niet verzekerd, bijdrage?"):
        assert [t.stem for t in analyzer.query(note)] == plain


def test_the_bailiff_abbreviated_is_read_by_the_safety_signals(router: Any) -> None:
    """"dw." is the bailiff for the safety signals too: with the keys to be collected on a
    day, an eviction within days."""
    question = ("Huurder 5 mnd achter, dw. komt vrijdag om 9u de sleutels ophalen. "
                "Wie kan nog bemiddelen?")
    assert signals(router.route(question)) == ["eviction_cutoff"]


@pytest.mark.parametrize(("text", "at"), [
    ("geen startkwal., zit thuis", [1]),
    ("Mw. (84) en volw. zoon", [0, 3]),
    ("Ik heb schulden. Wie helpt?", [2]),
    ("geen punt hier", []),
])
def test_words_written_with_a_period(text: str, at: list[int]) -> None:
    """The words with a period right after them are found (a candidate truncation)."""
    assert sorted(dotted_words(text)) == at


@pytest.mark.parametrize(("cut", "full"), [
    ("woningaanp", "woningaanpassing"), ("dagbest", "dagbesteding"),
    ("mantelz", "mantelzorg"), ("bijz", "bijzonder"), ("beschermingsbew", "beschermingsbewind"),
])
def test_a_word_cut_short_is_the_word_it_starts(router: Any, cut: str, full: str) -> None:
    """A word cut short is the vocabulary word it starts, or the shortest of a word and
    its compounds."""
    assert router.analyzer._completed(cut) == full


@pytest.mark.parametrize("cut", ["afw", "ondersteun", "schulden", "huis", "ggz"])
def test_no_completion_of_a_word_or_an_ambiguous_start(router: Any, cut: str) -> None:
    """A word of its own, an abbreviation of the lexicon or the start of unrelated words
    is not completed."""
    assert router.analyzer._completed(cut) is None


def test_a_word_cut_short_counts_as_the_word(router: Any) -> None:
    """"dagbest." weighs what "dagbesteding." weighs: the word, not a typo of it."""
    analyzer = router.analyzer
    cut = {t.stem: (t.weight, t.kind) for t in analyzer.query("zoekt dagbest., met vervoer")}
    full = {t.stem: (t.weight, t.kind)
            for t in analyzer.query("zoekt dagbesteding., met vervoer")}
    assert cut == full


# ------------------------------------------------------------------ ages


@pytest.mark.parametrize(("text", "age"), [
    ("Dhr. 77, revalidatie na heup-OK", 77),
    ("mw. 79 baxterrol niet gehaald", 79),
    ("S: pt. 45 wil er niet meer zijn", 45),
    ("S/O: pt. 31, LVB", 31),
    ("Oud-lln. 18, geen diploma", 18),
    ("cl 30 met NAH", 30),
    ("meneer 74 woont alleen", 74),
    ("pt. female ~30: bruises", 30),
    ("ter plaatse mw. (ca. 35) met een gezwollen oog", 35),
    ("vrouw (circa 40) liep op de rails", 40),
    ("man (eind 40) slaapt in het fietsenhok", 48),
    ("vrouw begin dertig", 32),
    ("een man van midden 50", 55),
    ("a man in his late fifties", 58),
    ("a woman in her early twenties", 22),
    ("she is in her 60s", 65),
])
def test_an_age_in_shorthand_is_read(text: str, age: int) -> None:
    """An age after a note's abbreviation, about a number or by its decade is read."""
    assert person(text, None).leeftijd == age


@pytest.mark.parametrize("text", [
    "mw verlaat over 2 wk de opvang", "cl heeft 2 kinderen, schuld", "pt om 9:30 gebeld",
    "ca. 28.000 euro schuld bij 14 schuldeisers", "in the 80s he worked",
])
def test_no_age_where_a_number_is_something_else(text: str) -> None:
    """A count, a time, an amount or a decade of history is no age."""
    assert person(text, None).leeftijd is None


def test_a_half_year_age_is_turning_the_next() -> None:
    """"17,5" is 17, turning 18 within half a year: a service from 18 may be prepared."""
    who = person("Jongen 17,5 met spierziekte, welke uitkering vanaf 18?", None)
    assert (who.leeftijd, who.turning) == (17, 18)


@pytest.mark.parametrize("text", ["schuld van 17,5 duizend, ik ben 17",
                                  "ik ben 17 en werk 12,5 uur"])
def test_a_half_that_is_no_age_turns_nothing(text: str) -> None:
    """An amount or a count with a half is no age with a half year."""
    assert person(text, None).turning is None


# ------------------------------------------------------------------ the probes


@pytest.mark.parametrize("row", PROBES, ids=[row["id"] for row in PROBES])
def test_probe_first_answer(router: Any, row: dict[str, Any], request: Any) -> None:
    """Each probe's first answer is its expected service; a safety probe raises its
    signal and an ordinary one none."""
    if row["id"] in OPEN:
        request.applymarker(pytest.mark.xfail(strict=True, reason=OPEN[row["id"]]))
    answer = router.route(row["question"], row["context"])
    assert bool(answer.safety) == bool(row["safety"]), (row["id"], signals(answer))
    assert top(answer, 1)[0] in row["expected"], (row["id"], top(answer))
