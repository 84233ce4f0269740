"""dangerfirst (session 20): dangers of the retired pool (s43-s50) the cue reader read
as no family or the wrong one, by cause (docs/notes/2026-12-18s20-dangerfirst.md).

- a separable particle cue ("dicht") read inside a verb written as one word
  ("dichtgeplakt": a delusion of gas blown in read as a cut-off, retired h46-088);
- "no"/"geen" read as denying a span of time after its noun ("no electricity for three
  days", retired h49-100);
- honour-based violence told as the family's own "solution", a passport shut away, or
  her pregnancy, a boy she was seen with or the husband she left as the cause (retired
  h44-059, h46-063, h49-032, h50-006, h50-075), which the cue rules read as partner
  violence or child maltreatment;
- water, cut off for days, as gas and power (retired h48-057);
- a hand on her breasts ("zit aan mijn borsten", retired h48-026).
"""

from __future__ import annotations

import datetime as dt

import pytest

from busbaan.routing.safety import SafetySignals, detect

DAY = dt.date(2026, 12, 6)


def _strong(signals: SafetySignals, text: str) -> set[str]:
    return {s.family.id for s in detect(signals, text, None, DAY) if not s.weak}


@pytest.mark.parametrize(("text", "cut"), [
    # the particle in a verb of its own: taping windows shut is no supply shut
    ("Hij zegt dat de buren gas door de stopcontacten blazen. Vandaag had hij alle ramen "
     "dichtgeplakt.", False),
    ("Het gas is duur, dus we hebben de kieren dichtgeplakt en de verwarming laag gezet "
     "sinds vorige week.", False),
    # the state said with the particle alone, and the joined verbs a rule names
    ("het water is sinds gisteren dicht, we hebben een baby", True),
    ("water sinds gisteren dicht", True),
    ("het waterbedrijf heeft het water dichtgedraaid sinds gisteren", True),
    ("een brief van de netbeheerder dat gas en stroom vrijdag worden dichtgezet wegens "
     "achterstand", True),
    ("het water wordt morgen dichtgedaan", True),
])
def test_a_particle_inside_a_joined_verb_is_no_particle_cue(
        signals: SafetySignals, text: str, cut: bool) -> None:
    """The one-word cue "dicht" reads the state ("het water is dicht"), not the front of
    "dichtplakken" (retired h46-088); the joined verbs that do shut a supply are cues of
    their own and are still read."""
    found = _strong(signals, text) & {"cutoff_now", "eviction_cutoff"}
    assert bool(found) == cut, found


@pytest.mark.parametrize(("text", "cut"), [
    ("My client, 71, has had no electricity for three days; the supplier cut it over "
     "unpaid bills.", True),
    ("we have had no power for days", True),
    ("we zitten al dagen zonder stroom", True),
    ("nu hebben we al 3 dagen geen water in huis", True),
    ("we hebben geen water meer uit de regenton gebruikt", False),
])
def test_a_supply_lacking_for_days_is_cut_off(
        signals: SafetySignals, text: str, cut: bool) -> None:
    """Lacking a supply for days is a cut-off already made (retired h49-100: "no" denies
    its noun, not the span of time after it; h48-057: water as gas and power)."""
    assert ("cutoff_now" in _strong(signals, text)) == cut


@pytest.mark.parametrize(("text", "honour"), [
    ("Ongetrouwde vrouw van 19 is tien weken zwanger. Haar broers dreigen het 'op te "
     "lossen' als de familie het hoort.", True),
    ("Haar vader heeft haar telefoon doorzocht en de familie zoekt 'een oplossing' omdat "
     "ze een Nederlandse vriend heeft.", True),
    ("Hij staat al drie dagen voor de deur, haar vader, en zegt dat ze 'thuis hoort bij "
     "haar man' en dat de familie het anders 'zelf oplost'.", True),
    ("Haar broers zeggen dat ze de familie te schande heeft gemaakt. Haar vader heeft "
     "haar paspoort weggesloten.", True),
    ("Her brothers cut her hair because she was seen with a boy, and now they keep her "
     "passport.", True),
    # a family that solves a practical matter, a pregnancy told with help
    ("Mijn vader wil het zelf oplossen met de garage, de auto is weer kapot.", False),
    ("Mijn zus is zwanger en mijn broers helpen met de verhuizing.", False),
    ("Mijn broer zoekt een oplossing voor de schuld, hij wil geen gedoe met de bank.",
     False),
])
def test_honour_told_as_the_familys_solution(
        signals: SafetySignals, text: str, honour: bool) -> None:
    """Honour-based violence told as the family's own "solution", a passport shut away
    or kept, with her relationship, pregnancy or leaving her husband as the cause
    (Movisie, 'Eergerelateerd geweld'), is read as honour-based violence, not (only) as
    partner violence or child maltreatment."""
    assert ("honour_violence" in _strong(signals, text)) == honour


@pytest.mark.parametrize(("text", "sexual"), [
    ("mijn teamleider duwt me in het magazijn steeds tegen de stellingen en zit aan mijn "
     "borsten", True),
    ("ik heb pijn aan mijn borsten bij het voeden en de baby wilde niet drinken", False),
])
def test_a_hand_on_her_breasts_is_sexual_violence(
        signals: SafetySignals, text: str, sexual: bool) -> None:
    """"zit aan mijn borsten" with being pushed against the shelves (retired h48-026) is
    sexual violence; pain in the breasts while feeding is not."""
    assert ("sexual_violence" in _strong(signals, text)) == sexual
