"""``decide``: the one function that says who may be in a case room (pure).

The homeserver gate calls it before an invite, join or knock of a local user; the
casus bot calls it to explain a refusal and to reconcile membership (remote joins,
expiry, withdrawal). There is no second copy of these rules anywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields

from busbaan.consent.model import Action, CaseScope, Grant, Professional
from busbaan.policy.model import Policy

#: State event types only the busbaan bot may send in a case room.
PROTECTED_STATE = frozenset(
    {
        "m.room.power_levels",
        "m.room.server_acl",
        "m.room.history_visibility",
        "m.room.join_rules",
        "m.room.guest_access",
        "m.room.encryption",
        "m.room.tombstone",
        "m.room.create",
        "m.room.name",
        "m.room.topic",
        "m.room.canonical_alias",
        # A pending invitation of an e-mail address or phone number: nobody the directory
        # knows, so never in a case room; its display name would be personal data in the
        # room state (found by the outside check, session 3).
        "m.room.third_party_invite",
    }
)
BUSBAAN_STATE_PREFIX = "nl.busbaan."

DirectoryLookup = Callable[[str], Professional | None]


@dataclass(frozen=True, slots=True)
class Decision:
    """The answer: allowed or not, a stable code, and a reason a person understands."""

    allowed: bool
    code: str
    nl: str
    en: str
    grant_id: str | None = None
    categories: tuple[str, ...] = ()
    legal_bases: tuple[str, ...] = ()
    checks: Mapping[str, str] = field(default_factory=dict)

    def reason(self, lang: str = "nl") -> str:
        return self.en if lang == "en" else self.nl


# Decision is frozen, so its generated __init__ sets every field through
# object.__setattr__: that was two thirds of decide's time (bench/decide.py). _decision
# fills the slots through their descriptors instead: the same, equal object, faster.
# tests/core/test_decide_table.py checks it against Decision(...) field by field.
(_set_allowed, _set_code, _set_nl, _set_en, _set_grant_id, _set_categories,
 _set_legal_bases, _set_checks) = (Decision.__dict__[f.name].__set__ for f in fields(Decision))


def _decision(allowed: bool, code: str, nl: str, en: str, checks: Mapping[str, str],
              grant_id: str | None = None, categories: tuple[str, ...] = (),
              legal_bases: tuple[str, ...] = ()) -> Decision:
    d: Decision = object.__new__(Decision)
    _set_allowed(d, allowed)
    _set_code(d, code)
    _set_nl(d, nl)
    _set_en(d, en)
    _set_grant_id(d, grant_id)
    _set_categories(d, categories)
    _set_legal_bases(d, legal_bases)
    _set_checks(d, checks)
    return d


def _refuse(code: str, nl: str, en: str, **checks: str) -> Decision:
    return _decision(False, code, nl, en, {"authorised": "fail", **checks})


def _who(user_id: str, pro: Professional | None) -> str:
    return f"{user_id} ({pro.organisation}/{pro.role})" if pro else user_id


def scope_admits(
    policy: Policy,
    case: CaseScope,
    who: Professional,
    now: dt.datetime,
    regie_org: str | None,
) -> Decision:
    """Whether the case's scope covers ``who`` now, and by which grant or access."""
    org = policy.organisation(who.organisation)
    if org is None or org.role(who.role) is None:
        return _refuse(
            "refused.unknown_in_policy",
            f"{_who(who.user_id, who)} hoort niet bij een organisatie of rol uit het beleid; "
            "vraag de beheerder de gids bij te werken.",
            f"{_who(who.user_id, who)} does not belong to an organisation or role in the "
            "policy; ask the administrator to update the directory.",
            consent="fail",
        )
    for access in case.accesses:
        if access.user_id == who.user_id and now < access.until:
            until = access.until.isoformat(timespec="minutes")
            return _decision(
                True, f"ok.{access.kind}",
                f"{who.user_id} heeft tijdelijke toegang ({access.kind}) tot {until}.",
                f"{who.user_id} has temporary access ({access.kind}) until {until}.",
                {"authorised": "pass", "consent": "n/a",
                 "emergency": "yes" if access.kind == "break_glass" else "no"},
            )
    if who.organisation == case.home_organisation or who.organisation == regie_org:
        return _decision(
            True, "ok.home_organisation",
            f"{who.organisation} is de organisatie van de regie.",
            f"{who.organisation} is the lead professional's organisation.",
            {"authorised": "pass", "consent": "n/a", "emergency": "no"},
        )
    grants = case.grants_for(who.organisation)  # all for who's organisation
    best_inactive: Grant | None = None
    role = who.role
    for grant in grants:
        # grant.covers(who) and grant.active_at(now), inlined: this loop is decide's
        # hot path (bench/decide.py); tests/core pins it to the methods' behaviour.
        if grant.roles and role not in grant.roles:
            continue
        withdrawn = grant.withdrawn_at
        if (withdrawn is None or now < withdrawn) and grant.valid_from <= now < grant.valid_until:
            until = grant.valid_until.date().isoformat()
            return _decision(
                True, "ok.grant",
                f"Toestemming {grant.grant_id} laat {who.organisation} toe tot {until}.",
                f"Grant {grant.grant_id} admits {who.organisation} until {until}.",
                {"authorised": "pass", "consent": "pass", "emergency": "no"},
                grant.grant_id, grant.categories, grant.legal_bases,
            )
        best_inactive = grant
    # A refusal names the organisation as people know it, and its id where a command
    # needs it (outside18 F8: "inkomen valt buiten ..."); only refusals pay for this.
    named = f"{org.name} ({who.organisation})"
    if best_inactive is not None:
        status = best_inactive.status(now)
        nl_status = {"withdrawn": "ingetrokken", "expired": "verlopen",
                     "pending": "nog niet ingegaan"}.get(status, status)
        nl_next, en_next = ("De regie kan een nieuwe geven met !toestemming geef.",
                            "The lead professional can give a new one with !toestemming geef.")
        if status == "withdrawn":
            # The grant does not say who withdrew it; when the citizen did, only the
            # citizen can give it again and !toestemming geef is refused
            # (BB_CITIZEN_WITHDREW), so name both ways (outside18).
            nl_next = ("De regie kan een nieuwe geven met !toestemming geef; trok de burger "
                       "zelf in, dan kan alleen de burger hem opnieuw geven en vraagt de "
                       "regie dat met !toestemming voorstel.")
            en_next = ("The lead professional can give a new one with !toestemming geef; if "
                       "the citizen withdrew it, only the citizen can give it again, and the "
                       "lead professional asks with !toestemming voorstel.")
        return _refuse(
            f"refused.grant_{status}",
            f"De toestemming {best_inactive.grant_id} voor {named} is {nl_status}. "
            f"{nl_next}",
            f"The grant {best_inactive.grant_id} for {named} is {status}. {en_next}",
            consent="fail",
        )
    if grants:
        roles = sorted({r for g in grants for r in g.roles})
        return _refuse(
            "refused.role_not_in_scope",
            f"De toestemming voor {named} geldt alleen voor de rollen "
            f"{', '.join(roles)}, niet voor '{who.role}'.",
            f"The grant for {named} covers only the roles {', '.join(roles)}, "
            f"not '{who.role}'.",
            consent="fail",
        )
    return _refuse(
        "refused.organisation_not_in_scope",
        f"{named} valt buiten de toestemming van deze casus. De regie kan "
        f"toestemming geven met: !toestemming geef {who.organisation} <categorie> "
        "grondslag=<grondslag> tot=<JJJJ-MM-DD>.",
        f"{named} is outside this case's consent scope. The lead professional "
        f"can add it with: !toestemming geef {who.organisation} <category> "
        "grondslag=<basis> tot=<YYYY-MM-DD>.",
        consent="fail",
    )


