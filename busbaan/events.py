"""Typed domain events: one frozen dataclass per event code (pure).

The case service (:mod:`busbaan.cases`) writes these to the outbox in the same
transaction as the change they describe; the mirrors read them back
(:func:`event_from_dict`) and the audit mirror turns each into exactly one audit entry
(:meth:`Event.audit_entry`). Reports read them back from the log with
:func:`event_from_entry`.

Every event carries an envelope (``event_id``, ``case_id``, ``occurred_at``, the actor
and the actor's role and organisation *at that moment*) and its own fields. ``personal``
holds free text (a reason) that only ever goes into the case-encrypted details of the
audit log — never into the entry, a log line or a room.

Schema versions: ``VERSION`` of a class is raised when a field changes meaning or is
removed; new optional fields keep the version (old payloads still parse). A payload
that does not parse raises :class:`MalformedEvent` with the code and field named.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import secrets
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from busbaan.audit.entry import AuditEntry
from busbaan.errors import BusbaanError

__all__ = [
    "EVENT_TYPES",
    "Event",
    "MalformedEvent",
    "event_from_dict",
    "event_from_record",
    "new_event_id",
]

SOURCE = "casus-bot"
_ID = re.compile(r"^E-[0-9a-f]{24}$")


class MalformedEvent(BusbaanError):
    """An outbox payload or log entry that is no valid event of its code."""

    errcode = "BB_MALFORMED_EVENT"


def new_event_id() -> str:
    """A random event id (``E-`` and 24 hex digits): the outbox's idempotency key."""
    return "E-" + secrets.token_hex(12)


def _iso(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _day(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).date().isoformat()


_EMPTY: Mapping[str, str] = types.MappingProxyType({})


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """The envelope every domain event shares."""

    CODE: ClassVar[str] = ""
    VERSION: ClassVar[int] = 1
    ACTION: ClassVar[str] = "E"  # NEN 7513: C R U D E
    OUTCOME: ClassVar[str] = "done"

    event_id: str
    case_id: str
    occurred_at: dt.datetime
    actor: str | None = None  # None: the busbaan bot itself
    actor_role: str | None = None
    actor_organisation: str | None = None
    personal: Mapping[str, str] = field(default_factory=lambda: _EMPTY)

    # -- the audit entry ------------------------------------------------------------

    def audit_subject(self) -> str | None:
        return None

    def audit_fields(self) -> dict[str, Any]:
        """Entry fields beyond the envelope: grant, categories, checks, details..."""
        return {}

    def audit_entry(self, *, bot_user_id: str) -> AuditEntry:
        """Exactly the audit entry this event stands for (the event id in details)."""
        extra = self.audit_fields()
        details = {"event_id": self.event_id, **extra.pop("details", {})}
        return AuditEntry(
            event_code=self.CODE, action=self.ACTION, occurred_at=self.occurred_at,
            outcome=extra.pop("outcome", self.OUTCOME), source=SOURCE,
            user_id=self.actor or bot_user_id, user_role=self.actor_role,
            organisation=self.actor_organisation, case_id=self.case_id or None,
            subject_user=self.audit_subject(), details=details, **extra)

    # -- serialisation -----------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """JSON values only: times as UTC ISO strings, tuples as lists."""
        # "code" and "v" are the envelope's: no event has a field of those names.
        out: dict[str, Any] = {"code": self.CODE, "v": self.VERSION}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, dt.datetime):
                value = _iso(value)
            elif isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, Mapping):
                value = dict(value)
            out[f.name] = value
        return out


# -- cases ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseCreated(Event):
    CODE = "case.created"
    ACTION = "C"
    room_id: str
    home_organisation: str
    policy_version: str

    def audit_fields(self) -> dict[str, Any]:
        return {"details": {"room_id": self.room_id, "policy_version": self.policy_version,
                            "home_organisation": self.home_organisation}}


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseClosed(Event):
    CODE = "case.closed"
    ACTION = "U"
    organisation: str
    grants_ended: tuple[str, ...] = ()

    def audit_fields(self) -> dict[str, Any]:
        return {"details": {"organisation": self.organisation}}


# -- consent -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class ConsentGranted(Event):
    CODE = "consent.granted"
    ACTION = "C"
    grant_id: str
    organisation: str
    roles: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    legal_bases: tuple[str, ...] = ()
    valid_from: dt.datetime
    valid_until: dt.datetime
    template: str | None = None

    def audit_fields(self) -> dict[str, Any]:
        details = {"organisation": self.organisation, "grant_organisation": self.organisation,
                   "valid_until": _day(self.valid_until)}
        if self.template:
            details["template"] = self.template
        if self.roles:
            details["roles"] = ",".join(self.roles)
        return {"grant_id": self.grant_id, "data_categories": self.categories,
                "legal_bases": self.legal_bases, "details": details}


