"""The aiohttp application factory and its runner.

Typed ``web.AppKey``s instead of globals; a request-id middleware binds the id in the
logs; errors are rendered from the domain hierarchy (``errcode`` + message), never as
a traceback.
"""

from __future__ import annotations

import logging
import secrets
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import structlog
from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from busbaan.errors import BusbaanError, Forbidden, NotFound, UsageError
from busbaan.log import get_logger
from busbaan.policy import Policy
from busbaan.web.citizen import setup_citizen  # the citizen's pages (issue 10)
from busbaan.web.lanes import add_routes as add_lane_routes  # wegwijzer (issue 5)
from busbaan.web.openapi import add_routes as add_openapi_routes  # issue 12
from busbaan.web.panel import add_routes as add_panel_routes  # case panel widget (issue 10)
from busbaan.web.workbench import setup_workbench  # privacy workbench (issue 4)

log = get_logger("busbaan.web")

POLICY: web.AppKey[Policy] = web.AppKey("policy", Policy)
SERVICE: web.AppKey[Any] = web.AppKey("service", object)

_STATUS = {UsageError: 400, Forbidden: 403, NotFound: 404}


def _lang(request: web.Request) -> str:
    q = request.query.get("lang")
    if q in ("nl", "en"):
        return q
    accept = request.headers.get("Accept-Language", "nl").lower()
    return "en" if accept.startswith("en") else "nl"


@web.middleware
async def request_context(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    request_id = request.headers.get("X-Request-Id") or secrets.token_hex(8)
    with structlog.contextvars.bound_contextvars(request_id=request_id):
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            if exc.status not in _PLAIN_ERRORS:
                raise
            response = _plain_error(request, exc)
        except BusbaanError as exc:
            status = next((s for cls, s in _STATUS.items() if isinstance(exc, cls)), 409)
            log.info("web.refused", path=request.path, errcode=exc.errcode, status=status)
            response = web.json_response(
                {"ok": False, "errcode": exc.errcode, "message": exc.message(_lang(request)),
                 "data": exc.data}, status=status)
        except Exception:
            log.exception("web.failed", path=request.path)
            response = web.json_response(
                {"ok": False, "errcode": "BB_INTERNAL",
                 "message": "Er ging bij ons iets mis; probeer het opnieuw."
                 if _lang(request) == "nl" else "Something went wrong; please try again."},
                status=500)
        response.headers["X-Request-Id"] = request_id
        _count(request, response.status)
        return response


#: aiohttp's own answers (English plain text: "404: Not Found", "Maximum request body
#: size 262144 exceeded.") → errcode, Dutch, English. Rendered as JSON under /api/, as
#: a short page elsewhere (outside check, session 4).
_PLAIN_ERRORS = {
    404: ("BB_NOT_FOUND", "Deze pagina bestaat niet. Kijk of het adres goed is overgenomen.",
          "This page does not exist. Check that the address was copied correctly."),
    405: ("BB_METHOD_NOT_ALLOWED", "Dit adres kan dat verzoek niet aannemen; er is niets "
          "gedaan. Gebruik de knoppen op de pagina.",
          "This address does not accept that request; nothing was done. Use the buttons "
          "on the page."),
    413: ("BB_TOO_LARGE", "Wat u stuurde is te groot (meer dan 256 kB); er is niets "
          "opgeslagen. Stuur minder tekst.",
          "What you sent is too large (over 256 kB); nothing was stored. Send less text."),
}


def _plain_error(request: web.Request, exc: web.HTTPException) -> web.Response:
    errcode, nl, en = _PLAIN_ERRORS[exc.status]
    message = en if _lang(request) == "en" else nl
    headers = {k: v for k, v in exc.headers.items() if k.lower() == "allow"}
    if request.path.startswith("/api/") or "json" in request.headers.get("Accept", ""):
        return web.json_response({"ok": False, "errcode": errcode, "message": message},
                                 status=exc.status, headers=headers)
    lang = "en" if _lang(request) == "en" else "nl"
    title = {"nl": "Dat lukte niet", "en": "That did not work"}[lang]
    home = {"nl": "Naar de startpagina", "en": "To the start page"}[lang]
    page = (f'<!doctype html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f'<title>{title}</title><meta name="viewport" '
            f'content="width=device-width, initial-scale=1"></head>\n<body><main>'
            f'<h1>{title}</h1>\n<p role="alert">{message}</p>\n'
            f'<p><a href="/">{home}</a></p></main></body></html>')
    return web.Response(status=exc.status, text=page, content_type="text/html",
                        charset="utf-8", headers=headers)


def _count(request: web.Request, status: int) -> None:
    """Count the request by its route template (a closed set), never by its path."""
    metrics = getattr(request.app[SERVICE], "metrics", None)
    if metrics is None:
        return
    resource = request.match_info.route.resource
    route = resource.canonical if resource is not None else "other"
    metrics.http_requests.labels(route, f"{status // 100}xx").inc()


async def health(request: web.Request) -> web.Response:
    policy = request.app[POLICY]
    return web.json_response({"ok": True, "policy_version": policy.version})


async def ready(request: web.Request) -> web.Response:
    """``/readyz``: 200 when the store answers and every bot syncs, else 503 naming
    the part that is not ready (no personal data: part names only)."""
    service = request.app[SERVICE]
    if service is None or not hasattr(service, "readiness"):
        checks = {"service": False}
    else:
        checks = await service.readiness()
    ok = all(checks.values())
    return web.json_response({"ok": ok, "checks": checks}, status=200 if ok else 503)


async def metrics(request: web.Request) -> web.Response:
    """``/metrics`` in the Prometheus text format (see :mod:`busbaan.metrics`)."""
    from busbaan.metrics import CONTENT_TYPE

    found = getattr(request.app[SERVICE], "metrics", None)
    if found is None:
        raise web.HTTPNotFound()
    body = found.render()
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})


