"""The gate's label desk: a professional's private case labels, written into their own
account data inside Synapse, on the casus bot's request.

Why here: a Matrix client may write only its *own* user's account data, so the bot
cannot set a label for a professional through the client-server API; Synapse's admin
API reads account data but does not write it; impersonating users (admin login as the
user) would hand the bot everyone's keys. Synapse's ModuleApi exposes exactly one
writer, ``account_data_manager.put_global`` (global account data of a local user,
since Synapse 1.57; room account data and ``m.tag`` are not exposed to modules). So the
gate registers one HTTP resource, :data:`PATH`, that only the busbaan bot may call,
and keeps every label in the professional's global account data
(:data:`busbaan.labels.LABELS_EVENT`), which Synapse shows to that user alone.

The desk checks what it is asked, whoever asks: the room is a case room the bot
created, the professional is a member of it (for a new label), the label passes
:func:`busbaan.labels.check_label`. It never logs a label. No asyncio: Twisted only.

Protocol (JSON, ``POST`` with the bot's access token)::

    {"op": "set", "user_id": "@a:hs", "room_id": "!r:hs", "case_id": "C-…", "label": "…"}
    {"op": "remove", "user_id": "@a:hs", "room_id": "!r:hs"}
    {"op": "get", "user_id": "@a:hs"}

Answers ``200 {"ok": true, "book": {…}}`` (the account data after the operation), or
``4xx {"errcode", "error", "error_en"}``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError
from synapse.api.errors import SynapseError
from synapse.module_api import ModuleApi
from twisted.internet import defer
from twisted.web.resource import Resource
from twisted.web.server import NOT_DONE_YET

from busbaan.consent import CaseScope
from busbaan.consent.state import ACCESS_EVENT, CASE_EVENT, CONSENT_EVENT, scope_from_room_state
from busbaan.errors import BusbaanError
from busbaan.gate.reply import Refused, finish_json
from busbaan.labels import LABELS_EVENT, LabelBook, LabelRules, check_label
from busbaan.log import get_logger

log = get_logger("busbaan.gate.labels")

PATH = "/_synapse/client/busbaan/v1/labels"


class LabelRequest(BaseModel):
    """One request of the casus bot (parsed once; anything else is refused)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    op: Literal["set", "remove", "get"]
    user_id: str
    room_id: str | None = None
    case_id: str | None = None
    label: str | None = None


class LabelResource(Resource):
    """``POST`` :data:`PATH`: set, remove or read one professional's labels."""

    isLeaf = True

    def __init__(self, api: ModuleApi, *, bot_user_id: str, rules: LabelRules) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._api = api
        self._bot = bot_user_id
        self._rules = rules
        self._locks: dict[str, defer.DeferredLock] = {}

    def render_POST(self, request: Any) -> Any:
        defer.ensureDeferred(self._answer(request))
        return NOT_DONE_YET

    async def _answer(self, request: Any) -> None:
        try:
            code, body = 200, await self._handle(request)
        except Refused as exc:
            code, body = exc.code, exc.body()
        except BusbaanError as exc:
            code, body = 400, {"errcode": exc.errcode, "error": exc.nl, "error_en": exc.en,
                               "data": exc.data}
        except SynapseError as exc:  # authentication
            code, body = exc.code, Refused.unauthenticated(exc.code, exc.errcode,
                                                           exc.msg).body()
        except Exception as exc:
            log.error("gate.labels_failed", error=type(exc).__name__)
            code, body = 500, {"errcode": "BB_INTERNAL",
                               "error": "Het label kon niet worden bewaard; probeer het opnieuw.",
                               "error_en": "The label could not be stored; try again."}
        finish_json(request, code, body, gone="gate.labels_disconnected")

    async def _handle(self, request: Any) -> dict[str, Any]:
        requester = await self._api.get_user_by_req(request)
        if requester.user.to_string() != self._bot:
            raise Refused(403, "M_FORBIDDEN", "Alleen de busbaan-bot mag labels zetten.",
                           "Only the busbaan bot may set labels.")
        try:
            req = LabelRequest.model_validate_json(request.content.read())
        except ValidationError as exc:
            fields = sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors()})
            raise Refused(400, "BB_USAGE", f"Onbruikbaar verzoek ({', '.join(fields)}).",
                           f"Unusable request ({', '.join(fields)}).") from None
        if not self._api.is_mine(req.user_id):
            raise Refused(400, "BB_LABEL_REMOTE",
                           "Labels worden bewaard op de eigen homeserver van de professional; "
                           "die van u draait de busbaan-gate voor labels niet.",
                           "Labels are kept on the professional's own homeserver; yours does "
                           "not run the busbaan gate for labels.")
        lock = self._locks.setdefault(req.user_id, defer.DeferredLock())
        await lock.acquire()
        try:
            return await self._apply(req)
        finally:
            lock.release()
            if not lock.locked and not lock.waiting:
                self._locks.pop(req.user_id, None)

    async def _scope_of(self, room_id: str) -> CaseScope | None:
        """The room's case scope, trusting only the bot's own state (None: no case room)."""
        state = await self._api.get_room_state(
            room_id, [("m.room.create", ""), (CASE_EVENT, ""), (CONSENT_EVENT, None),
                      (ACCESS_EVENT, None)])
        if (CASE_EVENT, "") not in state:
            return None
        return scope_from_room_state(
            room_id, ((k[0], k[1], ev.sender, ev.content) for k, ev in state.items()),
            self._bot)

    async def _apply(self, req: LabelRequest) -> dict[str, Any]:
        manager = self._api.account_data_manager
        book = LabelBook.parse(await manager.get_global(req.user_id, LABELS_EVENT))
        if req.op == "get":
            return {"ok": True, "book": book.content()}
        if not req.room_id:
            raise Refused(400, "BB_USAGE", "room_id ontbreekt.", "room_id is missing.")
        if req.op == "remove":
            if req.room_id in book.rooms:
                book = book.without(req.room_id)
                await manager.put_global(req.user_id, LABELS_EVENT, book.content())
            return {"ok": True, "book": book.content()}
        scope = await self._scope_of(req.room_id)
        if scope is not None and scope.closed:
            scope = None
        if scope is None or scope.case_id != req.case_id or scope.closed:
            raise Refused(400, "BB_UNKNOWN_CASE", "Dit is geen open casuskamer.",
                           "This is not an open case room.")
        state = await self._api.get_room_state(req.room_id, [("m.room.member", req.user_id)])
        member = state.get(("m.room.member", req.user_id))
        if member is None or member.content.get("membership") not in ("join", "invite"):
            raise Refused(403, "BB_NOT_MEMBER", "U bent geen lid van deze casus.",
                           "You are not a member of this case.")
        checked = check_label(req.label or "", self._rules)
        now = dt.datetime.fromtimestamp(self._api.get_current_time_msec() / 1000, dt.UTC)
        book = book.with_label(req.room_id, scope.case_id, checked.text, now)
        await manager.put_global(req.user_id, LABELS_EVENT, book.content())
        log.info("gate.label_set", case_id=scope.case_id)
        return {"ok": True, "book": book.content()}
