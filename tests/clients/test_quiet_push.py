"""The bots turn their own notifications off (issue 12, session 4): at start a bot
enables its master push rule, so the homeserver stores no push actions and counts no
unread notifications for it — while the bot still receives and answers every command
(on the real test homeserver)."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import aiohttp
import nio
import pytest
from clients_testkit import plain_person

import busbaan.matrix.runner as runner_module
from busbaan.devstack import Homeserver, new_password
from busbaan.devstack.people import Person
from busbaan.matrix.dispatch import CommandContext, Dispatcher, Reply, command
from busbaan.matrix.runner import BotAccount, BotRunner

pytestmark = pytest.mark.synapse


class Echo:
    @command("echo")
    async def echo(self, ctx: CommandContext) -> Reply:
        return Reply(f"echo {ctx.args}")


async def _person(homeserver: Homeserver) -> Person:
    return await plain_person(homeserver, "p-quiet")


async def _get(homeserver: Homeserver, token: str, path: str) -> Any:
    async with aiohttp.ClientSession() as http, http.get(
            f"{homeserver.url}/_matrix/client/v3/{path}",
            headers={"Authorization": f"Bearer {token}"}) as resp:
        assert resp.status == 200, await resp.text()
        return await resp.json()


async def _bot(homeserver: Homeserver, tmp_path: Path, name: str) -> BotRunner:
    password = new_password()
    creds = await homeserver.register(f"bot-{name}-{secrets.token_hex(3)}", password,
                                      lift_ratelimit=True)
    runner = BotRunner(BotAccount(name, homeserver.url, creds.user_id, password=password),
                       tmp_path / name, Dispatcher(name), encryption=False)
    runner.dispatcher.bind(Echo())
    await runner.start(attempts=1)
    return runner


@pytest.mark.parametrize("quiet", [True, False], ids=["quiet", "default-rules"])
async def test_a_bot_gets_no_notifications_but_every_command(
        homeserver: Homeserver, tmp_path: Path, quiet: bool,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """With the default (quiet) the bot's master rule is on and a busy room leaves it
    no unread notifications; with Synapse's default rules (as before) it would have
    them. Either way the bot answers the command."""
    monkeypatch.setattr(runner_module, "BOT_QUIET_PUSH", quiet)
    bot = await _bot(homeserver, tmp_path, "quiet" if quiet else "loud")
    alice, bob = await _person(homeserver), await _person(homeserver)
    try:
        token = str(bot.client.access_token)
        rule = await _get(homeserver, token,
                          "pushrules/global/override/.m.rule.master/enabled")
        assert rule["enabled"] is quiet
        made = await alice.client.room_create(invite=[bot.user_id, bob.user_id])
        assert isinstance(made, nio.RoomCreateResponse), made
        room = made.room_id
        await bob.join(room)
        await alice.wait_for(lambda rid, ev: rid == room and ev.get("type") == "m.room.member"
                             and ev.get("state_key") == bot.user_id
                             and ev.get("content", {}).get("membership") == "join", 20)
        for i in range(3):
            await alice.say(room, f"overleg {i}")
        reply = await alice.command(room, "!echo hallo", timeout=20)
        assert reply["body"].startswith("echo hallo")
        # What the homeserver counts for the bot in that room (a fresh sync).
        synced = await _get(homeserver, token, "sync?timeout=0")
        counts = synced["rooms"]["join"][room].get("unread_notifications", {})
        if quiet:
            assert counts.get("notification_count", 0) == 0
        else:
            assert counts.get("notification_count", 0) >= 3
    finally:
        for p in (alice, bob):
            await p.stop()
            await p.client.close()
        await bot.stop()
