"""Room-state codecs: grants, cases and accesses survive a round trip through event
content, and malformed content parses to None (fail closed)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from busbaan.consent import Access, Grant
from busbaan.consent.state import (
    access_content,
    access_from_content,
    access_state_key,
    case_content,
    grant_content,
    grant_from_content,
    iso,
    parse_iso,
    scope_from_state,
)
from tests.core.conftest import NOW

GRANT = Grant(
    grant_id="G-42", organisation="schuldhulp", categories=("contact", "schulden"),
    legal_bases=("wgs",), valid_from=NOW, valid_until=NOW + dt.timedelta(days=90),
    given_by="@regie:inkomen.busbaan.example", roles=("schuldhulpverlener",),
    template="schulden-en-inkomen",
)
CASE = case_content("C-7K2Q", "inkomen", "@regie:inkomen.busbaan.example",
                    regie_since=NOW, policy_version="abc")
ACCESS = Access("@glass:ggd.busbaan.example", "break_glass", NOW + dt.timedelta(hours=24), "crisis")


def floats_in(value: object) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, dict):
        return any(floats_in(v) for v in value.values())
    if isinstance(value, list):
        return any(floats_in(v) for v in value)
    return False


def test_grant_round_trip():
    """A grant written to state content reads back equal."""
    assert grant_from_content("G-42", grant_content(GRANT)) == GRANT


def test_withdrawn_grant_round_trip():
    """A withdrawn grant keeps its withdrawal time through a round trip."""
    g = Grant(**{**{f: getattr(GRANT, f) for f in GRANT.__slots__},
                 "withdrawn_at": NOW + dt.timedelta(days=1), "template": None, "roles": ()})
    content = grant_content(g)
    assert content["withdrawn_at"] == "2025-06-03T09:30:00Z"
    assert "template" not in content
    assert grant_from_content("G-42", content) == g


def test_contents_are_canonical_json():
    """Grant, case and access content are JSON with strings and integers only (no floats)."""
    for content in (grant_content(GRANT), CASE, access_content(ACCESS)):
        assert json.loads(json.dumps(content)) == content
        assert not floats_in(content)


def test_times_are_utc_with_z_and_seconds():
    """Times are written in UTC with a Z, to the second, whatever their timezone."""
    cet = dt.timezone(dt.timedelta(hours=2))
    assert iso(dt.datetime(2025, 6, 2, 11, 30, 15, 999, tzinfo=cet)) == "2025-06-02T09:30:15Z"
    assert parse_iso("2025-06-02T09:30:15Z") == dt.datetime(2025, 6, 2, 9, 30, 15, tzinfo=dt.UTC)
    assert parse_iso("2025-06-02T09:30:15").tzinfo is dt.UTC  # naive read as UTC


@pytest.mark.parametrize(
    ("change", "state_key"),
    [
        ({"grant_id": "G-43"}, "G-42"),  # grant id differs from the state key
        ({}, "G-43"),
        ({"grant_id": None}, "G-42"),
        ({"organisation": None}, "G-42"),
        ({"organisation": 7}, "G-42"),
        ({"roles": "schuldhulpverlener"}, "G-42"),
        ({"roles": None}, "G-42"),
        ({"roles": [1]}, "G-42"),
        ({"categories": []}, "G-42"),
        ({"categories": None}, "G-42"),
        ({"categories": "contact"}, "G-42"),
        ({"categories": ["contact", 2]}, "G-42"),
        ({"categories": [1.5]}, "G-42"),
        ({"legal_bases": []}, "G-42"),
        ({"legal_bases": {"wgs": True}}, "G-42"),
        ({"valid_from": "gisteren"}, "G-42"),
        ({"valid_from": "2025-02-30T00:00:00Z"}, "G-42"),
        ({"valid_from": 1748856600}, "G-42"),
        ({"valid_from": 1748856600.5}, "G-42"),
        ({"valid_until": None}, "G-42"),
        ({"valid_until": "2025-13-01T00:00:00Z"}, "G-42"),
        ({"given_by": None}, "G-42"),
        ({"given_by": ["@a:b"]}, "G-42"),
        ({"withdrawn_at": "kapot"}, "G-42"),
        ({"withdrawn_at": 17.0}, "G-42"),
    ],
)
def test_malformed_grant_is_none(change, state_key):
    """A grant with a missing field, a wrong type, a bad date or a float parses to None."""
    content = {**grant_content(GRANT), **change}
    assert grant_from_content(state_key, content) is None


@pytest.mark.parametrize("field", ["grant_id", "organisation", "categories", "legal_bases",
                                   "valid_from", "valid_until", "given_by"])
def test_grant_missing_a_required_field_is_none(field):
    """A grant without any one of its required fields parses to None."""
    content = grant_content(GRANT)
    del content[field]
    assert grant_from_content("G-42", content) is None


@pytest.mark.parametrize("content", [None, [], ["G-42"], "G-42", 42])
def test_grant_content_that_is_no_mapping_is_none(content):
    """Content that is not a JSON object parses to None instead of raising."""
    assert grant_from_content("G-42", content) is None


def test_grant_without_roles_or_template_is_valid():
    """Roles and template are optional; a non-string template is ignored."""
    content = grant_content(GRANT)
    del content["roles"]
    content["template"] = 5
    g = grant_from_content("G-42", content)
    assert g is not None and g.roles == () and g.template is None


def test_access_round_trip_and_state_key():
    """An access reads back equal, and its state key does not start with '@'."""
    assert access_from_content(access_content(ACCESS)) == ACCESS
    key = access_state_key(ACCESS.user_id)
    assert key == "access:glass:ggd.busbaan.example" and not key.startswith("@")


@pytest.mark.parametrize(
    "change",
    [
        {"user_id": None}, {"user_id": 3}, {"kind": "vip"}, {"kind": None},
        {"until": "morgen"}, {"until": None}, {"until": 1.5}, {"reason_code": 1.5},
        {"reason_code": ["x"]},
    ],
)
def test_malformed_access_is_none(change):
    """An access with a missing, wrongly typed or unknown field parses to None."""
    assert access_from_content({**access_content(ACCESS), **change}) is None


@pytest.mark.parametrize("content", [None, [], "x"])
def test_access_content_that_is_no_mapping_is_none(content):
    """Access content that is not a JSON object parses to None instead of raising."""
    assert access_from_content(content) is None


def test_scope_from_state_builds_the_case_scope():
    """A case room's state becomes a scope with its valid grants and accesses."""
    bad = {**grant_content(GRANT), "grant_id": "G-1"}
    scope = scope_from_state(
        "!r:x", CASE,
        grants=[("G-42", grant_content(GRANT)), ("G-2", bad), ("G-3", {})],
        accesses=[access_content(ACCESS), {"user_id": "@x:y"}, {}],
    )
    assert scope is not None
    assert (scope.case_id, scope.room_id, scope.home_organisation, scope.regie) == (
        "C-7K2Q", "!r:x", "inkomen", "@regie:inkomen.busbaan.example")
    assert scope.grants == (GRANT,) and scope.accesses == (ACCESS,)
    assert scope.closed is False
    assert scope.grants_for("schuldhulp") == (GRANT,) and scope.grants_for("wmo") == ()
    assert scope.grant("G-42") == GRANT and scope.grant("G-2") is None