@dataclass(frozen=True, slots=True, kw_only=True)
class ConsentGrantRefused(Event):
    CODE = "consent.grant_refused"
    ACTION = "C"
    OUTCOME = "refused"
    organisation: str
    rules: tuple[str, ...]
    categories: tuple[str, ...] = ()
    legal_bases: tuple[str, ...] = ()

    def audit_fields(self) -> dict[str, Any]:
        return {"reason_code": self.rules[0] if self.rules else None,
                "data_categories": self.categories, "legal_bases": self.legal_bases,
                "details": {"rules": ",".join(self.rules),
                            "grant_organisation": self.organisation}}


@dataclass(frozen=True, slots=True, kw_only=True)
class ConsentWithdrawn(Event):
    CODE = "consent.withdrawn"
    ACTION = "U"
    grant_id: str
    organisation: str
    channel: str  # matrix | citizen | case_close | ...
    categories: tuple[str, ...] = ()
    legal_bases: tuple[str, ...] = ()

    def audit_fields(self) -> dict[str, Any]:
        return {"grant_id": self.grant_id, "data_categories": self.categories,
                "legal_bases": self.legal_bases,
                "details": {"channel": self.channel, "organisation": self.organisation,
                            "grant_organisation": self.organisation}}


# -- membership ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class _Decided(Event):
    """A ``decide`` outcome the bot acted on (an invitation by command)."""

    ACTION = "C"
    subject: str
    decision_code: str
    room_id: str
    grant_id: str | None = None
    categories: tuple[str, ...] = ()
    legal_bases: tuple[str, ...] = ()
    checks: Mapping[str, str] = field(default_factory=lambda: _EMPTY)

    def audit_subject(self) -> str | None:
        return self.subject if self.subject != self.actor else None

    def audit_fields(self) -> dict[str, Any]:
        return {"grant_id": self.grant_id, "data_categories": self.categories,
                "legal_bases": self.legal_bases, "checks": dict(self.checks),
                "reason_code": self.decision_code, "details": {"room_id": self.room_id}}


@dataclass(frozen=True, slots=True, kw_only=True)
class InviteAllowed(_Decided):
    CODE = "membership.invite"
    OUTCOME = "allowed"


@dataclass(frozen=True, slots=True, kw_only=True)
class InviteRefused(_Decided):
    CODE = "membership.invite_refused"
    OUTCOME = "refused"


@dataclass(frozen=True, slots=True, kw_only=True)
class MembershipRemoved(Event):
    CODE = "membership.removed"
    ACTION = "D"
    subject: str
    decision_code: str
    room_id: str
    incident: str  # out_of_scope | case_closed
    subject_organisation: str | None = None
    checks: Mapping[str, str] = field(default_factory=lambda: _EMPTY)

    def audit_subject(self) -> str | None:
        return self.subject

    def audit_fields(self) -> dict[str, Any]:
        details = {"room_id": self.room_id, "incident": self.incident}
        if self.subject_organisation:
            details["subject_organisation"] = self.subject_organisation
        return {"reason_code": self.decision_code, "checks": dict(self.checks),
                "details": details}


# -- handovers (the handover core's records, typed) -------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class _HandoverStep(Event):
    handover_id: str
    subject: str | None = None

    def audit_subject(self) -> str | None:
        return self.subject

    def audit_fields(self) -> dict[str, Any]:
        return {"details": {"handover_id": self.handover_id}}


@dataclass(frozen=True, slots=True, kw_only=True)
class HandoverProposed(_HandoverStep):
    CODE = "handover.proposed"
    ACTION = "C"
    from_organisation: str
    to_organisation: str
    expires_at: str  # YYYY-MM-DD

    def audit_fields(self) -> dict[str, Any]:
        return {"details": {"handover_id": self.handover_id,
                            "from_organisation": self.from_organisation,
                            "to_organisation": self.to_organisation,
                            "expires_at": self.expires_at}}


@dataclass(frozen=True, slots=True, kw_only=True)
class HandoverAccepted(_HandoverStep):
    CODE = "handover.accepted"
    ACTION = "U"


