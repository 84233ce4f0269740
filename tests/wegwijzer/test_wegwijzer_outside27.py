"""outside27 (session 23), against the real Synapse harness: an asker could invite anyone
into their lane (a lane was made with the ``private_chat`` preset: every member may invite)
and whoever joined read the question (live: @chantal of inkomen, invited by @daan into
daan's lane to crisis-schulden, joined and read "Vraag van @daan …"). Now only the bot
invites into a lane; the team still comes in by the lane's restricted join rule.
"""

from __future__ import annotations

import nio

from busbaan.devstack.people import REPLY_KEY
from tests.wegwijzer.conftest import Intake, MakePerson, ask_dm


async def test_an_asker_cannot_invite_someone_else_into_the_lane(
        make_person: MakePerson, bot_id: str, intake: Intake) -> None:
    """The asker's invite of a third person into the lane is refused by the homeserver
    (power level), and a member of the team's intake room still joins without an invite."""
    asker, member, outsider, late = (await make_person(), await make_person(),
                                     await make_person(), await make_person())
    await intake("crisis-schulden", [member])
    dm = await asker.dm(bot_id)
    await ask_dm(asker, dm, "Gezin met een huurachterstand, de ontruiming is volgende week.")
    reply = await asker.command(dm, "!baan 1")
    assert reply[REPLY_KEY]["ok"] is True, reply["body"]
    lane_room = reply[REPLY_KEY]["data"]["room_id"]
    joined = await asker.join(lane_room)
    assert isinstance(joined, nio.JoinResponse), joined
    invited = await asker.client.room_invite(lane_room, outsider.user_id)
    assert isinstance(invited, nio.RoomInviteError), invited
    assert invited.status_code == "M_FORBIDDEN", invited
    refused = await outsider.client.join(lane_room)
    assert isinstance(refused, nio.JoinError), refused
    # a team member who joins the intake room later comes into the lane by its join rule
    await intake("crisis-schulden", [late])
    assert isinstance(await late.join(lane_room), nio.JoinResponse)
