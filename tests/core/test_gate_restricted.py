"""The gate's text for a refused restricted join (busbaan.gate.restricted, pure): given
only where Synapse's own restricted rule refuses, never for a member of an allowed room,
an invited or joined user, or a rule the gate cannot read."""

from __future__ import annotations

from busbaan.gate.restricted import LANE_CODE, ROOM_CODE, allowed_rooms, restricted_refusal

RULE = {"join_rule": "restricted",
        "allow": [{"type": "m.room_membership", "room_id": "!intake:x"}]}


def test_outside_every_allowed_room_is_refused_with_the_lane_or_the_plain_text() -> None:
    """Not in the intake room (never, or left): refused; a lane's text for a lane."""
    for there in ("leave", None, "ban", "invite", "knock"):
        lane = restricted_refusal(RULE, None, {"!intake:x": there}, is_lane=True)
        room = restricted_refusal(RULE, "leave", {"!intake:x": there}, is_lane=False)
        assert lane is not None and lane.code == LANE_CODE and not lane.allowed
        assert room is not None and room.code == ROOM_CODE
        assert "baan" in lane.nl and "baan" not in room.nl


def test_a_member_of_an_allowed_room_or_an_invited_user_is_never_refused_here() -> None:
    """Synapse admits these: the gate must say nothing (never lock a team member out)."""
    two = {**RULE, "allow": [*RULE["allow"], {"type": "m.room_membership", "room_id": "!b:x"}]}
    assert restricted_refusal(RULE, None, {"!intake:x": "join"}, is_lane=True) is None
    assert restricted_refusal(two, None, {"!intake:x": "leave", "!b:x": "join"},
                              is_lane=True) is None
    for own in ("join", "invite"):
        assert restricted_refusal(RULE, own, {"!intake:x": "leave"}, is_lane=True) is None


def test_anything_the_gate_cannot_read_is_left_to_synapse() -> None:
    """Unknown membership, other rules, unknown allow kinds: no text of the gate's."""
    assert restricted_refusal(RULE, None, {}, is_lane=True) is None
    for rules in (None, {}, {"join_rule": "invite"}, {"join_rule": "public"},
                  {"join_rule": "restricted"}, {"join_rule": "restricted", "allow": []},
                  {"join_rule": "restricted", "allow": [{"type": "m.space_membership"}]},
                  {"join_rule": "restricted", "allow": [{"type": "m.room_membership"}]},
                  {"join_rule": "restricted", "allow": "!intake:x"}):
        assert allowed_rooms(rules) is None
        assert restricted_refusal(rules, None, {"!intake:x": "leave"}, is_lane=True) is None
    knock = {**RULE, "join_rule": "knock_restricted"}
    assert allowed_rooms(knock) == ("!intake:x",)
