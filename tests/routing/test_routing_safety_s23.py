"""safety23 (session 10): a partner's death threat in everyday words, and a cut-off
whose "back on" is only wished for. The probes are in
tests/data/socialmap/probes-s10-safety23.jsonl (written before the fixes, new voices);
see docs/notes/2026-12-08s10-safety23.md."""

from __future__ import annotations

import pytest
from routing_testdata import read_jsonl

from busbaan.routing import Router
from busbaan.routing.safety import detect

PROBES = read_jsonl("probes-s10-safety23.jsonl")

#: probe23-011: a cut-off that is over ("is sinds maandag weer aangesloten") read
#: eviction_cutoff (its date word read as one to come); passes since session 12
#: (xfail22): a day's name right after "sinds"/"since" is the day a state began.
#: probe23-005 ("dat ik het niet overleef als ik naar de politie ga") passes since
#: session 11 (xfail21): the phrase counts only with the condition of going to the
#: police or reporting him (a partner's rule of three groups); a doctor's or a worried
#: partner's words ("als ik zo doorga met drinken") stay out, as the lead decided.
#: probe23-016 ("heeft een psychotische stoornis, is nu stabiel en niet acuut") passes
#: since session 12 (xfail22): the attribute of a condition noun ("stoornis",
#: "disorder") names a diagnosis, not the state (the safety file's ``conditions``).
KNOWN_GAPS: set[str] = set()


def _all(router: Router, question: str) -> set[str]:
    return {s.family.id for s in detect(router.safety, question)}


@pytest.mark.parametrize("row", [
    pytest.param(r, marks=pytest.mark.xfail(strict=True, reason="see KNOWN_GAPS"))
    if r["id"] in KNOWN_GAPS else r for r in PROBES], ids=lambda r: r["id"])
def test_probe_s23(row: dict, router: Router) -> None:
    """A danger probe raises its family with its service in the top 3; a near miss
    raises nothing."""
    found = _all(router, row["question"])
    if row["safety"]:
        assert row["safety"] in found
        answer = router.route(row["question"], row["context"])
        wanted = set(row["expected"]) | set(row["acceptable"])
        assert any(r.service_id in wanted for r in answer.results[:3])
    else:
        assert not found


@pytest.mark.parametrize("question", [
    "Hij zei tegen de arts dat ik het niet overleef",
    "mijn vrouw zegt dat ik het niet overleef als ik zo doorga met drinken",
])
def test_a_prognosis_is_no_death_threat(question: str, router: Router) -> None:
    """'dat ik het niet overleef' in someone else's words is a prognosis or a worry, not
    a threat: no partner-violence signal."""
    assert "partner_violence" not in _all(router, question)


def test_a_death_threat_needs_a_person_as_object(router: Router) -> None:
    """"afmaken" of a person is a threat; of a study or homework it is finishing."""
    assert "partner_violence" in _all(router, "Ik ben bang dat mijn man me afmaakt")
    assert "partner_violence" in _all(router, "Hij maakt me af als ik wegga, zegt hij")
    assert "partner_violence" in _all(router, "Her boyfriend shouted: I will kill you if you leave")
    assert not _all(router, "Mijn vrouw maakt haar studie af en dan verhuizen we")
    assert not _all(router, "Hij zei: maak je huiswerk af, dan gaan we naar oma")


def test_back_on_must_be_said_as_a_fact(router: Router) -> None:
    """A wish to be reconnected keeps the danger; a supply said to be back on ends it."""
    wish = "The gas has been cut off for days, who can get it back on?"
    assert "cutoff_now" in _all(router, wish)
    assert "cutoff_now" not in _all(router, "The gas was cut off for days but it is back on now")
    over = "Het gas was al weken afgesloten en is weer aangesloten"
    assert "cutoff_now" not in _all(router, over)
