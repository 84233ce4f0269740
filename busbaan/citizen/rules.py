"""Which grants the citizen can withdraw, and what a professional may not give again
(pure; one place for these rules).

A grant *rests on consent* when every one of its AVG art. 6 bases is consent (kind
``consent`` in ``policies/legal_bases.yaml``); art. 9 exceptions do not change that.
A grant that rests on a law (Participatiewet, Wmo 2015, Jeugdwet, Wgs, …) cannot be
withdrawn: the citizen may object (AVG art. 21) through the privacy officer.

When the citizen withdrew a consent-based grant for an organisation, a professional
cannot give that organisation a consent-based grant again in the case; only the
citizen can (by approving a proposal). The citizen's last word decides: a withdrawal
after their last own grant for the organisation keeps the door shut. The case service
asks this (``regrant_refusals``) before it stores any grant, whoever calls it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from busbaan.citizen import DATA_SUBJECT
from busbaan.consent.model import Grant
from busbaan.policy import Policy

__all__ = ["REGRANT_RULE", "GrantHistory", "laws_of", "regrant_blocked", "regrant_refusals",
           "rests_on_consent"]

#: The rule id of a refused re-grant (in ``consent.grant_refused`` and the reply's data).
REGRANT_RULE = "citizen-withdrew"


def rests_on_consent(policy: Policy, legal_bases: Iterable[str]) -> bool:
    """True when every art. 6 basis is consent (and there is at least one)."""
    art6 = []
    for basis_id in legal_bases:
        basis = policy.legal_basis(basis_id)
        if basis is None:
            return False  # unknown: not the citizen's to withdraw (fail closed)
        if basis.kind != "art9":
            art6.append(basis)
    return bool(art6) and all(b.kind == "consent" for b in art6)


def laws_of(policy: Policy, legal_bases: Iterable[str]) -> list[str]:
    """The names of the laws (or bases) a grant rests on, for the sentence "omdat..."."""
    out = []
    for basis_id in legal_bases:
        basis = policy.legal_basis(basis_id)
        if basis is not None and basis.kind != "art9":
            out.append(basis.law or basis.name)
    return out


@dataclass(frozen=True, slots=True)
class GrantHistory:
    """A grant as stored, with who ended it and how (for the re-grant rule)."""

    grant: Grant
    withdrawal_channel: str | None = None

    @property
    def withdrawn_by_citizen(self) -> bool:
        return self.withdrawal_channel == "citizen"


def regrant_blocked(policy: Policy, history: Sequence[GrantHistory], organisation: str,
                    legal_bases: Sequence[str], given_by: str) -> bool:
    """Whether a professional (``given_by``) is stopped from giving this grant because
    the citizen's last word on the organisation's consent-based grants was a
    withdrawal: the citizen withdrew one, and gave none (``given_by`` the data
    subject) since. The citizen themselves (``DATA_SUBJECT``) is never stopped.
    Ordered by time (a grant the citizen gives at the very moment of a withdrawal
    counts as later), never by id."""
    if given_by == DATA_SUBJECT or not rests_on_consent(policy, legal_bases):
        return False
    same = [h for h in history if h.grant.organisation == organisation
            and rests_on_consent(policy, h.grant.legal_bases)]
    withdrawn = [h.grant.withdrawn_at for h in same
                 if h.withdrawn_by_citizen and h.grant.withdrawn_at is not None]
    if not withdrawn:
        return False
    last = max(withdrawn)
    return not any(h.grant.given_by == DATA_SUBJECT and h.grant.valid_from >= last
                   for h in same)


def regrant_refusals(policy: Policy, history: Sequence[GrantHistory],
                     grants: Iterable[Grant], given_by: str) -> list[str]:
    """The organisations (sorted, once each) of ``grants`` that ``given_by`` may not
    give because the citizen withdrew them: the one decision the case service asks
    before it stores any grant, whoever calls it (bot, workbench, page, CLI)."""
    return sorted({g.organisation for g in grants
                   if regrant_blocked(policy, history, g.organisation, g.legal_bases,
                                      given_by)})


def withdrawn_on(g: Grant) -> dt.date | None:
    return g.withdrawn_at.date() if g.withdrawn_at else None
