"""The gate decides an invitation on the case's scope as the store holds it (issue 9,
session 4): a grant is answered on commit and its room state follows a moment later,
so an invitation from Element's own dialog right after the grant's reply must not be
refused; one right after a withdrawal's reply must be. Real Synapse with the gate,
sharing the casus bot's store; the room's state write is held back to open the window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import nio
import pytest

from busbaan.devstack.people import members
from busbaan.service import Service
from tests.casus.conftest import MakePerson
from tests.casus.test_case_rooms import open_case

pytestmark = pytest.mark.synapse


def _until(days: int) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


@contextmanager
def consent_state_held_back(service: Service) -> Iterator[None]:
    """The room-state mirror cannot write ``nl.busbaan.consent`` (the homeserver
    refuses, injected at the bot's edge): the room state stays behind the store."""
    mirror = service.casus.state_mirror
    real = mirror.writer

    async def refuse(room_id: str, event_type: str, content: dict[str, Any],
                     state_key: str) -> None:
        if event_type == "nl.busbaan.consent":
            raise RuntimeError("M_FORBIDDEN (injected)")
        await real(room_id, event_type, content, state_key)

    mirror.writer = refuse
    try:
        yield
    finally:
        mirror.writer = real


async def _consent_state(client: nio.AsyncClient, room: str, grant_id: str) -> dict[str, Any]:
    st = await client.room_get_state_event(room, "nl.busbaan.consent", grant_id)
    return dict(getattr(st, "content", {}) or {})


async def test_an_invite_from_the_regies_own_client_right_after_a_grant_is_admitted(
    service: Service, make_person: MakePerson
) -> None:
    """With the grant committed but not yet in the room's state, the regie's own
    client (not the bot) invites a counsellor: admitted, and she joins. An invitation
    of an organisation without a grant is still refused with its reason."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    counsellor = await make_person("schuldhulp", "schuldhulpverlener")
    income = await make_person("inkomen", "klantmanager")
    _, room = await open_case(regie, bot)
    with consent_state_held_back(service):
        r = (await regie.command(room, "!toestemming geef schuldhulp schulden grondslag=wgs "
                                       f"tot={_until(30)}"))["nl.busbaan.reply"]
        assert r["ok"] is True, r
        grant_id = r["data"]["grants"][0]["grant_id"]
        assert "organisation" not in await _consent_state(regie.client, room, grant_id)
        invited = await regie.client.room_invite(room, counsellor.user_id)
        assert isinstance(invited, nio.RoomInviteResponse), invited
        refused = await regie.client.room_invite(room, income.user_id)
        assert isinstance(refused, nio.RoomInviteError)
        assert refused.status_code == "M_FORBIDDEN"
        assert "inkomen" in refused.message
    assert isinstance(await counsellor.join(room), nio.JoinResponse)
    state = await members(regie.client, room)
    assert state[counsellor.user_id] == "join" and income.user_id not in state


async def test_an_invite_right_after_a_withdrawal_is_refused_before_the_room_state_follows(
    service: Service, make_person: MakePerson
) -> None:
    """With a withdrawal committed but not yet in the room's state (which still shows
    the grant), an invitation of that organisation from the regie's own client is
    refused: the gate reads the withdrawal from the store."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    counsellor = await make_person("schuldhulp", "schuldhulpverlener")
    _, room = await open_case(regie, bot)
    r = (await regie.command(room, "!toestemming geef schuldhulp schulden grondslag=wgs "
                                   f"tot={_until(30)}"))["nl.busbaan.reply"]
    assert r["ok"] is True, r
    grant_id = r["data"]["grants"][0]["grant_id"]
    await service.casus.settle()
    assert "organisation" in await _consent_state(regie.client, room, grant_id)
    with consent_state_held_back(service):
        r = (await regie.command(room, f"!toestemming intrekken {grant_id}"))["nl.busbaan.reply"]
        assert r["ok"] is True, r
        assert "withdrawn_at" not in await _consent_state(regie.client, room, grant_id)
        refused = await regie.client.room_invite(room, counsellor.user_id)
        assert isinstance(refused, nio.RoomInviteError), refused
        assert refused.status_code == "M_FORBIDDEN"
    assert (await members(regie.client, room)).get(counsellor.user_id) is None
