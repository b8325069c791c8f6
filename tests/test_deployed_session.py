"""The terminal as it is really started: ``provision`` into a tree, then
the session script it wrote, run by xinit as the kiosk user on a bare X
server (Xvfb, no window manager) with the unit's own server options. The
test looks at the root window and taps with real X input (xdotool)."""

from __future__ import annotations

import itertools
import os
import shutil
import sys
import time
from pathlib import Path

import pytest

from kiosk import cli
from screens.shell.palette import NORMAL, TILE_COLOURS
from support.ops_fixtures import provision_args
from support.xsession import colour_box, start_session

pytestmark = [
    pytest.mark.ui,
    pytest.mark.skipif(
        os.geteuid() != 0 or not shutil.which("xinit") or not shutil.which("xdotool") or not shutil.which("unshare"),
        reason="the deployed session needs root (mounts, the kiosk user), xinit, xdotool and unshare",
    ),
]

POWERS_TILE = tuple(int(TILE_COLOURS[0][i : i + 2], 16) for i in (1, 3, 5))  # 权力清单, the first tile
FINANCE_TILE = tuple(int(TILE_COLOURS[2][i : i + 2], 16) for i in (1, 3, 5))  # 村级财务 (and, further down, 我的补贴)
SURFACE = tuple(int(NORMAL["surface"][i : i + 2], 16) for i in (1, 3, 5))  # a list's rows, a card
HEADER = tuple(int(NORMAL["header"][i : i + 2], 16) for i in (1, 3, 5))
BACKGROUND = tuple(int(NORMAL["bg"][i : i + 2], 16) for i in (1, 3, 5))
WARNING_STRIP = tuple(int(NORMAL["warn_bg"][i : i + 2], 16) for i in (1, 3, 5))


@pytest.fixture
def provisioned(tmp_path, platform):
    def provision(rotation: int = 0):
        root = tmp_path / f"root-{rotation}"
        root.mkdir()
        # This very installation is the terminal's software (mounted in place, see support.xsession).
        kiosk_bin = str(Path(sys.executable).parent / "village-kiosk")
        assert cli.main(provision_args(root, platform, "--rotation", str(rotation), token=False, kiosk_bin=kiosk_bin)) == 0
        return root

    return provision


def _home_drawn(session):
    """The home screen once it has settled (the same picture a second later)."""
    image = session.screenshot()
    if not colour_box(image, POWERS_TILE):
        return None
    time.sleep(1)
    return image if _same_picture(image, session.screenshot()) else None


