"""Is a grant lawful under the policy? (pure)

One function, :func:`check_grant_lawful`, holds the rules on legal bases; the policy
loader uses it to check templates, the bots use it before they give a grant.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from busbaan.policy.model import Policy


@dataclass(frozen=True, slots=True)
class Violation:
    """Why a grant would be unlawful or invalid; ``rule`` is stable for machines."""

    rule: str
    nl: str
    en: str


def _names(items: Sequence[str]) -> str:
    return ", ".join(sorted(items)) if items else "—"


def check_grant_lawful(
    policy: Policy,
    organisation: str,
    categories: Sequence[str],
    legal_bases: Sequence[str],
    roles: Sequence[str] = (),
) -> list[Violation]:
    """Every reason why this grant is not lawful; empty when it is."""
    out: list[Violation] = []
    org = policy.organisation(organisation)
    if org is None:
        known = [o.id for o in policy.organisations]
        return [Violation(
            "unknown-organisation",
            f"Onbekende organisatie '{organisation}'. Kies uit: {_names(known)}.",
            f"Unknown organisation '{organisation}'. Choose from: {_names(known)}.",
        )]
    for role in roles:
        if org.role(role) is None:
            known = [r.id for r in org.roles]
            out.append(Violation(
                "unknown-role",
                f"Organisatie '{org.id}' heeft geen rol '{role}'. Kies uit: {_names(known)}.",
                f"Organisation '{org.id}' has no role '{role}'. Choose from: {_names(known)}.",
            ))
    if not categories:
        out.append(Violation("no-categories", "Noem minstens één gegevenscategorie.",
                             "Name at least one data category."))
    unknown_cats = [c for c in categories if policy.category(c) is None]
    if unknown_cats:
        known = [c.id for c in policy.categories]
        out.append(Violation(
            "unknown-category",
            f"Onbekende categorie {_names(unknown_cats)}. Kies uit: {_names(known)}.",
            f"Unknown category {_names(unknown_cats)}. Choose from: {_names(known)}.",
        ))
    unknown_bases = [b for b in legal_bases if policy.legal_basis(b) is None]
    if unknown_bases:
        known = [b.id for b in policy.legal_bases]
        out.append(Violation(
            "unknown-legal-basis",
            f"Onbekende grondslag {_names(unknown_bases)}. Kies uit: {_names(known)}.",
            f"Unknown legal basis {_names(unknown_bases)}. Choose from: {_names(known)}.",
        ))
    if out:
        return out

    bases = [policy.legal_basis(b) for b in legal_bases]
    art6 = [b for b in bases if b is not None and not b.is_art9]
    art9 = [b for b in bases if b is not None and b.is_art9]
    if not art6:
        return [Violation(
            "no-art6-basis",
            "Een toestemming heeft een grondslag uit AVG art. 6 nodig (bijvoorbeeld een wet "
            "of toestemming); een art. 9-uitzondering alleen is niet genoeg.",
            "A grant needs a basis under GDPR art. 6 (a law or consent); an art. 9 "
            "exception alone is not enough.",
        )]
    if org.public_task:
        for b in art6:
            if b.kind == "consent":
                lawful = sorted({
                    r.legal_basis for r in policy.rules
                    if (org.id in r.organisations) and r.legal_basis != b.id
                    and not (policy.legal_basis(r.legal_basis) or b).is_art9
                })
                use_nl = (f"Gebruik de wet waarop de taak rust: {_names(lawful)}." if lawful
                          else f"Het beleid kent geen wet die '{org.id}' gegevens uit een "
                               "casus laat verwerken, dus deelt u ze hier niet.")
                use_en = (f"Use the law its task rests on: {_names(lawful)}." if lawful
                          else f"The policy names no law that lets '{org.id}' process data "
                               "from a case, so do not share it here.")
                out.append(Violation(
                    "consent-not-substitute",
                    f"'{org.id}' voert een publieke taak uit: toestemming kan een ontbrekende "
                    f"wettelijke grondslag niet vervangen (AP). {use_nl}",
                    f"'{org.id}' performs a public task: consent cannot replace a missing "
                    f"legal basis (Dutch DPA). {use_en}",
                ))
    for cat_id in categories:
        cat = policy.category(cat_id)
        assert cat is not None
        if cat.special == "art10":
            out.append(Violation(
                "art10-not-allowed",
                f"'{cat.id}' zijn strafrechtelijke gegevens (AVG art. 10); die mogen in een "
                "casuskamer niet worden gedeeld.",
                f"'{cat.id}' is criminal-law data (GDPR art. 10); it may not be shared in a "
                "case room.",
            ))
            continue
        covering6 = [
            r for r in policy.rules
            if r.covers(org.id, cat.id) and any(b.id == r.legal_basis for b in art6)
        ]
        if not covering6:
            options = sorted({
                r.legal_basis for r in policy.rules
                if r.covers(org.id, cat.id)
                and not (policy.legal_basis(r.legal_basis) or art6[0]).is_art9
                and not (org.public_task and r.legal_basis == "toestemming")
            })
            out.append(Violation(
                "no-rule",
                f"Geen regel staat toe dat '{org.id}' gegevens over '{cat.id}' verwerkt op "
                f"grond van {_names([b.id for b in art6])}. "
                + (f"Wel mogelijk: {_names(options)}." if options else
                   "Geen enkele grondslag in het beleid staat dat toe."),
                f"No rule lets '{org.id}' process '{cat.id}' data on the basis of "
                f"{_names([b.id for b in art6])}. "
                + (f"Possible: {_names(options)}." if options else
                   "No basis in the policy allows it."),
            ))
        if cat.special == "art9":
            covering9 = [
                r for r in policy.rules
                if r.covers(org.id, cat.id) and any(b.id == r.legal_basis for b in art9)
            ]
            if not covering9:
                options = sorted({
                    r.legal_basis for r in policy.rules
                    if r.covers(org.id, cat.id)
                    and (policy.legal_basis(r.legal_basis) or art6[0]).is_art9
                })
                out.append(Violation(
                    "special-needs-art9",
                    f"'{cat.id}' is een bijzondere categorie (AVG art. 9): voeg een "
                    f"uitzondering uit art. 9 lid 2 toe. Voor '{org.id}' mogelijk: "
                    f"{_names(options)}.",
                    f"'{cat.id}' is a special category (GDPR art. 9): add an art. 9(2) "
                    f"exception. Possible for '{org.id}': {_names(options)}.",
                ))
    return out


def check_grant_period(
    policy: Policy, valid_from: dt.datetime, valid_until: dt.datetime
) -> list[Violation]:
    """Reasons why a grant's period is not allowed (in the past, or too long).

    The limit is a date, as people choose it (``tot=YYYY-MM-DD``): a grant may run
    until the end of the day (UTC) that lies ``consent_max_days`` after its start.
    """
    out = []
    max_until = valid_from + dt.timedelta(days=policy.limits.consent_max_days)
    last_day = max_until.astimezone(dt.UTC).date()
    # Grants end exclusively (active while now < valid_until): the end of the last day.
    limit = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(), dt.UTC)
    if valid_until <= valid_from:
        out.append(Violation(
            "end-in-past",
            f"De einddatum ligt in het verleden. Kies een datum na "
            f"{valid_from.date().isoformat()} en uiterlijk {last_day.isoformat()}.",
            f"The end date is in the past. Choose a date after "
            f"{valid_from.date().isoformat()} and no later than {last_day.isoformat()}.",
        ))
    elif valid_until > limit:
        out.append(Violation(
            "too-long",
            f"Toestemming mag hooguit {policy.limits.consent_max_days} dagen duren: kies "
            f"uiterlijk {last_day.isoformat()}.",
            f"Consent may last at most {policy.limits.consent_max_days} days: choose "
            f"{last_day.isoformat()} or earlier.",
        ))
    return out
