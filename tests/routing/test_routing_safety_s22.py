"""safety22 (session 10): false alarms by cause, each beside a danger in the same words,
and the settled cues split by what is over (a danger, or also a service). The probes are
in tests/data/socialmap/probes-s10-safety22.jsonl (written before the fixes, new voices);
see docs/notes/2026-12-08s10-safety22.md."""

from __future__ import annotations

import pytest
from routing_testdata import read_jsonl

from busbaan.routing import Router
from busbaan.routing.safety import detect, settled_parts
from busbaan.routing.text import settled_words

PROBES = read_jsonl("probes-s10-safety22.jsonl")

#: probe22-001: cutoff_now did not read "since Monday" as how long (eviction_cutoff read
#: it as a day to come); passes since session 12 (xfail22): a day's name right after
#: "sinds"/"since" is the day a state began, read by no cue. Fixed in session 11
#: (xfail21): probe22-013 ("wordt door zijn stiefzoon opgesloten": a passive's child
#: agent acts, as in "zoon slaat", so no child_maltreatment) and probe22-017 ("dat hij
#: me 'afmaakt' als ik de kinderen meeneem": "als ik ... kinderen" was read as the past
#: marker "als kind").
KNOWN_GAPS: set[str] = set()


def _all(router: Router, question: str) -> set[str]:
    return {s.family.id for s in detect(router.safety, question)}


@pytest.mark.parametrize("row", [
    pytest.param(r, marks=pytest.mark.xfail(strict=True, reason="see KNOWN_GAPS"))
    if r["id"] in KNOWN_GAPS else r for r in PROBES], ids=lambda r: r["id"])
def test_probe_s22(row: dict, router: Router) -> None:
    """A danger probe raises its own family only (a caution of another may stand); a
    near miss raises nothing."""
    signals = detect(router.safety, row["question"])
    if row["safety"]:
        strong = {s.family.id for s in signals if not s.weak}
        assert strong == {row["safety"]}
        answer = router.route(row["question"], row["context"])
        wanted = set(row["expected"]) | set(row["acceptable"])
        assert any(r.service_id in wanted for r in answer.results[:3])
    else:
        assert not signals


def test_english_have_been_is_no_dutch_leg(router: Router) -> None:
    """"has been" is the English perfect; Dutch "been" (a leg) stays read."""
    assert "suicide" not in _all(router, "The water has been cut off for two weeks now")
    assert "suicide" not in _all(router, "It has not been cut, but we got a letter")
    assert "suicide" in _all(router, "She has been cutting her legs again")
    assert "suicide" in _all(router, "Hij snijdt in zijn been en zijn armen")
    assert "cutoff_now" in _all(router, "The power has been cut off for two weeks")


def test_a_cue_that_opens_with_niet_holds_its_order(router: Router) -> None:
    """"leeft niet meer" (finite verb before "niet": dead) is no "niet meer leven"."""
    assert "suicide" not in _all(router, "Haar man leeft niet meer, ze zoekt hulp bij de post")
    assert "suicide" not in _all(router, "Mijn ouders leven niet meer en ik ben 20")
    assert "suicide" in _all(router, "Ze zegt dat ze niet meer wil leven")
    assert "suicide" in _all(router, "Hij zou liever niet meer leven")
    assert "suicide" in _all(router, "Ze ziet het leven niet meer zitten")


def test_a_quoted_threat_called_a_joke(router: Router) -> None:
    """Quotes and a joke word in the sentence: not read; without quotes, or when meant
    or feared, read."""
    assert not _all(router, "Hij riep lachend dat hij me 'vermoordt' als ik dat nog eens doe")
    assert "partner_violence" in _all(
        router, "Mijn man zegt dat hij me vermoordt als ik wegga, lachend, maar ik ben bang")
    assert "partner_violence" in _all(
        router, "Mijn man zegt dat hij me 'vermoordt', grapje zegt hij, maar ik ben bang")
    assert "partner_violence" in _all(
        router, "Mijn man riep dat hij me 'vermoordt' als ik wegga")


def test_a_death_is_no_service_over_but_a_solved_matter_is(router: Router) -> None:
    """The router's settled reading takes a matter dealt with, not a person's state."""
    def over(text: str) -> set[str]:
        return {w for _, w in settled_parts(router.safety, text)} & set(text.lower().split())

    assert not over("sinds zijn moeder is overleden kan hij de huur niet betalen")
    assert not over("ze woont nu veilig bij haar zus en zoekt werk")
    assert "huurachterstand" in over("de huurachterstand is opgelost en nu zoek ik werk")
    assert "melding" in over("de melding is al gemeld bij de wijkagent")
    text = "sinds zijn moeder is overleden"
    assert not settled_words(text, settled_parts(router.safety, text))


def test_the_settled_danger_keeps_both_lists(router: Router) -> None:
    """Safety's settled past danger still reads a person's state and a handled matter."""
    for text in ("Vroeger sloeg mijn ex me, nog steeds nachtmerries, maar hij zit nu vast",
                 "Vroeger sloeg mijn ex me, nog steeds angstig, maar het is opgelost"):
        assert "partner_violence" not in _all(router, text)
