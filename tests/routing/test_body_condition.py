"""A service named for a body condition (Ziektewet, Wmo aids) and a question that tells
no body state (session 22, body; docs/notes/2026-12-20s22-body.md)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from busbaan.routing import Router
from busbaan.routing.context import person
from busbaan.routing.router import _tells_body

CONTRACT = "Mijn tijdelijke contract stopt eind deze maand. Wat moet ik aanvragen?"
CONTRACT_SICK = ("Ik ben al weken ziek en mijn tijdelijke contract stopt eind deze maand. "
                 "Wat moet ik aanvragen?")


@pytest.mark.parametrize(("word", "tells"), [
    ("rolstoel", True), ("ziek", True), ("ziekenhuisopname", True),
    ("invalidenkarretje", True), ("contract", False), ("terug", False),
    ("uitzendbaan", False),
])
def test_body_words_and_compounds(word: str, tells: bool) -> None:
    """A body word, or a compound it opens, tells a body state; a word that only ends
    in a short body word ("terug") does not."""
    assert _tells_body(word) is tells


def test_condition_services_are_read_from_their_names(router: Router) -> None:
    """The services named for a condition are the Ziektewet (ziek) and the Wmo aids
    (rolstoel, scootmobiel); a care role in a name (POH-GGZ bij de huisarts) is none."""
    named = {router._services[doc].id for doc in router._condition_stems}
    assert {"uwv-ziektewet-wia", "wmo-hulpmiddelen"} <= named
    assert "poh-ggz" not in named


def _doc(router: Router, service: str) -> int:
    return next(d for d, s in enumerate(router._services) if s.id == service)


def test_no_condition_told_the_condition_service_weighs_less(router: Router) -> None:
    """A contract that ends, no illness told: the Ziektewet (whose text names an ending
    contract as the way to it when ill) keeps 0.85 of its score, unemployment benefit
    all of it; with the illness told, or the Ziektewet named, both keep all."""
    zw, ww = _doc(router, "uwv-ziektewet-wia"), _doc(router, "uwv-ww")
    for question, kept in ((CONTRACT, 0.85), (CONTRACT_SICK, 1.0),
                           ("Kan ik de Ziektewet aanvragen als mijn contract stopt?", 1.0)):
        raw = {zw: 10.0, ww: 10.0}
        router._condition_untold(raw, question, router._query(question, person(question, None)))
        assert raw == {zw: pytest.approx(10.0 * kept), ww: 10.0}, question


def test_condition_told_keeps_the_ranking(router: Router,
                                          tuned: Callable[..., Router]) -> None:
    """With the illness told the rule does nothing: the same order as with it off."""
    off = tuned(untold_condition_factor=1.0)
    assert ([r.service_id for r in router.route(CONTRACT_SICK).results]
            == [r.service_id for r in off.route(CONTRACT_SICK).results])
