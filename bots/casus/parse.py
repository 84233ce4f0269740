"""Parsing the casus bot's command arguments (pure)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from busbaan.errors import PersonalData, UsageError
from busbaan.privacy import find_personal_data, name_kinds

_USER = re.compile(r"^@[a-z0-9._=\-/+]+:[A-Za-z0-9.\-]+(:\d+)?$")
_KV = re.compile(r"^(?P<key>[a-zA-Z_]+)=(?P<value>.*)$")

GRANT_USAGE_NL = ("!toestemming geef <organisatie> <categorie>[,<categorie>...] "
                  "grondslag=<grondslag>[,<art9-uitzondering>] tot=<JJJJ-MM-DD> "
                  "[rollen=<rol>,...]")
GRANT_USAGE_EN = ("!consent give <organisation> <category>[,<category>...] "
                  "basis=<legal basis>[,<art9 exception>] until=<YYYY-MM-DD> [roles=<role>,...]")

_KEYS = {
    "grondslag": "bases", "basis": "bases", "grondslagen": "bases",
    "tot": "until", "until": "until",
    "rollen": "roles", "rol": "roles", "roles": "roles", "role": "roles",
}


@dataclass(frozen=True, slots=True)
class GrantRequest:
    organisation: str
    categories: tuple[str, ...]
    legal_bases: tuple[str, ...]
    until: dt.date | None
    roles: tuple[str, ...]


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip().lower() for v in value.split(",") if v.strip())


def parse_grant(args: str) -> GrantRequest:
    """``<org> <cat,...> grondslag=<b,...> tot=<date> [rollen=...]`` → GrantRequest."""
    positional: list[str] = []
    named: dict[str, str] = {}
    for token in args.split():
        m = _KV.match(token)
        if m:
            key = _KEYS.get(m.group("key").lower())
            if key is None:
                raise UsageError(
                    f"Onbekende optie '{m.group('key')}='. Gebruik grondslag=, tot= of rollen=.",
                    f"Unknown option '{m.group('key')}='. Use basis=, until= or roles=.",
                )
            named[key] = m.group("value")
        else:
            positional.append(token)
    if len(positional) < 2:
        raise UsageError("Noem een organisatie en minstens één categorie.",
                         "Name an organisation and at least one category.")
    if len(positional) > 2:
        # Allow "inkomen, schulden" with spaces after commas.
        positional = [positional[0], ",".join(positional[1:])]
    if "bases" not in named or not _split(named["bases"]):
        raise UsageError("De grondslag ontbreekt (grondslag=...).",
                         "The legal basis is missing (basis=...).")
    until = None
    if "until" in named:
        try:
            until = dt.date.fromisoformat(named["until"])
        except ValueError:
            raise UsageError(
                f"'{named['until']}' is geen datum; schrijf tot=JJJJ-MM-DD, "
                "bijvoorbeeld tot=2027-03-31.",
                f"'{named['until']}' is not a date; write until=YYYY-MM-DD, "
                "for example until=2027-03-31.",
            ) from None
    return GrantRequest(
        organisation=positional[0].lower(),
        categories=_split(positional[1]),
        legal_bases=_split(named["bases"]),
        until=until,
        roles=_split(named.get("roles", "")),
    )


def parse_invitee(args: str) -> str:
    """The one person ``!uitnodigen`` invites. A second Matrix ID is refused rather than
    silently dropped (outside18: ``!uitnodigen @a:x @b:x`` invited @a only and answered
    ok, so the regie believed @b was invited too)."""
    first = parse_user(args)
    named = {token.rstrip(".,;") for token in args.split()}
    named |= set(re.findall(r"https://matrix\.to/#/(@[^\s\"'>)]+)", args))
    extra = sorted(u for u in named if _USER.match(u) and u != first)
    if extra:
        raise UsageError(
            f"Nodig één persoon per keer uit; er is niemand uitgenodigd. Stuur eerst "
            f"!uitnodigen {first} en daarna !uitnodigen {extra[0]}.",
            f"Invite one person at a time; nobody was invited. Send !invite {first} "
            f"first, then !invite {extra[0]}.",
        )
    return first


def parse_user(args: str) -> str:
    """One Matrix user ID (``@name:server``); Element pills arrive as plain text too."""
    token = args.strip().split()[0] if args.strip() else ""
    m = re.search(r"https://matrix\.to/#/(@[^\s\"'>)]+)", args)
    if m:
        token = m.group(1)
    token = token.rstrip(".,;")
    if not _USER.match(token):
        findings = find_personal_data(args)
        if findings:
            # Not echoed (session 19): the answer would be a second copy in the room.
            raise UsageError(
                f"Dat is geen Matrix-ID, en het lijkt {name_kinds(findings)} te bevatten "
                "(ik herhaal het niet). Schrijf het Matrix-ID van een collega als "
                "@naam:server.",
                f"That is not a Matrix ID, and it seems to contain "
                f"{name_kinds(findings, 'en')} (not repeated here). Write a colleague's "
                "Matrix ID as @name:server.",
            )
        raise UsageError(
            f"'{token or args.strip()}' is geen Matrix-ID. Schrijf het als @naam:server.",
            f"'{token or args.strip()}' is not a Matrix ID. Write it as @name:server.",
        )
    return token


_CASE_ID = re.compile(r"^C-[A-Z2-9]{8}$", re.IGNORECASE)


def is_case_id(token: str) -> bool:
    return bool(_CASE_ID.match(token))


def split_case_id(args: str) -> tuple[str | None, str]:
    """``[<case-id>] <rest>`` → (the case id in capitals, or None; the rest)."""
    first, _, rest = args.strip().partition(" ")
    if first and is_case_id(first.rstrip(".,;:")):
        return first.rstrip(".,;:").upper(), rest.strip()
    return None, args.strip()


def check_unknown_user(user_id: str) -> None:
    """Refuse a Matrix ID the directory does not know whose name part seems to hold
    personal data (separators read as spaces, as the gate reads a room address), before
    anything records it. Session 19 (guidepd): ``!uitnodigen @111222333:server`` was
    refused as unknown and the refusal's audit entry kept the ID, and with it the BSN,
    as its subject (a leaf: never sealed, never erased). A professional in the
    directory is never refused here: their ID is not a citizen's data."""
    localpart = user_id[1:].partition(":")[0]
    findings = find_personal_data(re.sub(r"[-._=/+]", " ", localpart))
    if findings:
        raise PersonalData(
            f"Dit Matrix-ID staat niet in de gids van busbaan en lijkt {name_kinds(findings)} "
            "te bevatten; er is niemand uitgenodigd en niets vastgelegd. Nodig een collega "
            "uit met het Matrix-ID dat in de gids staat (@naam:server).",
            f"This Matrix ID is not in busbaan's directory and seems to contain "
            f"{name_kinds(findings, 'en')}; nobody was invited and nothing was recorded. "
            "Invite a colleague by the Matrix ID in the directory (@name:server).",
            data={"kinds": [f.kind for f in findings]})


def parse_user_and_reason(args: str) -> tuple[str, str]:
    """``@user:server <reason...>`` → (user id, reason); the reason may be empty here
    (the handover core refuses an empty one with its own errcode)."""
    stripped = args.strip()
    if not stripped:
        raise UsageError("Noem de collega die de regie overneemt, en de reden.",
                         "Name the colleague who takes over the lead, and the reason.")
    first, _, rest = stripped.replace("\n", " ").partition(" ")
    return parse_user(first), rest.strip()


def parse_case_and_reason(args: str) -> tuple[str, str]:
    """``<case-id> <reason...>`` → (case id, reason); a missing case id is a usage error."""
    case_id, rest = split_case_id(args.replace("\n", " "))
    if case_id is None:
        token = args.strip().split()[0] if args.strip() else ""
        raise UsageError(
            "Noem eerst de casus (C-XXXXXXXX) en dan de reden"
            + (f"; '{token}' is geen casusnummer." if token else "."),
            "Name the case (C-XXXXXXXX) first, then the reason"
            + (f"; '{token}' is not a case id." if token else "."),
        )
    return case_id, rest
