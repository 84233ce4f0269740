"""Bots keep their login: a restart reuses the stored token and device (no password
login), a revoked token costs exactly one new login on the same device, and a
homeserver that does not answer is never answered with a password login."""

from __future__ import annotations

import stat
from pathlib import Path

import aiohttp
import pytest
from structlog.testing import capture_logs

from busbaan.devstack import Homeserver, new_password
from busbaan.errors import Unavailable
from busbaan.matrix.credentials import read_login
from busbaan.matrix.dispatch import Dispatcher
from busbaan.matrix.runner import BotAccount, BotRunner, LoginCounts


async def _bot(homeserver: Homeserver) -> BotAccount:
    password = new_password()
    localpart = f"bot-{new_password()[:6].lower().replace('-', 'x').replace('_', 'y')}"
    creds = await homeserver.register(localpart, password, login_if_exists=False)
    return BotAccount("testbot", homeserver.url, creds.user_id, password=password)


async def _run_once(account: BotAccount, state: Path) -> BotRunner:
    runner = BotRunner(account, state, Dispatcher("testbot"))
    await runner.start(attempts=1)
    await runner.stop()
    return runner


async def test_restart_reuses_token_and_device(homeserver: Homeserver, tmp_path: Path) -> None:
    """The first start logs in with the password and stores token and device (mode
    0600); a second start reuses both without a password login."""
    account = await _bot(homeserver)
    first = await _run_once(account, tmp_path)
    assert first.logins == LoginCounts(reused=0, password=1)
    path = tmp_path / "testbot.credentials.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    stored = read_login(path)
    assert stored is not None and stored.user_id == account.user_id

    second = await _run_once(account, tmp_path)
    assert second.logins == LoginCounts(reused=1, password=0)
    again = read_login(path)
    assert again == stored
    assert stored.access_token not in repr(again)  # the token never shows in logs


async def test_revoked_token_logs_in_once_more_on_the_same_device(
    homeserver: Homeserver, tmp_path: Path
) -> None:
    """A token logged out behind the bot's back is replaced by one password login,
    keeping the device id; the next start reuses the new token."""
    account = await _bot(homeserver)
    await _run_once(account, tmp_path)
    path = tmp_path / "testbot.credentials.json"
    stored = read_login(path)
    assert stored is not None
    async with aiohttp.ClientSession() as http, http.post(
        f"{homeserver.url}/_matrix/client/v3/logout", json={},
        headers={"Authorization": f"Bearer {stored.access_token}"},
    ) as resp:
        assert resp.status == 200

    with capture_logs() as logs:
        runner = await _run_once(account, tmp_path)
    assert runner.logins == LoginCounts(reused=0, password=1)
    assert any(e["event"] == "bot.token_revoked" for e in logs)
    renewed = read_login(path)
    assert renewed is not None
    assert renewed.device_id == stored.device_id
    assert renewed.access_token != stored.access_token
    assert (await _run_once(account, tmp_path)).logins == LoginCounts(reused=1, password=0)


async def test_unreachable_homeserver_is_not_answered_with_a_password_login(
    homeserver: Homeserver, tmp_path: Path
) -> None:
    """With a stored login and a homeserver that does not answer, start() gives up with
    a clear message and leaves the stored login as it was."""
    account = await _bot(homeserver)
    await _run_once(account, tmp_path)
    path = tmp_path / "testbot.credentials.json"
    before = path.read_bytes()
    from busbaan.devstack import free_port

    away = BotAccount("testbot", f"http://127.0.0.1:{free_port()}", account.user_id,
                      password=account.password)
    runner = BotRunner(away, tmp_path, Dispatcher("testbot"), login_timeout=2.0)
    with pytest.raises(Unavailable) as raised:
        await runner.start(attempts=1)
    await runner.client.close()
    assert "niet bereikbaar" in raised.value.nl
    assert runner.logins == LoginCounts()
    assert path.read_bytes() == before


async def test_malformed_stored_login_is_replaced(homeserver: Homeserver, tmp_path: Path) -> None:
    """A stored login that does not parse is said in the log (by field, not content)
    and replaced by a fresh password login."""
    account = await _bot(homeserver)
    path = tmp_path / "testbot.credentials.json"
    path.write_text('{"user_id": "not a user", "access_token": "s3cret"}')
    with capture_logs() as logs:
        runner = await _run_once(account, tmp_path)
    assert runner.logins == LoginCounts(reused=0, password=1)
    malformed = [e for e in logs if e["event"] == "bot.credentials_malformed"]
    assert malformed and "s3cret" not in repr(malformed)
    assert set(malformed[0]["fields"]) == {"user_id", "device_id"}
    stored = read_login(path)
    assert stored is not None and stored.user_id == account.user_id
