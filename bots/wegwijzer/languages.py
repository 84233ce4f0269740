"""Which language a professional chose (``nl.busbaan.language``), asked of the gate.

A bot cannot read another user's account data; the gate reads it for the busbaan bots
(:mod:`busbaan.gate.language_desk`). Kept ``ttl`` seconds per person (a choice is
rarely changed: a new one counts within that time); one request per person at a time;
what cannot be learned within ``timeout`` seconds, or fails, counts as "no choice" (the
reply then follows the question, as before) and is asked again after ``retry`` seconds;
a homeserver without the gate's desk (404) is asked again after ``absent`` seconds.
Never a user id in the logs.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import nio

from busbaan.language import Language, parse_language
from busbaan.log import get_logger

log = get_logger("busbaan.wegwijzer.languages")

#: The gate's language desk (busbaan.gate.language_desk.PATH; the gate is not imported
#: here: it needs Synapse).
GATE_PATH = "/_synapse/client/busbaan/v1/language"


class LanguageBook:
    def __init__(self, client: Callable[[], nio.AsyncClient], *, ttl: float = 60.0,
                 retry: float = 30.0, absent: float = 600.0, timeout: float = 1.0,
                 limit: int = 4096, clock: Callable[[], float] = time.monotonic) -> None:
        self._client = client
        self.ttl, self.retry, self.absent, self.timeout = ttl, retry, absent, timeout
        self.limit = limit
        self.clock = clock
        self._known: OrderedDict[str, tuple[Language | None, float]] = OrderedDict()
        self._asking: dict[str, asyncio.Future[Language | None]] = {}
        self._no_desk_until = -1.0

    def forget(self, user_id: str | None = None) -> None:
        """Ask again next time (one person, or everyone)."""
        if user_id is None:
            self._known.clear()
            self._no_desk_until = -1.0
        else:
            self._known.pop(user_id, None)

    async def of(self, user_id: str) -> Language | None:
        """``user_id``'s chosen language, or None (none chosen, or not known now)."""
        now = self.clock()
        if now < self._no_desk_until:
            return None
        known = self._known.get(user_id)
        if known is not None and now < known[1]:
            return known[0]
        asking = self._asking.get(user_id)
        if asking is None:
            asking = asyncio.ensure_future(self._ask(user_id))
            self._asking[user_id] = asking
            asking.add_done_callback(lambda _: self._asking.pop(user_id, None))
        try:
            return await asyncio.wait_for(asyncio.shield(asking), self.timeout)
        except TimeoutError:
            log.warning("language.slow")
            return None

    async def _ask(self, user_id: str) -> Language | None:
        client = self._client()
        chosen: Language | None = None
        keep = self.retry
        try:
            resp = await client.send(
                "GET", f"{GATE_PATH}?user_id={quote(user_id, safe='')}",
                headers={"Authorization": f"Bearer {client.access_token}"})
            payload: Any = None
            try:
                payload = await resp.json(content_type=None)
            except ValueError:
                payload = None
            if resp.status == 200 and isinstance(payload, dict):
                chosen, keep = parse_language(payload.get("language")), self.ttl
            elif resp.status == 404:  # no gate desk on this homeserver
                self._no_desk_until = self.clock() + self.absent
                log.info("language.no_desk")
            else:
                log.warning("language.refused", status=resp.status,
                            errcode=payload.get("errcode") if isinstance(payload, dict)
                            else None)
        except Exception as exc:  # unreachable: no choice known now
            log.warning("language.unavailable", error=type(exc).__name__)
        self._known.pop(user_id, None)
        self._known[user_id] = (chosen, self.clock() + keep)
        while len(self._known) > self.limit:
            self._known.popitem(last=False)
        return chosen


__all__ = ["GATE_PATH", "LanguageBook"]
