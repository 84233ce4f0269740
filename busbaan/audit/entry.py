"""The audit entry (NEN 7513-shaped) and its canonical bytes (pure).

Other parts of busbaan build :class:`AuditEntry` objects and hand them to the log. The
log turns each into *leaf bytes*: canonical JSON (sorted keys, no whitespace, UTF-8, no
floats, ``None`` and empty values left out) of the entry's fields, plus

- ``"index"``: the entry's position in the log, so that a moved, swapped or deleted
  row shows at its own index during verification, not only as a wrong root;
- ``"personal_sha256"``: when the entry carries personal details encrypted for a
  citizen report, the SHA-256 of that ciphertext, so the ciphertext can be shredded
  (its key destroyed) while the tree still verifies;
- ``"v"``: the leaf format version.

Leaving out empty fields keeps old leaves byte-identical when a field is added later.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from busbaan.errors import PersonalData, UsageError
from busbaan.privacy import find_bsns

__all__ = [
    "ACTIONS",
    "LEAF_VERSION",
    "OUTCOMES",
    "AuditEntry",
    "InvalidEntry",
    "Leaf",
    "canonical_json",
    "format_time",
    "leaf_bytes",
    "parse_leaf",
    "parse_time",
]

LEAF_VERSION = 1

#: NEN 7513 actions: create, read, update, delete, execute.
ACTIONS = frozenset({"C", "R", "U", "D", "E"})
OUTCOMES = frozenset({"allowed", "refused", "done", "failed"})

_EVENT_CODE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
_SOURCE = re.compile(r"^[a-z][a-z0-9_-]*$")
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
#: Nine digits standing on their own (perhaps with the short separators ``find_bsns``
#: reads: up to three characters that are no letter, digit, comma or semicolon): the
#: cheap test before ``find_bsns``. Digits inside an opaque identifier ("$ab123456789cd",
#: an event id) do not count, so that a random id can never make an audit write fail.
_MAYBE_BSN = re.compile(r"(?<![A-Za-z0-9])(?:\d(?:[^\w,;]|_){0,3}){8}\d(?![A-Za-z0-9])")
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


@functools.lru_cache(maxsize=4096)
def _well_formed(pattern: re.Pattern[str], text: str) -> bool:
    """``pattern`` matches ``text``; remembered, since codes, sources and detail keys
    come from a small vocabulary and are checked for every entry appended."""
    return pattern.match(text) is not None


_EMPTY: Mapping[str, str] = MappingProxyType({})
_dumps = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
).encode
_dumps_presorted = json.JSONEncoder(
    separators=(",", ":"), ensure_ascii=False, allow_nan=False
).encode

_OPTIONAL_TEXT = (
    "user_id",
    "user_role",
    "responsible_user",
    "organisation",
    "case_id",
    "subject_user",
    "grant_id",
    "reason_code",
)
_MAX_TEXT = 255


class InvalidEntry(UsageError, ValueError):
    """An audit entry that cannot be logged: a field is missing, malformed or personal."""

    errcode = "BB_AUDIT_ENTRY"


def format_time(when: dt.datetime) -> str:
    """ISO 8601 in UTC with microseconds and ``Z``: fixed width, so it sorts as text."""
    w = when if when.tzinfo is dt.UTC else when.astimezone(dt.UTC)
    return (
        f"{w.year:04d}-{w.month:02d}-{w.day:02d}T{w.hour:02d}:{w.minute:02d}:"
        f"{w.second:02d}.{w.microsecond:06d}Z"
    )


def parse_time(text: str) -> dt.datetime:
    """The inverse of :func:`format_time`."""
    return dt.datetime.strptime(text, _TIME_FORMAT).replace(tzinfo=dt.UTC)


def _bad(field_name: str, problem_nl: str, problem_en: str) -> InvalidEntry:
    return InvalidEntry(
        f"Auditregel ongeldig: veld '{field_name}' {problem_nl}.",
        f"Invalid audit entry: field '{field_name}' {problem_en}.",
        data={"field": field_name},
    )


def _text_tuple(name: str, values: Iterable[str]) -> tuple[str, ...]:
    if isinstance(values, str):
        raise _bad(name, "moet een lijst zijn, geen tekst", "must be a list, not a string")
    out = tuple(values)
    for v in out:
        if not isinstance(v, str) or not v or len(v) > _MAX_TEXT:
            raise _bad(name, "bevat een lege of ongeldige waarde",
                       "holds an empty or invalid value")
    return out


def _text_map(name: str, values: Mapping[str, str]) -> Mapping[str, str]:
    out: dict[str, str] = {}
    for k in sorted(values):
        v = values[k]
        if not isinstance(k, str) or not _well_formed(_KEY, k):
            raise _bad(name, f"heeft een ongeldige sleutel {k!r}", f"has an invalid key {k!r}")
        if not isinstance(v, str) or len(v) > _MAX_TEXT:
            raise _bad(name, f"heeft bij '{k}' geen korte tekst", f"has no short text at '{k}'")
        out[k] = v
    return MappingProxyType(out)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One thing that happened, shaped after NEN 7513: who, as what, on whose behalf,
    which (pseudonymous) case, which action, when, under which consent, which checks.

    Never put a BSN, a name or message text in an entry: personal details that a
    citizen report needs go in the ``personal`` argument of ``AuditLog.append``, which
    is encrypted with the case's key.
    """

    event_code: str
    action: str
    occurred_at: dt.datetime
    outcome: str
    source: str
    user_id: str | None = None
    user_role: str | None = None
    responsible_user: str | None = None
    organisation: str | None = None
    case_id: str | None = None
    subject_user: str | None = None
    data_categories: tuple[str, ...] = ()
    legal_bases: tuple[str, ...] = ()
    grant_id: str | None = None
    checks: Mapping[str, str] = field(default_factory=lambda: _EMPTY, hash=False)
    reason_code: str | None = None
    details: Mapping[str, str] = field(default_factory=lambda: _EMPTY, hash=False)

    def __post_init__(self) -> None:
        if not isinstance(self.event_code, str) or not _well_formed(_EVENT_CODE,
                                                                     self.event_code):
            raise _bad("event_code", "moet de vorm 'onderwerp.gebeurtenis' hebben",
                       "must look like 'subject.event'")
        if self.action not in ACTIONS:
            raise _bad("action", "moet C, R, U, D of E zijn", "must be C, R, U, D or E")
        if self.outcome not in OUTCOMES:
            raise _bad("outcome", "moet allowed, refused, done of failed zijn",
                       "must be allowed, refused, done or failed")
        if not isinstance(self.source, str) or not _well_formed(_SOURCE, self.source):
            raise _bad("source", "moet een systeemnaam zijn (bijv. 'gate')",
                       "must be a system name (e.g. 'gate')")
        when = self.occurred_at
        if not isinstance(when, dt.datetime) or when.tzinfo is None:
            raise _bad("occurred_at", "moet een tijd met tijdzone zijn",
                       "must be a timezone-aware datetime")
        object.__setattr__(self, "occurred_at", when.astimezone(dt.UTC))
        for name in _OPTIONAL_TEXT:
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or not value
                                      or len(value) > _MAX_TEXT):
                raise _bad(name, "moet een niet-lege, korte tekst zijn",
                           "must be a non-empty, short string")
        object.__setattr__(
            self, "data_categories", _text_tuple("data_categories", self.data_categories)
        )
        object.__setattr__(self, "legal_bases", _text_tuple("legal_bases", self.legal_bases))
        object.__setattr__(self, "checks", _text_map("checks", self.checks))
        object.__setattr__(self, "details", _text_map("details", self.details))
        for name, text in (("case_id", self.case_id), ("reason_code", self.reason_code),
                           *(("details", v) for v in self.details.values())):
            if text and _MAYBE_BSN.search(text) and find_bsns(text):
                raise PersonalData(
                    f"Auditregel geweigerd: veld '{name}' lijkt een BSN te bevatten. "
                    "Persoonsgegevens horen in de versleutelde details van de casus.",
                    f"Audit entry refused: field '{name}' seems to hold a BSN. "
                    "Personal data belongs in the case's encrypted details.",
                    data={"field": name},
                )

    def to_json(self) -> dict[str, Any]:
        """The entry's fields as JSON values, leaving out ``None`` and empty ones."""
        out: dict[str, Any] = {
            "event_code": self.event_code,
            "action": self.action,
            "occurred_at": format_time(self.occurred_at),
            "outcome": self.outcome,
            "source": self.source,
        }
        for name in _OPTIONAL_TEXT:
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        if self.data_categories:
            out["data_categories"] = list(self.data_categories)
        if self.legal_bases:
            out["legal_bases"] = list(self.legal_bases)
        if self.checks:
            out["checks"] = dict(self.checks)
        if self.details:
            out["details"] = dict(self.details)
        return out

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> AuditEntry:
        """Rebuild an entry from :meth:`to_json` output (extra keys are ignored)."""
        try:
            return cls(
                event_code=obj["event_code"],
                action=obj["action"],
                occurred_at=parse_time(obj["occurred_at"]),
                outcome=obj["outcome"],
                source=obj["source"],
                **{name: obj.get(name) for name in _OPTIONAL_TEXT},
                data_categories=tuple(obj.get("data_categories", ())),
                legal_bases=tuple(obj.get("legal_bases", ())),
                checks=obj.get("checks", {}),
                details=obj.get("details", {}),
            )
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, InvalidEntry):
                raise
            raise InvalidEntry(
                "Auditregel onleesbaar.", "Unreadable audit entry.",
                data={"cause": type(exc).__name__},
            ) from exc


