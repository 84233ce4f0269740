"""The grant command the bot suggests when an addressee is outside the scope."""

from __future__ import annotations

import pytest

from bots.casus.parse import parse_grant
from busbaan.consent import check_grant_lawful
from busbaan.handover import grant_command
from tests.handover.conftest import NOW


@pytest.mark.parametrize("org", ["inkomen", "schuldhulp", "wmo", "buurtteam", "ggd",
                                 "huisartsen", "humanitas"])
def test_the_suggested_command_parses_and_is_lawful(policy, org: str) -> None:
    """For every organisation the suggestion is a command the bot accepts and a lawful grant."""
    found = grant_command(policy, org, NOW)
    if found is None:
        pytest.skip(f"no lawful suggestion for {org}")
    nl, en = found
    assert nl.startswith(f"!toestemming geef {org} ") and en.startswith(f"!consent give {org} ")
    req = parse_grant(nl.removeprefix("!toestemming geef "))
    assert req.organisation == org
    assert check_grant_lawful(policy, req.organisation, req.categories, req.legal_bases) == []


def test_public_bodies_get_their_law_not_consent(policy) -> None:
    """A public-task organisation is offered its own law, never consent."""
    found = grant_command(policy, "inkomen", NOW)
    assert found is not None and "grondslag=participatiewet" in found[0]


def test_unknown_organisation_gets_no_suggestion(policy) -> None:
    """An organisation the policy does not know gets no suggestion."""
    assert grant_command(policy, "banaan", NOW) is None
