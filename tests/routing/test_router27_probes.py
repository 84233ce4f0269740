"""Session 13 (router27): misleading words in ordinary questions -- a professional's own
role read as the need, and an explicit negation of the obvious service.

See docs/notes/2026-12-11s13-router27.md. Probes in new voices:
tests/data/socialmap/probes-s13-router27.jsonl.

- :func:`busbaan.routing.text.asker_frame`: a verbless first sentence that names a
  profession ("Huismeester.", "Juf groep 3.") is a heading, as one closed by a colon is;
- :func:`busbaan.routing.text.denied_provisions`: a right denied ("geen recht op WW",
  "not entitled to unemployment benefit") or a need denied ("ik hoef geen advocaat",
  "we don't need a lawyer"): the service those words name keeps
  ``Tuning.denied_factor`` of its score (the words stay for the others);
- :func:`busbaan.routing.text.contrasted_negations`: a danger denied ("niemand is in
  gevaar") rules its words out without a contrast after it.
"""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import read_jsonl, top

from busbaan.routing.text import asker_frame, contrasted_negations, denied_provisions, words

PROBES = read_jsonl("probes-s13-router27.jsonl")
#: Probes the router still gets wrong, with the cause (strict: they fail today).
OPEN: dict[str, str] = {
    "r27-01": ("a debt told by its rent ('de huur niet meer rond', 'aanmaningen') reads as "
               "rent arrears at the corporation; not the heading: it fails with the "
               "heading read as one too"),
    "r27-10": ("the English 'unemployment benefit' covers under half of the WW's name "
               "('WW-uitkering en werkzoekenden'; 'Werkloosheidswet' is reached only from "
               "the abbreviation), so the denied right lowers no service"),
}


def _picked(function: Any, text: str) -> list[str]:
    found = words(text)
    return [found[i] for i in sorted(function(text))]


# ------------------------------------------------------------------ the writer's role


@pytest.mark.parametrize(("text", "heading"), [
    ("Jeugdverpleegkundige. Een moeder van 34 krijgt de huur niet meer rond en de "
     "aanmaningen stapelen zich op.", ["jeugdverpleegkundige"]),
    ("Gymdocent op een vmbo. Een leerling van 15 wil op kickboksen maar er is geen geld.",
     ["gymdocent", "op", "een", "vmbo"]),
    ("Buschauffeur. Een vaste passagier van 80 kan de bus niet meer in door haar heup.",
     ["buschauffeur"]),
])
def test_a_verbless_role_sentence_opening_the_text_is_a_heading(
        text: str, heading: list[str]) -> None:
    """A first sentence without a verb that names the writer's profession says who
    writes: its words are the heading's."""
    assert _picked(asker_frame, text) == heading


@pytest.mark.parametrize("text", [
    "Schulden. Ik heb heel veel schulden en weet echt niet waar ik moet beginnen.",
    "Eenzaam. Sinds mijn vrouw overleed zie ik bijna niemand meer in de week.",
    "Geen geld meer. De huur is te hoog en de boodschappen lukken niet meer.",
])
def test_a_verbless_first_sentence_without_a_profession_is_the_need(text: str) -> None:
    """A short first sentence that names no profession is the need itself, not a
    heading."""
    assert _picked(asker_frame, text) == []


# ------------------------------------------------------------------ negation


@pytest.mark.parametrize(("text", "denied"), [
    ("Dus ik heb geen recht op WW.", ["ww"]),
    ("She is not entitled to unemployment benefit because she only worked a month.",
     ["unemployment", "benefit"]),
    ("Ik hoef geen advocaat, het is geen rechtszaak.", ["advocaat"]),
    ("We don't need a lawyer.", ["a", "lawyer"]),
    ("Ik heb geen bewindvoerder nodig.", ["bewindvoerder"]),
])
def test_a_denied_right_or_need_names_what_is_not_asked(text: str, denied: list[str]) -> None:
    """The object of a right or a need the question denies is read as such."""
    assert _picked(denied_provisions, text) == denied
    assert _picked(contrasted_negations, text) == []  # the words stay in the question


@pytest.mark.parametrize("text", [
    "Ik wil geen schulden meer.",
    "Ik heb geen inkomen en geen spaargeld.",
    "Hij hoeft het toch niet te betalen?",
])
def test_a_negation_that_names_the_need_denies_nothing(text: str) -> None:
    """A negation that names what is lacking or wished away is the need: nothing is
    denied or ruled out."""
    assert _picked(denied_provisions, text) == []
    assert _picked(contrasted_negations, text) == []


@pytest.mark.parametrize(("text", "out"), [
    ("Niemand is in gevaar, ik heb gewoon lucht nodig.", ["niemand", "is", "in", "gevaar"]),
    ("De huisarts zegt dat het rouw is en geen gevaar.", ["geen", "gevaar"]),
])
def test_a_denied_danger_is_ruled_out_and_nothing_else(text: str, out: list[str]) -> None:
    """A danger the question denies is no word of the need; what the clause says it
    is instead ("rouw") stays."""
    assert _picked(contrasted_negations, text) == out


def test_a_service_named_in_a_denied_right_ranks_lower(tuned: Any) -> None:
    """"Geen recht op WW" lowers the WW itself, by ``Tuning.denied_factor``, against the
    same router reading no denial."""
    question = ("Mijn contract liep na drie maanden af, dus ik heb geen recht op WW. "
                "Waar vraag ik een uitkering aan? Ik ben 34.")
    context = {"stadsdeel": None, "leeftijd": 34}

    def place(router: Any) -> int:
        ranked = top(router.route(question, context), 10)
        return ranked.index("uwv-ww") if "uwv-ww" in ranked else len(ranked)

    assert place(tuned()) > place(tuned(denied_factor=1.0))


# ------------------------------------------------------------------ the probes


@pytest.mark.parametrize("row", PROBES, ids=[row["id"] for row in PROBES])
def test_probe_first_answer(router: Any, row: dict[str, Any], request: Any) -> None:
    """Each probe's first answer is its expected service, and an acceptable one is in
    the top 3."""
    if row["id"] in OPEN:
        request.applymarker(pytest.mark.xfail(strict=True, reason=OPEN[row["id"]]))
    answer = router.route(row["question"], row["context"])
    assert not answer.safety, row["id"]
    assert top(answer, 1)[0] in row["expected"], (row["id"], top(answer))
