"""xfail21 (session 11): three reading faults behind open strict xfails, each fixed in
the grammar, not for the words of the miss. Probes in new voices, written before the
fix: tests/data/socialmap/probes-s11-xfail21.jsonl; see docs/notes/2026-12-09s11-xfail21.md.

- A violence verb in an idiom ("dat slaat nergens op", "slaat zich erdoorheen", "slaat
  de bal") was not read by the safety reader but still counted by the ranker for Veilig
  Thuis: the ranker now reads the same figurative list (safety.figurative_parts).
- "als" + a subject ("als ik de kinderen meeneem") is the conjunction, not the role
  preposition of the past marker "als kind": a threat with a condition was read as past.
- A passive's agent does what the verb says ("wordt door zijn stiefzoon opgesloten"): a
  child named as the agent is the doer (as in "zoon slaat andere kinderen"), not a
  child who is harmed.
- A partner's "dat ik het niet overleef" is a threat when its condition is going to the
  police or reporting him (probe23-005); a prognosis ("als ik zo blijf roken") is not.
- English school refusal (x21-17..20) is read already: regression probes only.
"""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import read_jsonl

from busbaan.routing import Router
from busbaan.routing.safety import SafetySignals, detect, figurative_parts

PROBES = read_jsonl("probes-s11-xfail21.jsonl")
#: x21-04: "slaat" is no longer counted, but Veilig Thuis stayed third as a filler on
#: "dochter, goed" (outside8 #4, a ranking question of the examples); passes since
#: session 15 (vtfiller: a desk for dangers only votes with its examples only when
#: opened, Tuning.safety_desk_share).
FILLER: set[str] = set()
#: x21-27..29: a psychotic disorder named as a diagnosis ("heeft een psychotische
#: stoornis") read psychiatric_crisis (probe23-016's cause). Not fixed in session 11: as
#: a figurative use the safety reader would skip it, but the ranker would then also take
#: "psychotische" from the GGZ services, whose need it names (see the note). Pass since
#: session 12 (xfail22): the safety file's ``conditions`` (a condition noun's attribute
#: is no cue) is read by the safety reader only; the ranker keeps the word.
DIAGNOSIS: set[str] = set()


def _strong(signals: SafetySignals, question: str) -> set[str]:
    return {s.family.id for s in detect(signals, question) if not s.weak}


@pytest.mark.parametrize("row", [
    pytest.param(r, marks=pytest.mark.xfail(strict=True, reason="see DIAGNOSIS"))
    if r["id"] in DIAGNOSIS else r for r in PROBES], ids=lambda r: r["id"])
def test_probe_s11_xfail21_reads_its_family(row: dict[str, Any], router: Router,
                                            demo_router: Router) -> None:
    """A danger probe raises its family; no probe raises a family it names as not its
    own; an idiom raises no safety answer or caution and its violence verb counts for no
    safety service (other services keep it: a homonym's other sense may be their need)."""
    chosen = demo_router if row["map"] == "demo" else router
    strong = _strong(chosen.safety, row["question"])
    if row["safety"]:
        assert row["safety"] in strong
    assert not strong & set(row["not_safety"])
    answer = chosen.route(row["question"])
    if row["cause"] == "idiom":
        assert not answer.safety and not answer.caution
        assert all("slaat" not in r.matched for r in answer.results
                   if r.service_id in chosen.protected)
    if row.get("top3"):
        assert set(row["top3"]) & {r.service_id for r in answer.results[:3]}


#: Session 19: x21-04 fails again since s43-s46 are examples (it passes without s45):
#: Veilig Thuis third (688, no ⚠) after the Ouder- en Kindteam and leerplicht.
DRIFT19 = {"x21-04"}


@pytest.mark.parametrize("row", [
    pytest.param(r, marks=pytest.mark.xfail(strict=True, reason="see FILLER"))
    if r["id"] in FILLER
    else pytest.param(r, marks=pytest.mark.xfail(strict=True, reason="see DRIFT19"))
    if r["id"] in DRIFT19 else r
    for r in PROBES if r["not_top3"]], ids=lambda r: r["id"])
def test_probe_s11_xfail21_idiom_lists_no_safety_service(row: dict[str, Any],
                                                         demo_router: Router) -> None:
    """An idiom of hitting lists no Veilig Thuis in the top 3 of the demo map."""
    answer = demo_router.route(row["question"])
    assert not set(row["not_top3"]) & {r.service_id for r in answer.results[:3]}


# ----------------------------------------------------------------- the idiom, in the ranker


