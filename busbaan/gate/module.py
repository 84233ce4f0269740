"""The busbaan gate: a Synapse module that keeps case rooms within their scope.

Thin glue around :func:`busbaan.consent.decide`. It refuses, for local users, an
invite, join or knock outside a case's consent scope, and any protected state event
from anyone but the busbaan bot. It fails closed (an error while deciding refuses)
and never blocks the reactor: the directory is read from the store in a thread.

Every refusal is made in ``check_event_allowed`` by raising ``SynapseError(403,
reason)``: that is the one path whose message Synapse hands to the client as the
``error`` of the failed request — for ``/invite``, ``/join``, a membership sent as
state, and the invites of ``createRoom`` alike (Synapse runs it for every local event,
also a server admin's). The reason is in the refused user's language (account data
``nl.busbaan.language``, see :mod:`busbaan.language`; ``default_language`` otherwise),
and the body keeps ``nl.busbaan.code``, ``nl.busbaan.reason`` (Dutch) and
``nl.busbaan.reason_en``.

A second layer for joins, ``user_may_join_room`` (a spam-checker callback), asks the
same :func:`decide` before Synapse chooses between a local and a remote join. It is
needed for one case: a room this server holds with *partial state* (it joined over
federation with "faster joins"). Synapse then sends every further local join to a
remote server (``_should_perform_remote_join``) and never creates the join event
here, so ``check_event_allowed`` never sees it. Partial state holds every non-member
state event, so the scope is readable. Synapse answers a spam-checker refusal with a
fixed text ("Not allowed to join this room"), but ``cs_error`` (synapse/api/errors.py,
1.163) lets an ``error`` key in the returned fields replace it: the refusal carries the
reason in the user's language there too. A join the second layer allows is decided
(and recorded) again by ``check_event_allowed`` when the event is made here; the
second layer records only its refusals, so each refused join is recorded once.
Server admins skip spam checkers (``check_event_allowed`` still decides for them).
In a room that is no case room the same callback decides nothing, but where Synapse's
``restricted`` join rule will refuse the join (a wegwijzer lane, someone outside the
team's intake room) it refuses first, with the reason in the user's language instead of
Synapse's English (:mod:`busbaan.gate.restricted`, session 23); anything it cannot read
leaves the join to Synapse.
A third, ``user_may_create_room``, judges a createRoom request's own name and topic
(also in ``initial_state``) before Synapse makes the room: refused afterwards, by
``check_event_allowed``, the request would fail but leave the room half made, with the
owner joined (session 21).

``user_may_invite`` is not registered: every invite by a local user is an event made
on this server (also into a partial-state room, and for a remote invitee), so
``check_event_allowed`` always decides it with the room's state.

Which scope: a room is a case room, and of which case, only by the bot's own state
(:func:`busbaan.consent.state.scope_from_room_state`). An invite or join is then decided
on that case's scope *as the store holds it* (``_current``): the bot answers a grant or
a withdrawal once the store commits, and its room state follows a moment later, so an
invitation from Element's own dialog right after either reply is decided on what the
reply said. A room the store does not know (a case of another store, one still
opening) is decided on the room's state; a store that cannot be read, or names another
case for the room, refuses (fail closed). One indexed read per invite or join.

No asyncio here: Synapse runs on Twisted; every callback is awaited by Synapse.

Configuration (homeserver.yaml)::

    modules:
      - module: busbaan.gate.BusbaanGate
        config:
          policy_dir: /etc/busbaan/policies
          database_url: postgresql://busbaan@db/busbaan
          bot_user_id: "@casus:example.org"
          directory_refresh_seconds: 5
          default_language: nl      # nl | en: for users who chose none
"""

from __future__ import annotations

import datetime as dt
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from synapse.api.errors import Codes, SynapseError
from synapse.module_api import NOT_SPAM, ModuleApi
from synapse.module_api.errors import ConfigError
from synapse.types import RoomAlias

from busbaan.consent import Action, CaseScope, Decision, Professional, decide
from busbaan.consent.state import (
    ACCESS_EVENT,
    CASE_EVENT,
    CONSENT_EVENT,
    scope_from_room_state,
)
from busbaan.directory import Directory
from busbaan.gate.restricted import allowed_rooms, restricted_refusal, state_content
from busbaan.language import (
    LANGUAGE_ACCOUNT_DATA,
    Language,
    language_from_account_data,
    parse_language,
)
from busbaan.log import configure_for_host, get_logger
from busbaan.policy import Policy, PolicyError, load_policy

