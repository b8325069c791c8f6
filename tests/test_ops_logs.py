"""Structured log lines: one per event, machine-readable, nothing secret."""

from __future__ import annotations

import io
import json
import logging

import pytest

from kiosk.config import Config, TerminalConfig
from kiosk.ops.logs import log_event, redact_text, setup_logging


@pytest.fixture
def captured():
    stream = io.StringIO()
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield stream
    root.handlers[:] = handlers
    root.setLevel(level)


def test_events_are_one_key_value_line(captured):
    setup_logging(stream=captured)
    log_event(logging.getLogger("kiosk.ops"), "sync.updated", version=42, message="updated v41 → v42, 3 files", ok=True)
    [line] = captured.getvalue().splitlines()
    assert line.startswith("ts=") and " level=info logger=kiosk.ops event=sync.updated version=42 " in line
    assert 'message="updated v41 → v42, 3 files" ok=true' in line


def test_events_read_the_same_in_other_handlers(caplog):
    """pytest's handler (or Kivy's) shows the message: the event's own line, redacted."""
    with caplog.at_level(logging.INFO):
        log_event(
            logging.getLogger("kiosk.feed.update"),
            "feed.pack_unusable",
            logging.WARNING,
            reason="pack: 3 bytes",
            token="tok-0123456789abcdef",
        )
    [record] = caplog.records
    assert record.getMessage() == 'event=feed.pack_unusable reason="pack: 3 bytes" token=***'
    assert record.levelno == logging.WARNING and record.funcName == "test_events_read_the_same_in_other_handlers"


def test_an_event_with_its_traceback_stays_on_one_line(captured):
    setup_logging(stream=captured)
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        log_event(logging.getLogger("kiosk.feed.worker"), "sync.crashed", logging.ERROR, exc_info=True)
    [line] = captured.getvalue().splitlines()
    assert "level=error logger=kiosk.feed.worker event=sync.crashed error=" in line and "RuntimeError: boom" in line


def test_plain_library_messages_and_tracebacks_stay_on_one_line(captured):
    setup_logging(stream=captured)
    log = logging.getLogger("httpx")
    log.info("feed: %s", "up to date v3")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        log.exception("feed: sync crashed")
    lines = captured.getvalue().splitlines()
    assert len(lines) == 2
    assert 'msg="feed: up to date v3"' in lines[0]
    assert "level=error" in lines[1] and "RuntimeError: boom" in lines[1]


def test_json_lines(captured):
    setup_logging(stream=captured, json_lines=True)
    log_event(logging.getLogger("kiosk.ops"), "heartbeat.sent", status=204)
    record = json.loads(captured.getvalue())
    assert record["event"] == "heartbeat.sent" and record["status"] == 204 and record["level"] == "info"


def test_secrets_are_masked(captured):
    setup_logging(stream=captured)
    log = logging.getLogger("kiosk.ops")
    log_event(
        log, "provision.done", token="tok-0123456789abcdef", pin_hash="scrypt$1$2$3$s$h", pinyin="cun2", url="https://u:pw@p.example.cn/"
    )
    # An error quoting a request, handed over as the exception itself.
    log_event(log, "heartbeat.failed", error=ConnectionError("POST https://p.example.cn/hb?token=tok-0123456789abcdef failed"))
    library = logging.getLogger("httpx")
    library.info("posting with Authorization: Bearer tok-0123456789abcdef")
    library.info("config %r", Config(terminal=TerminalConfig(token="tok-0123456789abcdef", pin_hash="scrypt$x")))
    text = captured.getvalue()
    assert "tok-0123456789abcdef" not in text and "scrypt$" not in text and ":pw@" not in text
    assert "pinyin=cun2" in text  # not every field with "pin" in its name is a secret
    assert text.count("***") >= 6


@pytest.mark.parametrize(
    "text, hidden",
    [
        ("token=abc123&x=1", "abc123"),
        ('{"token": "abc123"}', "abc123"),
        ("password: hunter2", "hunter2"),
        ("Bearer abc.def", "abc.def"),
    ],
)
def test_redact_text(text, hidden):
    assert hidden not in redact_text(text)
