"""bodyask (session 20): a provision ruled out in the active perfect ("De Wmo heeft
mijn aanvraag voor een traplift afgewezen") is settled as "is afgewezen" was: the ask is
what comes next (the objection, an alternative). The spread weighting and the ask's reach
measured in the same session lost on the retired pool and were reverted
(docs/notes/2026-12-18s20-bodyask.md).
"""

from __future__ import annotations

import pytest

from busbaan.routing import lexicon
from busbaan.routing.safety import SafetySignals, settled_cues, settled_parts


def _settled(signals: SafetySignals, text: str) -> set[str]:
    return {w for _, w in settled_parts(signals, text, settled_cues(lexicon.SETTLED))}


@pytest.mark.parametrize("text", [
    "De Wmo heeft mijn aanvraag voor een traplift afgewezen, wie helpt mij met bezwaar?",
    "De gemeente heeft zijn aanvraag voor een traplift geweigerd. Wat nu?",
    "Ze hebben mijn aanvraag voor een traplift afgewezen met een brief vol wetsartikelen.",
    "The council has rejected her request for a stairlift.",
])
def test_a_refusal_in_the_active_perfect_settles_the_provision(
        signals: SafetySignals, text: str) -> None:
    """A provision refused in the active perfect ("heeft ... afgewezen", "has ...
    rejected") is settled as a passive refusal is: its clause is background."""
    assert "traplift" in _settled(signals, text) or "stairlift" in _settled(signals, text)


@pytest.mark.parametrize("text", [
    "De Wmo heeft mijn aanvraag voor een traplift niet afgewezen, maar wat moet ik nu doen?",
    "Ik wil een traplift aanvragen bij de Wmo.",
    "My father has refused every stairlift they offered.",
])
def test_no_refusal_no_settling(signals: SafetySignals, text: str) -> None:
    """A negated refusal, a plain request and a person who refuses settle nothing."""
    assert "traplift" not in _settled(signals, text)
    assert "stairlift" not in _settled(signals, text)
