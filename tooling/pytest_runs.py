"""The test suite's two kinds of run, as a pytest plugin (``-p tooling.pytest_runs``
in pyproject.toml's addopts: a conftest is loaded too late to change the
command line).

A run that selects no test needing a window (``pytest -m "not ui"``) is the
quick run while working on the core: it needs no X server, and it spreads
its tests over every core with pytest-xdist. A run with UI tests spreads over
the cores too when there is no DISPLAY: each worker then starts an X server
of its own (conftest.py), so no kiosk window takes another's real input
(xdotool clicks where the pointer is), and a test file stays in one worker
(``--dist loadfile``: its module fixture -- a browser, a hub, a village --
is built once), and files are handed out in the order collected, which
starts the longest first (tests/conftest.py). With a DISPLAY set (a
developer's own screen) such a run stays in one process, on that screen.
"""

from __future__ import annotations

import os

import pytest

# The marker expressions of a run that needs no X server.
_NO_WINDOW_EXPRESSIONS = ("notui", "notuiandnotslow", "notslowandnotui")


def selects_no_window(markexpr: str) -> bool:
    return markexpr.replace(" ", "") in _NO_WINDOW_EXPRESSIONS


def pytest_load_initial_conftests(early_config: pytest.Config, args: list[str]) -> None:
    options = early_config.known_args_namespace
    if os.environ.get("PYTEST_XDIST_WORKER") or not hasattr(options, "numprocesses"):
        return  # a worker of such a run, or pytest-xdist not installed
    if options.numprocesses is not None:
        return  # the command line says how many
    if selects_no_window(options.markexpr):
        args[:] = ["-n", "auto", *args]
    elif not os.environ.get("DISPLAY"):
        # Files handed out as collected: the longest first (tests/conftest.py).
        args[:] = ["-n", "auto", "--dist", "loadfile", "--no-loadscope-reorder", *args]


def is_distributing_controller(config: pytest.Config) -> bool:
    """True in the process that hands tests to pytest-xdist's workers (it
    runs none itself, so needs no X server)."""
    if os.environ.get("PYTEST_XDIST_WORKER") or config.getvalue("collectonly"):
        return False
    return config.getoption("dist", "no") != "no" and bool(config.getoption("tx", None))


def pytest_sessionstart(session: pytest.Session) -> None:
    # pytest-xdist's controller collects nothing, so a mistyped path would
    # end in "no tests ran" with no word of why: say it as pytest does.
    config = session.config
    if not is_distributing_controller(config):
        return
    for arg in config.args:
        if not (config.invocation_params.dir / arg.split("::", 1)[0]).exists():
            raise pytest.UsageError(f"file or directory not found: {arg}")