def decide(
    policy: Policy,
    case: CaseScope,
    directory: DirectoryLookup,
    action: Action,
    *,
    actor: str,
    subject: str | None = None,
    now: dt.datetime,
    bot_user_id: str,
    event_type: str | None = None,
) -> Decision:
    """May ``actor`` do ``action`` (to ``subject``) in this case room now?

    - the busbaan bot may always send state and be a member (it enforces the scope
      itself); whom it invites must be in the scope like anyone else;
    - nobody may knock; a closed case admits nobody;
    - only the regie invites; only the bot sends protected or ``nl.busbaan.*`` state;
    - an invitee, joiner or member must be covered by the scope: the regie's own
      organisation, an active grant for their organisation (and role), or a
      temporary access (break-glass, sideline);
    - a professional not in the directory is refused (fail closed).
    """
    if action is Action.SEND_STATE:
        if actor == bot_user_id:
            return _decision(True, "ok.bot", "De busbaan-bot beheert de kamer.",
                             "The busbaan bot manages the room.", {"authorised": "pass"})
        if event_type and (
            event_type in PROTECTED_STATE or event_type.startswith(BUSBAAN_STATE_PREFIX)
        ):
            return _refuse(
                "refused.protected_state",
                f"Alleen de busbaan-bot mag '{event_type}' in een casuskamer zetten. Gebruik "
                "de commando's van de bot (!toestemming, !help).",
                f"Only the busbaan bot may set '{event_type}' in a case room. Use the bot's "
                "commands (!toestemming, !help).",
            )
        return _decision(True, "ok.state", "Toegestaan.", "Allowed.", {"authorised": "pass"})

    target = subject or actor
    if target == bot_user_id:
        return _decision(True, "ok.bot", "De busbaan-bot hoort in elke casuskamer.",
                         "The busbaan bot belongs in every case room.", {"authorised": "pass"})
    if action is Action.KNOCK:
        return _refuse(
            "refused.knock",
            "Aankloppen bij een casuskamer kan niet. Vraag de regie "
            f"({case.regie}) om u uit te nodigen.",
            f"Knocking on a case room is not possible. Ask the lead professional "
            f"({case.regie}) to invite you.",
        )
    if case.closed:
        return _refuse("refused.case_closed",
                       f"Casus {case.case_id} is gesloten; niemand kan er nog bij.",
                       f"Case {case.case_id} is closed; nobody can enter it any more.")
    if action is Action.INVITE and actor not in (case.regie, bot_user_id):
        return _refuse(
            "refused.not_regie",
            f"Alleen de regie ({case.regie}) kan mensen uitnodigen in casus {case.case_id}. "
            "Vraag de regie om de uitnodiging.",
            f"Only the lead professional ({case.regie}) can invite people to case "
            f"{case.case_id}. Ask them to send the invitation.",
        )
    who = directory(target)
    if who is None:
        return _refuse(
            "refused.not_in_directory",
            f"{target} staat niet in de gids van busbaan, dus busbaan weet niet namens welke "
            "organisatie en in welke rol deze persoon werkt. Vraag de beheerder om "
            "opname in de gids.",
            f"{target} is not in busbaan's directory, so busbaan does not know which "
            "organisation and role they act in. Ask the administrator to add them.",
            consent="fail",
        )
    regie_org = None
    if who.organisation != case.home_organisation:  # else the regie's organisation is moot
        regie = directory(case.regie)
        regie_org = regie.organisation if regie else None
    return scope_admits(policy, case, who, now, regie_org)


def outside_scope(
    policy: Policy,
    case: CaseScope,
    directory: DirectoryLookup,
    members: Iterable[str],
    *,
    now: dt.datetime,
    bot_user_id: str,
) -> list[tuple[str, Decision]]:
    """Who of ``members`` (joined or invited) the scope no longer covers, each with the
    refusal :func:`decide` gives for staying, in user-id order (pure). The casus bot
    removes exactly these (reconciliation) and names them in a withdrawal's reply
    before it removes them: one rule for both."""
    out: list[tuple[str, Decision]] = []
    for user_id in sorted(set(members)):
        if user_id == bot_user_id:
            continue
        decision = decide(policy, case, directory, Action.STAY, actor=bot_user_id,
                          subject=user_id, now=now, bot_user_id=bot_user_id)
        if not decision.allowed:
            out.append((user_id, decision))
    return out
