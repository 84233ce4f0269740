"""safety35 (session 14): dangers in the retired sets s27-s29 (never read by anyone working
on safety) that raised no ⚠ signal or missed their safety service, by cause: someone not
seen told without "niet gezien" (a phone not picked up with words between, a learner's
"ik zie hem niet vijf dagen", gone quiet, lives alone, shutters down, "in ages"); psychosis
signs in other words (a mission from God, God speaking through a device, foil on the
windows, talking to the wall all night) with a danger (things thrown from a balcony or a
window, a learner's "not sleep"); an overdose of unknown size (a strip emptied, "weet niet
hoeveel", very drowsy); sexual violence at work (cornered, the job as the threat; held and
made to undergo), waking at his place without having said yes, a debt a minor must earn
back with his friends, a man who comes to a child's bed when her mother works; the
generic "your"; a threat through her family; a gas connection named as a compound; "stroom
is eraf" without an article; a minor who must marry abroad; where to go tonight with the
place lost. Each cause has near misses (an idiom, a play, a night out, a bouncer, a
child's game, a relative far away, a holiday). Probes: tests/data/socialmap/
probes-s14-safety35.jsonl; see docs/notes/2026-12-12s14-safety35.md."""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import assert_safety_probe, families, read_jsonl

from busbaan.routing import Router

PROBES = read_jsonl("probes-s14-safety35.jsonl")

#: Probes this branch does not read right yet, each with its cause (strict: a fix moves them).
KNOWN_GAPS: dict[str, str] = {
    "probe35-008": "a son who lives alone and has not picked up for days, but texts that he "
                   "is fine: the new lives-alone rule (not answering + days + lives alone) "
                   "does not read contact by another channel ('appt wel dat het goed gaat') "
                   "as the person being reachable",
}


@pytest.mark.parametrize("row", [
    pytest.param(r, marks=pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[r["id"]]))
    if r["id"] in KNOWN_GAPS else r for r in PROBES], ids=lambda r: r["id"])
def test_probe_s35(row: dict[str, Any], router: Router) -> None:
    """A danger probe raises its family as a signal with an expected service in the top 3;
    a near miss raises no signal (a caution may stay)."""
    assert_safety_probe(router, row)


def test_a_subject_noun_before_is_is_no_verb(router: Router) -> None:
    """"stroom is eraf" (a chat note without the article) reads "stroom" as the noun, as
    "de stroom is eraf" does: the supply is cut off, with a baby as the urgency."""
    for text in ("stroom is eraf, ik heb een baby", "de stroom is eraf, ik heb een baby"):
        assert "cutoff_now" in families(router, text), text


def test_a_cues_own_negation_does_not_deny_the_time_after_it(router: Router) -> None:
    """In "ik zie hem niet vijf dagen" (a learner's order) the "niet" is the not-seeing
    cue's own: the five days still count; a plain "niet vijf dagen" elsewhere still denies."""
    assert "unseen_person" in families(
        router, "Ik zie hem niet vijf dagen, zijn licht brandt en de post stapelt zich op.")


def test_a_relative_clause_keeps_its_negation(router: Router) -> None:
    """"9 days, which never happens": the "never" is the relative clause's, not a denial
    of the days."""
    text = ("My colleague lives alone and hasn't answered for 9 days, which never happens.")
    assert "unseen_person" in families(router, text)


def test_the_generic_you_reads_as_the_askers_own(router: Router) -> None:
    """"when your husband squeezes your throat" tells the asker's own situation, as
    "my husband squeezes my throat" does."""
    assert "partner_violence" in families(
        router, "What do you do when your husband squeezes your throat during a fight?")


def test_lives_alone_needs_not_answering_not_just_not_seen(router: Router) -> None:
    """A parent who lives alone and whom the asker has not seen for weeks (living abroad)
    raises nothing; one who has not picked up the phone for days does."""
    assert "unseen_person" not in families(
        router, "Mijn moeder woont alleen; ik heb haar al weken niet gezien want ik woon in Chili.")
    assert "unseen_person" in families(
        router, "Mijn moeder woont alleen en neemt al drie dagen haar telefoon niet op.")
