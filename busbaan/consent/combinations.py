"""Which combinations of legal basis and data category are lawful for an organisation
(pure). Derived from :func:`busbaan.consent.lawful.check_grant_lawful` — the one place
that holds the law rules — by asking it, never by reading the rules a second time."""

from __future__ import annotations

from dataclasses import dataclass

from busbaan.consent.lawful import check_grant_lawful
from busbaan.policy.model import Policy


@dataclass(frozen=True, slots=True)
class Combination:
    """Categories an organisation may receive on these legal bases (an art. 6 basis,
    plus an art. 9(2) exception for special categories)."""

    organisation: str
    legal_bases: tuple[str, ...]
    categories: tuple[str, ...]


def lawful_combinations(policy: Policy, organisation: str) -> list[Combination]:
    """Per art. 6 basis (and, for special categories, per art. 9 exception beside it)
    the categories a grant to ``organisation`` may hold; empty for an unknown one."""
    if policy.organisation(organisation) is None:
        return []
    art6 = [b for b in policy.legal_bases if not b.is_art9]
    art9 = [b for b in policy.legal_bases if b.is_art9]
    out: list[Combination] = []
    for basis in art6:
        plain = tuple(c.id for c in policy.categories if c.special is None
                      and not check_grant_lawful(policy, organisation, [c.id], [basis.id]))
        if plain:
            out.append(Combination(organisation, (basis.id,), plain))
        for exception in art9:
            special = tuple(
                c.id for c in policy.categories if c.special == "art9"
                and not check_grant_lawful(policy, organisation, [c.id],
                                           [basis.id, exception.id]))
            if special:
                out.append(Combination(organisation, (basis.id, exception.id), special))
    return out
