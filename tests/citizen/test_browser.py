"""The citizen pages in headless Chromium: axe-core (WCAG 2.1 A and AA rules) finds no
violation in any page state, everything works with the keyboard alone, and each state
is photographed (``$BUSBAAN_SCREENSHOTS``, ``make screenshots`` → docs/screenshots).

axe-core comes from npm (``make axe``, run by ``make test``, installs it from the
committed package-lock.json). Without it these tests are skipped and say why.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from busbaan.service import Service
from busbaan.store.repositories import CaseRepository
from busbaan.web.app import create_app
from busbaan.web.citizen import CITIZEN
from tests.citizen.conftest import StoreActions, add_proposal, seed_case
from tests.web.test_workbench_browser import ARGS, CHROMIUM, shoot

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
MOBILE = {"width": 390, "height": 844}
WCAG21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
async def chromium() -> AsyncIterator[Any]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: run 'make browser' (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    if not AXE.exists():
        pytest.skip(f"{AXE.relative_to(ROOT)} is missing: 'make axe' (npm ci) could not "
                    "reach the npm registry")
    playwright = pytest.importorskip("playwright.async_api")
    async with playwright.async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS,
                                          headless=True)
        try:
            yield browser
        finally:
            await browser.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = os.environ.get("BUSBAAN_SCREENSHOTS")
    path = Path(target) if target else tmp_path_factory.mktemp("citizen-shots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
async def site(cit_service: Service) -> AsyncIterator[str]:
    assert cit_service.policy is not None
    app = create_app(cit_service.policy, cit_service)
    app[CITIZEN].actions = StoreActions(cit_service)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


@pytest.fixture
async def page(chromium: Any, site: str) -> AsyncIterator[Any]:
    # bypass_csp: the pages allow no scripts at all; axe is injected by the test only.
    context = await chromium.new_context(viewport=MOBILE, locale="nl-NL", base_url=site,
                                         bypass_csp=True, accept_downloads=True)
    try:
        yield await context.new_page()
    finally:
        await context.close()


async def axe_violations(page: Any) -> list[dict[str, Any]]:
    await page.add_script_tag(path=str(AXE))
    result = await page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' '))}))", WCAG21_AA)
    return list(result)


async def check(page: Any, shots: Path, name: str) -> None:
    """No axe violation in this state; a screenshot of it."""
    violations = await axe_violations(page)
    assert violations == [], (name, violations)
    await shoot(page, shots, f"citizen-{name}")


async def _login(page: Any, token: str, code: str) -> None:
    await page.goto(f"/burger/l/{token}")
    await page.get_by_label("Code (zes tekens)").fill(code)
    await page.get_by_role("button", name="Verder").click()
    await page.wait_for_url("**/burger/")


async def test_every_page_state_passes_axe(page: Any, cit_service: Service,
                                           shots: Path) -> None:
    """Code form, wrong code, the page with a question, after a withdrawal, after a
    yes, English, Turkish, Arabic (right to left), a law-based refusal, a bad link, a
    closed case and the goodbye page: no WCAG 2.1 AA violation found by axe-core."""
    case = seed_case(cit_service)
    proposal = add_proposal(cit_service, case.case_id)
    await page.goto(f"/burger/l/{case.token}")
    await check(page, shots, "code")
    await page.get_by_label("Code (zes tekens)").fill("ZZZZZZ")
    await page.get_by_role("button", name="Verder").click()
    await page.get_by_role("alert").wait_for()
    assert await page.get_by_label("Code (zes tekens)").get_attribute("aria-invalid") == "true"
    await check(page, shots, "code-wrong")
    await page.get_by_label("Code (zes tekens)").fill(case.code)
    await page.get_by_role("button", name="Verder").click()
    await page.wait_for_url("**/burger/")
    await page.get_by_role("heading", name="Wie helpt u nu?").wait_for()
    await check(page, shots, "page")

    await page.get_by_role("button", name="Toestemming voor Humanitas Thuisadministratie "
                                          "intrekken").click()
    await page.get_by_role("status").wait_for()
    assert "ingetrokken" in await page.get_by_role("status").inner_text()
    await check(page, shots, "withdrawn")
    await page.go_back()  # the back button shows the form page again (no-store: fresh)
    await page.get_by_role("heading", name="Wie helpt u nu?").wait_for()

    await page.get_by_role("button", name="Ja, Huisartsenpraktijk Bijlmerdreef mag dit").click()
    await page.get_by_role("status").wait_for()
    await check(page, shots, "approved")
    assert await page.get_by_role("link", name="Download het bewijs van uw keuze.").count() == 1

    for lang in ("en", "tr", "ar"):
        await page.goto(f"/burger/?lang={lang}")
        await page.locator("main h1").wait_for()
        assert await page.evaluate("document.documentElement.dir") == (
            "rtl" if lang == "ar" else "ltr")
        await check(page, shots, f"page-{lang}")
    await page.goto("/burger/?lang=nl")

    # A forged withdrawal of the law-based grant: a clear refusal page.
    await page.evaluate(
        "(g) => { const f = document.querySelector('form[action=\"/burger/intrekken\"]')"
        " || document.createElement('form'); f.method = 'post'; f.action = '/burger/intrekken';"
        " const csrf = document.querySelector('input[name=csrf]').value;"
        " f.innerHTML = `<input name=csrf value=${csrf}><input name=form value=x>"
        "<input name=grant value=${g}>`; document.body.append(f); f.submit(); }",
        case.law_grant)
    await page.get_by_role("alert").wait_for()
    assert "De wet regelt het." in await page.get_by_role("alert").inner_text()
    await check(page, shots, "law-refused")

    await page.goto("/burger/l/not-a-token")
    await check(page, shots, "bad-link")
    CaseRepository(cit_service.engine).close(case.case_id, now=dt.datetime.now(dt.UTC),
                                             by="@x:y")
    await page.goto("/burger/")
    assert "afgesloten" in await page.locator("main").inner_text()
    await check(page, shots, "closed")
    assert proposal.proposal_id


async def test_a_keyboard_user_can_do_everything(page: Any, cit_service: Service,
                                                 shots: Path) -> None:
    """With Tab and Enter only: the skip link first (visible focus), the code field,
    then withdrawing a consent grant; focus is always visible."""
    case = seed_case(cit_service)
    await page.goto(f"/burger/l/{case.token}")
    await page.keyboard.press("Tab")
    focused = await page.evaluate(
        "(() => { const e = document.activeElement; const s = getComputedStyle(e);"
        " return {text: e.textContent, outline: s.outlineStyle, width: s.outlineWidth}; })()")
    assert focused == {"text": "Direct naar de inhoud", "outline": "solid", "width": "3px"}
    await page.keyboard.press("Enter")
    for _ in range(10):  # Tab until the code field has focus
        await page.keyboard.press("Tab")
        if await page.evaluate("document.activeElement.id") == "code":
            break
    assert await page.evaluate("document.activeElement.id") == "code"
    await page.keyboard.type(case.code)
    await page.keyboard.press("Enter")
    await page.wait_for_url(re.compile(r".*/burger/(#inhoud)?$"))
    target = "Toestemming voor Humanitas Thuisadministratie intrekken"
    for _ in range(30):
        await page.keyboard.press("Tab")
        if await page.evaluate("document.activeElement.textContent") == target:
            break
    assert await page.evaluate("document.activeElement.textContent") == target
    outline = await page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    await page.keyboard.press("Enter")
    await page.get_by_role("status").wait_for()
    await shoot(page, shots, "citizen-keyboard-withdrawn")


async def _focused(page: Any) -> dict[str, str]:
    """The element that has focus: its tag, role and text."""
    found: dict[str, str] = await page.evaluate(
        "(() => { const e = document.activeElement; return {tag: e.tagName.toLowerCase(),"
        " role: e.getAttribute('role') || '', text: e.innerText || ''}; })()")
    return found


async def _forge(page: Any, action: str, fields: dict[str, str]) -> None:
    """Send a hand-made form with the page's own CSRF token (what a tinkerer can do)."""
    await page.evaluate(
        "([action, fields]) => { const f = document.createElement('form'); f.method = 'post';"
        " f.action = action; fields.csrf = document.querySelector('input[name=csrf]').value;"
        " for (const [k, v] of Object.entries(fields)) { const i = document.createElement("
        "'input'); i.name = k; i.value = v; f.append(i); } document.body.append(f);"
        " f.submit(); }", [action, fields])


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_focus_lands_on_what_the_page_says_after_each_step(
        page: Any, cit_service: Service, shots: Path, lang: str) -> None:
    """After a wrong code, a withdrawal, a yes and a hand-made form, focus is on the
    alert or status that says what happened (not on <body>), so a screen reader reads it
    at once, and a Tab goes on from there (outside18 F7); Dutch and English alike."""
    case = seed_case(cit_service)
    add_proposal(cit_service, case.case_id)
    await page.goto(f"/burger/l/{case.token}?lang={lang}")
    await page.locator("#code").fill("ZZZZZZ")
    await page.locator("form.card button[type=submit]").click()
    await page.get_by_role("alert").wait_for()
    focused = await _focused(page)
    assert focused["role"] == "alert", focused
    assert ("klopt niet" if lang == "nl" else "not right") in focused["text"], focused
    await shoot(page, shots, f"citizen-focus-code-wrong-{lang}")
    await page.keyboard.press("Tab")  # on from the message: the code field
    assert await page.evaluate("document.activeElement.id") == "code"
    await page.keyboard.type(case.code)
    await page.keyboard.press("Enter")
    await page.wait_for_url("**/burger/")
    assert (await _focused(page))["tag"] == "body"  # a plain page load moves nothing

    await page.locator("form[action='/burger/intrekken'] button").click()
    await page.get_by_role("status").wait_for()
    focused = await _focused(page)
    assert focused["role"] == "status", focused
    assert ("ingetrokken" if lang == "nl" else "withdrew") in focused["text"], focused
    await shoot(page, shots, f"citizen-focus-withdrawn-{lang}")

    await page.locator("form[action='/burger/beslis'] button[value=ja]").click()
    await page.wait_for_url("**/burger/?klaar=*")
    focused = await _focused(page)
    assert focused["role"] == "status", focused
    assert "Huisartsenpraktijk Bijlmerdreef" in focused["text"], focused

    await _forge(page, "/burger/beslis", {"form": "x", "voorstel": "P-X", "keuze": "misschien"})
    await page.get_by_role("alert").wait_for()
    focused = await _focused(page)
    assert focused["role"] == "alert", focused
    assert focused["text"].strip() == (
        "Wij begrijpen uw keuze niet. Kies ja of nee. Er is niets veranderd." if lang == "nl"
        else "We did not understand your choice. Choose yes or no. Nothing was changed.")
    await check(page, shots, f"focus-choice-{lang}")
