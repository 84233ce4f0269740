"""Session 10 (router20): "alleen" read in the wrong sense (docs/notes/2026-12-08s10-router20.md).

"alleen" is a stop word for its usual sense "only" ("alleen AOW"); as a predicate it
means "alone" ("sinds mijn vrouw overleed zit ik alleen"), which is the need of the
map's loneliness service. Questions in words of our own.
"""

from __future__ import annotations

import pytest

from busbaan.routing import Router
from busbaan.routing.text import alone_sense, words


@pytest.mark.parametrize("text", [
    "sinds haar verhuizing zit ze alleen.",
    "ik woon alleen in een flat in Noord",
    "hij voelt zich heel alleen sinds de begrafenis",
    "mijn oom zit hele dagen alleen thuis",
    "ik ben 58 en alleen",
])
def test_alleen_as_a_predicate_means_alone(text: str) -> None:
    """At a clause's end, before "thuis", after "woont"/"voelt" or a degree adverb."""
    found = alone_sense(text)
    assert [words(text)[i] for i in found] == ["alleen"]


@pytest.mark.parametrize("text", [
    "ik heb alleen een AOW en een klein pensioen",
    "er staan alleen nog twee rekeningen open",
    "Alleen moet ik nog iets terugbetalen",
    "hij wil alleen een regeling",
])
def test_alleen_before_what_it_restricts_means_only(text: str) -> None:
    """Before a noun phrase, "nog", or opening a sentence: "only", still a stop word."""
    assert not alone_sense(text)


def test_alone_brings_loneliness_only_in_that_sense(router: Router) -> None:
    """The lexicon's "alleen" -> "eenzaamheid" counts for "alone", never for "only"."""
    stem = router.analyzer.stem("eenzaamheid")
    alone = router.analyzer.query("sinds de dood van mijn broer woon ik alleen")
    only = router.analyzer.query("ik heb alleen een uitkering")
    assert any(t.stem == stem and t.kind == "related" for t in alone)
    assert not any(t.stem == stem for t in only)
