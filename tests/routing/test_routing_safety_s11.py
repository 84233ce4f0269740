"""A verb with a particle is another verb, and a split "er ... uit" is "eruit" (issue 8,
session 8, third round, safety11; outside9 findings 1 and 3, safety file 2026-12-05.9).

The longer reading wins: a cue of one family whose words a longer cue of another family
reads together with a verb particle ("kicked out", "eruit gegooid") is not read. The
sentences below are written for these mechanisms, in the voices of the outside9 run."""

from __future__ import annotations

from typing import Any

import pytest

from busbaan.routing.safety import detect


def families(signals: Any, text: str, age: int | None = None) -> dict[str, bool]:
    """Family id -> True for a strong signal, False for a weak one."""
    return {s.family.id: not s.weak for s in detect(signals, text, age)}


# ------------------------------------------- a verb with a particle is another verb


@pytest.mark.parametrize(("text", "age"), [
    ("Young man, 24, was kicked out by his parents this morning and has nowhere to sleep "
     "tonight", 24),
    ("Her son is 30 and his parents kicked him out, he has nowhere to sleep tonight", 30),
    ("her husband kicked her out, she has nowhere to go tonight", None),
    ("haar vriend gooide haar eruit en nu heeft ze vannacht geen slaapplek", None),
    ("hij heeft haar eruit gegooid, ze slaapt vannacht bij een vriendin", None),
])
def test_put_out_is_no_blow(signals: Any, text: str, age: int | None) -> None:
    found = families(signals, text, age)
    assert found == {"homeless_tonight": True}, found


@pytest.mark.parametrize(("text", "family"), [
    # the verb alone, or again after the phrasal one, is still the blow
    ("her husband kicks her", "partner_violence"),
    ("his father kicked him out and kicked him in the stomach", "child_maltreatment"),
    ("vader schopt hem", "child_maltreatment"),
    # a particle with another verb leaves a noun of another family's cue as it is
    ("haar zoon pakt haar bankpas af", "elder_abuse"),
])
def test_the_verb_alone_is_still_read(signals: Any, text: str, family: str) -> None:
    age = 81 if "bankpas" in text else None
    assert family in families(signals, text, age)


# --------------------------------------------------- "er ... uit" split in a clause


def test_a_bailiff_coming_for_the_keys_is_an_eviction(signals: Any) -> None:
    assert families(signals, "de deurwaarder komt donderdag de sleutels halen") == {
        "eviction_cutoff": True}
    assert families(signals, "ze moet er met de kinderen uit, de deurwaarder komt "
                             "vrijdag") == {"eviction_cutoff": True}
    assert "eviction_cutoff" in families(signals, "het gas gaat er morgen af")


@pytest.mark.parametrize("text", [
    "ik moet er morgen vroeg uit voor mijn werk",  # getting up (Van Dale: eruit)
    "we mogen maandag de sleutels ophalen van onze nieuwe woning",  # a new home's keys
    "de deurwaarder heeft een brief gestuurd over de schuld",  # debt collection
])
def test_not_an_eviction(signals: Any, text: str) -> None:
    assert "eviction_cutoff" not in families(signals, text)
