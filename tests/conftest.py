"""Test harness: the real app on a real X server with real GL.

The suite refuses to run (loudly) without them: Kivy's 'mock' GL backend
would let UI tests pass while drawing nothing.
"""

from __future__ import annotations

import os

import pytest

from kiosk import datasource
from kiosk.config import Config

# The feed tests' servers (feed_server, fault_server fixtures); the hub and its PostgreSQL.
pytest_plugins = ["feedserver", "hub_fixtures"]

DEFAULT_SIZE = (1080, 1920)


def pytest_configure(config):
    if os.environ.get("KIVY_GL_BACKEND") == "mock":
        raise pytest.UsageError("KIVY_GL_BACKEND=mock draws nothing: UI tests need real GL (Xvfb + Mesa)")
    from screens.display import DisplayError, ensure_display, x_server_alive

    try:
        display = ensure_display()
    except DisplayError as exc:
        raise pytest.UsageError(str(exc)) from None
    if not x_server_alive(display):
        raise pytest.UsageError(f"DISPLAY={display} but no X server answers there")


@pytest.fixture(scope="session")
def demo():
    return datasource.open_demo()


@pytest.fixture(scope="session")
def _harness(demo):
    from screens.harness import Harness, HarnessError

    try:
        return Harness.start(Config(), demo, size=DEFAULT_SIZE)
    except HarnessError as exc:
        pytest.exit(f"UI harness cannot start: {exc}", returncode=3)


@pytest.fixture
def ui(_harness, demo):
    """The running kiosk, reset to the home screen, normal font, portrait."""
    if _harness.app.live.store is not None:
        from kiosk.live import LiveData

        _harness.app.switch_live(LiveData(Config(), demo))
    if _harness.app.data.snapshot is not demo:
        _harness.app.replace_snapshot(demo)
    _harness.set_large(False)
    _harness.resize(*DEFAULT_SIZE)
    _harness.touch_idle()
    _harness.app.nav.home()
    _harness.pump()
    return _harness
