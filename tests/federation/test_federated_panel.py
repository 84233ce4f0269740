"""The case panel across the federation: a professional on the care provider's server
opens the panel with an OpenID token from *their* homeserver, which busbaan checks
there (issue 10)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from busbaan.devstack.federation import Federation
from busbaan.devstack.people import eventually
from busbaan.service import Service
from busbaan.web.app import create_app
from tests.federation.conftest import FedPerson
from tests.federation.test_federated_cases import GRANT_GP, _join, _r, _until, open_case, raw


@pytest.fixture
async def web(fed_service: Service) -> AsyncIterator[TestClient]:
    assert fed_service.policy is not None
    async with TestClient(TestServer(create_app(fed_service.policy, fed_service))) as client:
        yield client


async def _openid(person: Any) -> dict[str, Any]:
    status, token = await raw(person, "POST",
                              f"/_matrix/client/v3/user/{person.user_id}/openid/request_token")
    assert status == 200, token
    return token


async def test_a_care_provider_professional_opens_the_panel_checked_by_their_server(
        federation: Federation, fed_service: Service, fed_person: FedPerson,
        web: TestClient) -> None:
    """The POH-GGZ on zorg, a member of the case room, gets the panel with a token from
    zorg (checked at zorg's own userinfo endpoint); a colleague on zorg outside the
    scope is refused; a zorg token presented as the municipal server's is refused."""
    bot = fed_service.runners["casus"].user_id
    regie = await fed_person("buurtteam", "buurtteammedewerker")
    poh = await fed_person("huisartsen", "poh-ggz")
    other = await fed_person("huisartsen", "huisarts", directory=False)
    case_id, room = await open_case(regie, bot)
    assert _r(await regie.command(room, GRANT_GP.format(until=_until())))["ok"] is True
    assert _r(await regie.command(room, f"!uitnodigen {poh.user_id}"))["ok"] is True
    await eventually(lambda: _join(poh, room), timeout=20)

    token = await _openid(poh)
    assert token["matrix_server_name"] == federation["zorg"].server_name
    resp = await web.post("/casus/paneel/sessie", json={"room_id": room, "openid": token})
    body = await resp.json()
    assert resp.status == 200 and body["ok"] is True, body
    assert body["user_id"] == poh.user_id and body["case_id"] == case_id

    resp = await web.post("/casus/paneel/sessie",
                          json={"room_id": room, "openid": await _openid(other)})
    assert resp.status == 403 and (await resp.json())["errcode"] == "BB_PANEL_NOT_IN_SCOPE"

    forged = {**await _openid(poh),
              "matrix_server_name": federation["gemeente"].server_name}
    resp = await web.post("/casus/paneel/sessie", json={"room_id": room, "openid": forged})
    assert resp.status == 403 and (await resp.json())["errcode"] == "BB_PANEL_TOKEN"
