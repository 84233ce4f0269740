"""Who may be given a lane's kept room key (lanekeys, session 22): the pure rule of
:func:`busbaan.matrix.crypto.key_recipients`."""

from __future__ import annotations

from busbaan.matrix.crypto import KeptRoomKey, key_recipients

BOT = "@wegwijzer:localhost"
ANNA = "@anna:localhost"


def test_a_joined_members_devices_without_the_key_get_it() -> None:
    """Every device of a joined member that lacks the key, and only those."""
    assert key_recipients(ANNA, joined=[ANNA, BOT], removed=[], bot_user=BOT,
                          devices=["OLD", "NEW"], having=[(ANNA, "OLD")]) == ["NEW"]


def test_nobody_outside_the_room_gets_it() -> None:
    """A user who left, was only invited or never was a member: no device."""
    assert key_recipients(ANNA, joined=[BOT, "@bob:localhost"], removed=[], bot_user=BOT,
                          devices=["NEW"], having=[]) == []


def test_a_removed_member_gets_nothing_even_if_the_server_still_lists_her() -> None:
    """Someone the bot removed is refused also while a stale member list shows her."""
    assert key_recipients(ANNA, joined=[ANNA, BOT], removed=[ANNA], bot_user=BOT,
                          devices=["NEW"], having=[]) == []


def test_the_bot_itself_and_other_users_devices_do_not_count() -> None:
    """The bot never sends itself a key; another user's device that has it does not
    make a member's device count as served."""
    assert key_recipients(BOT, joined=[BOT], removed=[], bot_user=BOT,
                          devices=["X"], having=[]) == []
    assert key_recipients(ANNA, joined=[ANNA], removed=[], bot_user=BOT, devices=["D"],
                          having=[("@bob:localhost", "D")]) == ["D"]


def test_a_kept_key_is_the_room_key_content_nio_shares() -> None:
    """The kept key is sent as the same ``m.room_key`` content every member got."""
    key = KeptRoomKey("!lane:localhost", "sess", "signed-key")
    assert key.content() == {"algorithm": "m.megolm.v1.aes-sha2",
                             "room_id": "!lane:localhost", "session_id": "sess",
                             "session_key": "signed-key"}
