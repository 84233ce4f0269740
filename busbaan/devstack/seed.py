"""Many cases for one professional, quickly, through the case service (tests, bench).

Each case goes through :class:`~busbaan.cases.CaseService` like any other
(``open_case`` then ``attach_room``, its ``case.created`` event in the outbox); only
its room is a stand-in id, created with the very state the room-state mirror wants,
so the mirror has nothing to write. For figures about *listing* cases (``!mijn-
casussen``), where creating hundreds of real rooms would only measure Synapse.
"""

from __future__ import annotations

import datetime as dt
import secrets

from busbaan.cases import CaseService
from busbaan.cases.mirrors import CaseFacts, desired_state
from busbaan.directory import Directory


def seed_cases(service: CaseService, directory: Directory, *, bot_user_id: str, regie: str,
               organisation: str, n: int) -> list[tuple[str, str]]:
    """``n`` open cases led by ``regie``: [(case id, stand-in room id)]."""
    out = []
    for _ in range(n):
        row = service.open_case(regie=regie, organisation=organisation, label="")
        room_id = f"!seed{secrets.token_hex(12)}"
        now = dt.datetime.now(dt.UTC)
        facts = CaseFacts(case_id=row.case_id, room_id=room_id,
                          home_organisation=organisation, regie=regie,
                          regie_since=row.regie_since.replace(tzinfo=dt.UTC), closed=False,
                          grants=(), running=(), access_users=())
        state = desired_state(facts, policy=service.policy, directory=directory,
                              bot_user_id=bot_user_id, now=now)
        service.attach_room(row.case_id, room_id,
                            initial_state=[(t, k, c) for (t, k), c in state.items()])
        out.append((row.case_id, room_id))
    return out
