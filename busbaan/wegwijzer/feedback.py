"""What a verdict on an answer does (pure): ``!goed``, ``!fout [dienst]`` and their
English aliases, given what the same person said about the same answer before.

One verdict per person and answer is kept (``route_feedback``); what it teaches is
kept as that verdict's votes in ``route_learned`` (:func:`busbaan.routing.learning.
feedback_votes`), replaced as a whole when the verdict changes. :func:`decide` is the
one rule for what a new command does to the stored verdict; the store applies it in
the transaction that reads the earlier verdict (so that two commands at once cannot
both build on the same earlier one), and the bot says what happened with
:func:`bots.wegwijzer.render.feedback_text`.

Session 11 (outside13, finding 5: a bare ``!fout`` after ``!wrong taalhuis`` wiped the
named service, and with it the only useful learning signal):

- a bare ``!fout`` after ``!fout X`` keeps X (the person adds nothing by repeating
  that the answer was wrong; the service they named is what teaches) and says so;
- ``!fout Y`` after ``!fout X`` replaces X by Y and says so;
- ``!goed`` after ``!fout [X]`` changes the verdict and withdraws the votes of the
  ``!fout`` (also the +1 for X); ``!fout [Y]`` after ``!goed`` the other way round;
- the same verdict again changes nothing (nothing stored, no audit entry, no vote);
- ``!fout X`` where X already stood first in the answer is refused (nothing stored):
  it says the answer was wrong and right at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from busbaan.routing.learning import feedback_votes
from busbaan.wegwijzer.model import Verdict

#: What a command did to the stored verdict (``data.outcome`` of the bot's reply).
Outcome = Literal["new", "same", "kept_service", "named", "replaced_service",
                  "to_good", "to_wrong", "named_first"]


@dataclass(frozen=True, slots=True)
class Rating:
    """A stored verdict: good, or wrong with the service that should have come (if
    the person named one)."""

    verdict: Verdict
    expected_service_id: str | None = None


@dataclass(frozen=True, slots=True)
class FeedbackDecision:
    """The verdict to keep after a command, and why.

    ``rating`` is what is stored afterwards (None: the command is refused and nothing
    changes); ``before`` what was stored before; ``votes`` the (service, ±1) votes of
    ``rating`` on the answer, which replace the votes of ``before``."""

    outcome: Outcome
    before: Rating | None
    rating: Rating | None
    votes: tuple[tuple[str, int], ...] = ()

    @property
    def changes(self) -> bool:
        """Whether anything is stored (a verdict, votes, an audit entry)."""
        return self.rating is not None and self.rating != self.before

    @property
    def withdrawn(self) -> Rating | None:
        """The earlier verdict this one replaces, when it is replaced (its votes go)."""
        return self.before if self.changes else None


def decide(before: Rating | None, verdict: Verdict, named: str | None,
           answered: tuple[str, ...]) -> FeedbackDecision:
    """What ``!goed`` (``verdict`` good) or ``!fout [named]`` (wrong) does on an answer
    that gave ``answered`` (service ids, best first), when the same person's stored
    verdict on it is ``before`` (None: none yet)."""
    if verdict == "good":
        named = None
    if named is not None and answered and answered[0] == named:
        return FeedbackDecision("named_first", before, None)
    outcome: Outcome
    if verdict == "good":
        rating = Rating("good")
        outcome = ("new" if before is None else "same" if before.verdict == "good"
                   else "to_good")
    elif before is None:
        rating, outcome = Rating("wrong", named), "new"
    elif before.verdict == "good":
        rating, outcome = Rating("wrong", named), "to_wrong"
    elif named is None:
        rating = before  # a bare !fout adds nothing to a named one: keep the service
        outcome = "kept_service" if before.expected_service_id is not None else "same"
    elif before.expected_service_id is None:
        rating, outcome = Rating("wrong", named), "named"
    elif before.expected_service_id == named:
        rating, outcome = before, "same"
    else:
        rating, outcome = Rating("wrong", named), "replaced_service"
    votes = tuple(feedback_votes(rating.verdict, rating.expected_service_id, answered))
    return FeedbackDecision(outcome, before, rating, votes)


__all__ = ["FeedbackDecision", "Outcome", "Rating", "decide"]
