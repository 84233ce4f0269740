"""The JSON API under schema-driven fuzzing (issue 12): schemathesis generates valid
and invalid requests from the published OpenAPI description and sends them to the
running service, logged in as a privacy officer and not logged in. No request may get
a 5xx (other than an explained 503), a traceback, or an error without an ``errcode``.

``BUSBAAN_FUZZ_EXAMPLES`` sets the examples per operation and mode (CI: small); the
run at volume is ``python -m bench.fuzz``."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator

import aiohttp
import jsonschema
import pytest
import schemathesis

from bench.fuzz import ANONYMOUS_SKIP, LOGGED_IN_SKIP, fuzz, login
from busbaan.service import Service
from busbaan.web.openapi import OPENAPI_PATH, describe
from tests.web.conftest import Accounts

EXAMPLES = int(os.environ.get("BUSBAAN_FUZZ_EXAMPLES", "8"))


async def test_openapi_description_is_served_and_valid(wb_service: Service) -> None:
    """``/api/v1/openapi.json`` serves the description schemathesis can load."""
    assert wb_service.web is not None
    async with aiohttp.ClientSession() as http, http.get(
            wb_service.web.url + OPENAPI_PATH) as resp:
        assert resp.status == 200
        served = await resp.json()
    assert served == describe()
    labels = {r.ok().label for r in schemathesis.openapi.from_dict(served).get_all_operations()}
    assert "GET /api/v1/lanes/status" in labels and "POST /api/v1/privacy/export" in labels


@pytest.mark.parametrize("body", [{}, {"user": "@femke:localhost"},
                                  {"user": "@femke:localhost", "password": ""},
                                  {"user": 7, "password": "x"}])
async def test_the_login_description_says_what_the_login_refuses(
    wb_service: Service, body: dict[str, object]
) -> None:
    """Outside check s5: schemathesis sent ``{}`` (valid by the description) and got 400
    ``BB_USAGE``. A body the login refuses as unusable is invalid by the description."""
    assert wb_service.web is not None
    schema = describe()["paths"]["/api/v1/privacy/session"]["post"]["requestBody"][
        "content"]["application/json"]["schema"]
    async with aiohttp.ClientSession() as http, http.post(
            wb_service.web.url + "/api/v1/privacy/session", json=body) as resp:
        assert resp.status == 400 and (await resp.json())["errcode"] == "BB_USAGE"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(body, schema)
    jsonschema.validate({"user": "@femke:localhost", "password": "x"}, schema)

@pytest.fixture
def verify_budget_restored(wb_service: Service) -> Iterator[None]:
    """The fuzz spends the officer's budget for verifying the whole log (a few in a row,
    then one a minute) on the session's shared service; give it back afterwards, so a
    later test's 'Nu controleren' is not refused for the fuzz's sake."""
    yield
    from busbaan.web.workbench.core import WORKBENCH, RequestLimiter

    workbench = wb_service.web.runner.app[WORKBENCH]
    workbench.verify_limiter = RequestLimiter(workbench.config.verify_limit)


@pytest.mark.parametrize("logged_in", [True, False], ids=["officer", "anonymous"])
@pytest.mark.usefixtures("verify_budget_restored")
async def test_json_api_survives_schema_driven_fuzzing(
    wb_service: Service, accounts: Accounts, logged_in: bool
) -> None:
    """Generated valid and invalid requests never get a 5xx, a traceback, or an error
    without an errcode — logged in as a privacy officer, and not logged in."""
    assert wb_service.web is not None
    url = wb_service.web.url
    cookie = csrf = None
    if logged_in:
        cookie, csrf = await login(url, accounts.officer.user_id, accounts.officer.password)
    report = await asyncio.to_thread(
        fuzz, url, cookie=cookie, csrf=csrf, examples=EXAMPLES,
        skip=LOGGED_IN_SKIP if logged_in else ANONYMOUS_SKIP)
    print("\n" + report.line("officer" if logged_in else "anonymous"))
    assert report.failures == []
    assert report.calls >= EXAMPLES
    if logged_in:
        assert report.statuses.get(200, 0) > 0  # the officer really got through
