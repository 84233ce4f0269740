"""Session 14 (router29): learner Dutch and the names newcomers use, after the retired
set s28 (newcomers writing Dutch as a second language, and the people who help them).

See docs/notes/2026-12-12s14-router29.md. Probes in new words:
tests/data/socialmap/probes-s14-router29.jsonl.

- :data:`busbaan.routing.lexicon.ENGLISH`: the money one lives on said word for word
  ("money to live", "living money", COA's "living allowance", "no income");
- :func:`busbaan.routing.safety._uncontracted`: a Dutch plural in -'s is read as its
  singular ("camera in de muur" is "camera's in de muren");
- safety_signals.yaml, ``unseen_person``: not seeing someone told in the present or with
  the verb before "niet" ("ik zie hem niet vijf dagen", "ik zie haar al een week
  niet"), the duration next to the negation, and "niet vaak" as a frequency;
  ``sexual_violence``: held, and "gedaan wat ik niet wil", as one act.
"""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import read_jsonl, signals, top

from busbaan.routing.safety import _words

PROBES = read_jsonl("probes-s14-router29.jsonl")
#: Probes the router still gets wrong, with the cause (strict: they fail today).
OPEN: dict[str, str] = {
    "r29-15": ("a young statushouder of 20 who wants an education: the RMC (18 to 23 "
               "without a startkwalificatie) ranks before the Jongerenpunt; two services "
               "that both fit, not a matter of language"),
    # r29-18 ("ik zie mijn buurvrouw al een week niet": no cue names the person with a
    # noun) passes since session 18 (dangerwide): the examples' ⚠ counts the GGD
    # Vangnet's unseen-person examples for the police too (Tuning.danger_signal_kin)
}


@pytest.mark.parametrize(("plural", "singular"), [
    ("camera's in de muren", "camera in de muur"),
    ("foto's van de baby's", "foto van de baby"),
])
def test_a_dutch_plural_in_apostrophe_s_reads_as_its_singular(plural: str,
                                                              singular: str) -> None:
    """The safety reader reads "camera's" as "camera", so that a cue's plural and a
    learner's singular are one word and no stray "s" stands between a cue's words."""
    assert _words(plural) == _words(singular)


@pytest.mark.parametrize("text", ["she's gone", "he's scared", "'s nachts"])
def test_an_english_contraction_or_an_elided_article_is_no_plural(text: str) -> None:
    """Only a long vowel before "'s" makes a Dutch plural: "she's" and "'s nachts" keep
    their "s" or are read as before."""
    assert _words(text) != _words(text.replace("'s", ""))


@pytest.mark.parametrize("row", PROBES, ids=[row["id"] for row in PROBES])
def test_probe(router: Any, row: dict[str, Any], request: Any) -> None:
    """A danger raises its family with its service in the top 3; a near miss raises no
    family and has its expected or acceptable service in the top 3; an ordinary
    question's first answer is its expected service."""
    if row["id"] in OPEN:
        request.applymarker(pytest.mark.xfail(strict=True, reason=OPEN[row["id"]]))
    answer = router.route(row["question"], row["context"])
    if row["safety"]:
        assert row["safety"] in signals(answer), (row["id"], signals(answer))
        assert set(top(answer)) & set(row["expected"]), (row["id"], top(answer))
    elif "near-miss" in row["tags"]:
        assert not answer.safety, (row["id"], signals(answer))
        assert set(top(answer)) & set(row["expected"] + row["acceptable"]), (row["id"], top(answer))
    else:
        assert not answer.safety, row["id"]
        assert top(answer, 1)[0] in row["expected"], (row["id"], top(answer))
