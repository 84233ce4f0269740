"""Accounts on the embedded homeserver: idempotent registration, names, rate limits."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable

import pytest
from structlog.testing import capture_logs

from busbaan.devstack import Account, AccountError, Homeserver, new_password
from busbaan.devstack.admin import registration_mac


def _localpart() -> str:
    return f"acc-{secrets.token_hex(4)}"


def test_registration_mac_follows_synapse() -> None:
    """The MAC is HMAC-SHA1 over nonce, user, password and admin flag, NUL-separated."""
    import hashlib
    import hmac

    expected = hmac.new(b"s3cret", b"n\x00u\x00p\x00notadmin", hashlib.sha1).hexdigest()
    assert registration_mac("s3cret", "n", "u", "p", admin=False) == expected
    assert registration_mac("s3cret", "n", "u", "p", admin=True) != expected


@pytest.mark.synapse
async def test_registering_twice_logs_in(homeserver: Homeserver) -> None:
    """Registering an existing user logs them in: same user id, a new valid token."""
    localpart, password = _localpart(), new_password()
    first = await homeserver.register(localpart, password)
    second = await homeserver.register(localpart, password)
    assert first.created and not second.created
    assert first.user_id == second.user_id == homeserver.user_id(localpart)
    assert first.access_token and second.access_token
    assert first.access_token != second.access_token
    for token in (first.access_token, second.access_token):
        assert await homeserver.admin.whoami(token) == first.user_id


@pytest.mark.synapse
async def test_existing_user_without_login(homeserver: Homeserver) -> None:
    """With login_if_exists=False an existing user is confirmed without a token."""
    localpart, password = _localpart(), new_password()
    await homeserver.register(localpart, password)
    again = await homeserver.register(localpart, password, login_if_exists=False)
    assert again.user_id == homeserver.user_id(localpart)
    assert again.access_token is None
    assert not again.created


@pytest.mark.synapse
async def test_wrong_password_for_existing_user_is_refused(homeserver: Homeserver) -> None:
    """An existing user with another password is not silently accepted."""
    localpart = _localpart()
    await homeserver.register(localpart, new_password())
    with pytest.raises(AccountError) as caught:
        await homeserver.register(localpart, new_password())
    assert "M_FORBIDDEN" in caught.value.message("en")


@pytest.mark.synapse
async def test_display_name_is_set_and_updated(homeserver: Homeserver) -> None:
    """A display name is set at registration and changed only when it differs."""
    localpart, password = _localpart(), new_password()
    user = await homeserver.register(localpart, password, display_name="Anouk de Vries")
    assert not await homeserver.admin.ensure_display_name(user.user_id, "Anouk de Vries")
    await homeserver.register(localpart, password, display_name="Anouk Jansen")
    assert not await homeserver.admin.ensure_display_name(user.user_id, "Anouk Jansen")


@pytest.mark.synapse
async def test_bot_rate_limit_is_lifted(homeserver: Homeserver) -> None:
    """A bot gets a 0/0 rate-limit override; an ordinary user gets none."""
    bot = await homeserver.register(_localpart(), lift_ratelimit=True)
    person = await homeserver.register(_localpart())
    assert await homeserver.admin.ratelimit_override(bot.user_id) == {
        "messages_per_second": 0,
        "burst_count": 0,
    }
    assert await homeserver.admin.ratelimit_override(person.user_id) == {}


@pytest.mark.synapse
async def test_register_users_keeps_order(homeserver: Homeserver) -> None:
    """register_users returns one credential per account, in the order given."""
    accounts = [Account(localpart=_localpart(), password=new_password()) for _ in range(6)]
    credentials = await homeserver.register_users(accounts)
    assert [c.user_id for c in credentials] == [homeserver.user_id(a.localpart) for a in accounts]
    assert all(c.created and c.access_token for c in credentials)


@pytest.mark.synapse
async def test_passwords_and_tokens_are_never_logged(homeserver: Homeserver) -> None:
    """Registration and login log user ids, never passwords or tokens."""
    localpart, password = _localpart(), new_password()
    with capture_logs() as logs:
        first = await homeserver.register(localpart, password)
        second = await homeserver.register(localpart, password)
    text = repr(logs)
    assert logs, "registration is logged"
    for secret in (password, first.access_token, second.access_token, homeserver.admin_token):
        assert secret and secret not in text
    assert password not in repr(first)
    assert str(first.access_token) not in repr(first)


@pytest.mark.synapse
async def test_make_user_gives_working_tokens(
    homeserver: Homeserver, make_user: Callable[..., Awaitable[tuple[str, str]]]
) -> None:
    """make_user creates a fresh user with a valid token, and logs a named one in again."""
    user_id, token = await make_user()
    assert await homeserver.admin.whoami(token) == user_id
    named = _localpart()
    first_id, first_token = await make_user(named)
    again_id, again_token = await make_user(named)
    assert first_id == again_id == homeserver.user_id(named)
    assert first_token != again_token
