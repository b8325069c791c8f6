"""The test suite's two kinds of run, as a pytest plugin (``-p tooling.pytest_runs``
in pyproject.toml's addopts: a conftest is loaded too late to change the
command line).

A run that selects no test needing a window (``pytest -m "not ui"``) is the
quick run while working on the core: it needs no X server, and it spreads
its tests over every core with pytest-xdist. A run with UI tests stays in one
process: they share one X server, where two kiosk windows would take each
other's real input (xdotool clicks where the pointer is).
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
    if options.numprocesses is None and selects_no_window(options.markexpr):
        args[:] = ["-n", "auto", *args]
