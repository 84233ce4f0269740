"""``!uitnodigen`` with two people, as a professional typed it (outside18): the bot
invited the first, answered ok, and said nothing of the second. Now it refuses, says to
invite one at a time, and invites nobody (the argument parser, pure)."""

from __future__ import annotations

import pytest

from bots.casus.parse import parse_invitee
from busbaan.errors import UsageError


@pytest.mark.parametrize("args", [
    "@esra:localhost",
    "@esra:localhost graag",
    "@esra:localhost.",
    "https://matrix.to/#/@esra:localhost",
    "@esra:localhost https://matrix.to/#/@esra:localhost",
])
def test_one_person_is_invited(args: str) -> None:
    """One Matrix ID, with or without words after it or as an Element pill, is read."""
    assert parse_invitee(args) == "@esra:localhost"


@pytest.mark.parametrize("args", [
    "@esra:localhost @frank:localhost",
    "@esra:localhost, @frank:localhost.",
    "@esra:localhost en @frank:localhost",
    "@esra:localhost https://matrix.to/#/@frank:localhost",
])
def test_two_people_are_refused_naming_both(args: str) -> None:
    """A second Matrix ID is a usage error that says nobody was invited and names both
    commands to send, in Dutch and English."""
    with pytest.raises(UsageError) as caught:
        parse_invitee(args)
    nl, en = caught.value.nl, caught.value.en
    assert "niemand uitgenodigd" in nl and "nobody was invited" in en
    assert "@esra:localhost" in nl and "@frank:localhost" in nl
    assert "!uitnodigen" in nl and "!invite" in en


def test_no_matrix_id_is_still_a_usage_error() -> None:
    """A bare name stays the old usage error (no Matrix ID)."""
    with pytest.raises(UsageError, match="not a Matrix ID"):
        parse_invitee("esra")
