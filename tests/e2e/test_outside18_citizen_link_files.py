"""The citizen link's QR code and printable page in an encrypted chat (outside18): they
were uploaded in clear, so the homeserver's media store held the printable page with the
link's token readable in it while the message around it was end-to-end encrypted. Now
they go up encrypted (an EncryptedFile under ``file``), as Element sends attachments in
an encrypted room."""

from __future__ import annotations

from typing import Any

import aiohttp
import nio
import pytest
from nio.crypto.attachments import decrypt_attachment

from busbaan.devstack.people import NOTICE_KEY, REPLY_KEY, Person
from tests.e2e.conftest import E2EStack
from tests.e2e.test_encrypted_case_rooms import open_encrypted_case

pytestmark = pytest.mark.synapse


async def _media(e2e: E2EStack, person: Person, mxc: str) -> bytes:
    """The bytes the homeserver stores for ``mxc`` (authenticated media download)."""
    server, media_id = mxc.removeprefix("mxc://").split("/", 1)
    async with aiohttp.ClientSession() as http:
        resp = await http.get(
            f"{e2e.hs.url}/_matrix/client/v1/media/download/{server}/{media_id}",
            headers={"Authorization": f"Bearer {person.client.access_token}"})
        body = await resp.read()
    assert resp.status == 200, body[:200]
    return body


async def test_the_link_files_are_encrypted_attachments(e2e: E2EStack) -> None:
    """In the regie's encrypted chat with the bot, the QR code (m.image) and the page
    (m.file) carry ``file`` (key, iv, hashes) and no clear ``url``; the homeserver's copy
    of the page does not hold the link, and the regie's key opens it to a PDF that does."""
    regie = await e2e.person("buurtteam", "buurtteammedewerker")
    _, room = await open_encrypted_case(e2e, regie)
    first = await regie.command(room, "!burgerlink", timeout=30)
    assert first[REPLY_KEY]["ok"] is True, first["body"]
    dm = str(first[REPLY_KEY]["data"]["dm_room_id"])
    if dm not in regie.client.rooms:
        assert isinstance(await regie.join(dm), nio.JoinResponse)
    # A second link once the regie's device is in the chat, so it gets the room key.
    second = await regie.command(room, "!burgerlink", timeout=30)
    assert second[REPLY_KEY]["ok"] is True, second["body"]

    def link_notice(rid: str, ev: dict[str, Any]) -> bool:
        notice = ev.get("content", {}).get(NOTICE_KEY, {})
        return rid == dm and notice.get("kind") == "citizen.link" \
            and notice.get("link_id") == second[REPLY_KEY]["data"]["link_id"]

    _, notice = await regie.wait_for(link_notice, 30)
    url = str(notice["content"][NOTICE_KEY]["url"])
    files: dict[str, dict[str, Any]] = {}

    def attachment(rid: str, ev: dict[str, Any]) -> bool:
        content = ev.get("content", {})
        if rid == dm and content.get("msgtype") in ("m.image", "m.file") \
                and content.get("body", "").startswith("burgerlink-"):
            files[content["msgtype"]] = content
        return len(files) == 2

    await regie.wait_for(attachment, 30)
    for content in files.values():
        assert "url" not in content, content
        assert {"url", "key", "iv", "hashes", "v"} <= set(content["file"]), content
    page = files["m.file"]["file"]
    stored = await _media(e2e, regie, page["url"])
    assert b"/burger/l/" not in stored and url.encode() not in stored
    plain = decrypt_attachment(stored, page["key"]["k"], page["hashes"]["sha256"], page["iv"])
    assert plain.startswith(b"%PDF")
