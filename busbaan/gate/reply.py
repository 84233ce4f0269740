"""Writing a JSON answer on a busbaan endpoint of the gate (labels, language desk)."""

from __future__ import annotations

import json
from typing import Any

from busbaan.log import get_logger

log = get_logger("busbaan.gate.reply")


class Refused(Exception):
    """A refusal on a busbaan endpoint of the gate: its HTTP code, a stable ``errcode``
    and what to say, in Dutch and in English (the body's ``error`` and ``error_en``)."""

    def __init__(self, code: int, errcode: str, nl: str, en: str) -> None:
        super().__init__(errcode)
        self.code, self.errcode, self.nl, self.en = code, errcode, nl, en

    @classmethod
    def unauthenticated(cls, code: int, errcode: str, msg: str) -> Refused:
        """Synapse refused the caller's access token (``get_user_by_req``): its own text
        is English; the Dutch one says the same."""
        return cls(code, errcode, "Deze aanvraag is niet aangemeld: het toegangstoken "
                                  "ontbreekt, is verlopen of is ongeldig.", msg)

    def body(self) -> dict[str, Any]:
        """The JSON answer: ``{"errcode", "error", "error_en"}``."""
        return {"errcode": self.errcode, "error": self.nl, "error_en": self.en}


def finish_json(request: Any, code: int, body: dict[str, Any], *, gone: str) -> None:
    """Answer ``request`` with ``code`` and ``body`` as JSON. A caller that went away
    (the bot's connection closed) has nothing to be told: ``gone`` is logged instead."""
    try:
        request.setResponseCode(code)
        request.setHeader(b"Content-Type", b"application/json")
        request.write(json.dumps(body).encode())
        request.finish()
    except Exception:
        log.info(gone)
