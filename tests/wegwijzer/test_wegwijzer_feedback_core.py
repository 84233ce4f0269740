"""What `!goed` / `!fout [dienst]` do to the same person's earlier verdict on an answer
(session 11, outside13 finding 5), decided by one pure function, and how the bot says
it in Dutch and English."""

from __future__ import annotations

import itertools

import pytest

from bots.wegwijzer.render import feedback_text, named_first_text
from busbaan.routing.learning import feedback_votes
from busbaan.wegwijzer.feedback import Rating, decide

ANSWERED = ("veilig-thuis", "taalhuis", "voedselbank")
GOOD, WRONG = Rating("good"), Rating("wrong")
WRONG_T, WRONG_V = Rating("wrong", "schuldhulp"), Rating("wrong", "voedselbank")

# (before, command verdict, named) -> (outcome, stored afterwards)
CASES = [
    (None, "good", None, "new", GOOD),
    (None, "wrong", None, "new", WRONG),
    (None, "wrong", "schuldhulp", "new", WRONG_T),
    (GOOD, "good", None, "same", GOOD),
    (GOOD, "wrong", None, "to_wrong", WRONG),
    (GOOD, "wrong", "schuldhulp", "to_wrong", WRONG_T),
    (WRONG, "good", None, "to_good", GOOD),
    (WRONG, "wrong", None, "same", WRONG),
    (WRONG, "wrong", "schuldhulp", "named", WRONG_T),
    (WRONG_T, "good", None, "to_good", GOOD),
    # outside13: a bare !fout after !fout X kept nothing of X; now X stays
    (WRONG_T, "wrong", None, "kept_service", WRONG_T),
    (WRONG_T, "wrong", "schuldhulp", "same", WRONG_T),
    (WRONG_T, "wrong", "voedselbank", "replaced_service", WRONG_V),
]


@pytest.mark.parametrize(("before", "verdict", "named", "outcome", "after"), CASES)
def test_decision_keeps_the_verdict_a_professional_means(
        before: Rating | None, verdict: str, named: str | None, outcome: str,
        after: Rating) -> None:
    """Each (earlier verdict, command) gives one outcome and one stored verdict, whose
    votes are exactly the votes of that verdict (the earlier votes are replaced)."""
    decision = decide(before, verdict, named, ANSWERED)  # type: ignore[arg-type]
    assert (decision.outcome, decision.rating) == (outcome, after)
    assert list(decision.votes) == feedback_votes(after.verdict, after.expected_service_id,
                                                  ANSWERED)
    assert decision.changes is (after != before)
    assert decision.withdrawn == (before if after != before else None)


def test_a_bare_wrong_after_a_named_one_keeps_the_named_service_and_its_vote() -> None:
    """outside13: `!wrong taalhuis` then `!fout` keeps Taalhuis's +1 (nothing changes)."""
    first = decide(None, "wrong", "schuldhulp", ANSWERED)
    assert ("schuldhulp", 1) in first.votes
    again = decide(first.rating, "wrong", None, ANSWERED)
    assert again.outcome == "kept_service" and not again.changes
    assert again.votes == first.votes


def test_good_after_wrong_withdraws_the_named_service() -> None:
    """`!goed` after `!fout X`: the +1 for X and the -1 for the first service go."""
    decision = decide(WRONG_T, "good", None, ANSWERED)
    assert decision.votes == (("veilig-thuis", 1),)
    assert decision.withdrawn == WRONG_T


@pytest.mark.parametrize("before", [None, GOOD, WRONG, WRONG_T])
def test_naming_the_service_that_came_first_is_refused(before: Rating | None) -> None:
    """`!fout X` where X already stood first says wrong and right at once: refused,
    the earlier verdict (if any) stays as it was."""
    decision = decide(before, "wrong", "veilig-thuis", ANSWERED)
    assert decision.outcome == "named_first" and decision.rating is None
    assert not decision.changes and decision.votes == ()


def test_named_lower_in_the_answer_should_have_come_first() -> None:
    """`!fout X` with X second: -1 for the first, +1 for X, "bovenaan" in the reply."""
    decision = decide(None, "wrong", "taalhuis", ANSWERED)
    assert decision.votes == (("veilig-thuis", -1), ("taalhuis", 1))
    assert "taalhuis bovenaan had moeten staan" in feedback_text(decision, ANSWERED, "nl")
    assert "taalhuis should have come first" in feedback_text(decision, ANSWERED, "en")


def test_an_answer_without_services_teaches_nothing_but_keeps_the_verdict() -> None:
    """An answer with no services: the verdict is kept, no votes except a named one."""
    assert decide(None, "good", None, ()).votes == ()
    assert decide(None, "wrong", "taalhuis", ()).votes == (("taalhuis", 1),)


def test_every_decision_after_any_sequence_matches_the_last_meaningful_command() -> None:
    """Over every sequence of three commands, the stored verdict is the last command's,
    except that a bare !fout keeps a named service and a refused one changes nothing."""
    commands = [("good", None), ("wrong", None), ("wrong", "schuldhulp"),
                ("wrong", "voedselbank"), ("wrong", "veilig-thuis")]
    for seq in itertools.product(commands, repeat=3):
        rating: Rating | None = None
        for verdict, named in seq:
            decision = decide(rating, verdict, named, ANSWERED)  # type: ignore[arg-type]
            if named == ANSWERED[0]:
                assert decision.rating is None
                continue
            expected = (Rating("good") if verdict == "good" else
                        rating if (named is None and rating is not None
                                   and rating.expected_service_id is not None)
                        else Rating("wrong", named))
            assert decision.rating == expected, seq
            rating = decision.rating


@pytest.mark.parametrize(("before", "verdict", "named", "outcome", "after"), CASES)
def test_every_outcome_has_a_dutch_and_an_english_sentence(
        before: Rating | None, verdict: str, named: str | None, outcome: str,
        after: Rating) -> None:
    """The reply names what is stored now, and a replaced verdict or service; Dutch by
    default, English for the English commands; different texts for the two."""
    decision = decide(before, verdict, named, ANSWERED)  # type: ignore[arg-type]
    nl, en = (feedback_text(decision, ANSWERED, lang) for lang in ("nl", "en"))
    assert nl != en and nl.strip() and en.strip()
    if after.expected_service_id:
        assert after.expected_service_id in nl and after.expected_service_id in en
    marks = {"same": ("al laten weten", "told me already"),
             "kept_service": ("blijft staan", "that stays"),
             "replaced_service": ("in plaats van schuldhulp", "instead of schuldhulp"),
             "to_good": ("ingetrokken", "withdrawn"),
             "to_wrong": ("je eerdere !goed is ingetrokken", "your earlier !good is withdrawn")}
    if outcome in marks:
        assert marks[outcome][0] in nl and marks[outcome][1] in en
    if outcome == "to_good" and before is not None and before.expected_service_id:
        assert f"!fout {before.expected_service_id}" in nl
        assert f"!wrong {before.expected_service_id}" in en


def test_named_first_refusal_says_what_to_do() -> None:
    """The refusal says nothing was stored and offers !goed or another service."""
    nl, en = named_first_text("taalhuis", "nl"), named_first_text("taalhuis", "en")
    assert "niets opgeslagen" in nl and "!goed" in nl and "!fout <dienst-id>" in nl
    assert "stored nothing" in en and "!good" in en and "!wrong <service-id>" in en
