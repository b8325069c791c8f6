"""The core must never import Kivy: it runs in the publisher, sync and
doctor tools, on machines without a display, and is tested without one."""

import pkgutil
import subprocess
import sys

import kiosk


def _core_modules() -> list[str]:
    return [*sorted(m.name for m in pkgutil.walk_packages(kiosk.__path__, "kiosk.")), "kiosk"]


def test_core_modules_are_found():
    modules = _core_modules()
    assert "kiosk.model" in modules and "kiosk.snapshot" in modules and "kiosk.cli" in modules


def test_importing_every_core_module_loads_no_kivy():
    script = (
        "import importlib, sys\n"
        f"for name in {_core_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'kivy' or m.startswith('kivy.'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"core imported Kivy modules: {result.stdout.strip()}"


def test_the_check_would_notice_kivy():
    # Guard against the test above passing vacuously.
    result = subprocess.run(
        [sys.executable, "-c", "import screens.shell.theme, sys; print('kivy' in sys.modules)"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip().endswith("True"), result.stderr
