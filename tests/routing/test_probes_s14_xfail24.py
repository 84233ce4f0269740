"""Session 14 (xfail24): the words of a fixed idiom whose noun names no thing are not
read (:data:`busbaan.routing.lexicon.IDIOMS`, :func:`busbaan.routing.text.idiom_words`):
"wat er aan de hand is" (what is going on) listed Veilig Thuis, GGD Vangnet and Wmo
hulpmiddelen on "hand" alone (outside15). Probes in new words:
tests/data/socialmap/probes-s14-xfail24.jsonl; see docs/notes/2026-12-12s14-xfail24.md.
"""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import read_jsonl, top

from busbaan.routing.text import idiom_words, words

PROBES = read_jsonl("probes-s14-xfail24.jsonl")
#: Probes the router still gets wrong, with the cause (strict: they fail today).
OPEN: dict[str, str] = {
    "xf24-01": ("a neighbour who 'belt steeds bij mij aan en huilt' (rings the doorbell): "
                "Veilig Thuis first on 'huilt, belt', no GGD Vangnet in the top 3; 'aanbellen' "
                "is read as phoning and the vague worry has no word of its own. Not the idiom"),
}


@pytest.mark.parametrize(("text", "idiom"), [
    ("weet niet precies wat er aan de hand is", ["er", "aan", "de", "hand"]),
    ("is er sinds kort iets aan de hand?", ["er", "aan", "de", "hand"]),
    ("hij houdt het hoofd niet boven water", ["hoofd", "boven", "water"]),
    ("on the other hand she has debts", ["on", "the", "other", "hand"]),
    ("de ruzie loopt uit de hand", ["uit", "de", "hand"]),
])
def test_an_idioms_words_are_found(text: str, idiom: list[str]) -> None:
    """The words of an idiom of the list are found, a gap inside one clause allowed."""
    found = words(text)
    assert [found[i] for i in sorted(idiom_words(text))] == idiom


@pytest.mark.parametrize("text", [
    "hij heeft een snijwond aan de hand",
    "wat is er. Aan de hand zit een wond",
    "zijn hoofd doet pijn en hij drinkt geen water",
])
def test_a_body_part_said_plainly_is_read(text: str) -> None:
    """"aan de hand" without the idiom's "er", an idiom broken by a full stop, and the
    idiom's words apart are the things they name."""
    assert idiom_words(text) == frozenset()


@pytest.mark.parametrize("row", PROBES, ids=[row["id"] for row in PROBES])
def test_probe(router: Any, row: dict[str, Any], request: Any) -> None:
    """No service in the top 3 matched on an idiom's words, and an expected or
    acceptable service is in the top 3; the literal control keeps its "hand"."""
    if row["id"] in OPEN:
        request.applymarker(pytest.mark.xfail(strict=True, reason=OPEN[row["id"]]))
    answer = router.route(row["question"], row["context"])
    said = words(row["question"])
    idiom = {said[i] for i in idiom_words(row["question"])}
    assert not [r.service_id for r in answer.results[:3] if idiom & set(r.matched)], row["id"]
    assert set(top(answer)) & {*row["expected"], *row["acceptable"]}, (row["id"], top(answer))
    if "control:literal" in row["tags"]:
        assert any("hand" in r.matched for r in answer.results[:3]), row["id"]
