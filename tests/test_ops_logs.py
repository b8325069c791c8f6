"""Structured log lines: one per event, machine-readable, nothing secret."""

from __future__ import annotations

import ast
import io
import json
import logging
from pathlib import Path

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
    log = logging.getLogger("a_library")  # (the CLI quiets httpx itself)
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
    library = logging.getLogger("a_library")  # (the CLI quiets httpx itself)
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


# ------------------------------------------------------------ one style

_ROOT = Path(__file__).resolve().parents[1]
_LEVELS = {"debug", "info", "warning", "error", "exception", "critical", "log"}


def _logging_style_problems(source: str, where: str) -> list[str]:
    """Loggers of ours not named by ``__name__``, and records logged other
    than through ``log_event`` (configuring a library's logger is fine)."""
    problems = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name, owner = node.func.attr, node.func.value
        if name == "getLogger" and node.args and isinstance(node.args[0], ast.Constant):
            if str(node.args[0].value).split(".")[0] in {"kiosk", "screens", "village_kiosk"}:
                problems.append(f"{where}:{node.lineno}: getLogger({node.args[0].value!r}) instead of getLogger(__name__)")
        elif name in _LEVELS and _is_logger(owner):
            problems.append(f"{where}:{node.lineno}: .{name}(...) instead of log_event(...)")
    return problems


def _is_logger(node: ast.expr) -> bool:
    """``log``, ``logger``, the logging module (its root logger) or ``logging.getLogger(...)``."""
    if isinstance(node, ast.Call):
        return isinstance(node.func, ast.Attribute) and node.func.attr == "getLogger"
    return isinstance(node, ast.Name) and node.id in {"log", "logger", "logging"}


def test_the_product_logs_events_through_module_loggers():
    implementation = _ROOT / "kiosk" / "ops" / "logs.py"  # log_event itself
    sources = [path for package in ("kiosk", "screens") for path in sorted((_ROOT / package).rglob("*.py")) if path != implementation]
    assert len(sources) > 50
    problems = [problem for path in sources for problem in _logging_style_problems(path.read_text(), str(path.relative_to(_ROOT)))]
    assert problems == []


def test_the_style_check_sees_the_old_styles():
    old = 'log = logging.getLogger("kiosk.feed")\nlog.warning("feed: pack not usable (%s)", why)\nlogging.getLogger("village_kiosk.app").info("event=stopped")\n'
    assert len(_logging_style_problems(old, "old.py")) == 4
    assert _logging_style_problems('log = logging.getLogger(__name__)\nlog_event(log, "feed.pack_unusable", reason=why)\n', "new.py") == []