log = get_logger("busbaan.gate")
NOTICE_KEY = "nl.busbaan.notice"
#: A wegwijzer lane's state (bots.wegwijzer.lanes; the gate imports no bots)
LANE_EVENT = "nl.busbaan.lane"


@dataclass(frozen=True, slots=True)
class GateConfig:
    policy_dir: str
    database_url: str
    bot_user_id: str
    directory_refresh_seconds: float = 5.0
    notify: bool = True
    default_language: Language = "nl"
    #: How long a decision's record may wait (the audit store refusing) before the gate
    #: refuses membership changes in case rooms (docs/architecture.md).
    record_deadline_seconds: float = 60.0
    #: Bots besides ``bot_user_id`` that may read a professional's chosen language
    #: (:mod:`busbaan.gate.language_desk`; the wegwijzer, session 20).
    language_readers: tuple[str, ...] = ()


class BusbaanGate:
    def __init__(self, config: GateConfig, api: ModuleApi) -> None:
        configure_for_host()
        self._api = api
        self._config = config
        try:
            self._policy: Policy = load_policy(config.policy_dir)
        except PolicyError as exc:
            raise ConfigError(f"busbaan gate: {exc.en}") from exc
        self._directory: Directory | None = None
        self._directory_loaded_at = 0.0  # last full read
        self._directory_checked_at = 0.0  # last check whether it changed
        self._directory_seen: tuple[int, str] | None = None
        self._scopes = _ScopeCache(config.bot_user_id)
        self._recorder = _Recorder(config.database_url, self._who,
                                   deadline=config.record_deadline_seconds)
        self._engine: Any = None
        # check_event_allowed decides every membership event made here; the spam
        # checker's join callback is the second layer for partial-state rooms (module
        # docstring).
        api.register_third_party_rules_callbacks(check_event_allowed=self.check_event_allowed)
        # A room alias is a room's name that anyone on the server can resolve, and it is
        # kept in the homeserver's database: no personal data in it (found by the outside
        # check, session 3). Its refusal text reaches the client through ``error``.
        # A room's name or topic given in the createRoom request itself is judged before
        # the room exists: refused later, by check_event_allowed, it would leave a
        # half-made room behind (session 21).
        api.register_spam_checker_callbacks(
            user_may_join_room=self.user_may_join_room,
            user_may_create_room=self.user_may_create_room,
            user_may_create_room_alias=self.user_may_create_room_alias)
        # Private case labels in the professional's own account data (issue 13).
        from busbaan.gate.labels import PATH, LabelResource
        from busbaan.labels import LabelRules

        api.register_web_resource(PATH, LabelResource(
            api, bot_user_id=config.bot_user_id, rules=LabelRules.of(self._policy)))
        # A professional's chosen language, for the bots' replies (session 20, botlane).
        from busbaan.gate import language_desk

        api.register_web_resource(language_desk.PATH, language_desk.LanguageResource(
            api, readers=(config.bot_user_id, *config.language_readers)))
        log.info("gate.started", policy_version=self._policy.version,
                 bot=config.bot_user_id)

    @staticmethod
    def parse_config(config: Mapping[str, Any]) -> GateConfig:
        def need(key: str) -> str:
            value = config.get(key)
            if not isinstance(value, str) or not value:
                raise ConfigError(f"busbaan gate: '{key}' is required (a non-empty string)")
            return value

        refresh = config.get("directory_refresh_seconds", 5)
        if not isinstance(refresh, (int, float)) or refresh <= 0:
            raise ConfigError("busbaan gate: 'directory_refresh_seconds' must be positive")
        language = parse_language(config.get("default_language", "nl"))
        if language is None:
            raise ConfigError("busbaan gate: 'default_language' must be 'nl' or 'en'")
        readers = config.get("language_readers", [])
        if not isinstance(readers, list) or not all(
                isinstance(r, str) and r.startswith("@") for r in readers):
            raise ConfigError("busbaan gate: 'language_readers' must be a list of user ids")
        deadline = config.get("record_deadline_seconds", 60)
        if not isinstance(deadline, (int, float)) or isinstance(deadline, bool) or deadline <= 0:
            raise ConfigError("busbaan gate: 'record_deadline_seconds' must be positive")
        return GateConfig(
            record_deadline_seconds=float(deadline),
            policy_dir=need("policy_dir"),
            database_url=need("database_url"),
            bot_user_id=need("bot_user_id"),
            directory_refresh_seconds=float(refresh),
            notify=bool(config.get("notify", True)),
            default_language=language,
            language_readers=tuple(readers),
        )

    # -- inputs ------------------------------------------------------------------

    async def _lookup(self, check: bool = False) -> Directory:
        """The directory, checked for changes at most every few seconds (or now, with
        ``check``) and re-read only when it changed: a full read of thousands of
        entries costs far more than the check (bench/gate_event.py). It is re-read
        anyway every :data:`DIRECTORY_FULL_READ_SECONDS`."""
        now = time.monotonic()
        stale = now - self._directory_loaded_at > DIRECTORY_FULL_READ_SECONDS
        if self._directory is None or stale:
            return await self._reload_directory()
        if check or now - self._directory_checked_at > self._config.directory_refresh_seconds:
            seen = await self._api.defer_to_thread(self._directory_version)
            self._directory_checked_at = time.monotonic()
            if seen != self._directory_seen:
                return await self._reload_directory()
        return self._directory

    async def _reload_directory(self) -> Directory:
        seen, entries = await self._api.defer_to_thread(self._load_directory)
        self._directory = Directory.of(self._policy, entries)
        self._directory_seen = seen
        self._directory_loaded_at = self._directory_checked_at = time.monotonic()
        return self._directory

    def _who(self, user_id: str) -> Professional | None:
        """The directory's entry for ``user_id`` as last read (records name the actor's
        organisation and role, so reports never show a refusal under "-")."""
        return self._directory(user_id) if self._directory is not None else None

    def _store(self) -> Any:
        from busbaan.store import make_engine

        if self._engine is None:
            self._engine = make_engine(self._config.database_url)
        return self._engine

    def _directory_version(self) -> tuple[int, str]:
        """Whether the directory changed (runs in a thread, never on the reactor)."""
        from busbaan.store.repositories import DirectoryRepository

        return DirectoryRepository(self._store()).version()

    def _load_directory(self) -> tuple[tuple[int, str], list[Professional]]:
        """Read the directory from the store (runs in a thread, never on the reactor)."""
        from busbaan.store.repositories import DirectoryRepository

        repo = DirectoryRepository(self._store())
        return repo.version(), repo.all()

    async def _current(self, scope: CaseScope, target: str) -> CaseScope:
        """The case's scope as the store holds it: the one truth. The room's state
        mirrors it a moment later (a grant is answered on commit and its state event
        follows; likewise a withdrawal's), so an invitation sent from Element right
        after a grant's reply is decided on the grant, and one right after a
        withdrawal's reply on the withdrawal. Which room is a case room, and which
        case, still comes only from the bot's own state (``scope``); a room this store
        does not know (a case of another store, a room still opening) is decided on
        that state. A store that cannot be read refuses (the caller fails closed), as
        does a store that names another case for the room."""
        if target == self._config.bot_user_id:
            return scope  # the bot's own membership: decide() admits it anyway
        stored = await self._api.defer_to_thread(self._stored_scope, scope.room_id)
        if stored is None:
            return scope
        if stored.case_id != scope.case_id:
            log.error("gate.case_mismatch", room_id=scope.room_id)
            raise RuntimeError("the store names another case for this room")
        return stored

    def _stored_scope(self, room_id: str) -> CaseScope | None:
        """The store's scope of a case room (runs in a thread, never on the reactor)."""
        from busbaan.store.repositories import CaseRepository

        return CaseRepository(self._store()).scope_by_room(room_id)

    def _now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self._api.get_current_time_msec() / 1000, dt.UTC)

    async def _decide(self, scope: CaseScope, action: Action, actor: str,
                      subject: str | None = None, event_type: str | None = None) -> Decision:
        directory = await self._lookup()
        target = subject or actor
        if directory(target) is None:
            # Someone just added to the directory must not wait for the next refresh: ask
            # whether it changed (one cheap query; a time throttle here let an invitation
            # that followed another event within 0.2 s be refused for someone the bot,
            # reading the same store, already knew).
            directory = await self._lookup(check=True)
        return decide(self._policy, scope, directory, action, actor=actor, subject=subject,
                      now=self._now(), bot_user_id=self._config.bot_user_id,
                      event_type=event_type)

    # -- the last word on every event, also for server admins ---------------------

    async def check_event_allowed(
        self, event: Any, state_events: Mapping[tuple[str, str], Any]
    ) -> tuple[bool, dict[str, Any] | None]:
        local = self._api.is_mine(event.sender)
        refusal: Decision | None = None
        try:
            action, subject = _classify(event)
            if action is Action.SEND_STATE and event.type in ("m.room.name", "m.room.topic"):
                # in every room, with a case or not (outside21 #12): the server keeps a
                # room's name and topic in clear, also in an encrypted direct chat
                refusal = state_text_refusal(event.type, event.content)
            if action is None and event.type == "m.room.member" \
                    and event.content.get("reason"):
                # A leave (or a ban) with a reason: the reason stays in the room state
                # every member keeps (outside check, session 4).
                refusal = self._reason_refusal(event, state_events)
            if action is None and refusal is None:
                return True, None  # a message, a leave: nothing to decide
        except Exception:
            log.exception("gate.failed", callback="check_event_allowed",
                          room_id=event.room_id)
            if local:
                lang = await self._language(event.sender)
                raise SynapseError(403, _unavailable().reason(lang), Codes.FORBIDDEN,
                                   additional_fields=_fields(_unavailable())) from None
            return False, None
        if refusal is not None:
            log.info("gate.state_refused" if action else "gate.reason_refused",
                     code=refusal.code, room_id=event.room_id)
            if not local:
                return False, None
            lang = await self._language(event.sender)
            raise SynapseError(403, refusal.reason(lang), Codes.FORBIDDEN,
                               additional_fields=_fields(refusal))
        if action is None:
            return True, None
        try:
            scope = self._scopes.scope(event.room_id, state_events)
            if scope is None:
                return True, None
            if self._recorder.overdue and event.sender != self._config.bot_user_id:
                raise RuntimeError("audit records overdue")  # fail closed, below
            if action in (Action.INVITE, Action.JOIN):
                scope = await self._current(scope, subject or event.sender)
            decision = await self._decide(scope, action, event.sender, subject,
                                          event_type=event.type)
            if decision.allowed and action is Action.JOIN:
                decision = displayname_refusal(event.content.get("displayname")) or decision
            if decision.allowed and event.type == "m.room.member" \
                    and event.sender != self._config.bot_user_id:
                decision = reason_refusal(event.content.get("reason")) or decision
        except Exception:
            log.exception("gate.failed", callback="check_event_allowed",
                          room_id=event.room_id)
            if local:
                lang = await self._language(event.sender)
                raise SynapseError(403, _unavailable().reason(lang), Codes.FORBIDDEN,
                                   additional_fields=_fields(_unavailable())) from None
            return False, None
        if action is not Action.SEND_STATE:
            self._recorder.decision(self._api, scope, decision, action, event.sender,
                                    subject, event_id=event.event_id, remote=not local)
        if decision.allowed:
            return True, None
        if action is Action.SEND_STATE:
            self._recorder.decision(self._api, scope, decision, action, event.sender,
                                    None, event_id=event.event_id, remote=not local)
        if local:
            self._notify(scope, decision, event.sender, subject)
            # This message is what the client shows (matrix-js-sdk's MatrixError.message).
            lang = await self._language(event.sender)
            raise SynapseError(403, decision.reason(lang), Codes.FORBIDDEN,
                               additional_fields=_fields(decision))
        return False, None

    def _reason_refusal(self, event: Any,
                        state_events: Mapping[tuple[str, str], Any]) -> Decision | None:
        """A leave or ban whose ``reason`` holds personal data is refused in a case room
        (leaving without a reason, or with a neutral one, is never refused). Not an
        audit entry: no scope decision was asked for; the log keeps the code only."""
        if event.sender == self._config.bot_user_id:
            return None
        if self._scopes.scope(event.room_id, state_events) is None:
            return None
        return reason_refusal(event.content.get("reason"))

    # -- the second layer: joins Synapse would send to a remote server --------------

    async def user_may_join_room(
        self, user_id: str, room_id: str, is_invited: bool
    ) -> Literal["NOT_SPAM"] | tuple[Codes, dict[str, Any]]:
        """Refuse a local user's join outside the scope before Synapse decides how to
        join (see the module docstring); the same :func:`decide` as
        :meth:`check_event_allowed`, with the reason as the response's ``error``."""
        try:
            state = await self._api.get_room_state(room_id, [(t, None) for t in _SCOPE_TYPES])
            scope = self._scopes.scope(room_id, state)
            if scope is None:
                # an ordinary room (a lane too), or one this server is not in yet: the
                # gate decides nothing, but says in Dutch what Synapse's restricted rule
                # would refuse in English (busbaan.gate.restricted)
                return await self._restricted_refusal(user_id, room_id)
            if self._recorder.overdue and user_id != self._config.bot_user_id:
                raise RuntimeError("audit records overdue")  # fail closed, below
            scope = await self._current(scope, user_id)
            decision = await self._decide(scope, Action.JOIN, user_id, user_id,
                                          event_type="m.room.member")
        except Exception:
            log.exception("gate.failed", callback="user_may_join_room", room_id=room_id)
            lang = await self._language(user_id)
            return Codes.FORBIDDEN, {**_fields(_unavailable()),
                                     "error": _unavailable().reason(lang)}
        if decision.allowed:
            return NOT_SPAM  # check_event_allowed records it when the event is made here
        self._recorder.decision(self._api, scope, decision, Action.JOIN, user_id, user_id,
                                event_id=None, remote=False)
        self._notify(scope, decision, user_id, user_id)
        lang = await self._language(user_id)
        # cs_error: an "error" key among the fields replaces Synapse's fixed text.
        return Codes.FORBIDDEN, {**_fields(decision), "error": decision.reason(lang)}

    async def _restricted_refusal(
        self, user_id: str, room_id: str
    ) -> Literal["NOT_SPAM"] | tuple[Codes, dict[str, Any]]:
        """The refusal Synapse's ``restricted`` join rule would make, in the user's
        language (:mod:`busbaan.gate.restricted`); NOT_SPAM whenever Synapse would let
        the join through, or anything cannot be read: Synapse still checks the rule."""
        try:
            state = await self._api.get_room_state(
                room_id, [("m.room.join_rules", ""), ("m.room.member", user_id),
                          (LANE_EVENT, "")])
            join_rules = state_content(state.get(("m.room.join_rules", "")))
            rooms = allowed_rooms(join_rules)
            if rooms is None:
                return NOT_SPAM
            own = state_content(state.get(("m.room.member", user_id)))
            allowed: dict[str, str | None] = {}
            for allow_room in rooms:
                there = await self._api.get_room_state(allow_room,
                                                       [("m.room.member", user_id)])
                content = state_content(there.get(("m.room.member", user_id)))
                allowed[allow_room] = _membership(content)
            lane = state.get((LANE_EVENT, ""))
            is_lane = lane is not None and getattr(lane, "sender", None) in (
                self._config.bot_user_id, *self._config.language_readers)
            refusal = restricted_refusal(join_rules, _membership(own), allowed,
                                         is_lane=is_lane)
        except Exception:
            log.exception("gate.failed", callback="restricted_refusal")
            return NOT_SPAM  # Synapse's own check (and its English text) decides
        if refusal is None:
            return NOT_SPAM
        log.info("gate.restricted_join_refused", code=refusal.code)
        lang = await self._language(user_id)
        return Codes.FORBIDDEN, {**_fields(refusal), "error": refusal.reason(lang)}

    async def user_may_create_room_alias(
        self, user_id: str, room_alias: RoomAlias
    ) -> tuple[Codes, dict[str, Any]] | Literal["NOT_SPAM"]:
        """Refuse an alias whose name holds personal data (a BSN, a name, an address…),
        for every room: the alias is not tied to a case room in this callback, and no
        room's address should carry them. The client reads the reason as ``error``."""
        refusal = alias_refusal(room_alias.localpart)
        if refusal is None:
            return NOT_SPAM
        log.info("gate.alias_refused", code=refusal.code)  # never the alias itself
        lang = await self._language(user_id)
        return Codes.FORBIDDEN, {"error": refusal.reason(lang), **_fields(refusal)}

    async def user_may_create_room(
        self, user_id: str, room_config: Mapping[str, Any]
    ) -> tuple[Codes, dict[str, Any]] | Literal["NOT_SPAM"]:
        """Refuse a createRoom whose name or topic holds a BSN before Synapse makes the
        room (:func:`create_room_refusal`, the same rule as for the state events). The
        client reads the reason as ``error``; the request body is never logged."""
        try:
            refusal = create_room_refusal(room_config)
        except Exception:
            log.exception("gate.failed", callback="user_may_create_room")
            refusal = _unavailable()
        if refusal is None:
            return NOT_SPAM
        log.info("gate.create_room_refused", code=refusal.code)
        lang = await self._language(user_id)
        return Codes.FORBIDDEN, {"error": refusal.reason(lang), **_fields(refusal)}

    async def _language(self, user_id: str) -> Language:
        """The refused user's language: their ``nl.busbaan.language`` account data,
        else the configured default. Never fails (a refusal must still be sent)."""
        try:
            content = await self._api.account_data_manager.get_global(
                user_id, LANGUAGE_ACCOUNT_DATA)
        except Exception:
            log.warning("gate.language_unavailable")
            return self._config.default_language
        return language_from_account_data(content, self._config.default_language)

    # -- telling people -----------------------------------------------------------

    def _notify(self, scope: CaseScope, decision: Decision, actor: str,
                subject: str | None) -> None:
        """Post the refusal in the case room as the bot, so the person refused (and the
        regie) read why, in Dutch, with the English text beside it."""
        if not self._config.notify or actor == self._config.bot_user_id:
            return
        content = {
            "msgtype": "m.notice",
            "body": f"Geweigerd voor {actor}: {decision.nl}",
            "format": "org.matrix.custom.html",
            "formatted_body": f"<b>Geweigerd</b> voor {_html(actor)}: {_html(decision.nl)}",
            NOTICE_KEY: {
                "kind": "gate.refused", "code": decision.code, "actor": actor,
                "subject": subject, "reason": decision.nl, "reason_en": decision.en,
            },
            "m.mentions": {"user_ids": [actor]},
        }
        event = {"type": "m.room.message", "room_id": scope.room_id,
                 "sender": self._config.bot_user_id, "content": content}

        async def send() -> None:
            await self._api.create_and_send_event_into_room(event)

        self._api.run_as_background_process("busbaan_gate_notify", send)