def test_closed_case_state():
    """A case whose status is closed gives a closed scope."""
    closed = case_content("C-1", "inkomen", "@r:x", regie_since=NOW, closed=True)
    assert closed["status"] == "closed"
    scope = scope_from_state("!r:x", closed)
    assert scope is not None and scope.closed


@pytest.mark.parametrize("case", [None, {}])
def test_non_case_room_has_no_scope(case):
    """A room without case state is not a case room: scope_from_state returns None."""
    assert scope_from_state("!r:x", case) is None


@pytest.mark.parametrize(
    "change",
    [
        {"case_id": None}, {"case_id": 5}, {"home_organisation": None}, {"regie": ["@r:x"]},
        {"status": "gesloten"}, {"status": None}, {"status": 1}, {"status": True},
    ],
)
def test_malformed_case_state_has_no_scope(change):
    """A case event with a missing or wrongly typed field, or an unknown status, gives None."""
    assert scope_from_state("!r:x", {**CASE, **change}) is None


def test_case_state_that_is_no_mapping_has_no_scope():
    """Case content that is not a JSON object gives None instead of raising."""
    assert scope_from_state("!r:x", ["C-1"]) is None  # type: ignore[arg-type]


# -- whose state counts (issue 9, part 4) ------------------------------------------------

BOT = "@casus:example.org"
OUR_CASE = {"case_id": "C-7KQ2MX4A", "home_organisation": "buurtteam", "regie": "@r:example.org",
        "regie_since": "2026-01-01T00:00:00Z", "status": "open", "policy_version": "1"}


