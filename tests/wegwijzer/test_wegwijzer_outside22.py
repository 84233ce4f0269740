"""outside22 (session 18), against the real Synapse harness: what was answered or refused
wrongly live in `make dev` (encrypted direct chats from a plain nio client).

- "… Haar nummer is +31 (0)6 4827 1953 …" was answered, and `!baan 1` opened a lane "met
  je vraag als eerste bericht": the number went to a team's intake room.
- "Mijn klant محمد الحسن heeft grote schulden …" was answered (the same name in Latin or
  Cyrillic letters is refused).
- "De stroom wordt afgesloten op 09-12-2026 10:00 …" was refused as "een
  telefoonnummer": the cut-off got no services.

The detector (busbaan.privacy) is tested in tests/core/test_privacy_outside22.py; here the
bot's answers.
"""

from __future__ import annotations

from typing import Any

import nio

from busbaan.devstack.people import NOTICE_KEY, REPLY_KEY
from tests.wegwijzer.conftest import ROUTE_KEY, MakePerson, in_reply_to


async def _send(person: Any, room_id: str, body: str) -> str:
    resp = await person.client.room_send(room_id, "m.room.message",
                                         {"msgtype": "m.text", "body": body},
                                         ignore_unverified_devices=True)
    assert isinstance(resp, nio.RoomSendResponse), resp
    return str(resp.event_id)


async def _answer(person: Any, room_id: str, event_id: str,
                  key: str = NOTICE_KEY) -> dict[str, Any]:
    def match(rid: str, ev: dict[str, Any]) -> bool:
        content = ev.get("content", {})
        return rid == room_id and key in content and in_reply_to(content) == event_id

    _, ev = await person.wait_for(match, 15.0)
    return dict(ev["content"])


async def test_a_phone_number_or_a_name_in_arabic_script_is_refused_and_never_laned(
        make_person: MakePerson, bot_id: str) -> None:
    asker = await make_person()
    dm = await asker.dm(bot_id)
    for body, needle in [
        ("Een weduwe van 80 redt het huishouden niet meer sinds haar val. Wil iemand haar "
         "bellen over huishoudelijke hulp? Haar nummer is +31 (0)6 4827 1953.", "4827"),
        ("Mijn klant محمد الحسن heeft grote schulden en wil schuldhulp.", "محمد"),
    ]:
        refused = await _answer(asker, dm, await _send(asker, dm, body))
        assert refused[NOTICE_KEY]["errcode"] == "BB_PERSONAL_DATA", refused["body"]
        assert ROUTE_KEY not in refused and needle not in refused["body"]
        lane = await _answer(asker, dm, await _send(asker, dm, "!baan 1"), REPLY_KEY)
        assert lane[REPLY_KEY]["errcode"] == "BB_NO_ANSWER", lane["body"]
        assert needle not in lane["body"]


async def test_a_cut_off_date_with_its_hour_is_answered(make_person: MakePerson,
                                                        bot_id: str) -> None:
    asker = await make_person()
    dm = await asker.dm(bot_id)
    answer = await _answer(asker, dm, await _send(
        asker, dm, "De stroom wordt afgesloten op 09-12-2026 10:00, het gezin heeft twee "
                   "kinderen. Wat nu?"))
    assert answer[NOTICE_KEY]["kind"] == "route.answer", answer["body"]
    assert answer[ROUTE_KEY]["results"][0]["service_id"] == "crisis-schulden"
