"""desk4 (session 23): cue gaps among the retired dangers without their service in the
top 3, now that s59-s62 are examples.

Six of the eight dangers of s61 (the carers) and s62 (the safety gate) without their
expected service in the top 3 at d98e51fa (each set scored without its session's example
files) were told in words the safety file did not read (a seventh, h61-098, too: its
hoarded pills said with the separable "opsparen" would also read a near miss, probe24-016,
so it is left). Each cue is written for the construction, not the question: put out said
"booted out", looking up said as reading, undressing with touching, large sums withdrawn
week after week or the older person kept from the bank, and drink with a body that cannot
be woken now.
See docs/notes/2026-12-21s23-desk4.md.
"""

from __future__ import annotations

import datetime as dt

import pytest

from busbaan.routing.safety import detect, load_signals

DAY = dt.date(2026, 12, 6)


def _read(text: str, age: int | None = None) -> list[tuple[str, bool]]:
    return [(s.family.id, s.weak) for s in detect(load_signals(), text, age, DAY)]


@pytest.mark.parametrize(("text", "family"), [
    # the constructions in other words than the retired rows
    ("got booted out by my stepdad this afternoon and i have nowhere to go tonight",
     "homeless_tonight"),
    ("she's been reading online how many pills it would take, she told me last night",
     "suicide"),
    ("mijn zus heeft gelezen hoeveel paracetamol ervoor nodig is en zegt dat ze moe is",
     "suicide"),
    ("de oppas van mijn nichtje laat haar uitkleden en zit dan aan haar, zegt ze",
     "sexual_violence"),
    ("mijn oom (86) heeft een nieuwe 'vriendin' en sindsdien wordt er elke week "
     "honderden euro's gepind", "elder_abuse"),
    ("mijn kleinzoon beheert mijn rekening en wordt boos als ik naar de bank ga",
     "elder_abuse"),
    ("my flatmate drank a whole bottle of vodka and now I can't wake her, she's "
     "breathing strangely", "overdose"),
])
def test_the_construction_is_read(text: str, family: str) -> None:
    assert (family, False) in _read(text), _read(text)


@pytest.mark.parametrize("text", [
    # the words of each cue in an ordinary question
    "ik heb gelezen hoeveel tabletten ijzer je per dag mag nemen, hoe lang duurt het?",
    "de huisarts laat haar uitkleden voor het onderzoek van haar rug",
    "hij drinkt veel en valt 's avonds op de bank in slaap, hoe krijg ik hem naar de "
    "verslavingszorg?",
    "ze was dronken op het feest en viel in slaap, nu heeft ze een boete",
    "mijn vader van 80 wil graag zelf naar de bank maar kan niet meer fietsen",
    "de booted-out tenants of the squat are looking for a lawyer about their deposit",
    # the habit, not the moment (outside11 o11-12: a child's neglect, Veilig Thuis's)
    "Moeder drinkt zo veel dat ze 's ochtends niet wakker te krijgen is",
])
def test_the_words_alone_are_no_danger(text: str) -> None:
    assert not [f for f, weak in _read(text) if not weak], _read(text)
