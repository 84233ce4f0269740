"""Refusals as a real client sees them: matrix-js-sdk (the SDK under Element Web)
against the real Synapse with the gate. The error the SDK raises carries busbaan's
reason, in the refused user's language, for /invite, /join and createRoom's invites."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest

from busbaan.consent.state import CASE_EVENT, case_content
from busbaan.devstack.people import NOTICE_KEY, Person, eventually
from busbaan.language import LANGUAGE_ACCOUNT_DATA
from busbaan.matrix.rooms import case_room_request
from busbaan.service import Service
from tests.casus.conftest import MakePerson
from tests.casus.test_case_rooms import open_case
from tests.clients.jssdk import run_js_sdk

pytestmark = pytest.mark.synapse

#: What Synapse says for a spam-checker refusal: it must never be what the user reads.
SYNAPSE_FIXED_TEXTS = ("Invites have been disabled on this server",
                       "Not allowed to join this room",
                       "This event is not allowed in this context")


async def js(service: Service, person: Person, steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    token = person.client.access_token
    return await run_js_sdk(service.config.homeserver, person.user_id, token, steps)


def assert_refused_with_reason(result: dict[str, Any], lang: str, code: str) -> str:
    """The SDK raised a MatrixError whose `error` is busbaan's reason in ``lang``."""
    assert result["ok"] is False and result["matrixError"] is True, result
    assert result["httpStatus"] == 403 and result["errcode"] == "M_FORBIDDEN", result
    data = result["data"]
    assert data["nl.busbaan.code"] == code, data
    expected = data["nl.busbaan.reason"] if lang == "nl" else data["nl.busbaan.reason_en"]
    assert result["error"] == expected, result
    assert expected in result["message"]
    assert not any(text in result["message"] for text in SYNAPSE_FIXED_TEXTS)
    return str(result["error"])


async def test_invite_out_of_scope_raises_the_dutch_reason_in_the_sdk(
    service: Service, make_person: MakePerson
) -> None:
    """An out-of-scope invite through matrix-js-sdk's invite() raises a MatrixError whose
    `error` is the Dutch reason; the bot's notice in the room still says it too."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    outsider = await make_person("ggd", "arts")
    _, room = await open_case(regie, bot)

    [result] = await js(service, regie, [{"op": "invite", "roomId": room,
                                          "userId": outsider.user_id}])
    error = assert_refused_with_reason(result, "nl", "refused.organisation_not_in_scope")
    assert "GGD Amsterdam – Bemoeizorg (ggd) valt buiten de toestemming" in error
    _, notice = await regie.wait_for(
        lambda rid, ev: rid == room
        and ev.get("content", {}).get(NOTICE_KEY, {}).get("actor") == regie.user_id)
    assert notice["content"][NOTICE_KEY]["reason"] == error


async def test_join_out_of_scope_raises_the_reason_in_the_users_language(
    service: Service, make_person: MakePerson
) -> None:
    """A join outside the scope through joinRoom() raises the Dutch reason by default,
    and the English one once the user chose English in account data."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    outsider = await make_person("ggd", "arts")
    _, room = await open_case(regie, bot)

    results = await js(service, outsider, [
        {"op": "join", "roomId": room},
        {"op": "setAccountData", "type": LANGUAGE_ACCOUNT_DATA, "content": {"language": "en"}},
        {"op": "join", "roomId": room},
    ])
    dutch = assert_refused_with_reason(results[0], "nl", "refused.organisation_not_in_scope")
    assert results[1]["ok"] is True, results[1]
    english = assert_refused_with_reason(results[2], "en", "refused.organisation_not_in_scope")
    assert "(ggd) valt buiten" in dutch and "(ggd) is outside this case's consent scope" in english

    # Refused by the gate's second layer (user_may_join_room, before any event is made)
    # with the same decide() as check_event_allowed: each attempt is recorded once.
    async def recorded() -> list[Any] | None:
        found = [e.entry for e in service.audit.log().query(event_prefix="membership")
                 if e.entry.source == "gate" and e.entry.user_id == outsider.user_id]
        return found if len(found) >= 2 else None

    await eventually(recorded, timeout=10)
    await asyncio.sleep(1.0)  # a second record per attempt would have been written by now
    entries = await recorded() or []
    assert [(e.outcome, e.reason_code) for e in entries] == [
        ("refused", "refused.organisation_not_in_scope")] * 2, entries


async def test_create_room_with_an_out_of_scope_invite_raises_the_reason(
    service: Service, make_person: MakePerson
) -> None:
    """createRoom whose invite list holds someone outside the case's scope fails with the
    reason as `error` (the createRoom-with-invite path)."""
    runner = service.runners["casus"]
    regie = await make_person("buurtteam", "buurtteammedewerker")
    outsider = await make_person("ggd", "arts")
    request = case_room_request(
        case_id="C-JSTESTAB", regie=regie.user_id,
        case_state=case_content("C-JSTESTAB", "buurtteam", regie.user_id,
                                regie_since=dt.datetime.now(dt.UTC),
                                policy_version=service.casus.policy.version),
        acl_servers=["localhost"])
    assert any(s["type"] == CASE_EVENT for s in request["initial_state"])
    options = {"name": request["name"], "room_version": request["room_version"],
               "preset": "private_chat", "invite": [regie.user_id, outsider.user_id],
               "initial_state": request["initial_state"],
               "power_level_content_override": request["power_level_override"]}
    [result] = await run_js_sdk(service.config.homeserver, runner.user_id,
                                str(runner.client.access_token),
                                [{"op": "createRoom", "options": options}])
    assert_refused_with_reason(result, "nl", "refused.organisation_not_in_scope")
