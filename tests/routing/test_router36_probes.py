"""Session 16 (router36): the ordinary misses of the retired s33-s35 (moments of change,
letters and papers, "can I / do I qualify / is it true that").

See docs/notes/2026-12-14s16-router36.md. Probes in new words:
tests/data/socialmap/probes-s16-router36.jsonl.

- :func:`busbaan.routing.text.denied_provisions` (``_need_no_more``): a need said to be
  over ("ik hoef niet meer in te burgeren", "no longer has to follow the integration
  programme") or denied after a fronted object ("Een schuldregeling hoef ik niet") names
  what is not asked: the service those words name keeps ``Tuning.denied_factor``;
- :func:`busbaan.routing.text.ended_provisions`: a provision that ends on its own term
  ("mijn WW eindigt over drie maanden", "my WW ends in five weeks") is over, as one that
  "loopt af"; without a term ("de huurtoeslag eindigt") it is not read so;
- :func:`busbaan.routing.text.writer_intro`: "I'm a pastor." introduces the writer as
  "I am a pastor." does;
- the English table reads a phrasal verb across an object pronoun ("pay it back").
"""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import assert_ordinary_first, read_jsonl, top

from busbaan.routing.text import (
    Analyzer,
    denied_provisions,
    ended_provisions,
    words,
    writer_intro,
)

PROBES = read_jsonl("probes-s16-router36.jsonl")
#: Probes the router still gets wrong, with the cause (strict: they fail today).
OPEN: dict[str, str] = {}


def _picked(function: Any, text: str) -> list[str]:
    found = words(text)
    return [found[i] for i in sorted(function(text))]


# ------------------------------------------------------------------ a need that is over


@pytest.mark.parametrize(("text", "denied"), [
    ("Sinds vorig jaar hoef ik niet meer in te burgeren.",
     ["vorig", "jaar", "ik", "in", "te", "burgeren"]),
    ("She no longer has to follow the integration programme.",
     ["she", "follow", "the", "integration", "programme"]),
    ("Een schuldregeling hoef ik niet, mijn schulden zijn al afbetaald.",
     ["een", "schuldregeling", "ik"]),
    ("Een bewindvoerder heb ik echt niet nodig.", ["een", "bewindvoerder", "heb", "ik"]),
    ("We don't have to go to the food bank anymore.",
     ["we", "go", "to", "the", "food", "bank"]),
])
def test_a_need_that_is_over_or_put_first_and_denied_names_what_is_not_asked(
        text: str, denied: list[str]) -> None:
    """A need verb ("hoeven", "have to", "nodig") with a negation and "no longer", or
    with the negation ending a clause whose object was put first: the clause's words
    are a denied provision."""
    assert _picked(denied_provisions, text) == denied


@pytest.mark.parametrize("text", [
    "Moet ik de naheffing nu echt niet betalen?",
    "Hij hoeft de boete toch niet te betalen?",
    "Ik hoef niet naar de rechter, toch?",
    "Ik wil geen schulden meer.",
    "I do not have to pay the fine, do I?",
])
def test_a_need_that_is_asked_about_denies_nothing(text: str) -> None:
    """A negated need followed by what is to be done ("niet te betalen", "niet naar de
    rechter") asks about it; no "no longer" and no clause-final negation: nothing is
    denied."""
    assert _picked(denied_provisions, text) == []


# ------------------------------------------------------------------ ending on its term


@pytest.mark.parametrize(("text", "ended"), [
    ("Mijn WW eindigt over drie maanden.", ["mijn", "ww", "over", "drie", "maanden"]),
    ("My WW ends in five weeks.", ["my", "ww", "in", "five", "weeks"]),
])
def test_a_provision_that_ends_on_its_term_is_over(text: str, ended: list[str]) -> None:
    """"Eindigen" / "end" with a time still to come: the provision runs out."""
    assert _picked(ended_provisions, text) == ended


@pytest.mark.parametrize("text", [
    "De huurtoeslag eindigt, want mijn vriend woont hier.",
    "Mijn contract eindigt in maart.",
    "De WW eindigt niet over twee weken.",
])
def test_an_end_without_a_term_is_not_read_as_running_out(text: str) -> None:
    """Without "over"/"in" and a unit of time (or negated), an end may be a stop by the
    payer, which the asker wants back: nothing is over."""
    assert _picked(ended_provisions, text) == []


# ------------------------------------------------------------------ the writer's role


@pytest.mark.parametrize(("text", "intro"), [
    ("I'm a Taalhuis volunteer. The woman I help was fired last week.",
     ["im", "a", "taalhuis", "volunteer"]),
    ("Hello, I'm an energy coach. A family I visit has had its gas cut.",
     ["im", "an", "energy", "coach"]),
])
def test_a_contracted_i_am_introduces_the_writer(text: str, intro: list[str]) -> None:
    """"I'm a/an <role>." is the writer's introduction, as "I am a <role>." is."""
    assert _picked(writer_intro, text) == intro


@pytest.mark.parametrize("text", [
    "I'm so tired of the letters. Who helps?",
    "I'm a single mum with two kids. We have no money for food.",
])
def test_a_contracted_i_am_without_a_role_is_no_introduction(text: str) -> None:
    """"I'm" with no determiner and role, or with a family word, introduces no role."""
    assert _picked(writer_intro, text) == []


# ------------------------------------------------------------------ phrasal verbs


@pytest.mark.parametrize(("text", "source"), [
    ("Now they say I have to pay it back.", "pay it back"),
    ("The energy company will cut us off on Monday.", "cut us off"),
])
def test_a_phrasal_verb_is_read_across_its_object_pronoun(text: str, source: str) -> None:
    """A two-word English key is found with an object pronoun between its words."""
    analyzer = Analyzer(["terugbetalen afsluiting"])
    assert source in {t.source for t in analyzer.query(text) if t.kind == "english"}


def test_a_pronoun_before_another_word_makes_no_phrasal_verb() -> None:
    """"pay it in cash": "in" is no particle of a key "pay in"; nothing is read."""
    analyzer = Analyzer(["terugbetalen afsluiting"])
    assert not [t for t in analyzer.query("I pay it in cash.") if t.kind == "english"]


# ------------------------------------------------------------------ the ranking


@pytest.mark.parametrize(("question", "service"), [
    ("We got our Dutch passports last year, so my wife no longer has to follow the "
     "integration programme. She still struggles to read the letters we get. Where can "
     "she take reading lessons?", "wpi-inburgering"),
    ("My WW ends in five weeks and there is no new job in sight. What income can I apply "
     "for after that? I'm 58.", "uwv-ww"),
])
def test_the_service_of_a_need_that_is_over_ranks_lower(
        tuned: Any, question: str, service: str) -> None:
    """The service the over need names ranks lower than with ``denied_factor`` 1.0."""
    context = {"stadsdeel": None, "leeftijd": 40}

    def place(router: Any) -> int:
        ranked = top(router.route(question, context), 10)
        return ranked.index(service) if service in ranked else len(ranked)

    assert place(tuned()) > place(tuned(denied_factor=1.0))


@pytest.mark.parametrize("row", PROBES, ids=[row["id"] for row in PROBES])
def test_probe_first_answer(router: Any, row: dict[str, Any], request: Any) -> None:
    """Each probe's first answer is its expected service."""
    if row["id"] in OPEN:
        request.applymarker(pytest.mark.xfail(strict=True, reason=OPEN[row["id"]]))
    assert_ordinary_first(router, row)