@dataclass(frozen=True, slots=True, kw_only=True)
class RegieChanged(_HandoverStep):
    CODE = "regie.changed"
    ACTION = "U"
    from_organisation: str
    to_organisation: str
    sideline_until: str

    def audit_fields(self) -> dict[str, Any]:
        return {"details": {"handover_id": self.handover_id,
                            "from_organisation": self.from_organisation,
                            "to_organisation": self.to_organisation,
                            "sideline_until": self.sideline_until}}


@dataclass(frozen=True, slots=True, kw_only=True)
class HandoverDeclined(_HandoverStep):
    CODE = "handover.declined"
    ACTION = "U"


@dataclass(frozen=True, slots=True, kw_only=True)
class HandoverWithdrawn(_HandoverStep):
    CODE = "handover.withdrawn"
    ACTION = "U"
    cause: str | None = None

    def audit_fields(self) -> dict[str, Any]:
        details = {"handover_id": self.handover_id}
        if self.cause:
            details["cause"] = self.cause
        return {"details": details}


@dataclass(frozen=True, slots=True, kw_only=True)
class HandoverReminded(_HandoverStep):
    CODE = "handover.reminded"
    ACTION = "E"


@dataclass(frozen=True, slots=True, kw_only=True)
class HandoverExpired(_HandoverStep):
    CODE = "handover.expired"
    ACTION = "U"


# -- temporary accesses --------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class BreakGlassStarted(Event):
    CODE = "breakglass.started"
    ACTION = "E"
    until: str
    reason_code: str
    organisation: str
    role: str

    def audit_fields(self) -> dict[str, Any]:
        return {"reason_code": self.reason_code,
                "checks": {"authorised": "pass", "consent": "n/a", "emergency": "yes"},
                "details": {"until": self.until, "review": "required",
                            "organisation": self.organisation, "role": self.role}}


@dataclass(frozen=True, slots=True, kw_only=True)
class BreakGlassRefused(Event):
    CODE = "breakglass.refused"
    ACTION = "E"
    OUTCOME = "refused"
    errcode: str

    def audit_fields(self) -> dict[str, Any]:
        return {"reason_code": self.errcode.lower(),
                "checks": {"emergency": "yes", "authorised": "fail"}}


@dataclass(frozen=True, slots=True, kw_only=True)
class _AccessEnded(Event):
    ACTION = "E"
    subject: str
    kind: str
    ended_at: str
    reason_code: str | None = None

    def audit_subject(self) -> str | None:
        return self.subject

    def audit_fields(self) -> dict[str, Any]:
        checks = {"emergency": "yes"} if self.kind == "break_glass" else {}
        return {"reason_code": self.reason_code or None, "checks": checks,
                "details": {"kind": self.kind, "ended_at": self.ended_at}}


@dataclass(frozen=True, slots=True, kw_only=True)
class BreakGlassEnded(_AccessEnded):
    CODE = "breakglass.ended"


@dataclass(frozen=True, slots=True, kw_only=True)
class SidelineEnded(_AccessEnded):
    CODE = "handover.sideline_ended"


EVENT_TYPES: Mapping[str, type[Event]] = types.MappingProxyType({
    cls.CODE: cls for cls in (
        CaseCreated, CaseClosed, ConsentGranted, ConsentGrantRefused, ConsentWithdrawn,
        InviteAllowed, InviteRefused, MembershipRemoved, HandoverProposed, HandoverAccepted,
        RegieChanged, HandoverDeclined, HandoverWithdrawn, HandoverReminded, HandoverExpired,
        BreakGlassStarted, BreakGlassRefused, BreakGlassEnded, SidelineEnded)
})


# -- parsing -------------------------------------------------------------------------

# Per class, once: (field name, kind, optional, required) — parsing then costs a few
# dictionary lookups per field (the audit mirror parses every event it appends).
_Plan = tuple[tuple[str, str, bool, bool], ...]
_ABSENT = object()
_PLANS: dict[type[Event], _Plan] = {}


def _plan(cls: type[Event]) -> _Plan:
    plan = _PLANS.get(cls)
    if plan is None:
        hints = typing.get_type_hints(cls)
        out = []
        for f in dataclasses.fields(cls):
            hint, optional = hints[f.name], False
            args = typing.get_args(hint)
            if (typing.get_origin(hint) in (typing.Union, types.UnionType)
                    and type(None) in args):
                optional = True
                hint = next(a for a in args if a is not type(None))
            origin = typing.get_origin(hint)
            kind = ("datetime" if hint is dt.datetime else "tuple" if origin is tuple
                    else "mapping" if origin is Mapping or hint is Mapping
                    else "str" if hint is str else "any")
            required = (f.default is dataclasses.MISSING
                        and f.default_factory is dataclasses.MISSING)
            out.append((f.name, kind, optional, required))
        plan = _PLANS[cls] = tuple(out)
    return plan


