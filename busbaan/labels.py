"""Private case labels: what a professional calls a case, seen by them alone (pure).

A case room's name is pseudonymous ("Casus C-7KQ2MX4A"); a professional tells their
cases apart by a label of their own. The label lives only in *their* account data on
their homeserver (global account data of type :data:`LABELS_EVENT`, written by the
busbaan gate inside Synapse — see ``busbaan/gate/labels.py`` and
docs/architecture.md "Private labels"), never in room state, never in the audit log,
never in a log line, never in busbaan's store.

This module holds the one rule for what a label may be (:func:`check_label`), the
shape of the account data (:class:`LabelBook`) and the paging of ``!mijn-casussen``
(:func:`pages`). Nothing here does I/O.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from busbaan.errors import PersonalData, UsageError
from busbaan.policy import Policy
from busbaan.privacy import Finding, find_personal_data, name_kinds

__all__ = ["LABELS_EVENT", "CaseLabel", "LabelBook", "LabelCheck", "LabelRules",
           "check_label", "pages"]

#: The global account-data type that holds a professional's labels.
LABELS_EVENT = "nl.busbaan.case_labels"
#: Schema version of :class:`LabelBook` content.
BOOK_VERSION = 1

PersonalDataRule = Literal["refuse", "private"]

# Characters that reorder or hide text without being text: bidirectional embeddings,
# overrides and isolates (a label "‮C-ABC" could make another case's id appear),
# and zero-width marks other than the joiner that emoji sequences need.
_INVISIBLE = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u200e\u200f\u2060\ufeff"
)


@dataclass(frozen=True, slots=True)
class LabelRules:
    """What the policy says about labels (``policies/limits.yaml``, section ``labels``)."""

    max_chars: int = 80
    #: A label that seems to hold personal data: ``refuse`` it, or keep it ``private``
    #: (only in the professional's own account data) and warn. A BSN is always refused.
    personal_data: PersonalDataRule = "private"

    @classmethod
    def of(cls, policy: Policy) -> LabelRules:
        rule: PersonalDataRule = ("refuse" if policy.limits.label_personal_data == "refuse"
                                  else "private")
        return cls(max_chars=policy.limits.label_max_chars, personal_data=rule)


@dataclass(frozen=True, slots=True)
class LabelCheck:
    """A label that may be stored, and what the professional must be warned about."""

    text: str
    warnings: tuple[Finding, ...] = ()

    @property
    def warning_kinds(self) -> list[str]:
        return [f.kind for f in self.warnings]

    def warning(self, lang: str) -> str:
        """The sentence that warns the professional ("" when nothing was found)."""
        if not self.warnings:
            return ""
        kinds = name_kinds(self.warnings, lang)
        if lang == "en":
            return (f"Note: the label seems to contain {kinds}. It is kept only in your own "
                    "account data, visible to you alone, and removed when you leave the "
                    "case; consider a neutral label.")
        return (f"Let op: het label lijkt {kinds} te bevatten. Het staat alleen in uw eigen "
                "accountgegevens, alleen voor u zichtbaar, en verdwijnt als u de casus "
                "verlaat; overweeg een neutraal label.")


def normalise(text: str) -> str:
    """NFC, without control or direction-changing characters, whitespace collapsed."""
    kept = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in _INVISIBLE:
            continue
        if unicodedata.category(ch) == "Cc":
            kept.append(" ")  # a newline or tab separates words
            continue
        kept.append(ch)
    return " ".join("".join(kept).split())


def check_label(text: str, rules: LabelRules) -> LabelCheck:
    """The one rule for a label: its normalised text, or a refusal the user can act on.

    Raises :class:`UsageError` (empty, too long) or :class:`PersonalData` (a BSN, or
    any personal data when the policy refuses it). Error messages never repeat the
    label (it may hold a name)."""
    label = normalise(text)
    if not label:
        raise UsageError("Geef een label, bijvoorbeeld: schulden en huur.",
                         "Give a label, for example: debts and rent.",
                         data={"reason": "label_empty"})
    if len(label) > rules.max_chars:
        raise UsageError(
            f"Het label is te lang ({len(label)} tekens; hooguit {rules.max_chars}). Er is "
            "niets opgeslagen; kies een korter label.",
            f"The label is too long ({len(label)} characters; at most {rules.max_chars}). "
            "Nothing was stored; choose a shorter label.",
            data={"reason": "label_too_long", "max_chars": rules.max_chars,
                  "chars": len(label)})
    findings = tuple(find_personal_data(label))
    if findings and (rules.personal_data == "refuse" or findings[0].kind == "bsn"):
        kinds_nl = name_kinds(findings)
        kinds_en = name_kinds(findings, "en")
        why_nl = ("Een BSN hoort nooit in een label." if findings[0].kind == "bsn" else
                  "Het beleid staat geen persoonsgegevens in labels toe.")
        why_en = ("A BSN never belongs in a label." if findings[0].kind == "bsn" else
                  "The policy allows no personal data in labels.")
        raise PersonalData(
            f"Het label lijkt {kinds_nl} te bevatten. {why_nl} Er is niets opgeslagen; kies "
            "een neutraal label, bijvoorbeeld 'schulden en huur'.",
            f"The label seems to contain {kinds_en}. {why_en} Nothing was stored; choose a "
            "neutral label, for example 'debts and rent'.",
            data={"kinds": [f.kind for f in findings]})
    return LabelCheck(label, findings)


# -- the account data --------------------------------------------------------------


class CaseLabel(BaseModel):
    """One case's label in a professional's account data."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    case_id: str = Field(min_length=1, max_length=32)
    label: str = Field(min_length=1, max_length=1000)
    updated_at: str = ""


