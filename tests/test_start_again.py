"""A font subset made after the kiosk started is taken up by a start of its
own: in the update hours, while nobody is at the terminal, the kiosk
replaces its process with a fresh one that draws with the subset. Until
then the subset it started with stays on disk for it."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
import time
from pathlib import Path

import pytest

from kiosk import fontsubset, paths
from kiosk.config import parse_config
from kiosk.fonts import find_cjk_font
from screens.shell import restart
from support.kiosk_process import start_kiosk, terminate
from support.releases import update_hours


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "village-kiosk" / "fonts"


def _made_without_fonttools(faces, chars: set[str], folder: Path) -> fontsubset.Subset:
    """``fontsubset.build`` with its font files already there (fontTools
    takes half a minute; what is kept and what is found is the point here)."""
    key = fontsubset._key(faces, chars)
    folder.mkdir(parents=True, exist_ok=True)
    for weight in ("regular", "bold"):
        (folder / f"subset-{key}-{weight}.otf").write_bytes(b"OTTO")
    return fontsubset.build(faces, chars)


def _keys_on_disk(folder: Path) -> set[str]:
    return {path.name.split("-")[1] for path in folder.glob("subset-*.otf")}


def test_the_subset_a_running_kiosk_draws_with_stays_until_the_next_one_replaces_it(cache):
    faces = find_cjk_font()
    first = _made_without_fonttools(faces, {"村", "务"}, cache)
    assert fontsubset.waiting(faces, None) == first  # started with the full font: a subset waits
    assert fontsubset.waiting(faces, first) is None
    second = _made_without_fonttools(faces, {"村", "务", "垚"}, cache)
    assert fontsubset.waiting(faces, first) == second
    # The first stays: a kiosk started with it opens its files for every new size of text.
    assert first.faces.regular.exists() and first.faces.bold.exists()
    third = _made_without_fonttools(faces, {"村", "务", "喆"}, cache)
    assert _keys_on_disk(cache) == {fontsubset._key(faces, {"村", "务", "垚"}), fontsubset._key(faces, {"村", "务", "喆"})}
    assert fontsubset.current(faces) == third
    # The one a running kiosk draws with stays however many are made before it starts again.
    fontsubset.keep_while_drawn(third)
    for extra in ("焱", "鑫", "淼"):
        _made_without_fonttools(faces, {"村", extra}, cache)
    assert third.faces.regular.exists() and third.faces.bold.exists()
    assert len(_keys_on_disk(cache)) == 3  # drawn, replaced, newest
    fontsubset.keep_while_drawn(None)
    _made_without_fonttools(faces, {"村", "犇"}, cache)
    assert not third.faces.regular.exists()


def test_a_waiting_subset_is_a_reason_to_start_again_in_the_update_hours_only(cache, monkeypatch):
    monkeypatch.setattr(restart, "_started_with", None)  # put back afterwards
    faces = find_cjk_font()
    first = _made_without_fonttools(faces, {"村"}, cache)
    now = dt.datetime.now()
    in_hours = parse_config(f'[update]\nwindow = "{update_hours(around_now=True)}"\n')
    out_of_hours = parse_config(f'[update]\nwindow = "{update_hours(around_now=False)}"\n')
    assert restart.reason_to_start_again(in_hours, now) is None  # not the kiosk's own process (a test's app, the bench's)
    restart.started_with(faces, first)
    assert restart.reason_to_start_again(in_hours, now) is None  # drawing with the newest already
    _made_without_fonttools(faces, {"村", "垚"}, cache)
    assert restart.reason_to_start_again(in_hours, now) == "font subset"
    assert restart.reason_to_start_again(out_of_hours, now) is None  # a villager may walk up: wait for the night


def _open_fonts(pid: int) -> set[str]:
    names = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.endswith((".otf", ".ttc", ".ttf")):
            names.add(Path(target).name)
    return names


@pytest.mark.slow  # the kiosk makes the subset with fontTools (half a minute), then waits to be alone
def test_a_resting_kiosk_starts_again_into_the_subset_made_while_it_ran(tmp_path, x_display):
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[display]\nidle_reset_s = 10\nattract_after_s = 30\n\n[update]\nwindow = "{update_hours(around_now=True)}"\n')
    # What systemd would hear (NotifyAccess=all): the fresh process is ready again, and no stop is announced.
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(str(tmp_path / "notify"))
    notify.setblocking(False)
    child = start_kiosk(tmp_path, config, "--data", str(paths.DEMO_VILLAGE), env={"NOTIFY_SOCKET": str(tmp_path / "notify")})
    try:
        before = _open_fonts(child.pid)
        assert before and not any(name.startswith("subset-") for name in before), before  # no subset yet: the full font
        ready = tmp_path / "ready"
        ready.unlink()
        # The kiosk makes its subset in the background, goes to rest, and starts again.
        deadline = time.monotonic() + 240
        while not (ready.exists() and ready.read_text()) and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.5)
        assert child.poll() is None, "the kiosk ended instead of starting again"
        assert ready.exists(), "no fresh start within 4 minutes"
        after = _open_fonts(child.pid)  # the same process, drawing with the subset
        assert after and all(name.startswith("subset-") for name in after), after
    finally:
        output = terminate(child, within=15)
    assert output.count("event=app.start_again reason=") == 1, output
    assert "font subset" in output and "Traceback" not in output, output
    heard = []
    with contextlib.suppress(BlockingIOError):
        while True:
            heard.append(notify.recv(4096).decode())
    notify.close()
    said = [line for message in heard for line in message.splitlines()]
    assert said.count("READY=1") == 2, heard  # the first start, and the fresh one
    assert said.index("STOPPING=1") > [i for i, line in enumerate(said) if line == "READY=1"][1], heard  # only at the SIGTERM