def _bad(code: str, name: str, problem: str) -> MalformedEvent:
    return MalformedEvent(
        f"Gebeurtenis '{code}' is ongeldig: veld '{name}' {problem}.",
        f"Event '{code}' is malformed: field '{name}' {problem}.",
        data={"code": code, "field": name})


def _convert(code: str, name: str, kind: str, optional: bool, value: Any) -> Any:
    if value is None:
        if optional:
            return None
        raise _bad(code, name, "ontbreekt (is missing)")
    if kind == "str":
        if not isinstance(value, str):
            raise _bad(code, name, "is geen tekst (not a string)")
        return value
    if kind == "datetime":
        if not isinstance(value, str):
            raise _bad(code, name, "is geen tijd (not a time)")
        try:
            parsed = dt.datetime.fromisoformat(value)  # 3.11 reads a trailing "Z"
        except ValueError:
            raise _bad(code, name, "is geen tijd (not a time)") from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    if kind == "tuple":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _bad(code, name, "is geen lijst van teksten (not a list of strings)")
        return tuple(value)
    if kind == "mapping":
        if not isinstance(value, Mapping) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            raise _bad(code, name, "is geen tabel van teksten (not a string map)")
        return types.MappingProxyType(dict(value))
    return value


def event_from_dict(payload: Mapping[str, Any]) -> Event:
    """The event in an outbox payload; :class:`MalformedEvent` when it is none."""
    if not isinstance(payload, Mapping):
        raise MalformedEvent("Gebeurtenis is geen JSON-object.", "Event is not a JSON object.")
    code = payload.get("code")
    cls = EVENT_TYPES.get(code) if isinstance(code, str) else None
    if cls is None:
        raise MalformedEvent(f"Onbekende gebeurtenis {code!r}.", f"Unknown event {code!r}.",
                             data={"code": str(code)})
    version = payload.get("v")
    if not isinstance(version, int) or version > cls.VERSION or version < 1:
        raise _bad(cls.CODE, "v", f"heeft een onbekende versie {version!r}")
    kwargs: dict[str, Any] = {}
    for name, kind, optional, required in _plan(cls):
        value = payload.get(name, _ABSENT)
        if value is _ABSENT:
            if required:
                raise _bad(cls.CODE, name, "ontbreekt (is missing)")
            continue
        # Most fields are text: take those without a call (the audit mirror parses
        # every outbox row it appends).
        kwargs[name] = (value if kind == "str" and value.__class__ is str
                        else _convert(cls.CODE, name, kind, optional, value))
    if not _ID.match(kwargs["event_id"]):
        raise _bad(cls.CODE, "event_id", "heeft niet de vorm E-<24 hex>")
    return cls(**kwargs)


def event_from_record(record: Any, *, event_id: str, occurred_at: dt.datetime,
                      actor_role: str | None, actor_organisation: str | None) -> Event:
    """The typed event for one of the handover core's records
    (:class:`busbaan.handover.model.Record`)."""
    cls = EVENT_TYPES.get(record.event_code)
    if cls is None:
        raise MalformedEvent(f"Onbekende gebeurtenis {record.event_code!r}.",
                             f"Unknown event {record.event_code!r}.")
    d = dict(record.details)
    base: dict[str, Any] = {
        "event_id": event_id, "case_id": record.case_id, "occurred_at": occurred_at,
        "actor": record.actor, "actor_role": actor_role,
        "actor_organisation": actor_organisation,
        "personal": types.MappingProxyType(dict(record.personal)),
    }
    names = {f.name for f in dataclasses.fields(cls)}
    if "subject" in names:
        base["subject"] = record.subject
    if "reason_code" in names and record.reason_code is not None:
        base["reason_code"] = record.reason_code
    for key, value in d.items():
        if key in names and key not in base:
            base[key] = value
    if cls is BreakGlassStarted:
        base.setdefault("reason_code", record.reason_code or "")
    try:
        return cls(**base)
    except TypeError as exc:
        raise MalformedEvent(f"Gebeurtenis '{cls.CODE}' mist een veld: {exc}",
                             f"Event '{cls.CODE}' lacks a field: {exc}") from None
