"""Who gets into the privacy workbench: login against the real test homeserver, the
session cookie, the officer check, CSRF, and the audit entries each step leaves."""

from __future__ import annotations

import datetime as dt

import aiohttp
import pytest
from aiohttp.test_utils import TestClient

from busbaan.consent import Professional
from busbaan.devstack import Homeserver, new_password
from busbaan.service import Service
from busbaan.store.repositories import DirectoryRepository
from busbaan.web.workbench import WORKBENCH
from busbaan.web.workbench.sessions import COOKIE
from tests.web.conftest import (
    SCHULD,
    Account,
    Accounts,
    csrf_of,
    login,
    workbench_entries,
)

pytestmark = pytest.mark.synapse


async def _devices(homeserver: Homeserver, user_id: str) -> set[str]:
    async with aiohttp.ClientSession() as http, http.get(
        f"{homeserver.url}/_synapse/admin/v2/users/{user_id}/devices",
        headers={"Authorization": f"Bearer {homeserver.admin_token}"},
    ) as response:
        assert response.status == 200
        return {d["device_id"] for d in (await response.json())["devices"]}


async def test_officer_logs_in_and_gets_a_strict_http_only_session_cookie(
        client: TestClient, accounts: Accounts, wb_service: Service) -> None:
    """A privacy officer's Matrix password opens the workbench with an HttpOnly,
    SameSite=Strict session cookie, and the login is in the audit log."""
    before = len(workbench_entries(wb_service, "workbench.login"))
    response = await login(client, accounts.officer)
    assert response.status == 303
    assert response.headers["Location"] == "/privacy/"
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Strict"
    assert cookie["path"] == "/"
    overview = await client.get("/privacy/")
    assert overview.status == 200
    html = await overview.text()
    assert accounts.officer.user_id in html
    assert '<html lang="nl">' in html
    logins = workbench_entries(wb_service, "workbench.login")
    assert len(logins) == before + 1
    assert logins[-1].user_id == accounts.officer.user_id
    assert (logins[-1].organisation, logins[-1].user_role) == ("fg", "privacy-officer")
    assert logins[-1].outcome == "allowed"


async def test_the_homeserver_token_is_logged_out_again(
        client: TestClient, accounts: Accounts, homeserver: Homeserver) -> None:
    """Logging in leaves no new device (access token) behind on the homeserver."""
    before = await _devices(homeserver, accounts.officer.user_id)
    response = await login(client, accounts.officer)
    assert response.status == 303
    assert await _devices(homeserver, accounts.officer.user_id) == before


async def test_a_login_rotates_the_session_id(client: TestClient, accounts: Accounts) -> None:
    """The session id from before login is worthless after it (no session fixation)."""
    form = await client.get("/privacy/login")
    anonymous = form.cookies[COOKIE].value
    response = await client.post("/privacy/login", allow_redirects=False, data={
        "csrf": csrf_of(await form.text()), "user": accounts.officer.user_id,
        "password": accounts.officer.password})
    assert response.status == 303
    assert response.cookies[COOKIE].value != anonymous


async def test_a_wrong_password_is_refused_with_a_clear_message(
        client: TestClient, accounts: Accounts) -> None:
    """A wrong password gives 401 and the login form again, saying what to do."""
    response = await login(client, type(accounts.officer)(accounts.officer.user_id, "fout"))
    assert response.status == 401
    html = await response.text()
    assert "Gebruikersnaam of wachtwoord klopt niet" in html
    assert "fout" not in html  # the password is never echoed
    assert (await client.get("/privacy/", allow_redirects=False)).status == 303


async def test_a_non_officer_is_refused_with_a_dutch_page_and_the_refusal_is_logged(
        client: TestClient, accounts: Accounts, wb_service: Service) -> None:
    """A professional who is not a privacy officer gets a 403 page in Dutch that says
    why and what to do, no session, and an audit entry of the refusal."""
    response = await login(client, accounts.professional)
    assert response.status == 403
    html = await response.text()
    assert "Geen toegang" in html
    assert "rol privacy officer" in html
    assert "Deze weigering is vastgelegd" in html
    assert (await client.get("/privacy/", allow_redirects=False)).status == 303
    refused = workbench_entries(wb_service, "workbench.login_refused")[-1]
    assert refused.user_id == accounts.professional.user_id
    assert refused.outcome == "refused"
    assert refused.organisation == "buurtteam"
    assert refused.reason_code == "not_privacy_officer"


