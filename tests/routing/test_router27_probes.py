"""Session 13 (router27): misleading words in ordinary questions -- a professional's own
role and job words read as the need, and an explicit negation of the obvious service.

See docs/notes/2026-12-11s13-router27.md. Probes in new voices:
tests/data/socialmap/probes-s13-router27.jsonl.

- :func:`busbaan.routing.text.asker_frame`: a verbless first sentence that names a
  profession ("Huismeester.", "Juf groep 3.") is a heading, as one closed by a colon is;
- :func:`busbaan.routing.text.client_roles`: the noun by which a professional names the
  person they meet ("een leerling", "huurder (46)", "an employee") weighs as a family
  word does (``Tuning.person_weight``), unless said of the writer ("ik ben huurder");
- :func:`busbaan.routing.text.contrasted_negations`: a right denied ("geen recht op WW",
  "not entitled to unemployment benefit"), a need denied ("ik hoef geen advocaat",
  "we don't need a lawyer") and a danger denied ("niemand is in gevaar") rule their
  words out without a contrast after them.
"""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import read_jsonl, top

from busbaan.routing.text import asker_frame, client_roles, contrasted_negations, words

PROBES = read_jsonl("probes-s13-router27.jsonl")
#: Probes the router still gets wrong, with the cause (strict: they fail today).
OPEN: dict[str, str] = {}


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


@pytest.mark.parametrize(("text", "roles"), [
    ("Een leerling van 13 heeft veel verzuim.", ["leerling"]),
    ("Huurder (46) komt nauwelijks buiten.", ["huurder"]),
    ("HR: an employee, 40, lost her job.", ["employee"]),
    ("Ik ben huurder bij een corporatie.", []),
    ("I'm a student and I need a room.", []),
    ("Ze werkt als medewerker in een winkel.", []),
])
def test_a_role_noun_is_the_client_unless_said_of_someone(text: str, roles: list[str]) -> None:
    """A role noun names the person the professional meets, except after a copula or
    "als"/"as", where it says what someone is."""
    assert _picked(client_roles, text) == roles


# ------------------------------------------------------------------ negation


@pytest.mark.parametrize(("text", "out"), [
    ("Dus ik heb geen recht op WW.", ["recht", "op", "ww"]),
    ("She is not entitled to unemployment benefit because she only worked a month.",
     ["entitled", "to", "unemployment", "benefit"]),
    ("Ik hoef geen advocaat, het is geen rechtszaak.", ["advocaat"]),
    ("We don't need a lawyer.", ["a", "lawyer"]),
    ("Niemand is in gevaar, ik heb gewoon lucht nodig.", ["niemand", "is", "in", "gevaar"]),
])
def test_a_denied_right_need_or_danger_is_ruled_out(text: str, out: list[str]) -> None:
    """A right, a need or a danger the question denies is no word of the need."""
    assert _picked(contrasted_negations, text) == out


@pytest.mark.parametrize("text", [
    "Ik wil geen schulden meer.",
    "Ik heb geen inkomen en geen spaargeld.",
    "Hij hoeft het toch niet te betalen?",
])
def test_a_negation_that_names_the_need_stays(text: str) -> None:
    """A negation that names what is lacking or wished away is the need: kept."""
    assert _picked(contrasted_negations, text) == []


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
