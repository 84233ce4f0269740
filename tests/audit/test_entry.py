"""The audit entry and its canonical leaf bytes (pure)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from busbaan.audit.entry import (
    _MAYBE_BSN,
    AuditEntry,
    InvalidEntry,
    Leaf,
    canonical_json,
    format_time,
    leaf_bytes,
    parse_leaf,
)
from busbaan.errors import PersonalData


def test_leaf_bytes_are_canonical_json(make_entry: Callable[..., AuditEntry]) -> None:
    """Leaf bytes have sorted keys, no whitespace, UTF-8 text, the index and the version,
    and leave out empty fields."""
    entry = make_entry(0, organisation="gemeente–wpi", subject_user=None, details={})
    data = leaf_bytes(entry, 7)
    obj = json.loads(data)
    assert data == json.dumps(obj, sort_keys=True, separators=(",", ":"),
                              ensure_ascii=False).encode()
    assert "gemeente–wpi".encode() in data
    assert obj["index"] == 7 and obj["v"] == 1
    assert "subject_user" not in obj and "details" not in obj
    assert b" " not in data.replace("gemeente–wpi".encode(), b"")


def test_times_are_utc_with_microseconds_and_z() -> None:
    """Times are written as UTC ISO 8601 with microseconds and a Z, whatever the zone."""
    cet = dt.timezone(dt.timedelta(hours=1))
    assert format_time(dt.datetime(2026, 3, 1, 10, 0, tzinfo=cet)) == "2026-03-01T09:00:00.000000Z"
    assert format_time(dt.datetime(2026, 3, 1, 9, 0, 0, 5, tzinfo=dt.UTC)) == \
        "2026-03-01T09:00:00.000005Z"


def test_leaf_round_trips(make_entry: Callable[..., AuditEntry]) -> None:
    """parse_leaf gives back the entry, its index and the ciphertext hash."""
    entry = make_entry(4, responsible_user="@lead:wmo.example", reason_code="BB_FORBIDDEN")
    digest = bytes(range(32))
    assert parse_leaf(leaf_bytes(entry, 4, digest)) == Leaf(4, entry, digest)


def test_the_personal_ciphertext_hash_is_part_of_the_leaf(
    make_entry: Callable[..., AuditEntry],
) -> None:
    """Two leaves that differ only in the ciphertext hash differ in bytes."""
    entry = make_entry(1)
    assert leaf_bytes(entry, 1, b"\x00" * 32) != leaf_bytes(entry, 1, b"\x01" * 32)
    assert b"personal_sha256" not in leaf_bytes(entry, 1)


@pytest.mark.parametrize("overrides", [
    {"action": "X"},
    {"outcome": "maybe"},
    {"event_code": "Created"},
    {"source": "Casus Bot"},
    {"occurred_at": dt.datetime(2026, 1, 1)},
    {"user_id": ""},
    {"data_categories": "contact"},
    {"checks": {"Bad Key": "pass"}},
    {"details": {"score": 0.5}},
])
def test_malformed_entries_are_refused(
    make_entry: Callable[..., AuditEntry], overrides: dict[str, Any]
) -> None:
    """Wrong actions, outcomes, codes, naive times, empty ids, non-text values are refused."""
    with pytest.raises(InvalidEntry):
        make_entry(0, **overrides)


def test_a_bsn_in_an_entry_is_refused(make_entry: Callable[..., AuditEntry]) -> None:
    """A BSN in the case id or the details is refused: it belongs in sealed details."""
    with pytest.raises(PersonalData):
        make_entry(0, details={"note": "bsn 111222333"})
    with pytest.raises(PersonalData):
        make_entry(0, case_id="111222333")
    # Digits inside an opaque identifier are not a BSN.
    assert make_entry(0, details={"event_id": "$Ab111222333cD:busbaan.example"})


def test_floats_never_reach_canonical_json() -> None:
    """canonical_json refuses floats anywhere in the object."""
    with pytest.raises(InvalidEntry):
        canonical_json({"a": [1, {"b": 0.1}]})


def test_entries_are_immutable_and_hashable(make_entry: Callable[..., AuditEntry]) -> None:
    """Entries are frozen; their mappings are read-only."""
    entry = make_entry(0)
    with pytest.raises(AttributeError):
        entry.outcome = "failed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        entry.checks["consent"] = "fail"  # type: ignore[index]
    assert hash(entry) == hash(make_entry(0))


_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)),
                min_size=1, max_size=20).filter(lambda t: not _MAYBE_BSN.search(t))
_KEYS = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)


@settings(max_examples=300, deadline=None)
@given(
    optional=st.fixed_dictionaries({}, optional={
        name: _TEXT for name in ("user_id", "user_role", "responsible_user", "organisation",
                                 "case_id", "subject_user", "grant_id", "reason_code")}),
    categories=st.lists(_TEXT, max_size=3),
    checks=st.dictionaries(_KEYS, _TEXT, max_size=3),
    details=st.dictionaries(_KEYS, _TEXT, max_size=3),
    index=st.integers(min_value=0, max_value=2**62),
    digest=st.none() | st.binary(min_size=32, max_size=32),
)
def test_leaf_bytes_equal_a_sorted_json_dump(
    optional: dict[str, str], categories: list[str], checks: dict[str, str],
    details: dict[str, str], index: int, digest: bytes | None,
) -> None:
    """The fast leaf encoder gives exactly the sorted canonical JSON, for any entry."""
    entry = AuditEntry("case.created", "C", dt.datetime(2026, 1, 1, tzinfo=dt.UTC), "done",
                       "gate", data_categories=tuple(categories), checks=checks,
                       details=details, **optional)
    expected = {**entry.to_json(), "index": index, "v": 1}
    if digest is not None:
        expected["personal_sha256"] = digest.hex()
    assert leaf_bytes(entry, index, digest) == canonical_json(expected)