@pytest.mark.parametrize(("question", "word"), [
    ("Dat slaat nergens op, die brief van de Belastingdienst", "slaat"),
    ("hij slaat zich er wel doorheen maar de post blijft liggen", "slaat"),
    ("ze sloeg de bal over het hek", "sloeg"),
])
def test_a_danger_word_inside_an_idiom_is_a_figurative_part(
        signals: SafetySignals, question: str, word: str) -> None:
    """The violence verb of an idiom is given to the ranker as figurative."""
    assert word in {w for _, w in figurative_parts(signals, question)}


@pytest.mark.parametrize("question", [
    "Haar vriend slaat haar als hij gedronken heeft",
    "Mijn werkgever heeft me op straat gezet, waar vraag ik WW aan?",
])
def test_only_an_idioms_danger_words_are_figurative_parts(
        signals: SafetySignals, question: str) -> None:
    """A literal blow is read; an idiom's words that name a need ("werkgever", "WW")
    are not given as figurative."""
    parts = {w for _, w in figurative_parts(signals, question)}
    assert not parts & {"slaat", "werkgever", "ww"}


@pytest.mark.parametrize(("question", "service"), [
    ("Mijn moeder (81) kan de trap niet meer op, kan er een traplift komen?",
     "wmo-woningaanpassing"),
    ("Hij heeft een burn-out en wil met hulp weer aan het werk", None),
])
def test_a_homonym_keeps_its_need_for_the_other_services(
        router: Router, question: str, service: str | None) -> None:
    """A figurative use counts for no safety service, but its word still names a need
    for the others: the stairs for the stairlift; no safety service first."""
    answer = router.route(question)
    assert not answer.safety
    assert answer.results[0].service_id not in router.protected
    if service:
        assert service in [r.service_id for r in answer.results[:3]]


def test_a_literal_blow_beside_an_idiom_still_puts_veilig_thuis_first(
        demo_router: Router) -> None:
    """"Ze slaat zich er niet doorheen: haar man slaat haar" is still partner violence,
    with its safety service first."""
    answer = demo_router.route("Ze slaat zich er niet doorheen: haar man slaat haar elke week")
    assert "partner_violence" in {h.signal for h in answer.safety}
    assert answer.results[0].service_id == "veilig-thuis"


# ------------------------------------------------------ "als" opens a clause after all


@pytest.mark.parametrize("question", [
    "Als kind werd hij door zijn vader geslagen, nu zoekt hij een psycholoog",
    "Als klein kind is ze thuis mishandeld, nu wil ze praten over haar jeugd",
    "As a child she was beaten by her father, now she wants to talk about it",
])
def test_als_kind_is_still_a_past_marker(signals: SafetySignals, question: str) -> None:
    """"als (klein) kind" places the danger in childhood: no strong signal."""
    assert not _strong(signals, question) & {"child_maltreatment", "partner_violence"}


@pytest.mark.parametrize("question", [
    "Mijn ex zei dat hij me afmaakt als ik de kinderen meeneem",
    "Hij slaat haar als ze de kinderen te laat ophaalt",
    "Hij slaat me als je kind huilt, zegt mijn buurvrouw",
])
def test_als_with_a_subject_is_a_condition_not_childhood(
        signals: SafetySignals, question: str) -> None:
    """"als ik/ze/je ..." is "if": the threat or the blow is now."""
    assert "partner_violence" in _strong(signals, question)


# -------------------------------------------------------------- a passive's child agent


@pytest.mark.parametrize(("question", "family"), [
    ("Mijn oom (79) wordt door zijn stiefzoon opgesloten in zijn eigen huis", "elder_abuse"),
    ("Oma (88) wordt door haar zoon opgesloten als ze geld wil opnemen", "elder_abuse"),
])
def test_a_child_as_the_passives_agent_is_the_doer(
        signals: SafetySignals, question: str, family: str) -> None:
    """The child who locks someone in is no maltreated child; the elder's danger is
    read."""
    found = _strong(signals, question)
    assert family in found and "child_maltreatment" not in found


@pytest.mark.parametrize("question", [
    "Het meisje wordt door haar stiefvader opgesloten in haar kamer",
    "Zijn zoon van 8 wordt door de vriend van zijn moeder opgesloten",
    "De kinderen worden thuis opgesloten",
])
def test_a_child_who_undergoes_the_passive_is_still_read(
        signals: SafetySignals, question: str) -> None:
    """A child locked in by an adult (or by no one named) is child maltreatment."""
    assert "child_maltreatment" in _strong(signals, question)