async def test_no_session_redirects_pages_to_login_and_the_api_answers_401(
        client: TestClient) -> None:
    """Without a session every page sends you to the login form and the API says 401."""
    for path in ("/privacy/", "/privacy/case?case=C-WB7KQ2MX", "/privacy/consents",
                 "/privacy/exceptions", "/privacy/register", "/privacy/export"):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 303, path
        assert response.headers["Location"] == "/privacy/login"
    api = await client.get("/api/v1/privacy/reports/consents")
    assert api.status == 401
    assert (await api.json())["errcode"] == "BB_NO_SESSION"
    post = await client.post("/privacy/verify", allow_redirects=False)
    assert post.status == 303


async def test_a_post_without_csrf_token_is_refused(officer_client: TestClient,
                                                    wb_service: Service) -> None:
    """A state-changing POST without (or with a wrong) CSRF token gets 403, does
    nothing, and is logged."""
    checks = len(workbench_entries(wb_service, "workbench.verified"))
    missing = await officer_client.post("/privacy/verify", data={}, allow_redirects=False)
    assert missing.status == 403
    assert "Formulier verlopen" in await missing.text()
    wrong = await officer_client.post("/privacy/verify", data={"csrf": "x" * 43},
                                      allow_redirects=False)
    assert wrong.status == 403
    api = await officer_client.post("/api/v1/privacy/integrity/verify")
    assert api.status == 403
    assert (await api.json())["errcode"] == "BB_CSRF"
    assert len(workbench_entries(wb_service, "workbench.verified")) == checks
    assert workbench_entries(wb_service, "workbench.csrf_refused")


async def test_a_post_from_another_origin_is_refused(officer_client: TestClient) -> None:
    """Even with the right token, a POST whose Origin is another site is refused."""
    csrf = csrf_of(await (await officer_client.get("/privacy/")).text())
    response = await officer_client.post(
        "/privacy/verify", data={"csrf": csrf}, allow_redirects=False,
        headers={"Origin": "https://evil.example"})
    assert response.status == 403


async def test_the_login_form_itself_needs_its_csrf_token(client: TestClient,
                                                          accounts: Accounts) -> None:
    """A login post without the form's token is refused before the homeserver is asked."""
    await client.get("/privacy/login")
    response = await client.post("/privacy/login", allow_redirects=False, data={
        "user": accounts.officer.user_id, "password": accounts.officer.password})
    assert response.status == 403


async def test_verify_with_csrf_runs_and_is_logged(officer_client: TestClient,
                                                   wb_service: Service) -> None:
    """'Nu controleren' with the token verifies the log and records the check."""
    csrf = csrf_of(await (await officer_client.get("/privacy/")).text())
    response = await officer_client.post("/privacy/verify", data={"csrf": csrf},
                                         allow_redirects=False)
    assert response.status == 303
    entry = workbench_entries(wb_service, "workbench.verified")[-1]
    assert entry.details["finished"] == "yes"
    assert entry.details["state"] == "ok"
    status = await (await officer_client.get("/api/v1/privacy/integrity")).json()
    assert status["state"] == "ok"
    assert status["verified"] is True
    assert status["signing_key_known"] is True
    assert status["last_checkpoint"]["size"] > 0


async def test_logout_ends_the_session(officer_client: TestClient) -> None:
    """After logging out the old cookie no longer opens anything."""
    csrf = csrf_of(await (await officer_client.get("/privacy/")).text())
    response = await officer_client.post("/privacy/logout", data={"csrf": csrf},
                                         allow_redirects=False)
    assert response.status == 303
    assert (await officer_client.get("/privacy/", allow_redirects=False)).status == 303


async def test_the_json_api_login_gives_a_session_and_csrf_token(
        client: TestClient, accounts: Accounts) -> None:
    """POST /api/v1/privacy/session with JSON logs in; the answer carries the CSRF token
    the API's POSTs need."""
    response = await client.post("/api/v1/privacy/session", json={
        "user": accounts.officer.user_id, "password": accounts.officer.password})
    assert response.status == 200
    body = await response.json()
    assert body["role"] == "privacy-officer"
    verify = await client.post("/api/v1/privacy/integrity/verify",
                               headers={"X-CSRF-Token": body["csrf_token"]})
    assert verify.status == 200
    assert (await verify.json())["state"] == "ok"


