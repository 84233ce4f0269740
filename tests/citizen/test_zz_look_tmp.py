"""Temporary: screenshots as a citizen sees the pages (not committed)."""
from __future__ import annotations
import datetime as dt
from pathlib import Path
from typing import Any
from busbaan.citizen import links
from busbaan.service import Service
from busbaan.store.citizen_repo import CitizenRepository
from busbaan.store.repositories import CaseRepository
from tests.citizen.conftest import REGIE, seed_case
from tests.citizen.test_browser import chromium, page, site, shots, check  # noqa: F401
from tests.web.test_workbench_browser import shoot

OUT = Path("/tmp/c19/look")


def _link(svc: Service, case_id: str, contact: str = "") -> tuple[str, str]:
    now = dt.datetime.now(dt.UTC)
    token, code = links.new_token(), links.new_code()
    CitizenRepository(svc.engine).add_link(case_id=case_id, token_hash=links.token_hash(token),
        code_hash=links.code_hash(token, code), created_by=REGIE, now=now,
        expires_at=now + dt.timedelta(days=3), contact=contact)
    return token, code


async def test_look(page: Any, cit_service: Service) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    case = seed_case(cit_service)
    token, code = _link(cit_service, case.case_id)
    await page.goto(f"/burger/l/{token}")
    await page.locator("#code").fill(code)
    await page.locator("form.card button[type=submit]").click()
    await page.wait_for_url("**/burger/")
    for lang in ("nl", "en", "ar", "tr"):
        await page.goto(f"/burger/?lang={lang}")
        await check(page, OUT, f"noreach-{lang}")
    # a case whose organisation has no contact
    now = dt.datetime.now(dt.UTC)
    cases = CaseRepository(cit_service.engine)
    row = cases.create(home_organisation="humanitas", regie=REGIE, label="", now=now)
    token, code = _link(cit_service, row.case_id)
    await page.goto(f"/burger/l/{token}?lang=nl")
    await page.locator("#code").fill(code)
    await page.locator("form.card button[type=submit]").click()
    await page.wait_for_url("**/burger/")
    await check(page, OUT, "nocontact-nl")
    await page.goto("/burger/?lang=en")
    await check(page, OUT, "nocontact-en")
    print(await page.locator("main").inner_text())
