"""Chromium's DevTools protocol over ``--remote-debugging-pipe``: JSON
messages, each ended by a NUL byte, read by the browser from its fd 3 and
written to its fd 4. A pipe needs no port, no websocket client and nothing
but the standard library, and it closes with the browser.

``launch(command)`` starts the browser with the pipe on those fds;
``DevTools.command`` sends one command and returns its result, queueing
the events that arrive meanwhile for ``DevTools.event``.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import select
import subprocess
import time
from collections import deque
from pathlib import Path

PIPE_FLAG = "--remote-debugging-pipe"
_BROWSER_IN, _BROWSER_OUT = 3, 4  # the browser reads commands on fd 3, writes answers and events on fd 4
_HIGH_FD = 10  # our ends are moved above the numbers the child's ends must take


class DevToolsError(RuntimeError):
    """The protocol failed: an error answer, a closed pipe, or no answer in time."""


class DevTools:
    def __init__(self, process: subprocess.Popen, to_browser: int, from_browser: int):
        self.process = process
        self._out = to_browser
        self._in = from_browser
        self._buffer = b""
        self._next_id = 0
        self._events: deque[dict] = deque()

    def command(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 30.0) -> dict:
        self._next_id += 1
        ident = self._next_id
        message: dict = {"id": ident, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self._out, data) :]
        deadline = time.monotonic() + timeout
        while True:
            answer = self._read(deadline, f"answer to {method}")
            if answer.get("id") == ident:
                if "error" in answer:
                    raise DevToolsError(f"{method}: {answer['error'].get('message', answer['error'])}")
                return answer.get("result", {})
            if "method" in answer:
                self._events.append(answer)

    def event(self, method: str, session: str | None = None, timeout: float = 30.0) -> dict:
        """The next event ``method`` (of ``session``), queued or yet to come."""
        deadline = time.monotonic() + timeout
        while True:
            while self._events:
                event = self._events.popleft()
                if event["method"] == method and event.get("sessionId") == session:
                    return event.get("params", {})
            self._events.append(self._read(deadline, f"event {method}"))

    def forget_events(self) -> None:
        self._events.clear()

    def _read(self, deadline: float, waiting_for: str) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise DevToolsError(f"no {waiting_for} from the browser in time")
            ready, _, _ = select.select([self._in], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._in, 1 << 16)
            if not chunk:
                raise DevToolsError(f"the browser closed its DevTools pipe (status {self.process.poll()}) before {waiting_for}")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def close(self) -> None:
        for fd in (self._out, self._in):
            with contextlib.suppress(OSError):  # closed already
                os.close(fd)


def launch(command: list[str], log: Path) -> DevTools:
    """Start the browser (in a session of its own) with the DevTools pipe."""
    to_read, to_write = os.pipe()  # commands: we write, the browser reads
    from_read, from_write = os.pipe()  # answers: the browser writes, we read
    child_in = fcntl.fcntl(to_read, fcntl.F_DUPFD_CLOEXEC, _HIGH_FD)
    child_out = fcntl.fcntl(from_write, fcntl.F_DUPFD_CLOEXEC, _HIGH_FD)
    for fd in (to_read, from_write):
        os.close(fd)

    def wire_the_pipe() -> None:  # in the child, before exec: only dup2, nothing that takes a lock
        os.dup2(child_in, _BROWSER_IN)
        os.dup2(child_out, _BROWSER_OUT)

    try:
        with log.open("ab") as log_file:
            process = subprocess.Popen(
                [*command[:1], PIPE_FLAG, *command[1:]],
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=log_file,
                start_new_session=True,
                preexec_fn=wire_the_pipe,
                # Closing fds runs after preexec_fn and would close 3 and 4; Python's
                # own fds are not inheritable (PEP 446), so nothing else leaks.
                close_fds=False,
            )
    except BaseException:
        for fd in (to_write, from_read):
            os.close(fd)
        raise
    finally:
        for fd in (child_in, child_out):
            os.close(fd)
    return DevTools(process, to_write, from_read)