async def test_the_json_api_refuses_a_non_officer(client: TestClient,
                                                  accounts: Accounts) -> None:
    """The API login refuses a professional with 403 and a reason."""
    response = await client.post("/api/v1/privacy/session", json={
        "user": accounts.professional.user_id, "password": accounts.professional.password})
    assert response.status == 403
    assert (await response.json())["errcode"] == "BB_NOT_PRIVACY_OFFICER"


async def test_an_openid_token_is_refused_because_it_names_no_audience(
        client: TestClient, accounts: Accounts, homeserver: Homeserver) -> None:
    """A Matrix OpenID token (valid, the officer's own) is refused with a reason: it is
    not bound to the workbench, so any service it was given to could replay it."""
    creds = await homeserver.register("fg-officer", accounts.officer.password)
    async with aiohttp.ClientSession() as http, http.post(
        f"{homeserver.url}/_matrix/client/v3/user/{creds.user_id}/openid/request_token",
        headers={"Authorization": f"Bearer {creds.access_token}"}, json={},
    ) as r:
        token = (await r.json())["access_token"]
    response = await client.post("/api/v1/privacy/session", json={"openid_token": token})
    assert response.status == 401
    body = await response.json()
    assert body["errcode"] == "BB_LOGIN_OPENID_UNBOUND"
    assert "niet aan de werkbank gebonden" in body["message"]
    assert (await client.get("/api/v1/privacy/session")).status == 401


async def test_english_by_query_or_accept_language(client: TestClient) -> None:
    """?lang=en or an English browser gets the pages in English."""
    html = await (await client.get("/privacy/login?lang=en")).text()
    assert '<html lang="en">' in html and "Log in with your Matrix account" in html
    client.session.cookie_jar.clear()
    html = await (await client.get("/privacy/login",
                                   headers={"Accept-Language": "en-GB,en;q=0.9"})).text()
    assert "User name" in html


async def test_workbench_responses_carry_strict_security_headers(client: TestClient) -> None:
    """Pages forbid framing, scripts and caching."""
    response = await client.get("/privacy/login")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


async def test_an_officer_who_loses_the_role_is_logged_out(
        client: TestClient, homeserver: Homeserver, wb_service: Service) -> None:
    """When the directory no longer gives someone the privacy officer role, their next
    request ends the session with the refusal page, and that is logged."""
    password = new_password()
    creds = await homeserver.register("fg-officer-leaving", password)
    repo = DirectoryRepository(wb_service.engine)
    now = dt.datetime.now(dt.UTC)
    repo.upsert([Professional(creds.user_id, "fg", "privacy-officer")], "test", now)
    wb = client.server.app[WORKBENCH]
    wb.forget_directory()
    assert (await login(client, Account(creds.user_id, password))).status == 303
    assert (await client.get("/privacy/")).status == 200
    repo.upsert([Professional(creds.user_id, "buurtteam", "buurtteammedewerker")], "test", now)
    wb.forget_directory()
    response = await client.get("/privacy/", allow_redirects=False)
    assert response.status == 403
    assert "Geen toegang" in await response.text()
    assert (await client.get("/privacy/", allow_redirects=False)).status == 303
    ended = workbench_entries(wb_service, "workbench.session_ended")[-1]
    assert ended.user_id == creds.user_id


async def test_the_api_takes_a_professional_in_a_json_body(officer_client: TestClient) -> None:
    """The professional report's API accepts the Matrix ID in a JSON POST body."""
    session = await (await officer_client.get("/api/v1/privacy/session")).json()
    response = await officer_client.post(
        "/api/v1/privacy/reports/professional", json={"professional": SCHULD},
        headers={"X-CSRF-Token": session["csrf_token"]})
    assert response.status == 200
    body = await response.json()
    assert body["user_id"] == SCHULD and body["as_actor"] == 4
    assert body["organisation"] is None  # a seeded id, not in the directory
