"""safety24 (session 11): outside13's kinds of danger in wordings the router had not read,
and their near misses. The 87 probes in tests/data/socialmap/probes-s11-safety24.jsonl
were written in new voices (a child, a neighbour, a teacher, a newcomer, English) before
the fix (43/87 passed on main b81b65e); see docs/notes/2026-12-09s11-safety24.md."""

from __future__ import annotations

import pytest
from routing_testdata import read_jsonl

from busbaan.routing import Router
from busbaan.routing.safety import detect

PROBES = read_jsonl("probes-s11-safety24.jsonl")

#: A probe's family, or one that puts the same kind of service first: a plan with
#: hoarded pills is suicide's or overdose's; a child who saw the father's violence is
#: partner_violence's or child_maltreatment's (the Meldcode: both).
ALSO = {"suicide": {"overdose"}, "overdose": {"suicide"},
        "partner_violence": {"child_maltreatment"}, "child_maltreatment": {"sexual_violence"}}

#: probe24-053: a 15-year-old alone at home for an hour after school still gets
#: child_maltreatment's weak caution ("alleen thuis"; the weak tier reads no age).
#: probe24-065: a story read in class ("in het boek dat we lezen krijgt de moeder een
#: blauw oog") has no "over": the topic reading does not see it. Left open (see the note).
KNOWN_GAPS = {"probe24-053", "probe24-065"}


def _all(router: Router, question: str) -> set[str]:
    return {s.family.id for s in detect(router.safety, question)}


@pytest.mark.parametrize("row", [
    pytest.param(r, marks=pytest.mark.xfail(strict=True, reason="see KNOWN_GAPS"))
    if r["id"] in KNOWN_GAPS else r for r in PROBES], ids=lambda r: r["id"])
def test_probe_s24(row: dict, router: Router) -> None:
    """A danger probe raises its family (or its twin) with that family's first service
    on the map in the top 3; a near miss raises nothing, not even a caution."""
    found = _all(router, row["question"])
    family = row["safety"]
    if not family:
        assert not found
        return
    wanted = {family} | ALSO.get(family, set())
    assert wanted & found
    answer = router.route(row["question"], row["context"])
    services = {sid for f in router.safety.families if f.id in wanted & found
                for sid in f.services}
    assert any(r.service_id in services for r in answer.results[:3])


def test_the_probe_set_is_what_the_brief_asked_for() -> None:
    """Ten kinds, each with danger and near misses (or, for the two kinds of false
    alarm, near misses with one danger beside them), Dutch and English."""
    kinds: dict[str, list[dict]] = {}
    for row in PROBES:
        kinds.setdefault(next(t for t in row["tags"] if t.startswith("kind:")), []).append(row)
    assert len(kinds) == 10
    assert all(6 <= len(rows) <= 10 for rows in kinds.values())
    assert all(any(not r["safety"] for r in rows) for rows in kinds.values())
    assert all(any(r["safety"] for r in rows) for rows in kinds.values())
    assert any("en" in t for r in PROBES for t in r["tags"] if t.startswith("voice:"))


@pytest.mark.parametrize(("question", "family"), [
    ("Ik heb de buurman al een week niet gezien en het stinkt bij zijn deur", "unseen_person"),
    ("Het kind wordt nooit gehaald en kookt zelf, moeder ligt de hele dag in bed",
     "child_maltreatment"),
])
def test_a_negation_a_cue_holds_is_its_own(router: Router, question: str, family: str) -> None:
    """"niet gezien", "nooit gehaald": the negation negates the cue's verb, not the words
    before it (the week, the child)."""
    assert family in _all(router, question)


def test_another_familys_negation_still_negates(router: Router) -> None:
    """"slaapt al vijf nachten niet" is psychiatric_crisis's; for the shelter the nights
    stay negated: things given away "op straat" are no night on the street."""
    question = ("Mijn zoon slaapt al vijf nachten niet en heeft zijn geld op straat "
                "weggegeven aan vreemden")
    assert "homeless_tonight" not in _all(router, question)


def test_a_text_about_a_danger_is_no_danger_but_a_danger_beside_it_is(router: Router) -> None:
    """What a werkstuk, an article or a film is about is a subject; a danger told in its
    own clause is read."""
    assert not _all(router, "Hij maakt een werkstuk over zelfmoord in de oorlog")
    assert not _all(router, "We watched a documentary about domestic violence in class")
    assert "suicide" in _all(
        router, "Ze schreef in haar werkstuk over de oorlog dat ze zelf niet meer wil leven")
    assert "suicide" in _all(
        router, "Een werkstuk over de oorlog, maar ze zegt dat ze zelf niet meer wil leven")


def test_the_staircase_is_no_kick(router: Router) -> None:
    """"de trap" after a definite article is the staircase; "een trap" is the kick; a cue
    of more words ("van de trap") still reads the cover story."""
    assert "partner_violence" not in _all(
        router, "Haar vriend draagt haar elke dag de trap op, kan ze een traplift krijgen?")
    assert "partner_violence" in _all(router, "Haar vriend gaf haar een trap tegen haar been")
    assert "partner_violence" in _all(
        router, "Ze heeft een blauw oog en zegt dat ze van de trap is gevallen, haar vriend "
                "antwoordt steeds voor haar")