class LabelBook(BaseModel):
    """The content of :data:`LABELS_EVENT`: labels by case room id.

    Clients that know busbaan show ``rooms[room_id].label`` next to the room; every
    other client can ask the casus bot with ``!mijn-casussen``."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    v: int = BOOK_VERSION
    rooms: Mapping[str, CaseLabel] = Field(default_factory=dict)

    @classmethod
    def parse(cls, content: Mapping[str, Any] | None) -> LabelBook:
        """The book in ``content``; entries that do not parse (the user can write their
        own account data) are dropped, never fatal."""
        if not isinstance(content, Mapping):
            return cls()
        rooms: dict[str, CaseLabel] = {}
        raw = content.get("rooms")
        if isinstance(raw, Mapping):
            for room_id, entry in raw.items():
                if not isinstance(room_id, str) or not room_id.startswith("!"):
                    continue
                try:
                    rooms[room_id] = CaseLabel.model_validate(entry)
                except ValidationError:
                    continue
        return cls(rooms=rooms)

    def with_label(self, room_id: str, case_id: str, label: str, now: dt.datetime) -> LabelBook:
        rooms = dict(self.rooms)
        rooms[room_id] = CaseLabel(case_id=case_id, label=label,
                                   updated_at=now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
        return LabelBook(rooms=rooms)

    def without(self, room_id: str) -> LabelBook:
        rooms = {k: v for k, v in self.rooms.items() if k != room_id}
        return LabelBook(rooms=rooms)

    def content(self) -> dict[str, Any]:
        return {"v": BOOK_VERSION,
                "rooms": {k: v.model_dump() for k, v in sorted(self.rooms.items())}}

    def label(self, room_id: str) -> str | None:
        entry = self.rooms.get(room_id)
        return entry.label if entry is not None else None


# -- !mijn-casussen: pages that fit in a Matrix event ------------------------------

#: Synapse refuses events over 65,536 bytes (signatures and hashes included); a page's
#: content stays well under it, measured as nio sends it (JSON with ASCII escapes).
PAGE_BUDGET_BYTES = 24_000


def pages(rendered: Sequence[Mapping[str, Any]], *, fixed_bytes: int = 2_000,
          budget: int = PAGE_BUDGET_BYTES) -> list[list[int]]:
    """Split entries into pages (lists of indexes, in order) so that each page's
    entries, serialised as they will be sent, stay within ``budget`` bytes including
    ``fixed_bytes`` for the page's own text. Every page holds at least one entry."""
    result: list[list[int]] = []
    current: list[int] = []
    used = fixed_bytes
    for i, entry in enumerate(rendered):
        size = len(json.dumps(entry))  # ensure_ascii, as nio sends it
        if current and used + size > budget:
            result.append(current)
            current, used = [], fixed_bytes
        current.append(i)
        used += size
    if current or not result:
        result.append(current)
    return result
