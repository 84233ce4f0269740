"""aiohttp's own error answers (an unknown address, a wrong method, a body over the
limit) were English plain text ("404: Not Found", "Maximum request body size 262144
exceeded."); they are Dutch (English on request), as JSON under /api/ and as a short
page elsewhere, and nothing is done (outside check, session 4)."""

from __future__ import annotations

import asyncio
import logging

import pytest
from aiohttp.test_utils import TestClient
from structlog.testing import capture_logs

from busbaan.service import Service

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


async def test_a_request_that_cannot_be_parsed_is_one_log_line_without_its_text(
        wb_service: Service, caplog: pytest.LogCaptureFixture) -> None:
    """A NUL in a header or bytes that are no UTF-8 in the path: 400, and the service
    logs one info line (``web.request_unparsable``) — no traceback, nothing of the
    request line ("naam=Jansen" reached the log with aiohttp's traceback: outside
    check s5)."""
    assert wb_service.web is not None
    host, port = wb_service.web.url.removeprefix("http://").split(":")
    requests = (b"GET /burger/?naam=Jansen HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n",
                b"GET /burger/\xff?naam=Jansen HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n")
    with capture_logs() as events, caplog.at_level(logging.DEBUG, logger="aiohttp"):
        for raw in requests:
            reader, writer = await asyncio.open_connection(host, int(port))
            writer.write(raw)
            await writer.drain()
            answer = await reader.read(4096)
            writer.close()
            assert answer.split(b" ")[1] == b"400", answer[:80]
    unparsable = [e for e in events if e["event"] == "web.request_unparsable"]
    assert len(unparsable) == len(requests), events
    assert all(e["log_level"] == "info" and "Jansen" not in str(e) for e in unparsable)
    noisy = [r for r in caplog.records if r.name.startswith("aiohttp")
             and (r.exc_info or r.levelno >= logging.WARNING)]
    assert noisy == [], [(r.name, r.levelname, r.getMessage()) for r in noisy]
