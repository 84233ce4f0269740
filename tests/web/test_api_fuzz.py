"""The JSON API under schema-driven fuzzing (issue 12): schemathesis generates valid
and invalid requests from the published OpenAPI description and sends them to the
running service, logged in as a privacy officer and not logged in. No request may get
a 5xx (other than an explained 503), a traceback, or an error without
an ``errcode``.

``BUSBAAN_FUZZ_EXAMPLES`` sets the examples per operation and mode (CI: small)."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from busbaan.service import Service
from busbaan.web.openapi import OPENAPI_PATH, describe
from busbaan.web.workbench.sessions import COOKIE
from tests.web.conftest import Accounts

EXAMPLES = int(os.environ.get("BUSBAAN_FUZZ_EXAMPLES", "8"))
#: Not fuzzed while logged in: logging out would end the session the run uses.
LOGGED_IN_SKIP = {"POST /api/v1/privacy/session/logout", "POST /api/v1/privacy/session"}


@dataclass
class FuzzReport:
    calls: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


def _check(report: FuzzReport, label: str, response: requests.Response) -> None:
    report.calls += 1
    report.statuses[response.status_code] = report.statuses.get(response.status_code, 0) + 1
    text = response.text[:20_000]
    problem = None
    if response.status_code >= 500 and not (
            # "not available": a deliberate, explained answer (e.g. no OpenID on this
            # homeserver), not a crash
            response.status_code == 503 and '"errcode": "BB_' in text):
        problem = f"status {response.status_code}"
    elif "Traceback" in text or 'File "' in text:
        problem = "traceback in the body"
    elif (response.status_code >= 400 and response.status_code != 404
          and response.headers.get("Content-Type", "").startswith("application/json")
          and '"errcode": "BB_' not in text):
        problem = "an error without an errcode"
    if problem and len(report.failures) < 20:
        report.failures.append(f"{label}: {problem}: {text[:200]!r}")


def _send(case: schemathesis.Case, label: str, base_url: str, http: requests.Session,
          headers: dict[str, str], cookies: dict[str, str], report: FuzzReport) -> None:
    try:
        response = case.call(base_url=base_url, session=http,
                             headers={**(case.headers or {}), **headers},
                             cookies=cookies, timeout=30)
    except (requests.exceptions.InvalidHeader, ValueError, UnicodeError):
        return  # a request the HTTP client itself refuses to send
    _check(report, label, response)


def _run(strategy: Any, label: str, examples: int,
         send: Callable[[schemathesis.Case, str], None]) -> None:
    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def run(case: schemathesis.Case) -> None:
        send(case, label)

    run()


def fuzz(base_url: str, *, cookie: str | None, csrf: str | None, examples: int,
         skip: set[str]) -> FuzzReport:
    """Run every operation of the description in both modes; collect, don't stop."""
    schema = schemathesis.openapi.from_dict(describe())
    report = FuzzReport()
    # The app answers on the event loop's thread while this one generates: hand the
    # interpreter over often, or every request waits out a 5 ms switch interval.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.0002)
    try:
        _fuzz_all(schema, report, base_url, cookie=cookie, csrf=csrf, examples=examples,
                  skip=skip)
    finally:
        sys.setswitchinterval(interval)
    return report


def _fuzz_all(schema: Any, report: FuzzReport, base_url: str, *, cookie: str | None,
              csrf: str | None, examples: int, skip: set[str]) -> None:
    http = requests.Session()
    headers = {"X-CSRF-Token": csrf} if csrf else {}
    cookies = {COOKIE: cookie} if cookie else {}
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.label in skip:
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _run(operation.as_strategy(generation_mode=mode), operation.label, examples,
                     lambda case, label: _send(case, label, base_url, http, headers,
                                               cookies, report))
            except Unsatisfiable:
                # No parameters and no body: there is nothing to make invalid.
                assert mode is GenerationMode.NEGATIVE, operation.label


async def _login(base_url: str, accounts: Accounts) -> tuple[str, str]:
    async with aiohttp.ClientSession() as http, http.post(
            f"{base_url}/api/v1/privacy/session",
            json={"user": accounts.officer.user_id,
                  "password": accounts.officer.password}) as resp:
        body = await resp.json()
        assert resp.status == 200, body
        return resp.cookies[COOKIE].value, body["csrf_token"]


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


@pytest.mark.parametrize("logged_in", [True, False], ids=["officer", "anonymous"])
async def test_json_api_survives_schema_driven_fuzzing(
    wb_service: Service, accounts: Accounts, logged_in: bool
) -> None:
    """Generated valid and invalid requests never get a 5xx, a traceback, or an error
    without an errcode — logged in as a privacy officer, and not logged in."""
    assert wb_service.web is not None
    url = wb_service.web.url
    cookie = csrf = None
    if logged_in:
        cookie, csrf = await _login(url, accounts)
    report = await asyncio.to_thread(
        fuzz, url, cookie=cookie, csrf=csrf, examples=EXAMPLES,
        skip=LOGGED_IN_SKIP if logged_in else {"POST /api/v1/privacy/session/logout"})
    print(f"\nbusbaan fuzz ({'officer' if logged_in else 'anonymous'}): {report.calls} "
          f"requests, statuses {dict(sorted(report.statuses.items()))}, "
          f"{len(report.failures)} failures")
    assert report.failures == []
    assert report.calls >= EXAMPLES
    if logged_in:
        assert report.statuses.get(200, 0) > 0  # the officer really got through
