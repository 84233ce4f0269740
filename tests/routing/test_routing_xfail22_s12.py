"""xfail22 (session 12): general reading faults behind open strict xfails of the routing
tests, each fixed in the grammar or the word lists, not for the words of the miss. Probes
in new voices, written before each fix: tests/data/socialmap/probes-s12-xfail22.jsonl;
see docs/notes/2026-12-10s12-xfail22.md.

- A diagnosis named ("een psychotische stoornis", "a psychotic illness", "een paranoïde
  persoonlijkheidsstoornis") is a lasting condition, not the acute state the adjective
  alone says ("is psychotisch"): the safety reader does not read a cue's adjective that
  is the attribute of a condition noun (``conditions`` in the safety file); the ranker
  keeps the word (the GGZ services' need). probe23-016, x21-27..29.
- "gaan" + an infinitive is the Dutch future ("niemand gaat me missen" = "niemand zal me
  missen"; English "is going to"): the suicide family's "nobody will miss" cues in that
  form. outside14 o14-13.
- A near negation ("nauwelijks", "amper", "hardly", "barely") is a word of lack, as
  "te weinig" and "niet genoeg" are: a cue's "geen" also reads it ("krijgt nauwelijks
  eten" = "krijgt geen eten"). outside14 o14-10.
- "sinds"/"since" + a day's name is the day a state began, in the past ("sinds maandag
  afgesloten", "back on since Monday"), not a day to come: the eviction's "soon" does
  not read it. probe22-001, probe23-011.
- Brothers or cousins who keep a woman in since she wants a divorce (Movisie,
  'Eergerelateerd geweld': a divorce is a moment of risk; brothers who control and lock
  up): honour_violence's rule of the brothers reads keeping in and a divorce.
  probe21-029.
- "go" is a stop word as "gaan" is (English questions). outside10's English school
  refusal. The wider list (the English forms of every Dutch stop verb and everyday word)
  was measured and left out: xf22-18..22 are strict xfails (ENGLISH_WIDER).
"""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import assert_safety_probe, read_jsonl

from busbaan.routing import Router
from busbaan.routing.safety import detect

PROBES = read_jsonl("probes-s12-xfail22.jsonl")


def _cause(cause: str) -> list[dict[str, Any]]:
    return [r for r in PROBES if f"cause:{cause}" in r["tags"]]


@pytest.mark.parametrize("row", _cause("diagnosis"), ids=lambda r: r["id"])
def test_a_diagnosis_named_is_no_crisis(row: dict[str, Any], router: Router) -> None:
    """A danger probe raises psychiatric_crisis (a diagnosis beside it changes nothing);
    a diagnosis alone raises no family, not even a caution; either way an expected
    service is in the top 3."""
    found = {s.family.id for s in detect(router.safety, row["question"])}
    if row["safety"]:
        assert row["safety"] in found
    else:
        assert not found
    answer = router.route(row["question"], row["context"])
    wanted = set(row["expected"]) | set(row["acceptable"])
    assert wanted & {r.service_id for r in answer.results[:3]}


@pytest.mark.parametrize("row", _cause("future") + _cause("scarcely") + _cause("divorce"),
                         ids=lambda r: r["id"])
def test_the_future_with_gaan_and_a_near_negation(row: dict[str, Any], router: Router) -> None:
    """A danger probe raises its family with an expected service in the top 3; a near
    miss raises no signal (a caution may stay)."""
    assert_safety_probe(router, row)


@pytest.mark.parametrize("row", _cause("since"), ids=lambda r: r["id"])
def test_a_day_after_since_is_no_day_to_come(row: dict[str, Any], router: Router) -> None:
    """A cut-off since a day is cutoff_now's, not an eviction or cut-off to come; a day
    without "sinds" still is one to come; a supply back on since a day raises nothing."""
    strong = {s.family.id for s in detect(router.safety, row["question"]) if not s.weak}
    if row["safety"] == "cutoff_now":
        assert "eviction_cutoff" not in strong
    assert_safety_probe(router, row)


#: xf22-18..22 (written before the fix, for the wider list): English everyday words
#: ("old", "since", "next", "neighbour", "every", "comes", "says") still weigh in full
#: where their Dutch translations are stop or everyday words, so Veilig Thuis's English
#: examples list it as a filler. The list that fixes them cost a top-1 and a safety
#: service in the top 3 over the 333 English questions of the retired sets (leave one
#: set out): the English forms of the stop verbs and of the everyday words both move
#: the order among a signal's services. Only "go" was kept (see the note).
#: xf22-22 passes since s30-s32 were retired into example files (session 15), xf22-18
#: since session 16's merges (a safety service's danger examples held back: dangerex).
ENGLISH_WIDER = {"xf22-19", "xf22-20", "xf22-21"}
#: Session 18: with s39-s42 retired into examples, the police's unseen-neighbour dangers
#: ("my neighbour ... since last ...") put the wijkagent first (818) for a neighbour of 80
#: who cannot climb the stairs; housing adaptation second (816).
#: Session 21: it passes again since s51-s54 were retired into example files (it fails
#: without asked-heldout51.yaml, traced by leaving each of the four files out): plain.
#: Session 22: a strict xfail again since s56's questions are examples (it passes without
#: asked-heldout56.yaml, traced by leaving each of s55-s58's files out): Veilig Thuis first
#: (838, no signal, no caution), housing adaptation second (821), the police third (819).
DRIFT18: dict[str, str] = {
    "xf22-18": ("since s56's questions are examples (session 22; it passes without "
                "asked-heldout56): Veilig Thuis first (838, no signal) for a neighbour of 80 "
                "who cannot climb the stairs, housing adaptation second (821)")}


@pytest.mark.parametrize("row", [
    pytest.param(r, marks=pytest.mark.xfail(strict=True, reason="see ENGLISH_WIDER"))
    if r["id"] in ENGLISH_WIDER
    else pytest.param(r, marks=pytest.mark.xfail(strict=True, reason=DRIFT18[r["id"]]))
    if r["id"] in DRIFT18 else r for r in _cause("english")], ids=lambda r: r["id"])
def test_english_everyday_words_weigh_as_their_dutch(row: dict[str, Any], router: Router) -> None:
    """An English question's service comes first (``check:top1``), its expected service
    is in the top 3 (``check:expected3``), or an answer-key service is in the top 3
    without Veilig Thuis as a filler on everyday words (``check:no-vt``)."""
    answer = router.route(row["question"], row["context"])
    top = [r.service_id for r in answer.results[:3]]
    assert not answer.safety and not answer.caution
    if "check:top1" in row["tags"]:
        assert top[0] in row["expected"], top
    elif "check:expected3" in row["tags"]:
        assert set(row["expected"]) & set(top), top
    else:
        assert (set(row["expected"]) | set(row["acceptable"])) & set(top), top
        assert "vt-advies-melding" not in top, top