def _classify(event: Any) -> tuple[Action | None, str | None]:
    if event.type == "m.room.member":
        membership = event.content.get("membership")
        target = event.state_key
        if membership == "invite":
            return Action.INVITE, target
        if membership == "join":
            return Action.JOIN, target
        if membership == "knock":
            return Action.KNOCK, target
        return None, None  # leave / ban: always allowed (getting out is never refused)
    if event.is_state():
        return Action.SEND_STATE, None
    return None, None


def _scope_from_events(room_id: str, state: Mapping[tuple[str, str], Any],
                       bot_user_id: str) -> CaseScope | None:
    """The case scope from Synapse's state map, trusting only the bot's own state
    (:func:`busbaan.consent.state.scope_from_room_state`)."""
    if (CASE_EVENT, "") not in state:
        return None  # the common case: an ordinary room, nothing more to read
    return scope_from_room_state(
        room_id, ((k[0], k[1], ev.sender, ev.content) for k, ev in state.items()
                  if k[0] in ("m.room.create", CASE_EVENT, CONSENT_EVENT, ACCESS_EVENT)),
        bot_user_id)


#: The state a case scope is read from (see :func:`_scope_from_events`).
_SCOPE_TYPES = frozenset({"m.room.create", CASE_EVENT, CONSENT_EVENT, ACCESS_EVENT})

