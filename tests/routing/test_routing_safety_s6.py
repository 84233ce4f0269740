"""Safety recall for danger described in everyday words (issue 8, session 6): one test
per mechanism, on small examples, plus the tuning half of the s6 probes as a floor."""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import read_jsonl

from busbaan.routing import Router
from busbaan.routing.safety import (
    SafetyFileError,
    _find,
    _matches,
    _Question,
    _with_joined,
    _words,
    detect,
    parse_signals,
    split_separable,
)


def strong(signals: Any, text: str, age: int | None = None) -> set[str]:
    return {s.family.id for s in detect(signals, text, age) if not s.weak}


def weak(signals: Any, text: str, age: int | None = None) -> set[str]:
    return {s.family.id for s in detect(signals, text, age) if s.weak}


# ------------------------------------------------------------- lack is one class


@pytest.mark.parametrize(("cue", "text"), [
    ("geen ontbijt", "hij komt zonder ontbijt"), ("geen ontbijt", "er is nooit ontbijt"),
    ("geen ontbijt", "ze krijgt te weinig ontbijt"),
    ("geen ontbijt", "ze krijgt niet genoeg ontbijt"),
    ("no breakfast", "she goes without breakfast"),
    ("no breakfast", "there is never breakfast"), ("no food", "not enough food"),
])
def test_a_cue_with_geen_matches_every_word_of_lack(cue: str, text: str) -> None:
    """'geen ontbijt' is also 'zonder', 'nooit', 'te weinig', 'niet genoeg' ontbijt, and
    'no' is 'without', 'never', 'not enough' (determiners of lack are one class, as
    articles are)."""
    assert _matches(_words(cue), _Question(text))


@pytest.mark.parametrize("text", [
    "ze eet weinig ontbijt", "hij heeft genoeg ontbijt", "ontbijt is er altijd"])
def test_weinig_and_genoeg_deny_only_after_te_and_niet(text: str) -> None:
    assert not _matches(_words("geen ontbijt"), _Question(text))


def test_neglect_said_as_a_pattern_is_a_signal(signals: Any) -> None:
    """A child + a basic need denied + again and again: strong; once, or about an adult,
    it is not."""
    assert "child_maltreatment" in strong(
        signals, "Een jongen uit mijn klas komt elke dag zonder ontbijt op school.")
    assert "child_maltreatment" in strong(
        signals, "De kinderen van de buren hebben al weken geen jas, ook niet als het vriest.")
    assert "child_maltreatment" not in strong(
        signals, "Mijn zoon kwam vandaag zonder ontbijt op school, hij had geen trek.")
    assert strong(signals, "Ik ga elke dag zonder ontbijt naar mijn werk.") == set()


def test_a_young_child_left_without_an_adult_at_night(signals: Any) -> None:
    assert "child_maltreatment" in strong(
        signals, "Mijn nichtje van 4 wordt in bed gelegd, dan gaat haar moeder stappen en "
                 "er is niemand in huis.")


def test_neglect_of_an_older_person_by_a_relative(signals: Any) -> None:
    """An older person (by a word or an age of 65+) + the relative or carer + a need
    denied; without the relative it is no signal (an older person short of food is a
    question for the food bank)."""
    assert "elder_abuse" in strong(
        signals, "Buurvrouw (80) woont bij haar zoon, hij laat haar de hele dag zonder eten.",
        80)
    assert "elder_abuse" in strong(
        signals, "Opa zit de hele dag in zijn eigen plas, mijn oom die voor hem zorgt komt "
                 "bijna nooit.")
    assert "elder_abuse" not in strong(
        signals, "Oma heeft geen eten in huis aan het eind van de maand, kan de voedselbank "
                 "helpen?")


# ---------------------------------------------------- separable verbs written joined


def test_a_separable_verb_written_joined_matches_the_split_cue(signals: Any) -> None:
    assert split_separable("opsluit") == ("op", "opsluiten")
    assert split_separable("opgesloten") == ("op", "opsluiten")
    assert split_separable("leeghaalt") == ("leeg", "leeghalen")
    joined = _with_joined([_words("sluit haar op")])
    # the joined verb last, after its object, as a subordinate clause has it (session
    # 16, xfail26; it stood first)
    assert joined == (("sluiten", "haar", "op"), ("haar", "opsluiten"))
    assert not _matches(joined[0], _Question("dat haar man haar opsluit"))
    assert _matches(joined[1], _Question("dat haar man haar opsluit"))
    assert _matches(_words("rekening leeg"), _Question("dat zijn kleinzoon de rekening leeghaalt"))
    assert "partner_violence" in strong(
        signals, "Een klant vertelde dat haar man haar opsluit in de slaapkamer.")
    assert "elder_abuse" in strong(
        signals, "Mijn opa zegt dat zijn kleinzoon de rekening leeghaalt.")


