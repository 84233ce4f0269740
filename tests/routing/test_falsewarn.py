"""falsewarn (session 18): false ⚠ signals by cause, read by language.

Retired s39-s42 drew a false ⚠ on 11 of 192 ordinary questions and on 7 of the gate's 30
near misses. Their causes, each a rule of the safety reader (busbaan/routing/safety.py,
safety_signals.yaml): a role played said with its verb ("speelt een kind dat ...", "plays a
girl who ..."), a play, a school musical, a scene said to be a story; a worry said to be
unfounded after "maar"/"but" ("maar ze bleek ...", "but it turned out ..."); a season of
last year ("last winter") and "never ... again"; a quoted threat the asker says is not
meant; "kan haar niet meer alleen laten" (care); "'s been" (the perfect, not a leg);
"nobody was hurt"; a noun right before an object pronoun as the one who acts. Each test
below is written in its own words (not the retired question's) and has a twin with the
danger told beside it, which is still read. See docs/notes/2026-12-16s18-falsewarn.md.
"""

from __future__ import annotations

import pytest

from busbaan.routing.safety import SafetySignals, detect, distanced


def strong(signals: SafetySignals, text: str, age: int | None = None) -> list[str]:
    return [s.family.id for s in detect(signals, text, age) if not s.weak]


@pytest.mark.parametrize("text", [
    "Op de dansschool speelt mijn nichtje van 12 een meisje dat van huis wegloopt en op straat "
    "slaapt. Is er een fonds voor de lessen?",
    "In the end-of-year show my son plays a boy who gets locked in the cellar by his father. "
    "Can we get help paying for the costume?",
    "Voor de kerstmusical speelt een jongen van 9 een kind dat door zijn vader wordt geslagen. "
    "Wie betaalt de kostuums?",
])
def test_a_role_played_is_no_danger(signals: SafetySignals, text: str) -> None:
    """A role said with the verb of playing, a person and a relative clause: no strong
    signal, and the example-based ⚠ stays quiet (the text is at a distance)."""
    assert strong(signals, text) == []
    assert distanced(signals, text)


def test_a_danger_told_beside_a_role_is_read(signals: SafetySignals) -> None:
    """The part played ends at its punctuation: a danger told in its own part is read;
    "speelt met een jongen die ..." is play, not a part."""
    assert "child_maltreatment" in strong(
        signals, "Mijn zoon speelt een jongen die wegloopt, maar thuis slaat zijn vader hem.")
    assert "child_maltreatment" in strong(
        signals, "Mijn dochter speelt met een meisje dat thuis door haar vader geslagen wordt.")


@pytest.mark.parametrize("text", [
    "We are rehearsing a play about a father who locks his daughter in her room. One of the "
    "actors, 70, would like a walking group.",
    "My sister is writing a novel in which a boy ends up sleeping rough. Her own son needs help "
    "with his homework.",
    "He wrote a scene where a girl sleeps under a bridge after her mum throws her out. It's "
    "just a story. Is there a fund for the drama course?",
])
def test_a_play_a_novel_or_a_scene_is_a_text(signals: SafetySignals, text: str) -> None:
    """A play named with its article, a novel "in which", a scene said to be a story:
    what they tell is a subject, not a danger to anyone."""
    assert strong(signals, text) == []


@pytest.mark.parametrize("text", [
    "Mijn buurman was een week niet gezien en de gordijnen bleven dicht, maar hij bleek op "
    "vakantie te zijn. Nu zoekt hij een maatje.",
    "I hadn't seen the lady next door for a week and her post piled up, but it turned out she "
    "was with her son. She would like help with her garden.",
    "Ik dacht dat hij de deur uit gezet was, maar nee: hij woont gewoon thuis. Zijn moeder "
    "zoekt opvoedtips.",
])
def test_a_worry_said_to_be_unfounded_is_no_danger(signals: SafetySignals, text: str) -> None:
    """A worry the asker corrects after "maar"/"but" ("bleek", "turned out", "maar nee")."""
    assert strong(signals, text) == []


def test_a_danger_after_the_correction_is_read(signals: SafetySignals) -> None:
    """Only what came before the turn is corrected: a danger told after it is read, and
    "maar durft geen nee te zeggen" is no "maar nee"."""
    assert "partner_violence" in strong(
        signals, "Ze zei dat ze gevallen was, maar het bleek dat haar man haar slaat.")
    assert "elder_abuse" in strong(
        signals, "De buurvrouw van 79 moet van haar zoon een lening afsluiten, ze wil dat "
                 "niet maar durft geen nee te zeggen.")


def test_a_season_last_year_is_past_and_never_again_is_no_recurrence(
        signals: SafetySignals) -> None:
    """"Last summer" dates a danger as "last year" does; "I want it never to happen
    again" does not make it current; "it's been" is the English perfect (no leg)."""
    assert strong(signals, "Last summer her ex hit her, but she has moved and lives "
                           "safely now. She wants to find work.") == []
    assert strong(signals, "Last winter our gas was cut off for three days, but it's been "
                           "back on since. We never want that to happen again: who helps "
                           "us budget?") == []
    assert "partner_violence" in strong(
        signals, "Last summer her ex hit her and yesterday he hit her again.")


def test_a_quoted_threat_said_not_to_be_meant_is_no_danger(signals: SafetySignals) -> None:
    """The asker says the quoted words are not meant ("dat meent ze niet")."""
    assert strong(signals, "Mijn tante roept altijd 'ik spring van de brug als die "
                           "rekening nog hoger wordt'. Dat meent ze natuurlijk niet. "
                           "Wie helpt met de energierekening?") == []
    assert "suicide" in strong(signals, "Mijn tante zegt 'ik spring van de brug'. "
                                        "Ze meent het, ik ben bang.")


def test_not_being_able_to_leave_someone_alone_is_care(signals: SafetySignals) -> None:
    """"Ik kan hem niet meer alleen laten" is the care a person needs, not a partner who
    will not let her be alone."""
    assert strong(signals, "Mijn vrouw van 82 is vergeetachtig en ik kan haar 's middags "
                           "niet meer alleen laten. Is er dagbesteding?") == []


def test_nobody_hurt_is_a_negation(signals: SafetySignals) -> None:
    """"Nobody was hurt" denies the harm for everyone; "my son was hurt" does not."""
    assert strong(signals, "My daughter's bike was stolen after a fight at the club. "
                           "Nobody was hurt. Where do we report it?") == []


def test_the_one_who_locks_in_is_not_the_one_in_danger(signals: SafetySignals) -> None:
    """A child's noun right before an object pronoun is the one who acts ("dat de jongen
    hem ... opsluit"): no child maltreatment for a man of 84; the child locked in by his
    father is still read."""
    text = ("Meneer (84) had blauwe polsen en zei dat het meisje hem in de schuur opsluit "
            "als ze uitgaat.")
    assert "child_maltreatment" not in strong(signals, text, 84)
    assert "elder_abuse" in strong(signals, text, 84)
    assert "child_maltreatment" in strong(
        signals, "De buurjongen van 7 vertelt dat zijn vader hem in de kelder opsluit.")
