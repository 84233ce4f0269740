"""Which language a person reads busbaan's messages in (pure, no I/O).

A person chooses with a global account-data event of type ``nl.busbaan.language``
(set from any Matrix client; in Element: ``/devtools`` → *Explore account data* →
*Send custom account data event*)::

    {"language": "en"}

The gate reads it for its refusals, and answers it to the busbaan bots (the wegwijzer's
replies: :mod:`busbaan.gate.language_desk`); :func:`reply_language` is the one rule a bot
replies by.

Element's own interface language is a per-device browser setting that never reaches the
homeserver, so the homeserver cannot follow it. Anything missing, malformed or
unsupported falls back to the deployment's default (Dutch unless configured otherwise).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, get_args

Language = Literal["nl", "en"]
SUPPORTED: tuple[Language, ...] = get_args(Language)
#: The account-data event type that holds a person's choice.
LANGUAGE_ACCOUNT_DATA = "nl.busbaan.language"
DEFAULT: Language = "nl"


def parse_language(value: object) -> Language | None:
    """``"en"``, ``"EN-gb"``, ``"nl_NL"`` → the supported language; anything else None."""
    if not isinstance(value, str):
        return None
    primary = value.strip().lower().replace("_", "-").split("-", 1)[0]
    for lang in SUPPORTED:
        if primary == lang:
            return lang
    return None


def language_from_account_data(content: Mapping[str, Any] | None,
                               default: Language = DEFAULT) -> Language:
    """The language chosen in a ``nl.busbaan.language`` account-data event, or ``default``."""
    if not isinstance(content, Mapping):
        return default
    return parse_language(content.get("language")) or default


def reply_language(chosen: Language | None, asked_in: str | None) -> Language:
    """The one rule for the language a bot replies in: the person's own choice
    (``nl.busbaan.language``) where there is one; else the language they asked in
    (``asked_in``: an English alias, English words); else Dutch. ``asked_in`` None: a
    question in neither language (outside23: a chance English word in Turkish must not
    choose English)."""
    return chosen or parse_language(asked_in) or DEFAULT


__all__ = ["DEFAULT", "LANGUAGE_ACCOUNT_DATA", "SUPPORTED", "Language",
           "language_from_account_data", "parse_language", "reply_language"]
