"""safety38 (session 15): the dangers of the retired sets s30-s32 without their service,
their ⚠ or their family, and their false alarms, fixed by cause and probed in new words
(tests/data/socialmap/probes-s15-safety38.jsonl, written before the fixes). See
docs/notes/2026-12-13s15-safety38.md."""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import assert_safety_probe, read_jsonl

from busbaan.routing import Router

PROBES = read_jsonl("probes-s15-safety38.jsonl")

#: Probes this branch does not read right yet, each with its cause (strict: a fix moves them).
KNOWN_GAPS: dict[str, str] = {
    "probe38-004": "phone Dutch 'wort' for 'wordt' (the d/t error) is a word of its own ('wort'), "
                   "so the spelling tolerance does not read it, and 'wordt niet wakker' is no "
                   "drowsy cue anyway: with 'wil' it is the wish never to wake (retired h11-033)",
    "probe38-036": "'niet op de dagbesteding verschenen': a rule cue holds at most two words "
                   "between its own, and a cue that holds 'niet' keeps its order (no window)",
    "probe38-041": "'this morning' dates the supplier's call as often as the cut-off ('vanochtend "
                   "belde de leverancier: dinsdag gaat het gas eraf', retired s4-119), so it is no "
                   "time of the cut-off rule; 'cut us off' is no state with a finite verb",
}
#: probe38-057 (where the absent neighbour is, 'logeert bij haar', said by her son in
#: reported speech) passes since session 19: xfails' `_told_unfounded` reads a correction
#: told as reported speech after "maar" (docs/notes/2026-12-17s19-xfails.md).


@pytest.mark.parametrize("row", [
    pytest.param(r, marks=pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[r["id"]]))
    if r["id"] in KNOWN_GAPS else r for r in PROBES], ids=lambda r: r["id"])
def test_probe_s38(row: dict[str, Any], router: Router) -> None:
    """A danger probe raises its family as a signal with an expected service in the top 3;
    a near miss raises no signal (a caution may stay)."""
    assert_safety_probe(router, row)


def _read(router: Router, question: str, age: int | None = None) -> set[str]:
    """The families ``question`` raises as signals (not cautions)."""
    from busbaan.routing.safety import detect

    return {s.family.id for s in detect(router.safety, question, age) if not s.weak}


def test_words_in_brackets_belong_to_the_clause_around_them(router: Router) -> None:
    """A threat named in brackets inside a clause that dates and closes it is past and
    dealt with; the same threat told now, with the age in brackets, is read."""
    assert not _read(router, "Zaak van vorig jaar (bedreiging door ex) is afgerond.")
    assert "partner_violence" in _read(
        router, "Mijn ex (45) bedreigt mij sinds gisteren, de zaak van vorig jaar is afgerond.")


def test_again_alone_does_not_undo_a_danger_said_to_be_over(router: Router) -> None:
    """A bare "again" (asking a service once more) leaves a past danger that the asker
    says is over in the past; a danger said to come back ("hit me again") is read."""
    assert not _read(router, "Two years ago my ex hurt me, that is all closed and I'm safe. "
                             "Someone told me to ask Veilig Thuis again now for a job.")
    assert "partner_violence" in _read(
        router, "Two years ago my ex hurt me. Yesterday he was released and hit me again.")


def test_an_english_reflexive_object_makes_the_act_the_persons_own(router: Router) -> None:
    """"locked herself in" harms no one else: no elder abuse for a woman of 72 who locks
    herself in; locked in by her son is read."""
    assert "elder_abuse" not in _read(
        router, "My mother is 74 and locked herself in the bathroom last night.", 74)
    assert "elder_abuse" in _read(
        router, "My mother is 74 and her son locked her in the bedroom last night.", 74)


def test_a_participle_written_apart_from_its_particle_is_the_joined_verb(router: Router) -> None:
    """"af gesloten" is "afgesloten" (phone Dutch writes the compound apart); "uit eten"
    (no participle) stays two words."""
    assert "cutoff_now" in _read(router, "stroom af gesloten sinds gisteren en baby in huis")


def test_a_southern_diminutive_is_the_child_it_names(router: Router) -> None:
    """"jongske" (Brabants) is a little boy, not the adjective "jong"; "een jonge vrouw"
    is no child."""
    from busbaan.routing.safety import lemma

    assert lemma("jongske") == lemma("jongetje")
    assert lemma("jonge") != lemma("jongske")


def test_the_asker_worried_about_a_named_child_tells_the_childs_danger(router: Router) -> None:
    """"mijn dochter van 15 ... maak ik me zorgen omdat ze ... niet meer wil leven" is the
    daughter's danger: the services for a minor come first."""
    from busbaan.routing.safety import detect

    question = ("Ik wou vragen naar huiswerkbegeleiding voor mijn dochter van 15... nee, ik "
                "maak me zorgen omdat ze in haar dagboek schrijft dat ze niet meer wil leven.")
    found = {s.family.id: s for s in detect(router.safety, question, 44)}
    assert found["suicide"].minor_age == 15
