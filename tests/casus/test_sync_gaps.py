"""No command is lost when more arrive between two syncs than a sync's timeline holds
(Synapse's default: 10 per room): the runner pages back through the gap (issue 9,
crash-safe bots). Real Synapse, a bot service of its own that is stopped and started."""

from __future__ import annotations

import asyncio
import secrets
from collections import Counter
from pathlib import Path

import pytest

from busbaan.devstack import Homeserver, new_password
from busbaan.devstack.burst import REPLY_KEY, _person
from busbaan.matrix.runner import BotAccount
from busbaan.service import Service, ServiceConfig
from busbaan.store import migrate

pytestmark = pytest.mark.synapse

ROOT = Path(__file__).resolve().parents[2]


def _replies_to(events: list[tuple[str, dict]], room: str, sent: list[str]) -> Counter[str]:  # type: ignore[type-arg]
    counts: Counter[str] = Counter()
    for rid, ev in events:
        content = ev.get("content", {})
        target = ((content.get("m.relates_to") or {}).get("m.in_reply_to") or {}).get(
            "event_id")
        if rid == room and REPLY_KEY in content and target in sent:
            counts[target] += 1
    return counts


async def test_commands_sent_while_the_bot_was_away_beyond_one_timeline_are_all_answered(
    homeserver: Homeserver, tmp_path: Path
) -> None:
    """25 commands sent while the bot is stopped (more than the 10 events of a sync's
    timeline) are each answered exactly once after it starts again."""
    url = f"sqlite:///{tmp_path / 'busbaan.db'}"
    migrate(url)
    password = new_password()
    creds = await homeserver.register(f"gapbot-{secrets.token_hex(3)}", password,
                                      lift_ratelimit=True)

    def config() -> ServiceConfig:
        return ServiceConfig(
            homeserver=homeserver.url, policy_dir=ROOT / "policies", database_url=url,
            bots={"casus": BotAccount("casus", homeserver.url, creds.user_id,
                                      password=password)},
            state_dir=tmp_path / "state", web_port=-1, audit_key_init=True,
            encryption=False)  # plain nio clients here; ON by default (issue 11)

    person = await _person(homeserver, f"gapperson-{secrets.token_hex(3)}")
    service = Service(config())
    await service.start()
    try:
        dm = await person.dm(creds.user_id)
        first = await person.command(dm, "!help", timeout=30)
        assert first[REPLY_KEY]["ok"] is True
    finally:
        await service.stop()
    sent = [await person.say(dm, "!help") for _ in range(25)]
    service = Service(config())
    await service.start()
    try:
        for _ in range(300):
            counts = _replies_to(person.events, dm, sent)
            if all(counts[s] >= 1 for s in sent):
                break
            await asyncio.sleep(0.2)
        await asyncio.sleep(1.0)  # a second reply, were there one, would show by now
        counts = _replies_to(person.events, dm, sent)
        assert sorted(counts[s] for s in sent) == [1] * 25, counts
    finally:
        await service.stop()
        await person.stop()
        await person.client.close()