def test_the_verb_of_a_joined_separable_verb_alone_is_not_the_cue() -> None:
    """'dichtslaat' is 'dichtslaan' (to slam), no 'slaan' (to hit)."""
    assert not _matches(_words("slaat"), _Question("als hij de deur dichtslaat"))
    assert split_separable("opa") is None and split_separable("bijstand") is None


# -------------------------------------------------------------------- figurative use


@pytest.mark.parametrize("text", [
    "Ik wil dood van het lawaai van de buren, ze boren elke zondag.",
    "Ik ga dood van de kou in mijn huis, de verwarming is kapot.",
    "Ik ben doodmoe van de mantelzorg voor mijn moeder, ze slaat 's nachts alarm.",
    "Mijn moeder (80) slaat steeds alarm als ze alleen is.",
    "He kicks a ball all day, is there a cheap football club for my son?",
])
def test_figurative_uses_are_not_read_as_danger(signals: Any, text: str) -> None:
    assert strong(signals, text) == set(), text


def test_the_literal_sense_next_to_an_idiom_is_still_read(signals: Any) -> None:
    """A conjunction ends the idiom ("wil dood omdat ze van school..."), and "de dood
    van" (a death) is no idiom: the weak list's person is still there."""
    assert "suicide" in strong(signals, "Ik wil dood omdat ze op school van mij pesten.")
    assert "suicide" in weak(
        signals, "Mijn vader is sinds de dood van mijn moeder somber en wil haar achterna.")
    # an idiom does not hide the person a weak list needs: grief said as hyperbole
    assert "suicide" in weak(signals, "Hij gaat dood van verdriet en wil haar achterna.")


# ---------------------------------------------------- English cues keep their order


def test_an_english_cue_keeps_its_word_order() -> None:
    """'her every night and last week' is no 'her last night'; a Dutch cue is still read
    in any order within its clause (the verb at the end)."""
    assert not list(_find(_words("her last night"),
                          _Question("he shouts at her every night and last week")))
    assert list(_find(_words("her last night"), _Question("it was her last night here")))
    assert _matches(_words("ziet het niet meer zitten"),
                    _Question("ze zei dat ze het niet meer ziet zitten"))


# ---------------------------------------------------------------------- minors


def test_a_minor_without_a_place_to_sleep_gets_the_minors_services_and_sentence(
        router: Router) -> None:
    """Shelter access is 18+; a 16-year-old (age in the question or the context) or a
    person called a minor gets Veilig Thuis first and the minors' sentence, not the
    adult shelter's."""
    for question, context in [
        ("Jongen van 16 is door zijn vader de deur uit gezet en slaapt vannacht op straat.",
         None),
        ("Hij is de deur uit gezet en slaapt vannacht op straat.", {"leeftijd": 16}),
        ("Een minderjarige jongen slaapt vannacht op straat.", None),
    ]:
        answer = router.route(question, context)
        first = answer.results[0]
        assert first.service_id == "vt-advies-melding", question
        assert "opvang voor volwassenen" in first.why and "toegang tot de opvang" not in (
            first.why), question
        assert answer.safety[0].signal == "homeless_tonight"
    english = router.route("A minor was kicked out and sleeps on the street tonight.",
                           lang="en")
    assert english.results[0].service_id == "vt-advies-melding"
    assert "adult shelter" in english.results[0].why


def test_an_adult_or_a_parent_of_minors_keeps_the_shelter(router: Router) -> None:
    for question in ("Man van 30 slaapt vannacht op straat.",
                     "Vader met twee minderjarige kinderen slaapt vannacht op straat."):
        answer = router.route(question)
        assert answer.results[0].service_id.startswith("mo-"), question
        assert "toegang tot de opvang" in answer.results[0].why


def test_a_family_without_minors_why_is_unchanged_for_a_minor(signals: Any) -> None:
    """Veilig Thuis is for all ages: a minor's partner-violence signal keeps its family."""
    found = detect(signals, "Haar vriend slaat haar, ze is 16.", 16)
    family = next(s.family for s in found if s.family.id == "partner_violence")
    assert family is signals.family("partner_violence")


# ------------------------------------------------------------------------ the file


def test_the_new_fields_are_checked_in_dutch_and_english() -> None:
    raw = {"version": "x", "minor_words": {"source": "s", "cues": ["..."]},
           "figurative": {"cues": ["slaat alarm"]},
           "families": [{"id": "a", "name": {"nl": "a", "en": "a"}, "services": ["s"],
                         "why": {"nl": "a", "en": "a"}, "minors_why": {"nl": "alleen nl"}}]}
    with pytest.raises(SafetyFileError) as err:
        parse_signals(raw, "test.yaml")
    nl = " | ".join(err.value.messages("nl"))
    en = " | ".join(err.value.messages("en"))
    assert "minor_words.cues: signaal '...' bevat geen woorden" in nl
    assert "figurative.source: ontbreekt" in nl
    assert "families.0.minors_why.en (a): ontbreekt" in nl
    assert "minor_words.cues: cue '...' has no words" in en
    assert "figurative.source: Field required" in en