#: The gate re-reads the whole directory at least this often, changed or not.
DIRECTORY_FULL_READ_SECONDS = 60.0


class _ScopeCache:
    """Parsed scopes by the ids of the busbaan state events they were parsed from.

    Event ids name immutable events, so the same ids always parse to the same scope:
    a membership change in a busy case room does not parse every grant again. A few
    thousand rooms' worth; the oldest is dropped first. Reactor thread only."""

    SIZE = 4096

    def __init__(self, bot_user_id: str) -> None:
        self._bot = bot_user_id
        self._parsed: OrderedDict[tuple[str, ...], CaseScope | None] = OrderedDict()

    def scope(self, room_id: str, state: Mapping[tuple[str, str], Any]) -> CaseScope | None:
        if (CASE_EVENT, "") not in state:
            return None
        key = (room_id, *sorted(ev.event_id for k, ev in state.items() if k[0] in _SCOPE_TYPES))
        if key in self._parsed:
            self._parsed.move_to_end(key)
            return self._parsed[key]
        scope = _scope_from_events(room_id, state, self._bot)  # an error is not kept
        self._parsed[key] = scope
        if len(self._parsed) > self.SIZE:
            self._parsed.popitem(last=False)
        return scope


def _kinds(findings: Sequence[Any]) -> tuple[str, str]:
    """What the personal-data detector found, named in Dutch and in English."""
    from busbaan.privacy import name_kinds

    return name_kinds(findings), name_kinds(findings, "en")


