"""outside26 (session 22), against the real Synapse harness: a question longer than the
router reads (10,000 characters pasted into the wegwijzer's chat) is answered from its
first MAX_QUESTION_CHARS characters, and the answer says so. `!baan 1` then carried those
2,000 characters into the lane, cut off mid-word ("… en een brief van de woningcorporatie
gekregen. Cl"), with nothing to tell the team that more was asked than they see. Now the
lane's first message says it was cut, and asks the asker to add what stood further on.
"""

from __future__ import annotations

from typing import Any

import nio

from busbaan.devstack.people import NOTICE_KEY, REPLY_KEY, Person
from busbaan.routing import MAX_QUESTION_CHARS
from tests.wegwijzer.conftest import Intake, MakePerson, ask_dm

SENTENCE = ("Cliënt (52) in Noord heeft een huurachterstand van drie maanden en een brief van "
            "de woningcorporatie gekregen. ")
LONG = (SENTENCE * 90)[:10_000]


def _notice(room_id: str, kind: str) -> Any:
    def match(rid: str, ev: dict[str, Any]) -> bool:
        return rid == room_id and ev.get("content", {}).get(NOTICE_KEY, {}).get("kind") == kind
    return match


async def _join_lane(person: Person, lane_room: str) -> None:
    await person.wait_for(lambda rid, ev: rid == lane_room
                          and ev.get("type") == "busbaan.test.invite")
    joined = await person.join(lane_room)
    assert isinstance(joined, nio.JoinResponse), joined


async def test_a_lane_from_a_long_question_says_the_question_was_cut(
        make_person: MakePerson, bot_id: str, intake: Intake) -> None:
    asker, member = await make_person(), await make_person()
    await intake("crisis-schulden", [member])
    dm = await asker.dm(bot_id)
    _, answer = await ask_dm(asker, dm, LONG)
    assert answer["body"].startswith("Je bericht was erg lang"), answer["body"][:200]
    reply = await asker.command(dm, "!baan 1")
    assert reply[REPLY_KEY]["ok"] is True, reply["body"]
    lane_room = reply[REPLY_KEY]["data"]["room_id"]
    await _join_lane(member, lane_room)
    _, first = await member.wait_for(_notice(lane_room, "lane.question"))
    body = first["content"]["body"]
    head, _, question = body.partition(":\n\n")
    assert "ingekort" in head and str(MAX_QUESTION_CHARS) in head and asker.user_id in head
    assert question == LONG[:MAX_QUESTION_CHARS] + "…"
    assert first["content"][NOTICE_KEY]["cut"] is True
    assert first["content"][NOTICE_KEY]["carried"] is True


async def test_a_lane_from_a_short_question_carries_it_whole(
        make_person: MakePerson, bot_id: str, intake: Intake) -> None:
    asker, member = await make_person(), await make_person()
    await intake("crisis-schulden", [member])
    dm = await asker.dm(bot_id)
    await ask_dm(asker, dm, SENTENCE.strip())
    reply = await asker.command(dm, "!baan 1")
    assert reply[REPLY_KEY]["ok"] is True, reply["body"]
    lane_room = reply[REPLY_KEY]["data"]["room_id"]
    await _join_lane(member, lane_room)
    _, first = await member.wait_for(_notice(lane_room, "lane.question"))
    assert first["content"]["body"] == f"Vraag van {asker.user_id}:\n\n{SENTENCE.strip()}"
    assert first["content"][NOTICE_KEY]["cut"] is False
