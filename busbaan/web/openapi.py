"""The OpenAPI 3.0 description of busbaan's JSON API, served at ``/api/v1/openapi.json``.

It describes what exists: health, readiness and metrics, the wegwijzer's lane figures,
and the privacy workbench's API (session cookie; a POST also needs the session's CSRF
token in ``X-CSRF-Token``). Tests fuzz the running app from it (schemathesis), so a
route added without a description here is a route nobody fuzzes: keep them together.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

OPENAPI_PATH = "/api/v1/openapi.json"

_ERROR: dict[str, Any] = {
    "type": "object",
    "required": ["ok", "errcode", "message"],
    "properties": {
        "ok": {"type": "boolean", "enum": [False]},
        "errcode": {"type": "string", "pattern": "^BB_[A-Z0-9_]+$"},
        "message": {"type": "string"},
        "data": {},
        "errors": {"type": "array", "items": {
            "type": "object", "properties": {"field": {"type": "string"},
                                             "message": {"type": "string"}}}},
    },
}

_FILTERS = {
    "type": "object",
    "properties": {
        "case": {"type": "string", "description": "case id, e.g. C-7KQ2MX4A"},
        "professional": {"type": "string", "description": "Matrix ID (POST only: personal "
                                                         "data never goes in a URL)"},
        "organisation": {"type": "string"},
        "since": {"type": "string", "format": "date"},
        "until": {"type": "string", "format": "date"},
        "format": {"type": "string", "enum": ["csv", "jsonl"]},
    },
}

_QUERY = [
    {"name": name, "in": "query", "required": False, "schema": schema}
    for name, schema in (
        ("case", {"type": "string"}),
        ("organisation", {"type": "string"}),
        ("since", {"type": "string", "format": "date"}),
        ("until", {"type": "string", "format": "date"}),
        ("format", {"type": "string", "enum": ["csv", "jsonl"]}),
        ("lang", {"type": "string", "enum": ["nl", "en"]}),
    )
]


def _json(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": schema or {"type": "object"}}}}


def _errors(*codes: int) -> dict[str, Any]:
    texts = {400: "invalid input, every problem named", 401: "no session",
             403: "not a privacy officer, or CSRF refused", 404: "not found",
             409: "refused by a rule", 415: "send JSON",
             429: "asked too often: wait Retry-After seconds", 503: "not available (yet)"}
    return {str(c): _json(texts[c], _ERROR) for c in codes}


def _officer(summary: str, *, post: bool = False, query: bool = False,
             body: bool = False, produces: str = "application/json") -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "security": [{"session": [], **({"csrf": []} if post else {})}],
        "responses": {
            "200": ({"description": "the export, streamed",
                     "content": {"text/csv": {"schema": {"type": "string"}},
                                 "application/x-ndjson": {"schema": {"type": "string"}}}}
                    if produces != "application/json" else _json("ok")),
            **_errors(400, 401, 403, 503),
        },
    }
    if query:
        op["parameters"] = _QUERY
    if body:
        op["requestBody"] = {"required": False, "content": {
            "application/json": {"schema": _FILTERS},
            "application/x-www-form-urlencoded": {"schema": _FILTERS}}}
    return op


def _limited(op: dict[str, Any]) -> dict[str, Any]:
    """An operation that answers 429 with ``Retry-After`` when asked too often."""
    op["responses"]["429"] = {
        **_json(_errors(429)["429"]["description"], {**_ERROR, "properties": {
            **_ERROR["properties"], "retry_after": {"type": "integer", "minimum": 1}}}),
        "headers": {"Retry-After": {"schema": {"type": "integer", "minimum": 1},
                                    "description": "seconds"}}}
    return op


def describe() -> dict[str, Any]:
    """The OpenAPI document (a fresh dict each time)."""
    report = "a report over the audit log (filters as query or body)"
    paths: dict[str, Any] = {
        "/healthz": {"get": {"summary": "the process lives",
                             "responses": {"200": _json("alive", {
                                 "type": "object", "required": ["ok", "policy_version"],
                                 "properties": {"ok": {"type": "boolean"},
                                                "policy_version": {"type": "string"}}})}}},
        "/readyz": {"get": {"summary": "the store answers and every bot syncs",
                            "responses": {
                                "200": _json("ready", {"type": "object", "properties": {
                                    "ok": {"type": "boolean"},
                                    "checks": {"type": "object", "additionalProperties": {
                                        "type": "boolean"}}}}),
                                "503": _json("not ready: the checks say which part")}}},
        "/metrics": {"get": {"summary": "Prometheus text format (no personal data)",
                             "responses": {"200": {"description": "metrics", "content": {
                                 "text/plain": {"schema": {"type": "string"}}}},
                                 "404": {"description": "no metrics in this process"}}}},
        "/api/v1/lanes/status": {"get": {
            "summary": "per intake team: lanes open, waiting, overdue, answered, median "
                       "time to first answer",
            "responses": {"200": _json("figures", {
                "type": "object", "required": ["ok", "teams"],
                "properties": {"ok": {"type": "boolean"},
                               "generated_at": {"type": "string"},
                               "default_target_minutes": {"type": "integer"},
                               "teams": {"type": "array", "items": {"type": "object"}}}}),
                **_errors(503)}}},
        "/api/v1/privacy/session": {
            "get": _officer("the current session and its CSRF token"),
            "post": {
                "summary": "log in with the homeserver password or an OpenID token",
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"type": "object", "required": ["user", "password"],
                               "properties": {
                        "user": {"type": "string"}, "password": {"type": "string",
                                                                 "minLength": 1},
                        "openid_token": {"type": "string"}}}}}},
                "responses": {"200": _json("logged in; the cookie is set"),
                              **_errors(400, 401, 403, 415, 503)}},
        },
        "/api/v1/privacy/session/logout": {"post": _officer("end the session", post=True)},
        "/api/v1/privacy/integrity": {"get": _officer("the audit log's integrity status")},
        "/api/v1/privacy/integrity/verify": {
            "post": _limited(_officer("verify the whole audit log now (per officer: 3 in a "
                                      "row, then one a minute)", post=True))},
        "/api/v1/privacy/overview": {"get": _officer("counts of the last weeks")},
        "/api/v1/privacy/register": {"get": _officer("the processing register (art. 30)")},
        "/api/v1/privacy/export": {
            "get": _limited(_officer("the audit log as CSV or JSON Lines (per officer: 20 "
                                     "in a row, then one per 6 s)", query=True,
                                     produces="stream")),
            "post": _limited(_officer("the audit log as CSV or JSON Lines (per officer: 20 "
                                      "in a row, then one per 6 s)", post=True, body=True,
                                      produces="stream")),
        },
    }
    for name in ("case", "professional", "consents"):
        paths[f"/api/v1/privacy/reports/{name}"] = {
            "get": _officer(f"{name}: {report}", query=True),
            "post": _officer(f"{name}: {report}", post=True, body=True),
        }
    # Per officer: 20 reports with filters not asked for lately, then one per 3 s; a
    # report asked for again is extended with what the log gained, never limited.
    limited = (f"exceptions: {report} (per officer: 20 with new filters in a row, then one "
               "per 3 s; the same filters again are not limited)")
    paths["/api/v1/privacy/reports/exceptions"] = {
        "get": _limited(_officer(limited, query=True)),
        "post": _limited(_officer(limited, post=True, body=True)),
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "busbaan", "version": "1",
                 "description": "busbaan's JSON API. Errors: {ok: false, errcode, message}; "
                                "messages in Dutch, English with Accept-Language: en or "
                                "?lang=en."},
        "paths": paths,
        "components": {"securitySchemes": {
            "session": {"type": "apiKey", "in": "cookie", "name": "busbaan_werkbank"},
            "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token"},
        }},
    }


async def openapi(request: web.Request) -> web.Response:
    return web.json_response(describe())


def add_routes(app: web.Application) -> None:
    """Serve the description (called from ``create_app``)."""
    app.router.add_get(OPENAPI_PATH, openapi)
