"""Session 23 (online60): the first-answer misses of the retired s59-s61, by cause.

See docs/notes/2026-12-21s23-online60.md. Sentences in words of our own.
"""

from __future__ import annotations

import pytest

from busbaan.routing import lexicon
from busbaan.routing.safety import SafetySignals, settled_cues, settled_parts
from busbaan.routing.text import settled_words, words


def _over(signals: SafetySignals, text: str) -> list[str]:
    found = settled_words(text, settled_parts(signals, text, settled_cues(lexicon.SETTLED)))
    return sorted(words(text)[i] for i in found)


@pytest.mark.parametrize("text", [
    "Mijn WW is vorige maand gestopt en ik heb geen geld meer.",
    "Zijn WW is twee weken geleden al gestopt, wat nu?",
    "De WW van mijn vrouw is in maart gestopt. Waar vragen we een uitkering aan?",
])
def test_a_ww_that_has_stopped_is_over(signals: SafetySignals, text: str) -> None:
    """The perfect of "de WW stopt" with time words between ("is vorige maand gestopt")
    says the WW has run out, as "de WW stopt" does: the ask is what comes after it."""
    assert "ww" in _over(signals, text)


@pytest.mark.parametrize("text", [
    "Mijn uitkering is stopgezet en ik kan de huur niet betalen.",
    "Mijn contract is vorige maand gestopt, hoe vraag ik WW aan?",
    "Sinds ik met werken ben gestopt krijg ik WW, is dat genoeg?",
])
def test_a_stopped_benefit_or_contract_is_not_a_ww_run_out(signals: SafetySignals,
                                                             text: str) -> None:
    """A benefit stopped by the one who pays it ("stopgezet") and a contract or work that
    stopped are no WW run out: the WW they name stays the need."""
    assert "ww" not in _over(signals, text)