def alias_refusal(localpart: str) -> Decision | None:
    """The refusal of a room alias whose name seems to hold personal data, or None
    (pure; the kinds come from :func:`busbaan.privacy.find_personal_data`, the one
    detector). Separators count as spaces, so ``mevrouw-jansen`` reads as a name."""
    from busbaan.privacy import find_personal_data

    findings = find_personal_data(localpart.replace("-", " ").replace(".", " ")
                                  .replace("_", " "))
    if not findings:
        return None
    kinds_nl, kinds_en = _kinds(findings)
    return Decision(
        False, "refused.personal_data_in_alias",
        f"Dit kameradres lijkt {kinds_nl} te bevatten. Persoonsgegevens horen nooit in een "
        "kameradres: iedereen op de server kan het opzoeken. Kies een neutraal adres, "
        "bijvoorbeeld #intake-schulden.",
        f"This room address seems to contain {kinds_en}. Personal data never belongs in a "
        "room address: anyone on the server can look it up. Choose a neutral address, for "
        "example #intake-debts.",
        checks={"authorised": "fail"},
    )


def displayname_refusal(displayname: object) -> Decision | None:
    """The refusal of a display name with a BSN in a case room, or None (pure). A
    member's display name is room state every member reads and keeps: a BSN never
    belongs there (a professional's own name does; the detector's BSN check only)."""
    return state_text_refusal("m.room.member", {"displayname": displayname})


