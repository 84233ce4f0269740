"""The workbench's expensive requests stay bounded under load (issue 12): verifying
the whole audit log is rate-limited per officer (a few in a row, then a clear 429 in
Dutch, English on request, with Retry-After), and the overview's counts are computed
at most every ``OVERVIEW_TTL`` seconds."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

import busbaan.web.workbench.core as core
from busbaan.clock import SystemClock
from busbaan.policy import load_policy
from busbaan.service import Service
from busbaan.web.workbench import WORKBENCH
from busbaan.web.workbench.core import (
    EXCEPTIONS_LIMIT,
    EXPORT_LIMIT,
    VERIFY_LIMIT,
    Workbench,
    WorkbenchConfig,
)
from busbaan.web.workbench.throttle import Bucket, RequestLimiter
from tests.web.conftest import csrf_of, workbench_entries

pytestmark = pytest.mark.synapse

ROOT = Path(__file__).resolve().parents[2]


async def _csrf(client: TestClient) -> str:
    return csrf_of(await (await client.get("/privacy/")).text())


async def test_the_fourth_verify_in_a_row_gets_429_with_retry_after(
        officer_client: TestClient, wb_service: Service) -> None:
    """Three verifications run; the fourth is refused with 429, a Retry-After header
    in whole seconds, errcode BB_RATE_LIMITED and a Dutch message — and no run."""
    # The configured burst, with a refill no slow machine can reach during the test.
    wb = officer_client.server.app[WORKBENCH]
    wb.verify_limiter = RequestLimiter(Bucket(VERIFY_LIMIT.burst, 3600.0))
    csrf = await _csrf(officer_client)
    headers = {"X-CSRF-Token": csrf}
    for _ in range(3):
        ok = await officer_client.post("/api/v1/privacy/integrity/verify", headers=headers)
        assert ok.status == 200, await ok.text()
    verified = len(workbench_entries(wb_service, "workbench.verified"))
    refused = await officer_client.post("/api/v1/privacy/integrity/verify", headers=headers)
    assert refused.status == 429
    wait = int(refused.headers["Retry-After"])
    assert 1 <= wait <= 3600
    body = await refused.json()
    assert body["ok"] is False and body["errcode"] == "BB_RATE_LIMITED"
    assert body["retry_after"] == wait
    assert f"over {wait} seconden opnieuw" in body["message"]
    assert len(workbench_entries(wb_service, "workbench.verified")) == verified

    english = await officer_client.post("/api/v1/privacy/integrity/verify",
                                        headers={**headers, "Accept-Language": "en"})
    assert english.status == 429
    assert "Try again in" in (await english.json())["message"]

    # The page's button shares the officer's bucket and says the same on a page.
    page = await officer_client.post("/privacy/verify", data={"csrf": csrf},
                                     allow_redirects=False)
    assert page.status == 429
    assert int(page.headers["Retry-After"]) >= 1
    assert "seconden opnieuw" in await page.text()
    # The status (the last run's result) stays readable.
    status = await officer_client.get("/api/v1/privacy/integrity")
    assert status.status == 200


async def test_the_overview_is_computed_at_most_once_per_ttl(
        officer_client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """Within the TTL a second overview is the same computation (the log grew by the
    first request's own record, the size shown does not); after it, a fresh one."""
    monkeypatch.setattr(core, "OVERVIEW_TTL", 3600.0)  # no slow machine outlasts it
    first = await (await officer_client.get("/api/v1/privacy/overview")).json()
    again = await (await officer_client.get("/api/v1/privacy/overview")).json()
    assert again["size"] == first["size"]
    monkeypatch.setattr(core, "OVERVIEW_TTL", 0.0)
    fresh = await (await officer_client.get("/api/v1/privacy/overview")).json()
    assert fresh["size"] > first["size"]  # the "viewed" records of the requests before


async def test_exports_are_limited_per_officer(officer_client: TestClient) -> None:
    """Twenty exports in a row stream; the next is refused with 429, Retry-After and a
    Dutch message naming the wait — before anything is read or recorded."""
    wb = officer_client.server.app[WORKBENCH]
    wb.export_limiter = RequestLimiter(Bucket(EXPORT_LIMIT.burst, 3600.0))
    for _ in range(EXPORT_LIMIT.burst):
        ok = await officer_client.get("/api/v1/privacy/export?format=jsonl")
        assert ok.status == 200
        await ok.read()
    refused = await officer_client.get("/api/v1/privacy/export?format=jsonl")
    assert refused.status == 429
    wait = int(refused.headers["Retry-After"])
    assert 1 <= wait <= 3600
    body = await refused.json()
    assert body["errcode"] == "BB_RATE_LIMITED"
    assert f"over {wait} seconden opnieuw" in body["message"]


async def test_exceptions_reports_are_extended_and_new_filters_limited(
        officer_client: TestClient, wb_service: Service,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The same filters again: the kept report, extended with what the log gained (a
    refusal recorded in between is in it), never limited. New filters: a full read
    each, 20 in a row per officer, then 429 with Retry-After — before anything is
    read or recorded (issue 12, session 4: the fuzz slowed on this report)."""
    wb = officer_client.server.app[WORKBENCH]
    wb.exceptions_limiter = RequestLimiter(Bucket(EXCEPTIONS_LIMIT.burst, 3600.0))
    full_reads: list[int] = []
    build = core.build_exceptions

    def counting(log: Any, filters: Any, earlier: Any = None) -> Any:
        if earlier is None:
            full_reads.append(1)
        return build(log, filters, earlier)

    monkeypatch.setattr(core, "build_exceptions", counting)
    url = "/api/v1/privacy/reports/exceptions"
    first = await officer_client.get(url)
    assert first.status == 200, await first.text()
    total = (await first.json())["total"]
    await wb.record("membership.join_refused", action="C", outcome="refused",
                    user_id="@someone:localhost", organisation="humanitas",
                    reason_code="refused.no_grant")
    again = await officer_client.get(url)
    assert again.status == 200
    assert (await again.json())["total"] == total + 1  # exact, not a stale copy
    assert len(full_reads) == 1
    # New filters (another period each) until the officer's bucket is empty.
    for day in range(1, EXCEPTIONS_LIMIT.burst):
        ok = await officer_client.get(f"{url}?since=2026-01-{day:02d}")
        assert ok.status == 200, await ok.text()
    assert len(full_reads) == EXCEPTIONS_LIMIT.burst
    viewed = len(workbench_entries(wb_service, "workbench.viewed"))
    refused = await officer_client.get(f"{url}?since=2026-02-01")
    assert refused.status == 429
    wait = int(refused.headers["Retry-After"])
    assert 1 <= wait <= 3600
    body = await refused.json()
    assert body["errcode"] == "BB_RATE_LIMITED" and body["retry_after"] == wait
    assert f"over {wait} seconden opnieuw" in body["message"]
    assert len(full_reads) == EXCEPTIONS_LIMIT.burst  # nothing read
    assert len(workbench_entries(wb_service,
                                 "workbench.viewed")) == viewed  # nothing recorded
    english = await officer_client.get(f"{url}?since=2026-02-01",
                                       headers={"Accept-Language": "en"})
    assert english.status == 429 and "Try again in" in (await english.json())["message"]
    # Filters asked for before are still answered, extended, with an empty bucket.
    kept = await officer_client.get(url)
    assert kept.status == 200 and (await kept.json())["total"] == total + 1
    # The page shares the officer's bucket and answers a 429 page.
    page = await officer_client.get("/privacy/exceptions?since=2026-03-01")
    assert page.status == 429 and "seconden opnieuw" in await page.text()


async def test_the_register_is_derived_again_only_when_a_policy_file_changes(
        tmp_path: Path) -> None:
    """The processing register is kept while the policy files are unchanged and
    derived again when one changes (it parsed every YAML file per request)."""
    policies = tmp_path / "policies"
    shutil.copytree(ROOT / "policies", policies)
    wb = Workbench(WorkbenchConfig(
        policy=load_policy(policies), homeserver="http://127.0.0.1:9",
        audit=SimpleNamespace(log=lambda: None),
        engine=None, policy_dir=policies, clock=SystemClock()))
    try:
        first = await wb.register()
        assert await wb.register() is first
        limits = policies / "limits.yaml"
        limits.write_text(limits.read_text(encoding="utf-8") + "\n# changed\n",
                          encoding="utf-8")
        again = await wb.register()
        assert again is not first and again == first  # a comment changes no entry
    finally:
        await wb.close()


async def test_a_case_report_for_a_blank_case_number_is_a_400(
        officer_client: TestClient) -> None:
    """``case`` of only spaces gets a 400 naming the field (the fuzz found a 500)."""
    response = await officer_client.get("/api/v1/privacy/reports/case", params={"case": "  "})
    assert response.status == 400
    body = await response.json()
    assert body["errcode"] != "BB_INTERNAL"
    assert body["errors"][0]["field"] == "case"
