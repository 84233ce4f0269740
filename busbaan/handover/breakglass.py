"""The "loper" (break-glass): emergency access to a case outside its scope (pure).

Only roles the policy marks ``break_glass: true`` may use it, always with a reason of
at least a sentence. The access is an :class:`~busbaan.consent.model.Access` of kind
``break_glass`` that ``decide`` honours until it ends (``policies/limits.yaml``,
``break_glass.duration_hours``). Starting and ending are always recorded, flagged
for review; the edge tells the regie at once. The reason itself is free text and
goes only into the case-encrypted details; the records carry a coarse reason code.
"""

from __future__ import annotations

import datetime as dt
import re

from busbaan.consent.model import Access, Professional
from busbaan.handover.errors import BreakGlassReason, BreakGlassRole, CaseClosed, NotInDirectory
from busbaan.handover.machine import check_reason
from busbaan.handover.model import HandoverRules, Outcome, Record
from busbaan.policy.model import Policy

__all__ = ["REASON_CODES", "classify_reason", "end_access", "may_break_glass", "start"]

#: Coarse reason codes for reviewers, from words in the reason (first match wins).
REASON_CODES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("safety", ("veilig", "geweld", "dreig", "bedreig", "suïcid", "suicid", "politie",
                "crisis", "safety", "violence", "threat")),
    ("health", ("gezond", "ziek", "opname", "medicat", "psych", "health", "hospital")),
    ("housing", ("uitzet", "ontruim", "huisuitzetting", "dakloos", "evict", "homeless")),
    ("utilities", ("afsluit", "energie", "gas", "stroom", "water", "cut off", "utility")),
    ("income", ("beslag", "inkomen", "uitkering", "geen geld", "income", "benefit")),
)
_WORD = re.compile(r"[^\W\d_]{2,}")
MIN_WORDS = 4


def classify_reason(text: str) -> str:
    """A reason code such as ``breakglass.housing`` (``breakglass.other`` otherwise)."""
    lowered = text.lower()
    for code, words in REASON_CODES:
        if any(w in lowered for w in words):
            return f"breakglass.{code}"
    return "breakglass.other"


def may_break_glass(policy: Policy, who: Professional) -> bool:
    """Whether the policy lets ``who``'s role use the emergency key."""
    org = policy.organisation(who.organisation)
    role = org.role(who.role) if org is not None else None
    return role is not None and role.break_glass


def start(
    policy: Policy,
    *,
    user_id: str,
    who: Professional | None,
    case_id: str,
    case_closed: bool,
    reason: str,
    now: dt.datetime,
    rules: HandoverRules,
) -> Outcome:
    """Check and start emergency access for ``user_id`` to ``case_id``.

    Refused (nothing started) when the professional is unknown, their role may not
    use the key, the case is closed, or the reason is shorter than a sentence or
    carries personal data.
    """
    if who is None:
        raise NotInDirectory(
            f"{user_id} staat niet in de gids van busbaan; noodtoegang kan alleen namens "
            "een bekende organisatie en rol. Vraag de beheerder om opname in de gids.",
            f"{user_id} is not in busbaan's directory; emergency access is only possible "
            "for a known organisation and role. Ask the administrator to add you.",
        )
    if not may_break_glass(policy, who):
        allowed = sorted(f"{o.id}/{r.id}" for o in policy.organisations for r in o.roles
                         if r.break_glass and o.id == who.organisation)
        extra_nl = (f" In uw organisatie mag dat: {', '.join(allowed)}." if allowed else "")
        extra_en = (f" In your organisation these may: {', '.join(allowed)}." if allowed else "")
        raise BreakGlassRole(
            f"Uw rol ({who.organisation}/{who.role}) mag geen noodtoegang gebruiken.{extra_nl} "
            "Vraag een collega met die rol, of vraag de regie om u uit te nodigen.",
            f"Your role ({who.organisation}/{who.role}) may not use emergency access."
            f"{extra_en} Ask a colleague with such a role, or ask the lead professional to "
            "invite you.",
            data={"organisation": who.organisation, "role": who.role},
        )
    if case_closed:
        raise CaseClosed(f"Casus {case_id} is gesloten; ook noodtoegang kan niet meer.",
                         f"Case {case_id} is closed; emergency access is no longer possible.")
    minimum = rules.break_glass_min_reason_chars
    text = " ".join(reason.split())
    if len(text) < minimum or len(_WORD.findall(text)) < MIN_WORDS:
        raise BreakGlassReason(
            f"Noodtoegang vraagt een reden van minstens één zin (minstens {minimum} tekens): "
            "waarom kan dit niet wachten tot de regie u uitnodigt? Bijvoorbeeld: "
            f"!noodtoegang {case_id} Huisuitzetting morgen, regie is niet bereikbaar.",
            f"Emergency access needs a reason of at least a sentence (at least {minimum} "
            "characters): why can this not wait until the lead professional invites you? "
            f"For example: !breakglass {case_id} Eviction tomorrow, the lead cannot be "
            "reached.",
            data={"min_chars": minimum, "min_words": MIN_WORDS},
        )
    text = check_reason(text)
    until = now + dt.timedelta(hours=rules.break_glass_hours)
    code = classify_reason(text)
    access = Access(user_id=user_id, kind="break_glass", until=until, reason_code=code)
    record = Record(
        "breakglass.started", "E", case_id, user_id, reason_code=code,
        checks={"authorised": "pass", "consent": "n/a", "emergency": "yes"},
        details={"until": until.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%MZ"),
                 "review": "required", "organisation": who.organisation, "role": who.role},
        personal={"reason": text},
    )
    return Outcome(access=access, records=(record,))


def end_access(case_id: str, access: Access, now: dt.datetime) -> Record:
    """The record of a temporary access that has run out (break-glass or sideline)."""
    event = "breakglass.ended" if access.kind == "break_glass" else "handover.sideline_ended"
    checks = {"emergency": "yes"} if access.kind == "break_glass" else {}
    return Record(event, "E", case_id, None, subject=access.user_id,
                  reason_code=access.reason_code or None, checks=checks,
                  details={"kind": access.kind,
                           "ended_at": now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%MZ")})