#: Room state whose free text every member reads and keeps, and the server stores in
#: clear (also in an encrypted room: only messages are encrypted): where it is, what
#: to call it (nl, en), and where the rule holds.
_STATE_TEXT: Mapping[str, tuple[str, str, str, str]] = {
    # a display name: in a case room (the caller asks only there); elsewhere it is the
    # user's own profile, which this server does not judge
    "m.room.member": ("displayname", "Uw weergavenaam", "Your display name",
                      "weergavenaam"),
    # a room's name and topic: in every room on this homeserver (session 17, outside21
    # #12: a direct chat's topic with a client's name and BSN was stored in clear)
    "m.room.name": ("name", "De naam van deze kamer", "This room's name", "kamernaam"),
    "m.room.topic": ("topic", "Het onderwerp van deze kamer", "This room's topic",
                     "onderwerp"),
}


def state_text_refusal(event_type: str, content: object) -> Decision | None:
    """The refusal of room state whose text holds a BSN, or None (pure): a member's
    display name (in a case room), a room's name or topic (in every room: DESIGN.md, no
    BSN in room names or topics, and this is a professional homeserver). The one rule
    for BSNs in room state; only a BSN (:func:`busbaan.privacy.find_bsns`), since a
    professional's own name belongs in a display name and may in a room's name."""
    from busbaan.privacy import find_bsns

    where = _STATE_TEXT.get(event_type)
    if where is None or not isinstance(content, Mapping):
        return None
    key, what_nl, what_en, word_nl = where
    texts = [content.get(key)]
    if event_type == "m.room.topic":  # the extensible topic's text parts (MSC3765)
        parts = content.get("m.topic")
        if isinstance(parts, Sequence) and not isinstance(parts, str):
            texts += [part.get("body") for part in parts if isinstance(part, Mapping)]
    if not any(isinstance(text, str) and find_bsns(text) for text in texts):
        return None
    if event_type == "m.room.member":
        return Decision(
            False, "refused.personal_data_in_displayname",
            "Uw weergavenaam lijkt een BSN te bevatten. Die hoort nooit in een casuskamer: "
            "iedereen in de kamer ziet en bewaart hem. Kies een weergavenaam zonder BSN.",
            "Your display name seems to contain a BSN. It never belongs in a case room: "
            "everyone in the room sees and keeps it. Choose a display name without a BSN.",
            checks={"authorised": "fail"},
        )
    return Decision(
        False, "refused.personal_data_in_room_state",
        f"{what_nl} lijkt een BSN te bevatten. Een BSN hoort nooit in een {word_nl}: "
        "iedereen in de kamer ziet hem, en de server bewaart hem onversleuteld. Zet een "
        "BSN alleen in de versleutelde gegevens van een casus.",
        f"{what_en} seems to contain a BSN. A BSN never belongs in a room's name or "
        "topic: everyone in the room sees it, and the server keeps it unencrypted. Put a "
        "BSN only in a case's encrypted details.",
        checks={"authorised": "fail"},
    )


