"""The workbench in a real browser: Debian's Chromium, headless, driven by Playwright.

A privacy officer logs in through the form with a real Matrix account on the test
homeserver, sees the integrity status, opens a case report and downloads it as CSV;
a professional who is not an officer is refused. Screenshots of the main pages go to
``$BUSBAAN_SCREENSHOTS`` (``make screenshots`` sets it to ``docs/screenshots``) or to
a temporary folder.

``make test`` installs Chromium first when it is missing (``make browser``). Run
alone without Chromium, these tests are skipped, except under CI, where they fail.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from busbaan.service import Service
from tests.web.conftest import CASE, Accounts

pytestmark = pytest.mark.synapse

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1200, "height": 820}


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Any]:
    """One headless Chromium for the session (Debian's, never a downloaded build)."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: run 'make browser' (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    playwright = pytest.importorskip("playwright.async_api")
    async with playwright.async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS,
                                           headless=True)
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest.fixture(scope="session")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = os.environ.get("BUSBAAN_SCREENSHOTS")
    path = Path(target) if target else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


async def shoot(page: Any, folder: Path, name: str, *, full_page: bool = True) -> Path:
    """A screenshot, shrunk to a 128-colour palette when Pillow is there."""
    path = folder / f"{name}.png"
    await page.screenshot(path=str(path), full_page=full_page)
    try:
        from PIL import Image
    except ImportError:
        return path
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT)
        small.save(path, optimize=True)
    return path


@pytest.fixture
async def page(browser: Any, wb_service: Service, accounts: Accounts) -> AsyncIterator[Any]:
    context = await browser.new_context(viewport=VIEWPORT, accept_downloads=True,
                                        locale="nl-NL", base_url=wb_service.web.url)
    try:
        yield await context.new_page()
    finally:
        await context.close()


async def _log_in(page: Any, user: str, password: str) -> None:
    await page.goto("/privacy/")
    assert page.url.endswith("/privacy/login")
    await page.get_by_label("Gebruikersnaam").fill(user)
    await page.get_by_label("Wachtwoord").fill(password)
    await page.get_by_role("button", name="Inloggen").click()


async def test_officer_logs_in_sees_integrity_opens_a_case_and_downloads_csv(
        page: Any, accounts: Accounts, shots: Path) -> None:
    """In Chromium the officer logs in with the form, sees that the log is intact,
    opens the case report and downloads it as a CSV file."""
    await page.goto("/privacy/login")
    await shoot(page, shots, "login")
    await _log_in(page, accounts.officer.user_id, accounts.officer.password)
    await page.wait_for_url("**/privacy/")
    assert await page.get_by_role("heading", name="Overzicht", exact=True).is_visible()
    verdict = page.locator(".integrity .verdict")
    assert "Ja. Niemand heeft het log veranderd." in await verdict.inner_text()
    await page.get_by_role("button", name="Nu controleren").click()
    await page.wait_for_url("**/privacy/#integriteit")
    assert "Niemand heeft het log veranderd" in await verdict.inner_text()
    assert "Laatste controlepunt" in await page.locator(".integrity").inner_text()
    await shoot(page, shots, "overview")

    await page.get_by_role("navigation").get_by_role("link", name="Per casus").click()
    await page.get_by_label("Casusnummer").fill(CASE)
    await page.get_by_role("button", name="Toon").click()
    await page.get_by_role("heading", name=f"Samenvatting: {CASE}").wait_for()
    assert await page.get_by_text("NOODTOEGANG").first.is_visible()
    await shoot(page, shots, "case")

    async with page.expect_download() as info:
        await page.get_by_role("button", name="Download deze casus als CSV").click()
    download = await info.value
    assert download.suggested_filename.endswith(".csv")
    text = Path(await download.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and {r["case_id"] for r in rows} == {CASE}
    assert any(r["event_code"] == "breakglass.started" for r in rows)

    for name, path in (("consents", "/privacy/consents"), ("exceptions", "/privacy/exceptions"),
                       ("register", "/privacy/register")):
        await page.goto(path)
        await page.locator("main h1").wait_for()
        await shoot(page, shots, name, full_page=name != "register")


async def test_a_non_officer_is_refused_in_the_browser(page: Any, accounts: Accounts,
                                                       shots: Path) -> None:
    """A professional without the privacy officer role sees a Dutch refusal page."""
    await _log_in(page, accounts.professional.user_id, accounts.professional.password)
    await page.get_by_role("heading", name="Geen toegang").wait_for()
    assert "rol privacy officer" in await page.locator("main").inner_text()
    await shoot(page, shots, "refused")
    await page.goto("/privacy/")
    assert page.url.endswith("/privacy/login")


async def test_keyboard_users_get_a_skip_link_and_a_visible_focus(
        page: Any, accounts: Accounts) -> None:
    """The first Tab shows a skip link with a visible focus outline, and every input
    on the login form has a label."""
    await page.goto("/privacy/login")
    assert await page.evaluate("document.documentElement.lang") == "nl"
    await page.keyboard.press("Tab")
    focused = await page.evaluate(
        "(() => { const e = document.activeElement; const s = getComputedStyle(e);"
        " const r = e.getBoundingClientRect();"
        " return {text: e.textContent, outline: s.outlineStyle, width: s.outlineWidth,"
        " left: r.left}; })()")
    assert focused["text"] == "Direct naar de inhoud"
    assert focused["outline"] == "solid" and focused["width"] == "3px"
    assert focused["left"] >= 0
    unlabelled = await page.evaluate(
        "[...document.querySelectorAll('input:not([type=hidden]), select')]"
        ".filter(e => !(e.labels && e.labels.length)).length")
    assert unlabelled == 0


async def test_the_workbench_speaks_english_when_asked(page: Any, accounts: Accounts,
                                                       shots: Path) -> None:
    """With ?lang=en the pages are in English, and stay so after login."""
    await page.goto("/privacy/login?lang=en")
    await page.get_by_label("User name").fill(accounts.officer.user_id)
    await page.get_by_label("Password").fill(accounts.officer.password)
    await page.get_by_role("button", name="Log in").click()
    await page.get_by_role("heading", name="Is the audit log intact?").wait_for()
    assert await page.evaluate("document.documentElement.lang") == "en"
    await shoot(page, shots, "overview-en")


async def test_a_bad_filter_is_explained_next_to_its_field(page: Any, accounts: Accounts,
                                                           shots: Path) -> None:
    """A malformed date in the exceptions form comes back with an error summary that
    links to the field, and the field is marked invalid."""
    await _log_in(page, accounts.officer.user_id, accounts.officer.password)
    await page.wait_for_url("**/privacy/")
    await page.goto("/privacy/exceptions")
    await page.get_by_label("Vanaf (datum)").fill("31-02-2026")
    await page.get_by_role("button", name="Toon").click()
    summary = page.get_by_role("alert")
    await summary.wait_for()
    assert "'31-02-2026' bij 'vanaf' is geen geldige datum" in await summary.inner_text()
    assert await page.get_by_label("Vanaf (datum)").get_attribute("aria-invalid") == "true"
    await summary.get_by_role("link").first.click()
    assert await page.evaluate("document.activeElement.id") == "f-since"
    await shoot(page, shots, "filter-error", full_page=False)
