"""outside23 (session 19), against the real Synapse harness: a question the wegwijzer cannot
read gets, beside the request to ask again, one plain line pointing to 112.

Live in `make dev` (an encrypted direct chat from a plain nio client), a food-bank
volunteer's "my neighbour's husband beats her every night" written wholly in Arabic got
only "Ik lees geen woorden … Stel de vraag in het Nederlands of het Engels", and an elder
abuse told in Turkish only "Ik herken de taal van deze vraag niet" (outside22's finding 11
too). The safety signals read only Dutch and English, so the bot cannot know whether such
a question is a danger; the lead's decision: say "Is er direct gevaar? Bel 112." to every
question it cannot read (busbaan.routing.router.UNREADABLE_DANGER).
"""

from __future__ import annotations

from typing import Any

import nio

from busbaan.devstack.people import NOTICE_KEY, REPLY_KEY
from tests.wegwijzer.conftest import ROUTE_KEY, MakePerson, in_reply_to

ARABIC = ("جارتي في الطابق الثاني زوجها يضربها كل ليلة، سمعت صراخ الأطفال البارحة ورأيت "
          "كدمات على وجهها.")
TURKISH = ("Komşum 78 yaşında, yalnız yaşıyor. Oğlu her ay onun emekli maaşını alıyor ve "
           "kadın yemek alamıyor. Geçen hafta kolunda morluklar gördüm.")


async def _asked(person: Any, room_id: str, body: str) -> dict[str, Any]:
    resp = await person.client.room_send(room_id, "m.room.message",
                                         {"msgtype": "m.text", "body": body},
                                         ignore_unverified_devices=True)
    assert isinstance(resp, nio.RoomSendResponse), resp
    event_id = str(resp.event_id)

    def match(rid: str, ev: dict[str, Any]) -> bool:
        content = ev.get("content", {})
        return rid == room_id and NOTICE_KEY in content and in_reply_to(content) == event_id

    _, ev = await person.wait_for(match, 15.0)
    return dict(ev["content"])


async def test_a_question_the_bot_cannot_read_points_to_112(make_person: MakePerson,
                                                              bot_id: str) -> None:
    """Arabic script, emoji only and Turkish: each refused with its own errcode, no
    services, and the last line of the text (and of what Element shows) is the plain
    pointer to 112, in Dutch, with the way to a person (`!baan mens`, session 20) on the
    line before it; a question the bot reads gets no such line. The Turkish one was
    answered in English (guess_lang counts Turkish "her", every, as the English word): a
    question in neither language is refused in Dutch, the default."""
    asker = await make_person()
    dm = await asker.dm(bot_id)
    line = "Is er direct gevaar? Bel 112."
    for body, errcode in [(ARABIC, "BB_NO_WORDS"), ("😢🙏🏽🆘", "BB_NO_WORDS"),
                          (TURKISH, "BB_LANGUAGE")]:
        refused = await _asked(asker, dm, body)
        assert refused[NOTICE_KEY]["errcode"] == errcode, refused["body"]
        assert ROUTE_KEY not in refused
        assert refused["body"].splitlines()[-1] == line, refused["body"]
        assert refused["formatted_body"].endswith(f"<br>{line}")
        # session 20 (botlane, outside23 finding 7): the way to a person, before the 112
        # line (`!baan mens` when the desk takes a lane, else its phone and e-mail;
        # test_botlane20_unread_human.py)
        assert refused["body"].splitlines()[-2].startswith(
            "Liever een mens laten meekijken?"), refused["body"]
        # no answer to rate: said without calling the question personal data only (it
        # read so after the Arabic one)
        good = await asker.command(dm, "!goed")
        assert good[REPLY_KEY]["errcode"] == "BB_NO_ANSWER", good["body"]
        assert "Nederlandse of Engelse woorden" in good["body"], good["body"]
    answered = await _asked(asker, dm, "cliënt van 58 kan de energierekening niet betalen")
    assert answered[NOTICE_KEY]["kind"] == "route.answer"
    assert "Bel 112" not in answered["body"]