def _room(create_sender: str = BOT, case_sender: str = BOT,
          case: dict[str, object] | None = None) -> list[tuple[str, str, str, dict[str, object]]]:
    return [("m.room.create", "", create_sender, {"room_version": "12"}),
            ("nl.busbaan.case", "", case_sender, dict(case or OUR_CASE))]


def test_a_case_room_is_one_the_bot_created_and_described() -> None:
    """Created by the bot, case state by the bot, a generated id: a case room."""
    from busbaan.consent.state import scope_from_room_state

    scope = scope_from_room_state("!r:x", _room(), BOT)
    assert scope is not None and scope.case_id == "C-7KQ2MX4A"


@pytest.mark.parametrize("events", [
    _room(create_sender="@mallory:example.org"),
    _room(case_sender="@mallory:example.org"),
    _room(case={**OUR_CASE, "case_id": "Jan Jansen, Dorpsstraat 1"}),
    _room(case={**OUR_CASE, "case_id": "C-123456789"}),
    _room(case={**OUR_CASE, "case_id": "C-7kq2mx4a"}),
    [("nl.busbaan.case", "", BOT, OUR_CASE)],  # no create event seen: not shown to be ours
])
def test_anything_else_is_an_ordinary_room(events: list[tuple[str, str, str, dict[str, object]]]
                                           ) -> None:
    """Someone else's room, someone else's case state, or a typed case id: no case."""
    from busbaan.consent.state import scope_from_room_state

    assert scope_from_room_state("!r:x", events, BOT) is None


def test_bot_sent_case_state_that_does_not_parse_fails_closed() -> None:
    """The bot's own case state, unreadable: the room refuses (raises)."""
    from busbaan.consent.state import scope_from_room_state

    with pytest.raises(ValueError):
        scope_from_room_state("!r:x", _room(case={**OUR_CASE, "status": "???"}), BOT)


def test_grants_from_anyone_but_the_bot_are_ignored() -> None:
    """A consent event sent by a member does not widen the scope."""
    from busbaan.consent.state import scope_from_room_state

    grant = {"grant_id": "G-AAAAAAAA", "organisation": "ggd", "roles": [],
             "categories": ["x"], "legal_bases": ["y"], "valid_from": "2020-01-01T00:00:00Z",
             "valid_until": "2099-01-01T00:00:00Z", "given_by": "@r:example.org"}
    events = [*_room(), ("nl.busbaan.consent", "G-AAAAAAAA", "@r:example.org", grant)]
    scope = scope_from_room_state("!r:x", events, BOT)
    assert scope is not None and scope.grants == ()
    events = [*_room(), ("nl.busbaan.consent", "G-AAAAAAAA", BOT, grant)]
    scope = scope_from_room_state("!r:x", events, BOT)
    assert scope is not None and len(scope.grants) == 1
