"""Session 10 (router21): what a question says is over or tried.

See docs/notes/2026-12-08s10-router21.md.

"Het buurtteam heeft het geprobeerd maar ...", "Bbz is niet meer aan de orde", "de
huurachterstand is opgelost": the service or need named there is background, the person
asks what comes next. One reading of "it is over" for routing and for safety's settled
past danger (:func:`busbaan.routing.safety.settled_parts`). Questions in words of our own.
"""

from __future__ import annotations

import pytest
from routing_testdata import Tuned

from busbaan.routing import Router, lexicon
from busbaan.routing.safety import SafetySignals, settled_cues, settled_parts
from busbaan.routing.text import settled_words, words


def _over(signals: SafetySignals, text: str) -> list[str]:
    found = settled_words(text, settled_parts(signals, text, settled_cues(lexicon.SETTLED)))
    return sorted(words(text)[i] for i in found)


@pytest.mark.parametrize(("text", "word"), [
    ("De Wajong is voor hem niet meer aan de orde. Wie helpt met werk?", "wajong"),
    ("Het wijkteam heeft het lang geprobeerd maar hij redt het niet.", "wijkteam"),
    ("Bij de corporatie is de achterstand met een regeling opgelost.", "achterstand"),
    ("De zitting is van de baan, nu wil hij zijn geld laten beheren.", "zitting"),
    ("Zijn begeleiding is afgeschaald en er zijn schulden over.", "begeleiding"),
])
def test_what_is_said_to_be_over_is_read(signals: SafetySignals, text: str, word: str) -> None:
    assert word in _over(signals, text)


@pytest.mark.parametrize(("text", "kept"), [
    # the part after the turn ("maar", "en", "nu") is what is current
    ("Het wijkteam heeft het lang geprobeerd maar hij heeft begeleiding nodig.", "begeleiding"),
    ("Zijn begeleiding is afgeschaald en er zijn schulden over.", "schulden"),
    # "die" is a demonstrative here, no conjunction that ends the part
    ("Ik heb me al gemeld bij die organisatie, maar mijn huis en werk lopen vast.", "huis"),
])
def test_the_part_ends_at_a_turn(signals: SafetySignals, text: str, kept: str) -> None:
    assert kept not in _over(signals, text)


@pytest.mark.parametrize("text", [
    "De huurachterstand is nog niet opgelost, de deurwaarder komt.",
    "Ik heb geprobeerd zelf huurtoeslag aan te vragen maar het lukt niet.",
    "Schuldhulp heeft mijn aanvraag afgewezen, kan ik bezwaar maken?",
    "Zijn uitzendcontract stopt nu, heeft hij recht op een uitkering?",
])
def test_not_over(signals: SafetySignals, text: str) -> None:
    """A negated cue is no settled one; what the asker tried to do and a refusal are
    the need itself."""
    assert not _over(signals, text)


def test_the_settled_words_weigh_less_outside_the_ask(router: Router) -> None:
    text = "De huurachterstand is opgelost. Wie helpt mij met budgetbeheer?"
    parts = settled_parts(router.safety, text, settled_cues(lexicon.SETTLED))
    stem = router.analyzer.stem("huurachterstand")
    over = max(t.weight for t in router.analyzer.query(text, settled=parts)
               if t.stem == stem and t.kind == "word")
    plain = max(t.weight for t in router.analyzer.query(text) if t.stem == stem
                and t.kind == "word")
    assert over == pytest.approx(plain * router.tuning.settled_weight)
    assert router.tuning.settled_weight < 1.0


def test_a_settled_arrears_sends_to_what_comes_next(router: Router, tuned: Tuned) -> None:
    """The arrears solved, the ask is a budget service: not the corporation's team."""
    text = ("Bij de woningcorporatie is de huurachterstand vorige maand via een regeling "
            "opgelost. Nu wil ik dat mijn huur en energie automatisch worden betaald en ik "
            "weekgeld krijg.")
    first = router.route(text).results[0].service_id
    off = tuned(settled_weight=1.0)
    assert first == "shv-budgetbeheer"
    assert off.route(text).results[0].service_id == "corp-huurachterstanden"
