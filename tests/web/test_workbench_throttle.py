"""The workbench's own login limits against the real test homeserver: wrong passwords
from one address and from many, the officer at her own browser, one audit entry per
burst, and the officer's address passed on to Synapse."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient

from busbaan.devstack import Homeserver
from busbaan.service import Service
from busbaan.web.workbench import WORKBENCH
from busbaan.web.workbench.login_guard import BROWSER_COOKIE, LoginGuard
from busbaan.web.workbench.throttle import Bucket, LoginLimits
from tests.web.conftest import Account, Accounts, csrf_of, workbench_entries

pytestmark = pytest.mark.synapse

LIMITS = LoginLimits(per_address=Bucket(5, 600.0), per_user=Bucket(8, 600.0),
                     per_known_browser=Bucket(3, 600.0))


def _guard(client: TestClient) -> LoginGuard:
    """A fresh guard with small limits; the test client's loopback is the trusted proxy."""
    wb = client.app[WORKBENCH]
    wb.login_guard = LoginGuard(trusted_proxies=("127.0.0.1/32",), limits=LIMITS)
    return wb.login_guard


async def _api_login(client: TestClient, account: Account, address: str) -> tuple[int, dict]:
    response = await client.post("/api/v1/privacy/session", json={
        "user": account.user_id, "password": account.password},
        headers={"X-Forwarded-For": address})
    return response.status, await response.json()


async def test_wrong_passwords_from_one_address_are_throttled_and_audited_once(
        client: TestClient, accounts: Accounts, wb_service: Service) -> None:
    """Forty wrong passwords from one address: five reach the homeserver, the rest get
    429 with Retry-After; the audit log gains one failure and one throttle entry."""
    _guard(client)
    before = len(workbench_entries(wb_service))
    wrong = Account(accounts.officer.user_id, "fout-wachtwoord")
    statuses = [(await _api_login(client, wrong, "192.0.2.10"))[0] for _ in range(40)]
    assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}
    response = await client.post("/api/v1/privacy/session", json={
        "user": wrong.user_id, "password": "x"}, headers={"X-Forwarded-For": "192.0.2.10"})
    assert int(response.headers["Retry-After"]) > 0
    body = await response.json()
    assert body["errcode"] == "BB_LOGIN_THROTTLED" and "Te veel" in body["message"]
    added = workbench_entries(wb_service)[before:]
    assert [e.event_code for e in added] == ["workbench.login_failed",
                                             "workbench.login_throttled"]
    assert added[0].details["burst"] == "address,user"
    assert added[1].reason_code == "throttled.address"
    # The right password from another address still works (the user bucket has room).
    status, _ = await _api_login(client, accounts.officer, "192.0.2.11")
    assert status == 200


async def test_the_officer_at_her_own_browser_logs_in_while_her_name_is_attacked(
        client: TestClient, accounts: Accounts, wb_service: Service) -> None:
    """A hundred wrong passwords for the officer's name from a hundred addresses lock
    out new browsers, not the browser she logged in with before."""
    _guard(client)
    status, _ = await _api_login(client, accounts.officer, "198.51.100.1")
    assert status == 200
    known = client.session.cookie_jar.filter_cookies(client.make_url("/privacy/"))
    assert BROWSER_COOKIE in known
    cookie = known[BROWSER_COOKIE].value
    client.session.cookie_jar.clear()

    wrong = Account(accounts.officer.user_id, "geraden")
    statuses = [(await _api_login(client, wrong, f"203.0.113.{i}"))[0] for i in range(100)]
    assert statuses.count(401) == LIMITS.per_user.burst
    assert statuses.count(429) == 100 - LIMITS.per_user.burst
    # A new browser (no cookie) with the right password waits too ...
    status, body = await _api_login(client, accounts.officer, "198.51.100.1")
    assert status == 429, body
    # ... her own browser does not.
    client.session.cookie_jar.update_cookies({BROWSER_COOKIE: cookie}, client.make_url("/"))
    status, body = await _api_login(client, accounts.officer, "198.51.100.1")
    assert status == 200, body


async def test_a_forged_browser_cookie_counts_for_nothing(
        client: TestClient, accounts: Accounts) -> None:
    """A browser cookie with a wrong signature is ignored (its attempts count against
    the address and the user as usual)."""
    guard = _guard(client)
    client.session.cookie_jar.update_cookies(
        {BROWSER_COOKIE: "Zmcub2ZmaWNlcg.abc.99999999999.forged"}, client.make_url("/"))
    wrong = Account(accounts.officer.user_id, "geraden")
    for _ in range(LIMITS.per_address.burst):
        assert (await _api_login(client, wrong, "192.0.2.77"))[0] == 401
    assert (await _api_login(client, wrong, "192.0.2.77"))[0] == 429
    assert guard.throttle.failures(("address", "192.0.2.77")) == LIMITS.per_address.burst


async def test_the_form_login_is_throttled_with_a_dutch_message(
        client: TestClient, accounts: Accounts) -> None:
    """The HTML form answers a throttled attempt with 429, Retry-After and a Dutch text."""
    _guard(client)
    form = await client.get("/privacy/login")
    csrf = csrf_of(await form.text())
    data = {"csrf": csrf, "user": accounts.officer.user_id, "password": "fout"}
    for _ in range(LIMITS.per_address.burst):
        response = await client.post("/privacy/login", data=data, allow_redirects=False)
        assert response.status == 401
    response = await client.post("/privacy/login", data=data, allow_redirects=False)
    assert response.status == 429 and "Retry-After" in response.headers
    assert "Te veel mislukte inlogpogingen" in await response.text()


async def test_synapse_sees_the_officers_address(
        client: TestClient, accounts: Accounts, homeserver: Homeserver) -> None:
    """The workbench passes the officer's address to Synapse (X-Forwarded-For on a
    listener with x_forwarded): Synapse's own log names it for the login request."""
    _guard(client)
    status, _ = await _api_login(client, accounts.officer, "198.51.100.234")
    assert status == 200

    def logged() -> bool:
        text = homeserver.config.log_path.read_text(encoding="utf-8", errors="replace")
        return any("198.51.100.234" in line and "/login" in line for line in text.splitlines())

    import asyncio
    for _ in range(50):
        if logged():
            break
        await asyncio.sleep(0.1)
    assert logged()
