"""aiohttp's own error answers (an unknown address, a wrong method, a body over the
limit) were English plain text ("404: Not Found", "Maximum request body size 262144
exceeded."); they are Dutch (English on request), as JSON under /api/ and as a short
page elsewhere, and nothing is done (outside check, session 4)."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient

pytestmark = pytest.mark.synapse


async def test_the_web_apps_own_errors_are_clear_dutch(client: TestClient) -> None:
    page = await client.get("/burger/bestaat-niet")
    assert page.status == 404
    text = await page.text()
    assert "Deze pagina bestaat niet" in text and "Not Found" not in text
    assert page.content_type == "text/html"

    api = await client.get("/api/v1/privacy/bestaat-niet")
    assert api.status == 404
    body = await api.json()
    assert body["errcode"] == "BB_NOT_FOUND" and body["ok"] is False, body

    english = await client.get("/api/v1/nope", headers={"Accept-Language": "en"})
    assert "does not exist" in (await english.json())["message"]

    wrong = await client.put("/burger/")
    assert wrong.status == 405 and "GET" in wrong.headers.get("Allow", "")
    assert "er is niets gedaan" in await wrong.text()

    huge = await client.post("/api/v1/privacy/session", data=b"a" * 300_000,
                             headers={"Content-Type": "application/json"})
    assert huge.status == 413
    body = await huge.json()
    assert body["errcode"] == "BB_TOO_LARGE" and "te groot" in body["message"], body

    form = await client.post("/burger/l/sometoken", data={"code": "x" * 300_000})
    assert form.status == 413
    assert "niets opgeslagen" in await form.text()