async def index(request: web.Request) -> web.Response:
    return web.Response(content_type="text/html", text=_INDEX)


_INDEX = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>busbaan</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>busbaan</h1>
<p>De busbaan voor professionals in het sociaal domein. Werk in Element met de
casus-bot en de wegwijzer.</p>
<ul><li><a href="/privacy/">Werkbank voor de privacy officer</a></li>
<li><a href="/burger/">Mijn hulpvraag (voor burgers, met de link van uw hulpverlener)</a></li></ul>
</main></body></html>"""


def create_app(policy: Policy, service: Any = None) -> web.Application:
    """The web application for ``policy`` (and the running ``service``, if any)."""
    app = web.Application(middlewares=[request_context], client_max_size=256 * 1024)
    app[POLICY] = policy
    app[SERVICE] = service
    app.router.add_get("/", index)
    app.router.add_get("/healthz", health)
    app.router.add_get("/readyz", ready)  # issue 12
    app.router.add_get("/metrics", metrics)  # issue 12
    add_lane_routes(app)  # wegwijzer (issue 5)
    add_openapi_routes(app)  # the JSON API's description (issue 12)
    setup_workbench(app)  # privacy workbench (issue 4)
    setup_citizen(app)  # the citizen's pages (issue 10)
    add_panel_routes(app)  # the case panel in Element (issue 10)
    return app


class _ConnectionLog(logging.Logger):
    """aiohttp's per-connection logger (``aiohttp.server``), with one change: a request
    aiohttp cannot parse (a NUL in a header, a path that is no UTF-8) is the client's
    mistake, not ours. aiohttp logged it as an error with a traceback that quoted the
    request line, names included (outside check s5); here it is one info line with
    the error's type and status, nothing of the request. Everything else is logged as
    aiohttp logs it."""

    def __init__(self) -> None:
        super().__init__("aiohttp.server")
        self.parent = logging.getLogger("aiohttp.server")  # its level and handlers

    def exception(self, msg: object, *args: object, exc_info: Any = True,
                  **kwargs: Any) -> None:
        exc = exc_info if isinstance(exc_info, BaseException) else sys.exc_info()[1]
        if isinstance(exc, HttpProcessingError):
            log.info("web.request_unparsable", error=type(exc).__name__, status=exc.code)
            return
        super().exception(msg, *args, exc_info=exc_info, **kwargs)


@dataclass
class WebServer:
    """A running web app on a loopback port, owned by the service."""

    runner: web.AppRunner
    url: str

    @classmethod
    async def start(cls, app: web.Application, host: str, port: int) -> WebServer:
        runner = web.AppRunner(app, access_log=None, logger=_ConnectionLog())
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        sockets = getattr(site._server, "sockets", None) or []  # the bound port (port 0)
        bound = sockets[0].getsockname()[1] if sockets else port
        log.info("web.started", url=f"http://{host}:{bound}")
        return cls(runner, f"http://{host}:{bound}")

    async def stop(self) -> None:
        await self.runner.cleanup()
