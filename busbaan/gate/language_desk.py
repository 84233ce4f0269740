"""The gate's language desk: which language a professional chose (``nl.busbaan.language``
in their global account data, :mod:`busbaan.language`), for the busbaan bots.

Why here: a Matrix client reads only its *own* user's account data, so a bot cannot read
a professional's choice through the client-server API (outside23 finding 8: the wegwijzer
answered a person who chose English in Dutch). Synapse's ModuleApi reads it
(``account_data_manager.get_global``), as the gate does for its own refusals. So the
gate registers one HTTP resource, :data:`PATH`, that only the configured bots may call
(``bot_user_id`` and ``language_readers``), and answers one person's choice: nothing else
of their account data.

Protocol: ``GET PATH?user_id=@a:hs`` with the bot's access token → ``200
{"user_id": "@a:hs", "language": "en"}`` (``null``: nothing or nothing usable chosen, or
not a user of this homeserver), or ``4xx {"errcode", "error", "error_en"}``. No asyncio:
Twisted only. It never logs a user id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from synapse.api.errors import SynapseError
from synapse.module_api import ModuleApi
from twisted.internet import defer
from twisted.web.resource import Resource
from twisted.web.server import NOT_DONE_YET

from busbaan.gate.reply import Refused, finish_json
from busbaan.language import LANGUAGE_ACCOUNT_DATA, parse_language
from busbaan.log import get_logger

log = get_logger("busbaan.gate.language")

PATH = "/_synapse/client/busbaan/v1/language"


class LanguageResource(Resource):
    """``GET`` :data:`PATH`: one professional's chosen language, for the busbaan bots."""

    isLeaf = True

    def __init__(self, api: ModuleApi, *, readers: Iterable[str]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._api = api
        self._readers = frozenset(readers)

    def render_GET(self, request: Any) -> Any:
        defer.ensureDeferred(self._answer(request))
        return NOT_DONE_YET

    async def _answer(self, request: Any) -> None:
        try:
            code, body = 200, await self._handle(request)
        except Refused as exc:
            code, body = exc.code, exc.body()
        except SynapseError as exc:  # authentication
            code, body = exc.code, Refused.unauthenticated(exc.code, exc.errcode,
                                                           exc.msg).body()
        except Exception as exc:
            log.error("gate.language_failed", error=type(exc).__name__)
            code, body = 500, {"errcode": "BB_INTERNAL",
                               "error": "De taalkeuze kon niet worden gelezen.",
                               "error_en": "The language choice could not be read."}
        finish_json(request, code, body, gone="gate.language_disconnected")

    async def _handle(self, request: Any) -> dict[str, Any]:
        requester = await self._api.get_user_by_req(request)
        if requester.user.to_string() not in self._readers:
            raise Refused(403, "M_FORBIDDEN", "Alleen de busbaan-bots mogen een taalkeuze lezen.",
                          "Only the busbaan bots may read a language choice.")
        values = request.args.get(b"user_id") or []
        user_id = values[0].decode("utf-8", "replace") if len(values) == 1 else ""
        if not user_id.startswith("@") or ":" not in user_id or len(user_id) > 255:
            raise Refused(400, "BB_USAGE", "Noem één gebruiker: ?user_id=@naam:server.",
                          "Name one user: ?user_id=@name:server.")
        if not self._api.is_mine(user_id):
            return {"user_id": user_id, "language": None}
        content = await self._api.account_data_manager.get_global(
            user_id, LANGUAGE_ACCOUNT_DATA)
        # Synapse hands account data out as an immutable mapping, not a dict
        chosen = (parse_language(content.get("language")) if isinstance(content, Mapping)
                  else None)
        return {"user_id": user_id, "language": chosen}


__all__ = ["PATH", "LanguageResource"]
