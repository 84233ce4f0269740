"""Bot message contents: replies to commands and notices (pure).

A reply to a command is a Matrix reply (``m.relates_to`` → ``m.in_reply_to``), an
``m.notice`` with an HTML ``formatted_body`` and a plain ``body``, and carries
``nl.busbaan.reply`` = {command, ok, errcode, data}. A notice that answers no command
carries ``nl.busbaan.notice`` instead. No floats anywhere (canonical JSON).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

REPLY_KEY = "nl.busbaan.reply"
NOTICE_KEY = "nl.busbaan.notice"


def _no_floats(value: Any, path: str = "data") -> None:
    if isinstance(value, float):
        raise TypeError(f"{path}: floats are not allowed in Matrix events; use int or str")
    if isinstance(value, Mapping):
        for k, v in value.items():
            _no_floats(v, f"{path}.{k}")
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            _no_floats(v, f"{path}[{i}]")


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def reply_content(
    *,
    command: str,
    ok: bool,
    body: str,
    html_body: str | None = None,
    errcode: str | None = None,
    data: Mapping[str, Any] | None = None,
    in_reply_to: str | None = None,
    thread_root: str | None = None,
    mentions: Sequence[str] = (),
) -> dict[str, Any]:
    """The content of a bot's answer to a command."""
    payload = {"command": command, "ok": ok, "errcode": errcode, "data": dict(data or {})}
    _no_floats(payload)
    content: dict[str, Any] = {
        "msgtype": "m.notice",
        "body": body,
        "format": "org.matrix.custom.html",
        "formatted_body": html_body if html_body is not None else esc(body).replace("\n", "<br>"),
        REPLY_KEY: payload,
        "m.mentions": {"user_ids": list(mentions)},
    }
    if thread_root:
        content["m.relates_to"] = {
            "rel_type": "m.thread", "event_id": thread_root, "is_falling_back": True,
            "m.in_reply_to": {"event_id": in_reply_to or thread_root},
        }
    elif in_reply_to:
        content["m.relates_to"] = {"m.in_reply_to": {"event_id": in_reply_to}}
    return content


def notice_content(
    *,
    kind: str,
    body: str,
    html_body: str | None = None,
    data: Mapping[str, Any] | None = None,
    mentions: Sequence[str] = (),
) -> dict[str, Any]:
    """The content of a bot notice that answers no command (refusal, removal...)."""
    payload = {"kind": kind, **dict(data or {})}
    _no_floats(payload)
    return {
        "msgtype": "m.notice",
        "body": body,
        "format": "org.matrix.custom.html",
        "formatted_body": html_body if html_body is not None else esc(body).replace("\n", "<br>"),
        NOTICE_KEY: payload,
        "m.mentions": {"user_ids": list(mentions)},
    }
