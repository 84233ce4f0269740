"""Schema-driven fuzzing of busbaan's JSON API (issue 12), at volume.

schemathesis generates valid and invalid requests for every operation of the published
OpenAPI description (``busbaan.web.openapi``) and sends them to a running service —
logged in as a privacy officer, and not logged in. A failure is a 5xx (other than an
explained 503 with an errcode), a traceback in a body, or a JSON error without an
``errcode``. ``tests/web/test_api_fuzz.py`` runs the same at a small count in CI.

Run: ``.venv/bin/python -m bench.fuzz --examples 1800`` (examples per operation and
mode; 1800 aims at ~100,000 requests): an embedded Synapse
for the officer's login and the service (web app only) in its own process, so that
generating and answering use both cores. Prints the count of requests, the statuses
and every failure. The officer's requests add to the audit log; verify and export are
limited per officer, the overview cached 10 s and the register per policy version
(issue 12); the exceptions report is kept per filter and extended with what the log
gained, and new filters are limited per officer (session 4). The case, professional and
consents reports still read their (filtered) part of the log per request.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from busbaan.web.openapi import describe
from busbaan.web.workbench.sessions import COOKIE

ROOT = Path(__file__).resolve().parents[1]
#: Not fuzzed while logged in: logging out would end the session the run uses.
LOGGED_IN_SKIP = frozenset({"POST /api/v1/privacy/session/logout",
                            "POST /api/v1/privacy/session"})
ANONYMOUS_SKIP = frozenset({"POST /api/v1/privacy/session/logout"})


@dataclass
class FuzzReport:
    calls: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    progress: int = 0  # print a line every this many requests (0: quiet)

    def line(self, who: str) -> str:
        return (f"busbaan fuzz ({who}): {self.calls} requests, statuses "
                f"{dict(sorted(self.statuses.items()))}, {len(self.failures)} failures")


def check(report: FuzzReport, label: str, response: requests.Response) -> None:
    """Count the response; note it when it is a crash, a traceback or an unnamed error."""
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
    if problem and len(report.failures) < 50:
        report.failures.append(f"{label}: {problem}: {text[:200]!r}")
        if report.progress:
            print(f"  FAILURE {report.failures[-1]}", flush=True)
    if report.progress and report.calls % report.progress == 0:
        print(f"  ... {report.calls} requests, {len(report.failures)} failures", flush=True)


def _send(case: schemathesis.Case, label: str, base_url: str, http: requests.Session,
          headers: dict[str, str], cookies: dict[str, str], report: FuzzReport) -> None:
    try:
        response = case.call(base_url=base_url, session=http,
                             headers={**(case.headers or {}), **headers},
                             cookies=cookies, timeout=30)
    except (requests.exceptions.InvalidHeader, ValueError, UnicodeError):
        return  # a request the HTTP client itself refuses to send
    check(report, label, response)


def _run(strategy: Any, examples: int, send: Callable[[schemathesis.Case], None]) -> None:
    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def run(case: schemathesis.Case) -> None:
        send(case)

    run()


def fuzz(base_url: str, *, cookie: str | None, csrf: str | None, examples: int,
         skip: frozenset[str], progress: int = 0) -> FuzzReport:
    """Every operation of the description, valid and invalid; collect, don't stop."""
    schema = schemathesis.openapi.from_dict(describe())
    report = FuzzReport(progress=progress)
    http = requests.Session()
    headers = {"X-CSRF-Token": csrf} if csrf else {}
    cookies = {COOKIE: cookie} if cookie else {}
    # When the app answers in this process, hand the interpreter over often, or every
    # request waits out a 5 ms switch interval.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.0002)
    try:
        for result in schema.get_all_operations():
            operation = result.ok()
            if operation.label in skip:
                continue
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                def send(case: schemathesis.Case, label: str = operation.label) -> None:
                    _send(case, label, base_url, http, headers, cookies, report)

                try:
                    _run(operation.as_strategy(generation_mode=mode), examples, send)
                except Unsatisfiable:
                    # No parameters and no body: there is nothing to make invalid.
                    assert mode is GenerationMode.NEGATIVE, operation.label
    finally:
        sys.setswitchinterval(interval)
    return report


async def login(base_url: str, user_id: str, password: str) -> tuple[str, str]:
    import aiohttp

    async with aiohttp.ClientSession() as http, http.post(
            f"{base_url}/api/v1/privacy/session",
            json={"user": user_id, "password": password}) as resp:
        body = await resp.json()
        assert resp.status == 200, body
        return resp.cookies[COOKIE].value, body["csrf_token"]


async def main(examples: int) -> None:
    from bench.load import start_child, stop_child
    from busbaan.consent import Professional
    from busbaan.devstack import new_password, start_homeserver
    from busbaan.log import configure
    from busbaan.service import ServiceConfig
    from busbaan.store import make_engine, migrate
    from busbaan.store.repositories import DirectoryRepository

    configure("WARNING")
    tmp = Path(tempfile.mkdtemp(prefix="busbaan-fuzz-"))
    db_url = f"sqlite:///{tmp / 'busbaan.db'}"
    migrate(db_url)
    hs = await start_homeserver(tmp / "hs", [], profile="test")
    try:
        password = new_password()
        officer = await hs.register("fg-officer", password)
        DirectoryRepository(make_engine(db_url)).upsert(
            [Professional(officer.user_id, "fg", "privacy-officer")], source="bench",
            now=dt.datetime.now(dt.UTC))
        child = await start_child(ServiceConfig(
            homeserver=hs.url, bots={}, policy_dir=ROOT / "policies", database_url=db_url,
            state_dir=tmp / "state", web_port=0, audit_key_init=True), tmp)
        try:
            cookie, csrf = await login(child.url, officer.user_id, password)
            total = 0
            for who, c, t, skip in (("officer", cookie, csrf, LOGGED_IN_SKIP),
                                    ("anonymous", None, None, ANONYMOUS_SKIP)):
                start = time.perf_counter()
                report = await asyncio.to_thread(fuzz, child.url, cookie=c, csrf=t,
                                                 examples=examples, skip=skip,
                                                 progress=5000)
                total += report.calls
                print(report.line(who) + f" in {time.perf_counter() - start:.0f} s",
                      flush=True)
                for failure in report.failures:
                    print("  " + failure)
            print(f"total: {total} requests")
        finally:
            await stop_child(child)
    finally:
        await hs.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=200)
    asyncio.run(main(parser.parse_args().examples))