@pytest.mark.parametrize("size", [(1080, 1920), (1920, 1080), (1280, 800)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_session_fills_the_whole_screen_and_taps_move_between_screens(provisioned, tmp_path, size):
    root = provisioned()
    session = start_session(root, size)
    try:
        home = session.wait_for(lambda: _home_drawn(session), what="the home screen")
        assert session.window_geometry() == (0, 0, *size)  # the whole screen, no window manager to ask
        width, height = home.size
        assert (width, height) == size
        rgb = home.convert("RGB")
        # Edge to edge: the header across the whole top row, the page's paper at the bottom corners.
        assert rgb.getpixel((0, 2)) == rgb.getpixel((width - 1, 2)) == HEADER
        assert rgb.getpixel((2, height - 2)) == rgb.getpixel((width - 3, height - 2)) == BACKGROUND

        left, top, right, bottom = colour_box(home, POWERS_TILE)
        session.click((left + right) // 2, (top + bottom) // 2)
        powers = session.wait_for(lambda: _changed_from(session, home), what="the power list after the tap")
        back = _header_button(powers, leftmost=True)
        assert back[0] < width // 4, _save(tmp_path, powers=powers)  # 返回, top left, now that there is somewhere to go back to
        session.click(*back)
        session.wait_for(
            lambda: _nearly_same_picture(session.screenshot(), home),
            timeout=15,
            what=f"the home screen after 返回 ({_save(tmp_path, home=home, powers=powers)})",
        )

        # Stopped as systemd stops the unit; raises unless all is over within TimeoutStopSec.
        assert "stopped" in session.stop_like_systemd()
        log = session.output()
        assert "event=app.stop_requested signal=SIGTERM" in log and "event=app.stopped status=0" in log
        assert "Traceback" not in log
    finally:
        session.close()


@pytest.mark.parametrize("rotation", [90, 270])
def test_a_rotated_terminal_turns_the_picture_and_the_touches_with_it(provisioned, tmp_path, rotation):
    """A 1920×1080 panel mounted upright: the kiosk lays out for 1080×1920,
    the picture turned; a tap lands where the tile is drawn."""
    root = provisioned(rotation)
    session = start_session(root, (1920, 1080))
    try:
        home = session.wait_for(lambda: _home_drawn(session), what="the home screen")
        rgb = home.convert("RGB")
        # The picture's top (the header) runs along the right edge for 90°
        # clockwise, along the left edge for 270°; the physical top row is not all header.
        edge_x = 1919 - 2 if rotation == 90 else 2
        assert all(rgb.getpixel((edge_x, y)) == HEADER for y in (5, 540, 1075))
        assert [rgb.getpixel((x, 2)) for x in (5, 960, 1915)].count(HEADER) == 1
        left, top, right, bottom = colour_box(home, POWERS_TILE)
        assert bottom - top > right - left  # a portrait tile lies on its side: taller than wide on the panel
        session.click((left + right) // 2, (top + bottom) // 2)
        session.wait_for(lambda: _changed_from(session, home), what="the power list after the tap")
    finally:
        session.close()


def test_a_long_page_scrolls_to_its_end_under_a_finger_and_its_last_line_opens(provisioned, platform, tmp_path):
    """The demo village's year against its budget, a list whose lines are
    built as they scroll in: opened by taps, dragged by real X input (a
    finger's drags) to its end, where the picture stops changing, the last
    line whole (each push past the end bounces back to the very end); that
    line, built on the way, opens its entries."""
    platform.publish_demo()
    root = provisioned()
    session = start_session(root, (1080, 1920))
    try:
        home = session.wait_for(lambda: _home_drawn(session), what="the home screen")
        session.click(*_upper_tile_centre(home, FINANCE_TILE))
        finance = session.wait_for(lambda: _changed_from(session, home), what="村级财务 after the tap")
        first_row = _first_run(finance, SURFACE, x=finance.width // 2, below=200)
        session.click(finance.width // 2, sum(first_row) // 2)  # 2026年收支和预算, the first row
        year = session.wait_for(
            lambda: (image := _changed_from(session, finance)) is not None and _wide_strip(image) and image,
            what=f"the year's page with its warning strips ({_save(tmp_path, finance=finance)})",
        )
        pictures = [year]
        for _drag in range(40):  # up the page, as a finger does, till the picture stays the same
            session.xdotool(*_drag_up(year.width // 2, int(year.height * 0.85), int(year.height * 0.25)))
            pictures.append(session.wait_for(lambda: _settled(session), what="the page after a drag"))
            if _nearly_same_picture(pictures[-1], pictures[-2]):
                break
        end = pictures[-1]
        assert len(pictures) > 4 and _nearly_same_picture(end, pictures[-2]), _save(tmp_path, year=year, end=end)  # moved, then stopped
        assert not _wide_strip(end)  # the head scrolled away
        card = _last_run(end, SURFACE, x=30)  # down the cards' left margin, clear of their words and bars
        # The last line's card whole, the page's margin under it: the bounce came back to the very end.
        assert card[1] - card[0] > 200 and card[1] < end.height, _save(tmp_path, end=end)
        session.click(end.width // 2, sum(card) // 2)
        session.wait_for(lambda: _changed_from(session, end), what=f"the line's entries ({_save(tmp_path, end=end)})")
        log = session.output()
        assert "Traceback" not in log
    finally:
        session.close()


@pytest.mark.parametrize("damage", ["config-emptied", "key-corrupt"])
def test_a_damaged_terminal_still_shows_its_last_good_data_and_says_why(provisioned, damage):
    """The configuration emptied (its village lost) or the key file corrupt,
    after a power cut: the session comes up on the store's data, never the
    demo village, with the warning strip across the screen."""
    root = provisioned()
    if damage == "config-emptied":
        (root / "etc/village-kiosk/config.toml").write_text("")
    else:
        for key in (root / "etc/village-kiosk/keys").glob("*.pub"):
            key.write_text("not a key\n")
    session = start_session(root, (1080, 1920))
    try:
        home = session.wait_for(lambda: _home_drawn(session), what="the home screen")
        strip = session.wait_for(lambda: colour_box(session.screenshot(), WARNING_STRIP), what="the warning strip")
        assert strip[2] - strip[0] >= 1080 - 8  # across the whole width
        assert colour_box(home, POWERS_TILE) is not None  # the store's village, on its home screen
        log = session.output()
        assert "Traceback" not in log and ("event=config.problem" in log or "event=sync.not_started" in log)
    finally:
        session.close()


def test_the_session_tells_systemd_it_is_ready_and_alive(provisioned, tmp_path):
    """Type=notify with WatchdogSec: READY=1 once the home screen is drawn,
    then WATCHDOG=1 keep-alives from the UI loop, sent through the session
    (NotifyAccess=all; the script unsets WATCHDOG_PID, which names xinit).
    Only the kiosk says so: the X server, which can speak sd_notify too, is
    kept from it (or systemd would take X up for the kiosk ready)."""
    root = provisioned()
    session = start_session(root, (1080, 1920), watchdog_s=3)
    try:
        session.wait_for(lambda: _home_drawn(session), what="the home screen")
        session.wait_for(lambda: "READY=1" in session.read_notifications(), what="READY=1")
        session.wait_for(lambda: session.read_notifications().count("WATCHDOG=1") >= 3, timeout=10, what="three keep-alives")
        assert all(sender.startswith(("village-kiosk", "python")) for sender in session.senders["READY=1"]), session.senders
    finally:
        session.close()


def _save(folder, **images) -> str:
    for name, image in images.items():
        image.save(folder / f"{name}.png")
    return f"pictures in {folder}"


def _changed_from(session, before):
    """The screen's picture once it is no longer ``before`` (and has settled)."""
    image = session.screenshot()
    if _same_picture(image, before):
        return None
    return image if _same_picture(image, session.screenshot()) else None


def _header_button(image, leftmost: bool) -> tuple[int, int]:
    """The centre of the leftmost (or rightmost) light button in the header band."""
    rgb = image.convert("RGB")
    width = rgb.width
    row = 40 if rgb.height > rgb.width else 30
    xs = [x for x in range(width) if sum(rgb.getpixel((x, row))) > 600]
    assert xs, "no button in the header"
    runs, start = [], xs[0]
    for previous, x in itertools.pairwise(xs):
        if x != previous + 1:
            runs.append((start, previous))
            start = x
    runs.append((start, xs[-1]))
    first, last = runs[0] if leftmost else runs[-1]
    return (first + last) // 2, row


def _nearly_same_picture(a, b) -> bool:
    """The same screen: at most 1 % of the pixels differ (a scroll bar
    fading in or out), the rest exactly the same."""
    from PIL import ImageChops

    difference = ImageChops.difference(a.convert("L"), b.convert("L")).point(lambda v: 255 if v else 0)
    return difference.histogram()[255] <= 0.01 * a.width * a.height


def _same_picture(a, b) -> bool:
    from PIL import ImageChops

    difference = ImageChops.difference(a.convert("RGB"), b.convert("RGB")).getbbox()
    return difference is None


def _upper_tile_centre(image, rgb) -> tuple[int, int]:
    """A point inside the uppermost tile of colour ``rgb`` (two tiles may share one)."""
    top = colour_box(image, rgb)[1]
    half = image.width // 2
    for x0 in (0, half):  # the tiles stand in two columns
        box = colour_box(image.crop((x0, top, x0 + half, top + 8)), rgb)
        if box is not None:
            x = x0 + (box[0] + box[2]) // 2
            return x, sum(_runs(image, rgb, x)[0]) // 2
    raise AssertionError("no tile of that colour")


def _runs(image, rgb, x: int) -> list[tuple[int, int]]:
    """Vertical runs (top, bottom) of exactly ``rgb`` down column ``x``, 60 px and taller."""
    rgb_image = image.convert("RGB")
    runs, start = [], None
    for y in range(rgb_image.height + 1):
        inside = y < rgb_image.height and rgb_image.getpixel((x, y)) == rgb
        if inside and start is None:
            start = y
        elif not inside and start is not None:
            if y - start >= 60:
                runs.append((start, y))
            start = None
    return runs


def _first_run(image, rgb, x: int, below: int) -> tuple[int, int]:
    return next(run for run in _runs(image, rgb, x) if run[0] > below)


def _last_run(image, rgb, x: int) -> tuple[int, int]:
    return _runs(image, rgb, x)[-1]


def _wide_strip(image) -> bool:
    """A warning strip across the page (not a small 超预算 badge)."""
    box = colour_box(image, WARNING_STRIP)
    return box is not None and box[2] - box[0] >= image.width * 0.8


def _drag_up(x: int, from_y: int, to_y: int, steps: int = 6) -> list[str]:
    """xdotool's words for a finger's drag: down, moved in steps, up."""
    words = ["mousemove", str(x), str(from_y), "mousedown", "1"]
    for step in range(1, steps + 1):
        words += ["sleep", "0.01", "mousemove", str(x), str(from_y + (to_y - from_y) * step // steps)]
    return [*words, "sleep", "0.05", "mouseup", "1"]


def _settled(session):
    """The screen's picture once two shots a moment apart are the same
    (the page has coasted to a stop)."""
    image = session.screenshot()
    time.sleep(0.4)
    return image if _nearly_same_picture(image, session.screenshot()) else None
