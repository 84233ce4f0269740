"""Writing a JSON answer on a busbaan endpoint of the gate (labels, language desk)."""

from __future__ import annotations

import json
from typing import Any

from busbaan.log import get_logger

log = get_logger("busbaan.gate.reply")


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
