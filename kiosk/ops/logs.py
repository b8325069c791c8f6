"""Structured logging: one line per event on stderr, for journald (stdout
is the commands' own: ``sync`` prints one outcome line there).

Every record becomes one ``key=value`` line (or one JSON object with
``json=True``)::

    ts=2025-03-01T08:30:00Z level=info logger=kiosk.ops.heartbeat event=heartbeat.sent status=204 periods=2

Our code logs events, never sentences: each module has
``log = logging.getLogger(__name__)`` and calls
``log_event(log, "heartbeat.sent", status=204, periods=2)``. Plain
``logger.info("...")`` lines from libraries (Kivy, httpx, uvicorn) come
out as ``msg="..."``. Secrets never reach the journal: fields whose name
says token, PIN, password, secret or authorization are masked, and so are
bearer tokens, ``token=...`` pairs and passwords in URLs inside any text
(the journal is readable by technicians and often copied into tickets).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
from typing import IO, Any

MASK = "***"
# Whole words of a field name: "pin_hash" and "access_token" are secret, "pinyin" is not.
_SECRET_NAME = re.compile(r"(?:^|_)(?:token|pin|passw(?:or)?d|secret|authori[sz]ation|private)(?:$|_)", re.IGNORECASE)
_SECRET_TEXT = [
    # Authorization headers and bearer tokens.
    (re.compile(r"(?i)(bearer\s+)[^\s'\",]+"), rf"\1{MASK}"),
    # token=..., pin_hash: '...', "password": "..." in reprs, URLs and JSON.
    (re.compile(r"(?i)([\"']?\b(?:\w*token|pin(?:_hash)?|passw\w*|secret\w*)[\"']?\s*[=:]\s*[\"']?)[^\s'\",&)}]+"), rf"\1{MASK}"),
    # https://user:password@host
    (re.compile(r"(://[^/\s:@]+:)[^/\s@]+@"), rf"\1{MASK}@"),
]
_FIELDS = "kiosk_fields"


def redact_text(text: str) -> str:
    for pattern, replacement in _SECRET_TEXT:
        text = pattern.sub(replacement, text)
    return text


def redact_fields(fields: dict[str, Any]) -> dict[str, Any]:
    return {key: MASK if _SECRET_NAME.search(key) and value not in (None, "") else _redact_value(value) for key, value in fields.items()}


def _redact_value(value: Any) -> Any:
    """Numbers, booleans and None as they are; anything else (an exception,
    a path) as its text, redacted: an error message may quote a URL."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return redact_text(str(value))


def log_event(logger: logging.Logger, event: str, level: int = logging.INFO, *, exc_info: bool = False, **fields: Any) -> None:
    """Log one event, ``area.what_happened``, with its fields (values are
    rendered, never interpolated into a sentence); ``exc_info``: with the
    traceback of the exception being handled."""
    if not logger.isEnabledFor(level):
        return
    fields = {"event": event, **fields}
    # The message other handlers (pytest's, Kivy's) show: the same line, redacted.
    logger.log(level, _key_values(redact_fields(fields)), extra={_FIELDS: fields}, exc_info=exc_info, stacklevel=2)


def _record_fields(record: logging.LogRecord) -> dict[str, Any]:
    stamp = dt.datetime.fromtimestamp(record.created, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    fields: dict[str, Any] = {"ts": stamp, "level": record.levelname.lower(), "logger": record.name}
    extra = getattr(record, _FIELDS, None)
    if extra is not None:
        fields.update(redact_fields(extra))
    else:
        fields["msg"] = redact_text(record.getMessage())
    if record.exc_info:
        # One line even for a traceback: journald keeps it with its event.
        fields["error"] = redact_text(logging.Formatter().formatException(record.exc_info))
    return fields


def _kv_value(value: Any) -> str:
    text = "null" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    if text == "" or re.search(r"[\s\"=\\]", text):
        return json.dumps(text, ensure_ascii=False)
    return text


def _key_values(fields: dict[str, Any]) -> str:
    return " ".join(f"{key}={_kv_value(value)}" for key, value in fields.items())


class KeyValueFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return _key_values(_record_fields(record))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(_record_fields(record), ensure_ascii=False, default=str)


def setup_logging(level: int = logging.INFO, stream: IO[str] | None = None, json_lines: bool = False) -> logging.Handler:
    """Send every log record to ``stream`` (stderr) as one structured line.
    Replaces handlers set up before, so calling it twice is harmless."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if json_lines else KeyValueFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    return handler
