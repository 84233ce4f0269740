"""Logs redact by default: the structlog processor and the configured JSON output."""

from __future__ import annotations

import json
import logging
import sys

import pytest
import structlog
from structlog.testing import capture_logs

from busbaan.log import REDACTED, SENSITIVE_KEYS, configure, get_logger, redact_processor

BSN = "111222333"


def process(**event: object) -> dict[str, object]:
    return dict(redact_processor(None, "info", dict(event)))


@pytest.mark.parametrize("key", ["body", "formatted_body", "name", "display_name", "question",
                                 "label", "bsn", "password", "access_token", "Body", "NAME"])
def test_sensitive_keys_are_redacted(key):
    """Values of sensitive keys are replaced whole, whatever their content or case."""
    out = process(event="bot.reply", **{key: "Anna de Vries vraagt om hulp"})
    assert out[key] == REDACTED


def test_sensitive_keys_cover_bodies_names_and_secrets():
    """The sensitive keys include message bodies, names, free text and secrets."""
    assert {"body", "name", "display_name", "question", "label", "password",
            "token"} <= SENSITIVE_KEYS


def test_bsn_inside_other_values_is_replaced():
    """A BSN in an ordinary string value is replaced, the rest of the value kept."""
    out = process(event="case.created", case_id="C-1", note=f"klant {BSN} belde")
    assert out == {"event": "case.created", "case_id": "C-1", "note": "klant [bsn] belde"}


def test_nested_values_are_scrubbed():
    """BSNs, e-mails and sensitive keys inside nested dicts and lists are redacted."""
    out = process(event="x", data={"rows": [{"name": "Anna", "ref": f"bsn {BSN}"},
                                            ("a@b.nl", 3)],
                                   "Body": "hoi", BSN: "key"})
    assert out["data"] == {"rows": [{"name": REDACTED, "ref": "bsn [bsn]"}, ["[email]", 3]],
                           "Body": REDACTED, "[bsn]": "key"}


def test_deep_nesting_is_cut_off():
    """Values nested deeper than the limit are redacted rather than walked."""
    deep: object = BSN
    for _ in range(10):
        deep = [deep]
    assert BSN not in json.dumps(process(event="x", deep=deep))


def test_event_name_is_scrubbed():
    """A BSN or e-mail in the event name itself is replaced."""
    out = process(event=f"lookup {BSN} by a@b.nl")
    assert out["event"] == "lookup [bsn] by [email]"


def test_numbers_and_flags_are_kept_but_a_bsn_number_is_not():
    """Integers, floats, booleans and None pass, except an integer that is a BSN."""
    out = process(event="x", count=12, ms=1.5, ok=True, none=None, number=int(BSN),
                  small=123456782 // 10)
    assert out == {"event": "x", "count": 12, "ms": 1.5, "ok": True, "none": None,
                   "number": "[bsn]", "small": 12345678}


def test_other_objects_are_rendered_and_scrubbed():
    """An exception or other object in a value is turned into scrubbed text."""
    out = process(event="x", error=ValueError(f"onbekend bsn {BSN}"))
    assert out["error"] == "onbekend bsn [bsn]"


def test_capture_logs_through_a_logger_with_the_processor():
    """Logging through structlog with the processor redacts what capture_logs records."""
    with capture_logs(processors=[redact_processor]) as logs:
        get_logger("test", room_id="!r:x").info("lane.question", question="mevrouw Jansen",
                                                 note=f"bsn {BSN}")
    assert logs == [{"event": "lane.question", "room_id": "!r:x", "question": REDACTED,
                     "note": "bsn [bsn]", "log_level": "info"}]


def test_configured_json_logging_leaks_nothing(capsys):
    """With busbaan.log configured for JSON, no BSN, e-mail or name reaches the output."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    configure("DEBUG", json=True)
    try:
        log = structlog.get_logger("busbaan.test")
        log.info("case.created", case_id="C-7K2Q", body=f"Mevrouw Jansen, bsn {BSN}",
                 display_name="Anna de Vries", note="mail anna@example.nl of dhr. P. de Boer",
                 ref=int(BSN))
        try:
            raise ValueError(f"geen dossier voor {BSN} / anna@example.nl")
        except ValueError:
            log.exception("case.lookup_failed", case_id="C-7K2Q")
        logging.getLogger("nio").warning("sync failed for %s", "anna@example.nl")
    finally:
        structlog.reset_defaults()
        root.handlers[:], level = saved
        root.setLevel(level)
    err = capsys.readouterr().err
    lines = [json.loads(line) for line in err.splitlines()]
    assert [line["event"] for line in lines] == [
        "case.created", "case.lookup_failed", "sync failed for [email]"]
    assert lines[0]["case_id"] == "C-7K2Q" and lines[0]["body"] == REDACTED
    assert "ValueError" in lines[1]["exception"]
    for secret in (BSN, "anna@example.nl", "Jansen", "Anna", "de Boer", "Boer"):
        assert secret not in err


def test_nios_validation_noise_is_not_logged_but_its_errors_are(capsys):
    """Session 7: matrix-nio warns "Error validating response" for every error response
    (each intake alias that does not resolve); configured busbaan logging drops those
    warnings and keeps nio's other warnings and its errors."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    configure("INFO", json=True)
    try:
        logging.getLogger("nio.responses").warning(
            "Error validating response: 'room_id' is a required property")
        logging.getLogger("nio.responses").error("a real nio error")
        logging.getLogger("nio.client").warning("sync failed")
    finally:
        structlog.reset_defaults()
        root.handlers[:], level = saved
        root.setLevel(level)
    events = [json.loads(line)["event"] for line in capsys.readouterr().err.splitlines()]
    assert events == ["a real nio error", "sync failed"]


def test_exc_info_is_left_for_the_formatter():
    """exc_info stays as given, so a later format_exc_info can still render it."""
    try:
        raise ValueError("x")
    except ValueError:
        info = sys.exc_info()
    assert process(event="x", exc_info=info)["exc_info"] is info
    assert process(event="x", exc_info=True)["exc_info"] is True


def test_host_logging_inside_synapse_is_redacted(caplog: pytest.LogCaptureFixture) -> None:
    """Inside Synapse, busbaan logs through stdlib logging, still redacted."""
    import logging

    from busbaan.log import configure_for_host, get_logger

    configure_for_host()
    try:
        with caplog.at_level(logging.INFO, logger="busbaan.gate"):
            get_logger("busbaan.gate").info("gate.test", body="geheime tekst",
                                            note="bsn 111222333", room_id="!r:l")
        text = caplog.text
        assert "gate.test" in text and "!r:l" in text
        assert "geheime tekst" not in text and "111222333" not in text
    finally:
        import structlog

        structlog.reset_defaults()
