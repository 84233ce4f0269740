"""Logging: structlog, a constant event name plus key-values, redacted by default.

``configure()`` is called once by every process's start-up path. Off a terminal the
output is JSON lines; on one it is readable console output. The redaction processor
runs before any renderer, so nothing personal reaches a log file.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping, MutableMapping
from typing import Any

import structlog

from busbaan.privacy import is_valid_bsn, redact

#: Keys whose values are never logged: message text, names, free-text reasons.
SENSITIVE_KEYS = frozenset(
    {
        "body",
        "formatted_body",
        "text",
        "message",
        "question",
        "label",
        "name",
        "display_name",
        "displayname",
        "full_name",
        "reason_text",
        "bsn",
        "address",
        "birth_date",
        "password",
        "access_token",
        "token",
        "secret",
        "registration_shared_secret",
    }
)
REDACTED = "[redacted]"


def _scrub(value: Any, depth: int = 0) -> Any:
    if depth > 4:
        return REDACTED
    if value is None or isinstance(value, (bool, float)):
        return value
    if isinstance(value, int):
        # A BSN logged as a number (``bsn_like=111222333``) is still a BSN.
        if 10_000_000 <= value <= 999_999_999 and is_valid_bsn(f"{value:09d}"):
            return "[bsn]"
        return value
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Mapping):
        return {
            (redact(k) if isinstance(k, str) else k): (
                REDACTED if str(k).lower() in SENSITIVE_KEYS else _scrub(v, depth + 1)
            )
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_scrub(v, depth + 1) for v in value]
    # Anything else (an exception, a path, a dataclass) is rendered as text by the
    # renderers; scrub that text here, before it reaches them.
    return redact(str(value))


def redact_processor(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Replace sensitive keys' values and scrub BSNs, e-mails, phones, names from strings."""
    for key in list(event_dict):
        if key.lower() in SENSITIVE_KEYS:
            event_dict[key] = REDACTED
        elif key == "exc_info":
            # Left for format_exc_info, which configure() runs *before* this processor,
            # so the rendered traceback ("exception") is what gets scrubbed.
            continue
        elif key != "event":
            event_dict[key] = _scrub(event_dict[key])
        else:
            event_dict[key] = redact(str(event_dict[key]))
    return event_dict


def configure(level: str = "INFO", *, json: bool | None = None) -> None:
    """Set up structlog and the standard library's logging for this process."""
    if json is None:
        json = not sys.stderr.isatty()
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        # Tracebacks become text before redaction: an exception's message can carry a
        # BSN or a name as easily as any other value.
        structlog.processors.StackInfoRenderer(),
        structlog.processors.format_exc_info,
        redact_processor,
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if json
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    structlog.configure(
        processors=[*shared, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping().get(level.upper(), logging.INFO)
        ),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
    # Libraries (nio, aiohttp, alembic) log through the standard library: keep them
    # quiet and redacted too.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processor=renderer, foreign_pre_chain=shared
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    # matrix-nio logs "Error validating response" for every error response it parses
    # (an alias that does not resolve: 404), then returns the error object that busbaan
    # checks anyway; the wegwijzer asks for intake aliases with each answer (session 7),
    # so these warnings flooded the log without saying anything new.
    logging.getLogger("nio.responses").setLevel(logging.ERROR)


def configure_for_host() -> None:
    """Log through the host process's standard logging (inside Synapse).

    The gate runs in Synapse's process, whose logging Synapse configures; busbaan's
    events go to the ``busbaan`` stdlib logger as one redacted key=value line, so
    Synapse's log config decides where they end up and nothing personal reaches it.
    """
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.format_exc_info,
            redact_processor,
            structlog.processors.KeyValueRenderer(key_order=["event"], sort_keys=True),
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )


def get_logger(name: str | None = None, **bound: Any) -> Any:
    """A structlog logger, optionally with bound context."""
    return structlog.get_logger(name).bind(**bound) if bound else structlog.get_logger(name)