def canonical_json(obj: Mapping[str, Any]) -> bytes:
    """Sorted keys, no whitespace, UTF-8; floats are refused."""
    _refuse_floats(obj)
    return _dumps(obj).encode("utf-8")


def _refuse_floats(value: Any) -> None:
    if isinstance(value, float):
        raise InvalidEntry("Auditregel bevat een kommagetal.", "Audit entry holds a float.")
    if isinstance(value, Mapping):
        for v in value.values():
            _refuse_floats(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _refuse_floats(v)


def leaf_bytes(entry: AuditEntry, index: int, personal_sha256: bytes | None = None) -> bytes:
    """The bytes hashed into the Merkle tree for ``entry`` at position ``index``.

    Canonical JSON of :meth:`AuditEntry.to_json` plus ``index``, ``v`` and, if given,
    ``personal_sha256``. Built with the keys already in sorted order (the entry's own
    mappings are sorted when it is made), so the encoder need not sort: this runs for
    every append. A test checks the bytes equal a sorted ``json.dumps``.
    """
    e = entry
    obj: dict[str, Any] = {"action": e.action}
    if e.case_id is not None:
        obj["case_id"] = e.case_id
    if e.checks:
        obj["checks"] = dict(e.checks)
    if e.data_categories:
        obj["data_categories"] = list(e.data_categories)
    if e.details:
        obj["details"] = dict(e.details)
    obj["event_code"] = e.event_code
    if e.grant_id is not None:
        obj["grant_id"] = e.grant_id
    obj["index"] = index
    if e.legal_bases:
        obj["legal_bases"] = list(e.legal_bases)
    obj["occurred_at"] = format_time(e.occurred_at)
    if e.organisation is not None:
        obj["organisation"] = e.organisation
    obj["outcome"] = e.outcome
    if personal_sha256 is not None:
        obj["personal_sha256"] = personal_sha256.hex()
    if e.reason_code is not None:
        obj["reason_code"] = e.reason_code
    if e.responsible_user is not None:
        obj["responsible_user"] = e.responsible_user
    obj["source"] = e.source
    if e.subject_user is not None:
        obj["subject_user"] = e.subject_user
    if e.user_id is not None:
        obj["user_id"] = e.user_id
    if e.user_role is not None:
        obj["user_role"] = e.user_role
    obj["v"] = LEAF_VERSION
    # The entry's own validation admits only strings, so no float can be in ``obj``.
    return _dumps_presorted(obj).encode("utf-8")


@dataclass(frozen=True, slots=True)
class Leaf:
    """Leaf bytes read back: the position they claim, the entry, the ciphertext hash."""

    index: int
    entry: AuditEntry
    personal_sha256: bytes | None


def _unknown_form() -> InvalidEntry:
    return InvalidEntry("Auditregel heeft een onbekende vorm.", "Audit leaf has an unknown form.")


def parse_leaf(data: bytes) -> Leaf:
    """Parse leaf bytes; raises :class:`InvalidEntry` when they are not a leaf."""
    try:
        obj = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidEntry("Auditregel is geen JSON.", "Audit leaf is not JSON.") from exc
    if not isinstance(obj, dict) or obj.get("v") != LEAF_VERSION:
        raise _unknown_form()
    index = obj.get("index")
    digest = obj.get("personal_sha256")
    if not isinstance(index, int) or (digest is not None and not isinstance(digest, str)):
        raise _unknown_form()
    try:
        personal = bytes.fromhex(digest) if digest is not None else None
    except ValueError as exc:
        raise _unknown_form() from exc
    return Leaf(index, AuditEntry.from_json(obj), personal)
