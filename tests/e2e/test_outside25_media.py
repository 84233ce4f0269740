"""outside25 (session 21): a voice note, a photo or a file sent to the wegwijzer in its
encrypted direct chat got no answer at all (live in `make dev`, from a plain encrypting
nio client: an `m.audio` voice message, an `m.image` and an `m.file` PDF, each waited for
20 s in silence; the bot handled only text). A professional who sends a voice note waits
for an answer that never comes. Now the bot says, as a reply to it, that it cannot read
it and kept nothing, how to ask instead, and the 112 line — once, and never in a lane.
"""

from __future__ import annotations

from typing import Any

import nio
import pytest

from busbaan.devstack.people import NOTICE_KEY
from busbaan.matrix.runner import BotRunner
from tests.e2e.conftest import E2EStack

pytestmark = pytest.mark.synapse


def _file(url: str) -> dict[str, Any]:
    """An encrypted attachment's `file` (what Element sends; nothing is uploaded: the
    bot must never fetch it)."""
    return {"url": url, "v": "v2", "iv": "AAAAAAAAAAAAAAAAAAAAAA",
            "hashes": {"sha256": "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"},
            "key": {"alg": "A256CTR", "k": "qcHVMSgYg-71CauWBezXI5qkaRb0LuIy-Wx5kIaHMIA",
                    "kty": "oct", "key_ops": ["encrypt", "decrypt"], "ext": True}}


def _reply_to(room_id: str, event_id: str) -> Any:
    def match(rid: str, ev: dict[str, Any]) -> bool:
        rel = ev.get("content", {}).get("m.relates_to", {}).get("m.in_reply_to", {})
        return rid == room_id and NOTICE_KEY in ev.get("content", {}) \
            and rel.get("event_id") == event_id
    return match


async def test_a_voice_note_photo_or_file_in_the_direct_chat_is_answered_once(
        e2e: E2EStack) -> None:
    assert e2e.service is not None
    runner: BotRunner = e2e.service.runners["wegwijzer"]
    asker = await e2e.person("buurtteam", "buurtteammedewerker")
    room_id = await asker.dm(runner.user_id, encrypted=True)
    sent = []
    for content in [
        {"msgtype": "m.audio", "body": "Spraakbericht.ogg", "file": _file("mxc://x/a"),
         "info": {"mimetype": "audio/ogg", "duration": 14000}, "org.matrix.msc3245.voice": {}},
        {"msgtype": "m.image", "body": "IMG_2041.jpg", "file": _file("mxc://x/b"),
         "info": {"mimetype": "image/jpeg"}},
        {"msgtype": "m.file", "body": "verwijsbrief.pdf", "file": _file("mxc://x/c"),
         "info": {"mimetype": "application/pdf"}},
    ]:
        resp = await asker.client.room_send(room_id, "m.room.message", content,
                                            ignore_unverified_devices=True)
        assert isinstance(resp, nio.RoomSendResponse), resp
        sent.append(str(resp.event_id))
        _, reply = await asker.wait_for(_reply_to(room_id, sent[-1]), timeout=30)
        body = reply["content"]["body"]
        assert reply["content"][NOTICE_KEY]["kind"] == "message.media_unread"
        assert body.startswith("Ik kan geen spraakberichten, foto's, video's of bestanden")
        assert "Is er direct gevaar? Bel 112." in body
        assert "In immediate danger? Call 112." in body
    # a text question after it is answered as ever
    asked = await asker.say(room_id, "cliënt van 58 kan de energierekening niet betalen")
    _, answer = await asker.wait_for(_reply_to(room_id, asked), timeout=30)
    assert answer["content"][NOTICE_KEY]["kind"] == "route.answer"
    # each attachment answered once
    replies = [ev for rid, ev in asker.events
               if rid == room_id and NOTICE_KEY in ev.get("content", {})
               and ev["content"][NOTICE_KEY].get("kind") == "message.media_unread"]
    assert sorted(r["content"]["m.relates_to"]["m.in_reply_to"]["event_id"]
                  for r in replies) == sorted(sent)
