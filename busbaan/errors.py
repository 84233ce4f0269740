"""The domain's exception hierarchy.

Every error a user can meet carries a stable ``errcode`` (for machines: bot replies,
the JSON API, tests) and a message in Dutch and English that says what is wrong and
what to do. The bots and the web layer render these; nobody formats a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Lang = str  # "nl" | "en"


class BusbaanError(Exception):
    """Base class: an error with a stable code and a bilingual, actionable message."""

    errcode = "BB_ERROR"
    #: Nothing changed and it will likely pass (the store's connection is lost): a bot
    #: command may be run again a little later instead of being answered at once.
    defer = False

    def __init__(
        self,
        nl: str,
        en: str | None = None,
        *,
        errcode: str | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(en or nl)
        self.nl = nl
        self.en = en or nl
        if errcode is not None:
            self.errcode = errcode
        self.data: dict[str, Any] = dict(data or {})

    def message(self, lang: Lang = "nl") -> str:
        """The message in the user's language (Dutch by default)."""
        return self.en if lang == "en" else self.nl


class UsageError(BusbaanError):
    """A command or form was malformed; the message shows the usage."""

    errcode = "BB_USAGE"


class NotFound(BusbaanError):
    """Something named does not exist (organisation, category, case, grant...)."""

    errcode = "BB_NOT_FOUND"


class Forbidden(BusbaanError):
    """The actor may not do this; the message says why and who may."""

    errcode = "BB_FORBIDDEN"


class Unlawful(BusbaanError):
    """A consent grant breaks a rule of the policy (legal basis, category, duration)."""

    errcode = "BB_UNLAWFUL"


class PersonalData(BusbaanError):
    """Input looks like it carries personal data (BSN, name) where none may go."""

    errcode = "BB_PERSONAL_DATA"


class Unavailable(BusbaanError):
    """A dependency (homeserver, database) cannot be reached; retry later."""

    errcode = "BB_UNAVAILABLE"


class RateLimited(BusbaanError):
    """Asked too often for something expensive; ``retry_after`` says when to ask again
    (the web layer answers 429 with a ``Retry-After`` header)."""

    errcode = "BB_RATE_LIMITED"

    def __init__(self, nl: str, en: str | None = None, *, retry_after: float,
                 errcode: str | None = None) -> None:
        seconds = max(1, int(retry_after + 0.999))
        super().__init__(nl, en, errcode=errcode, data={"retry_after": seconds})
        self.retry_after = seconds

