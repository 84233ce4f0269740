"""Session 16 (xfail26): the outside checks' strict-xfail backlog, by cause. Probes in new
voices (tests/data/socialmap/probes-s16-xfail26.jsonl), written to fail before the change;
see docs/notes/2026-12-14s16-xfail26.md.

- :func:`busbaan.routing.safety._joined`: a separable verb written as one word stands
  last, after its object, as a subordinate clause puts it ("dat die hem in zijn kamer
  opsluit"), and :func:`~busbaan.routing.safety._closing_participle` lets it close its
  clause far from that object (also before "zodat", "voordat", ...); before such a verb
  "haar" is its object, no possessive;
- :func:`busbaan.routing.safety._grown_named`: a child or pupil word named with an adult
  age ("een studente van 22") reads child_maltreatment as its grown view (``adult_kin``);
- the safety file (2026-12-14.xfail26): a letter "for afterwards" and asking whether a
  jump would be quick (suicide, two weak signs); coming in at night or touching while
  she (or he) sleeps (sexual_violence); children "alone at home" (the English adverb
  phrase in its other order, child_maltreatment);
- :func:`busbaan.routing.safety._english_here`: English "alone" and "at" (Dutch "at",
  ate) are no inflected Dutch verbs whose subject ``_by_excluded`` looks for ("I found
  three small children alone at home" read the act as the children's own).
"""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import caution, read_jsonl, signals, top

from busbaan.routing.safety import _joined

PROBES = read_jsonl("probes-s16-xfail26.jsonl")
#: Probes that still fail, with their cause (strict xfails).
OPEN: dict[str, str] = {
    "xf26-02": ("'als straf' (as a punishment) between the object and the joined verb: "
                "'als' is read as a conjunction that opens a clause of its own, so 'haar "
                "... opsluit' is not one clause's object and verb"),
}


def test_a_joined_cue_puts_its_verb_last() -> None:
    """"sluit haar op" joined is "haar opsluiten", the subordinate clause's order."""
    assert _joined(("sluiten", "haar", "op")) == ("haar", "opsluiten")
    assert _joined(("zetten", "de", "stroom", "af")) == ("de", "stroom", "afzetten")


@pytest.mark.parametrize("row", PROBES, ids=[row["id"] for row in PROBES])
def test_probe(router: Any, row: dict[str, Any], request: Any) -> None:
    """A danger probe: its family's signal, with the signal's service first. A near miss:
    no signal and no caution."""
    if row["id"] in OPEN:
        request.applymarker(pytest.mark.xfail(strict=True, reason=OPEN[row["id"]]))
    answer = router.route(row["question"], row["context"])
    if row["safety"] is None:
        assert not signals(answer) and not caution(answer), (row["id"], signals(answer))
        return
    assert row["safety"] in signals(answer), (row["id"], signals(answer), caution(answer))
    first = [h.service_id for h in answer.safety if h.signal == row["safety"]]
    assert top(answer, 1) == first[:1], (row["id"], top(answer))