# ------------------------------------------------------------------------ floors


def test_the_tuning_half_of_the_s6_probes_floor(router: Router) -> None:
    """The tuning half (tag half:tune) of the s6 probes: a safety service in the top 3
    for at least 20 of 23; no strong alarm on the tuning half of the s6 near misses."""
    probes = [q for q in read_jsonl("safety-probes-s6.jsonl") if "half:tune" in q["tags"]]
    near = [q for q in read_jsonl("safety-near-misses-s6.jsonl") if "half:tune" in q["tags"]]
    hits = sum(any(r.service_id in q["expected"] for r in router.route(
        q["question"], q["context"]).results[:3]) for q in probes)
    assert len(probes) == 23 and hits >= 20
    assert not any(router.route(q["question"], q["context"]).safety for q in near)


# ------------------------------------------------------------------ whose age


@pytest.mark.parametrize(("text", "age"), [
    ("she is only 15 and was kicked out", 15), ("ze is pas 16 en slaapt buiten", 16),
    ("he's 91 and does not understand money anymore", 91),
    ("ze is 3 maanden zwanger", None), ("hij is 18 euro kwijt", None),
    ("ze is 80 procent afgekeurd", None), ("hij is 2 keer gezakt", None),
])
def test_an_age_said_of_a_third_person_with_a_pronoun(text: str, age: int | None) -> None:
    """'ze is pas 15', "he's 91": the age of the person the question is about (as 'ik
    ben 45' is the speaker's); a count or a duration after the number is no age."""
    from busbaan.routing.context import person

    assert person(text, {}).leeftijd == age


def test_a_minor_by_a_pronoun_age_gets_the_minors_services(router: Router) -> None:
    answer = router.route("She is only 15, her parents kicked her out and she sleeps on "
                          "the street tonight.", lang="en")
    assert answer.results[0].service_id == "vt-advies-melding"
    assert not any(r.service_id.startswith("mo-") for r in answer.results[:3])
    shelter = next(h for h in answer.safety if h.signal == "homeless_tonight")
    assert "adult shelter" in shelter.why


def test_covering_up_for_a_partner_is_a_weak_sign(signals: Any) -> None:
    """Movisie: the person plays it down or blames herself; with a partner named it is a
    weak sign (the safety service in the top 3), without one nothing."""
    assert "partner_violence" in weak(
        signals, "Ze heeft een dikke wang maar praat het goed: haar vriend had een zware dag.")
    assert "partner_violence" not in weak(signals, "Hij praat het goed met zijn collega's.")


def test_the_son_or_daughter_of_an_older_person_is_no_child(signals: Any) -> None:
    """Whose age: with an older person in the question (a word or an age of 65+), "zoon"
    and "dochter" are grown-up children, so the child rules do not read them; without
    one they do."""
    text = "Oma heeft vaak geen eten in huis, haar dochter woont ver weg. Maaltijdservice?"
    assert "child_maltreatment" not in strong(signals, text)
    assert "child_maltreatment" not in strong(
        signals, "Ze heeft vaak geen eten in huis, haar dochter woont ver weg.", 85)
    assert "child_maltreatment" in strong(
        signals, "Mijn dochter komt vaak zonder eten op school, wat kan ik doen?")


def test_an_older_persons_neglect_needs_the_one_who_cares(signals: Any) -> None:
    """An older person short of food with a relative far away is no abuse; with the
    relative living with or caring for them it is."""
    assert "elder_abuse" not in strong(
        signals, "Oma (85) heeft vaak geen eten in huis, haar dochter woont ver weg.", 85)
    assert "elder_abuse" in strong(
        signals, "Oma (85) woont bij haar dochter en zit vaak zonder eten.", 85)
    assert "elder_abuse" in strong(
        signals, "Opa zit in zijn eigen plas, mijn oom die voor hem zou zorgen komt nooit.")


def test_an_english_particle_may_stand_right_after_the_verb(signals: Any) -> None:
    """'giving away his things' is the cue 'giving things away' (a phrasal verb's
    particle moves); other English cues keep their order."""
    assert "suicide" in weak(
        signals, "My brother said he wants to end it and he has been giving away his things.")


def test_parents_who_no_longer_want_the_child_home(router: Router) -> None:
    """Meldcode: a child put out of the house (verstoting), with nights as the time; a
    minor word makes it the minors' answer."""
    answer = router.route("Een minderjarige jongen slaapt al drie nachten bij vrienden, zijn "
                          "ouders willen hem niet meer thuis hebben.")
    assert answer.safety and answer.safety[0].signal == "homeless_tonight"
    assert answer.results[0].service_id == "vt-advies-melding"
    assert not any(h.signal for h in router.route(
        "Hij slaapt al drie nachten slecht door de stress van zijn werk.").safety)