def create_room_refusal(room_config: object) -> Decision | None:
    """The refusal of a createRoom request (its body, as the client sent it) whose
    room name or topic holds a BSN, or None (pure): ``name`` and ``topic`` and the
    ``m.room.name`` / ``m.room.topic`` events of ``initial_state`` are the state the
    room would start with, judged by :func:`state_text_refusal`, the one rule."""
    if not isinstance(room_config, Mapping):
        return None
    wanted: list[tuple[str, object]] = [
        ("m.room.name", {"name": room_config.get("name")}),
        ("m.room.topic", {"topic": room_config.get("topic")}),
    ]
    initial = room_config.get("initial_state")
    if isinstance(initial, Sequence) and not isinstance(initial, str):
        wanted += [(str(event["type"]), event.get("content")) for event in initial
                   if isinstance(event, Mapping)
                   and event.get("type") in ("m.room.name", "m.room.topic")]
    for event_type, content in wanted:
        refusal = state_text_refusal(event_type, content)
        if refusal is not None:
            return refusal
    return None


def reason_refusal(reason: object) -> Decision | None:
    """The refusal of a membership reason (invite, join, leave) that seems to hold
    personal data in a case room, or None (pure; the one detector,
    :func:`busbaan.privacy.find_personal_data`). The reason is room state every member
    reads and keeps, like a display name; unlike a display name it is never needed."""
    from busbaan.privacy import find_personal_data

    if not isinstance(reason, str) or not reason.strip():
        return None
    findings = find_personal_data(reason)
    if not findings:
        return None
    kinds_nl, kinds_en = _kinds(findings)
    return Decision(
        False, "refused.personal_data_in_reason",
        f"De reden bij deze uitnodiging of dit vertrek lijkt {kinds_nl} te bevatten. Die "
        "hoort nooit in een casuskamer: iedereen in de kamer ziet en bewaart de reden. "
        "Probeer het opnieuw zonder reden, of met een reden zonder persoonsgegevens.",
        f"The reason given with this invitation or departure seems to contain {kinds_en}. "
        "It never belongs in a case room: everyone in the room sees and keeps the reason. "
        "Try again without a reason, or with one without personal data.",
        checks={"authorised": "fail"},
    )


