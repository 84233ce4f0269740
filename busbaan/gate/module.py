"""The busbaan gate: a Synapse module that keeps case rooms within their scope.

Thin glue around :func:`busbaan.consent.decide`. It refuses, for local users, an
invite, join or knock outside a case's consent scope, and any protected state event
from anyone but the busbaan bot. It fails closed (an error while deciding refuses)
and never blocks the reactor: the directory is read from the store in a thread.

No asyncio here: Synapse runs on Twisted; every callback is awaited by Synapse.

Configuration (homeserver.yaml)::

    modules:
      - module: busbaan.gate.BusbaanGate
        config:
          policy_dir: /etc/busbaan/policies
          database_url: postgresql://busbaan@db/busbaan
          bot_user_id: "@casus:example.org"
          directory_refresh_seconds: 5
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from synapse.api.errors import Codes, SynapseError
from synapse.module_api import ModuleApi
from synapse.module_api.errors import ConfigError

from busbaan.consent import Action, CaseScope, Decision, Professional, decide
from busbaan.consent.state import (
    ACCESS_EVENT,
    CASE_EVENT,
    CONSENT_EVENT,
    scope_from_room_state,
)
from busbaan.directory import Directory
from busbaan.log import configure_for_host, get_logger
from busbaan.policy import Policy, PolicyError, load_policy

log = get_logger("busbaan.gate")
NOTICE_KEY = "nl.busbaan.notice"


@dataclass(frozen=True, slots=True)
class GateConfig:
    policy_dir: str
    database_url: str
    bot_user_id: str
    directory_refresh_seconds: float = 5.0
    notify: bool = True


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
        self._directory_loaded_at = 0.0
        self._recorder = _Recorder(config.database_url, self._who)
        self._engine: Any = None
        api.register_spam_checker_callbacks(
            user_may_invite=self.user_may_invite,
            user_may_join_room=self.user_may_join_room,
        )
        api.register_third_party_rules_callbacks(check_event_allowed=self.check_event_allowed)
        # Private case labels in the professional's own account data (issue 13).
        from busbaan.gate.labels import PATH, LabelResource
        from busbaan.labels import LabelRules

        api.register_web_resource(PATH, LabelResource(
            api, bot_user_id=config.bot_user_id, rules=LabelRules.of(self._policy),
            scope_of=self._scope))
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
        return GateConfig(
            policy_dir=need("policy_dir"),
            database_url=need("database_url"),
            bot_user_id=need("bot_user_id"),
            directory_refresh_seconds=float(refresh),
            notify=bool(config.get("notify", True)),
        )

    # -- inputs ------------------------------------------------------------------

    async def _lookup(self) -> Directory:
        """The directory, refreshed from the store at most every few seconds."""
        age = time.monotonic() - self._directory_loaded_at
        if self._directory is None or age > self._config.directory_refresh_seconds:
            entries = await self._api.defer_to_thread(self._load_directory)
            self._directory = Directory.of(self._policy, entries)
            self._directory_loaded_at = time.monotonic()
        return self._directory

    def _who(self, user_id: str) -> Professional | None:
        """The directory's entry for ``user_id`` as last read (records name the actor's
        organisation and role, so reports never show a refusal under "-")."""
        return self._directory(user_id) if self._directory is not None else None

    def _load_directory(self) -> list[Professional]:
        """Read the directory from the store (runs in a thread, never on the reactor)."""
        from busbaan.store import make_engine
        from busbaan.store.repositories import read_directory

        if self._engine is None:
            self._engine = make_engine(self._config.database_url)
        return read_directory(self._engine)

    async def _scope(self, room_id: str) -> CaseScope | None:
        state = await self._api.get_room_state(
            room_id, [("m.room.create", ""), (CASE_EVENT, ""), (CONSENT_EVENT, None),
                      (ACCESS_EVENT, None)]
        )
        return _scope_from_events(room_id, state, self._config.bot_user_id)

    def _now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self._api.get_current_time_msec() / 1000, dt.UTC)

    async def _decide(self, scope: CaseScope, action: Action, actor: str,
                      subject: str | None = None, event_type: str | None = None) -> Decision:
        directory = await self._lookup()
        target = subject or actor
        if directory(target) is None and time.monotonic() - self._directory_loaded_at > 0.2:
            # Someone just added to the directory must not wait for the next refresh.
            self._directory = None
            directory = await self._lookup()
        return decide(self._policy, scope, directory, action, actor=actor, subject=subject,
                      now=self._now(), bot_user_id=self._config.bot_user_id,
                      event_type=event_type)

    # -- spam-checker callbacks: early refusal, with machine-readable reasons ---------

    async def user_may_invite(self, inviter: str, invitee: str, room_id: str) -> Any:
        try:
            scope = await self._scope(room_id)
            if scope is None:
                return "NOT_SPAM"
            if self._recorder.overdue:
                return (Codes.FORBIDDEN, _fields(_unavailable()))
            decision = await self._decide(scope, Action.INVITE, inviter, invitee)
        except Exception:  # fail closed
            log.exception("gate.failed", callback="user_may_invite", room_id=room_id)
            return (Codes.FORBIDDEN, _fields(_unavailable()))
        if decision.allowed:
            return "NOT_SPAM"
        self._refused(scope, decision, Action.INVITE, inviter, invitee)
        return (Codes.FORBIDDEN, _fields(decision))

    async def user_may_join_room(self, user_id: str, room_id: str, is_invited: bool) -> Any:
        try:
            scope = await self._scope(room_id)
            if scope is None:
                return "NOT_SPAM"
            if self._recorder.overdue:
                return (Codes.FORBIDDEN, _fields(_unavailable()))
            decision = await self._decide(scope, Action.JOIN, user_id)
        except Exception:
            log.exception("gate.failed", callback="user_may_join_room", room_id=room_id)
            return (Codes.FORBIDDEN, _fields(_unavailable()))
        if decision.allowed:
            return "NOT_SPAM"
        self._refused(scope, decision, Action.JOIN, user_id, user_id)
        return (Codes.FORBIDDEN, _fields(decision))

    # -- the last word on every event, also for server admins ---------------------

    async def check_event_allowed(
        self, event: Any, state_events: Mapping[tuple[str, str], Any]
    ) -> tuple[bool, dict[str, Any] | None]:
        local = self._api.is_mine(event.sender)
        try:
            scope = _scope_from_events(event.room_id, state_events, self._config.bot_user_id)
            if scope is None:
                return True, None
            action, subject = _classify(event)
            if action is None:
                return True, None
            if self._recorder.overdue and event.sender != self._config.bot_user_id:
                raise RuntimeError("audit records overdue")  # fail closed, below
            decision = await self._decide(scope, action, event.sender, subject,
                                          event_type=event.type)
        except Exception:
            log.exception("gate.failed", callback="check_event_allowed",
                          room_id=event.room_id)
            if local:
                raise SynapseError(403, _unavailable().nl, Codes.FORBIDDEN,
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
            raise SynapseError(403, decision.nl, Codes.FORBIDDEN,
                               additional_fields=_fields(decision))
        return False, None

    # -- telling people -----------------------------------------------------------

    def _refused(self, scope: CaseScope, decision: Decision, action: Action, actor: str,
                 subject: str | None) -> None:
        self._recorder.decision(self._api, scope, decision, action, actor, subject,
                                event_id=None, remote=False)
        self._notify(scope, decision, actor, subject)

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


def _unavailable() -> Decision:
    return Decision(
        False, "refused.gate_unavailable",
        "busbaan kan deze stap nu niet controleren en weigert hem daarom. Probeer het over "
        "een minuut opnieuw; blijft het misgaan, meld het dan bij de beheerder.",
        "busbaan cannot check this step right now and therefore refuses it. Try again in "
        "a minute; if it keeps failing, tell the administrator.",
    )


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
    again with back-off; while records older than ``RECORD_DEADLINE_S`` wait, the
    gate refuses every membership change in a case room (fail closed: nothing happens
    that cannot be recorded)."""

    RECORD_DEADLINE_S = 60.0

    def __init__(self, url: str, who: Any = None) -> None:
        from busbaan.records import AuditWriter

        self._writer = AuditWriter(url)
        self._who = who or (lambda _user: None)
        self._pending: list[Any] = []
        self._oldest: float | None = None  # monotonic time of the oldest unwritten entry
        self._writing = False

    @property
    def overdue(self) -> bool:
        """Records have waited too long: refuse what would need another record."""
        return self._oldest is not None and (
            time.monotonic() - self._oldest > self.RECORD_DEADLINE_S)

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
