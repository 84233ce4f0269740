"""The exact ``!toestemming geef`` command that would admit an organisation (pure).

When a handover (or an invitation) is refused because the addressee's organisation
is outside the scope, the bot shows a command that the regie can copy. It asks for
the least: the ``contact`` category (or the first ordinary one), on the first legal
basis the policy names for that organisation (consent only where the organisation
may rest on it), for the default consent period. The suggestion is checked with
:func:`busbaan.consent.check_grant_lawful`; an organisation without a lawful option
gets no suggestion.
"""

from __future__ import annotations

import datetime as dt

from busbaan.consent.lawful import check_grant_lawful
from busbaan.policy.model import Policy

__all__ = ["grant_command"]


def grant_command(policy: Policy, organisation: str,
                  now: dt.datetime) -> tuple[str, str] | None:
    """(Dutch, English) command text, or None when no lawful grant can be suggested."""
    org = policy.organisation(organisation)
    if org is None:
        return None
    candidates = [r for r in policy.rules if organisation in r.organisations]
    candidates += [r for r in policy.rules if "*" in r.organisations
                   and not (org.public_task and r.legal_basis == "toestemming")]
    until = (now + dt.timedelta(days=policy.limits.consent_default_days)).date().isoformat()
    for rule in candidates:
        basis = policy.legal_basis(rule.legal_basis)
        if basis is None or basis.is_art9:
            continue
        ordinary = [c for c in sorted(rule.categories)
                    if (cat := policy.category(c)) is not None and cat.special is None]
        if not ordinary:
            continue
        category = "contact" if "contact" in ordinary else ordinary[0]
        if check_grant_lawful(policy, organisation, [category], [basis.id]):
            continue
        return (f"!toestemming geef {organisation} {category} grondslag={basis.id} tot={until}",
                f"!consent give {organisation} {category} basis={basis.id} until={until}")
    return None