def _unavailable() -> Decision:
    return Decision(
        False, "refused.gate_unavailable",
        "busbaan kan deze stap nu niet controleren en weigert hem daarom. Probeer het over "
        "een minuut opnieuw; blijft het misgaan, meld het dan bij de beheerder.",
        "busbaan cannot check this step right now and therefore refuses it. Try again in "
        "a minute; if it keeps failing, tell the administrator.",
    )


def _membership(content: object) -> str | None:
    """``membership`` of an ``m.room.member`` content (None: none, or unreadable)."""
    if isinstance(content, Mapping) and isinstance(content.get("membership"), str):
        return str(content["membership"])
    return None


def _fields(decision: Decision) -> dict[str, Any]:
    return {"nl.busbaan.code": decision.code, "nl.busbaan.reason": decision.nl,
            "nl.busbaan.reason_en": decision.en}


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _Recorder:
    """Writes the gate's decisions to the audit log, off the reactor, never blocking
    the decision itself. Entries that arrive while a write is running go together in
    the next one (one transaction, one fsync), so a busy homeserver does not queue a
    thread per event. Everything here runs on the reactor thread: no locks needed.

    The audit-failure policy (docs/architecture.md): a record is never dropped. A
    batch that cannot be written goes back to the front of the queue and is tried
    again with back-off; while records older than the deadline (``record_deadline_seconds``,
    default ``RECORD_DEADLINE_S``) wait, the
    gate refuses every membership change in a case room (fail closed: nothing happens
    that cannot be recorded)."""

    RECORD_DEADLINE_S = 60.0

    def __init__(self, url: str, who: Any = None, *,
                 deadline: float = RECORD_DEADLINE_S) -> None:
        from busbaan.records import AuditWriter

        self.deadline = deadline
        self._writer = AuditWriter(url)
        self._who = who or (lambda _user: None)
        self._pending: list[Any] = []
        self._oldest: float | None = None  # monotonic time of the oldest unwritten entry
        self._writing = False

    @property
    def overdue(self) -> bool:
        """Records have waited too long: refuse what would need another record."""
        return self._oldest is not None and (
            time.monotonic() - self._oldest > self.deadline)

    def decision(self, api: ModuleApi, scope: CaseScope, decision: Decision, action: Action,
                 actor: str, subject: str | None, *, event_id: str | None,
                 remote: bool) -> None:
        from busbaan.records import decision_entry

        who = self._who(actor)
        self._pending.append(decision_entry(
            decision, action=action.value, actor=actor, subject=subject,
            case_id=scope.case_id, source="gate",
            actor_role=who.role if who else None,
            organisation=who.organisation if who else None,
            now=dt.datetime.fromtimestamp(api.get_current_time_msec() / 1000, dt.UTC),
            details={"room_id": scope.room_id, **({"event_id": event_id} if event_id else {}),
                     **({"origin": "remote"} if remote else {})},
        ))
        if self._oldest is None:
            self._oldest = time.monotonic()
        if not self._writing:
            self._writing = True
            api.run_as_background_process("busbaan_gate_record", self._flush, api)

    async def _flush(self, api: ModuleApi) -> None:
        delay = 0.5
        try:
            while self._pending:
                batch, self._pending = self._pending, []
                try:
                    await api.defer_to_thread(self._writer.write, batch)
                except Exception:
                    # Never dropped: back to the front, try again a little later.
                    self._pending = batch + self._pending
                    log.exception("gate.record_failed", entries=len(batch), retry_in=delay)
                    await api.sleep(delay)
                    delay = min(delay * 2, 30.0)
                    continue
                delay = 0.5
                if not self._pending:
                    self._oldest = None
        finally:
            self._writing = False
