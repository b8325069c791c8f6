"""Test harness: the real app on a real X server with real GL.

Tests that need a window say so: they ask for ``ui`` (the running kiosk) or
``x_display`` (an X server for a kiosk process, the doctor's display check),
or are marked ``ui`` themselves; all those are marked ``ui`` and the rest
run without X: ``pytest -m "not ui"`` is the quick run, on every core
(tooling/pytest_runs.py). End-to-end tests (servers, a browser, PostgreSQL,
processes, whole villages: seconds each) are marked ``slow`` and run when
asked for with ``--slow``, as ``./provisioning/dev.sh test`` and CI do. For a
run with UI tests the suite starts Xvfb itself when there is no DISPLAY (one
per pytest-xdist worker: tooling/pytest_runs.py), and
refuses to run (loudly) without real GL: Kivy's 'mock' backend would let UI
tests pass while drawing nothing.
"""

from __future__ import annotations

import os

# Before anything imports Kivy (a test module at collection): Kivy's records
# through the tests' own logging, not Kivy's handlers hooked into the root
# logger, and no command line of pytest's read as Kivy's.
os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
os.environ.setdefault("KIVY_NO_ARGS", "1")
# A cache of the run's own (font subsets, thumbnails): the same start for every
# run, and nothing written into the home of whoever runs the tests.
import tempfile

# pip's own cache stays where pip keeps it for whoever runs the tests: the
# Debian package's build installs the product with pip, and with the run's
# cache it compiled PyICU from source again in every run.
os.environ.setdefault("PIP_CACHE_DIR", os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "pip"))
_RUN_CACHE = os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="village-kiosk-tests-cache-")

import pytest

from kiosk import datasource
from kiosk.config import Config
from tooling.pytest_runs import is_distributing_controller, selects_no_window

# The feed tests' servers (feed_server, fault_server), the operations and disk fixtures, the hub and its PostgreSQL, workbooks,
# software releases on a terminal.
pytest_plugins = [
    "support.feedserver",
    "support.ops_fixtures",
    "support.disk_fixtures",
    "support.hub_fixtures",
    "support.browser",
    "support.sheet_fixtures",
    "support.releases",
]

DEFAULT_SIZE = (1080, 1920)


_WINDOW_FIXTURES = {"ui", "_harness", "x_display"}
# What makes a test end to end (``slow``): a real browser, a hub with its publishing key, a release installed on a terminal.
# PostgreSQL is the ``postgresql`` case of ``database_url``. Other end-to-end tests carry the mark themselves.
_END_TO_END_FIXTURES = {"browser", "publishing_hub", "release_terminal"}
_END_TO_END_LEFT_OUT = pytest.StashKey[int]()


def pytest_addoption(parser):
    parser.addoption("--slow", action="store_true", help="also run the end-to-end tests (marked slow): the whole suite")


def pytest_configure(config):
    config.addinivalue_line("markers", "ui: needs an X server with GL (the app's window, a kiosk process, the deployed session)")
    config.addinivalue_line(
        "markers",
        "slow: end to end, seconds each: real servers, a browser, PostgreSQL, processes started or killed, whole villages "
        "built (they run with --slow)",
    )
    if os.environ.get("KIVY_GL_BACKEND") == "mock":
        raise pytest.UsageError("KIVY_GL_BACKEND=mock draws nothing: UI tests need real GL (Xvfb + Mesa)")
    if selects_no_window(config.option.markexpr):
        return  # no X server: nothing selected needs one
    if is_distributing_controller(config):
        return  # its workers run the tests, each on an X server of its own
    from tooling.display import DisplayError, ensure_display, x_server_alive

    # Now, before collection: UI test modules import Kivy, whose window
    # must find its X server.
    try:
        display = ensure_display()
    except DisplayError as exc:
        raise pytest.UsageError(str(exc)) from None
    if not x_server_alive(display):
        raise pytest.UsageError(f"DISPLAY={display} but no X server answers there")


# The files that take minutes, longest first (``--durations=0`` on two
# workers). A run spread over workers hands out whole files in the order
# they are collected (``--no-loadscope-reorder``, tooling/pytest_runs.py):
# a file of minutes handed out last keeps one worker busy long after the
# other has finished.
STARTED_FIRST = (
    "tests/test_layout.py",
    "tests/test_debian_package.py",
    "tests/test_shell_ui.py",
    "tests/test_bench.py",
    "tests/test_release_update.py",
    "tests/test_start_again.py",
    "tests/test_widgets_ui.py",
    "tests/test_deployed_session.py",
    "tests/test_startup_healing.py",
    "tests/test_benefits_ui.py",
)


def _start_rank(item) -> int:
    path = item.nodeid.split("::", 1)[0]
    return STARTED_FIRST.index(path) if path in STARTED_FIRST else len(STARTED_FIRST)


def pytest_collection_modifyitems(config, items):
    run_slow = config.getoption("--slow")
    left_out = []
    for item in items:
        if _WINDOW_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.ui)
        callspec = getattr(item, "callspec", None)
        if _END_TO_END_FIXTURES & set(item.fixturenames) or (callspec and callspec.params.get("database_url") == "postgresql"):
            item.add_marker(pytest.mark.slow)
        if not run_slow and item.get_closest_marker("slow"):
            left_out.append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        leaving = set(left_out)
        items[:] = [item for item in items if item not in leaving]
        config.stash[_END_TO_END_LEFT_OUT] = len(left_out)
        if hasattr(config, "workeroutput"):  # a pytest-xdist worker: its controller says it
            config.workeroutput["end_to_end_left_out"] = len(left_out)
    items.sort(key=_start_rank)  # stable: the rest keep their order


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's hook
def pytest_testnodedown(node, error):
    node.config.stash[_END_TO_END_LEFT_OUT] = node.workeroutput.get("end_to_end_left_out", 0)


def pytest_terminal_summary(terminalreporter, config):
    if left_out := config.stash.get(_END_TO_END_LEFT_OUT, 0):
        terminalreporter.write_line(f"{left_out} end-to-end tests (marked slow) not run: add --slow, as ./provisioning/dev.sh test does")


@pytest.fixture(scope="session")
def x_display() -> str:
    """The X server the UI tests run on (for a kiosk in a process of its own)."""
    display = os.environ.get("DISPLAY")
    if not display:
        pytest.fail("this test needs an X server: it is marked ui; run it without -m 'not ui'")
    return display


@pytest.fixture(scope="session")
def demo():
    return datasource.open_demo()


@pytest.fixture(scope="session")
def _harness(demo):
    from tooling.harness import Harness, HarnessError

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


def pytest_unconfigure(config):
    import shutil

    shutil.rmtree(_RUN_CACHE, ignore_errors=True)
