"""我要反映问题 on the real app: a screenshot of the screen, decoded by the
real zbar decoder, gives exactly the complaint URL -- at normal and large
text, in portrait and landscape, and opened from an item."""

from __future__ import annotations

import subprocess

import pytest

from kiosk.complaint import complaint_url
from screens.shell.registry import ScreenName
from support.records_ui import bring_into_view, open_tile


def decoded(ui, tmp_path) -> str:
    path = tmp_path / "complaint.png"
    ui.screenshot().save(path)
    result = subprocess.run(["zbarimg", "--raw", "-q", str(path)], check=False, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"zbar found no code (exit {result.returncode}): {result.stderr}"
    return result.stdout.rstrip("\n")


def expected(ui, demo, item_id=None) -> str:
    return complaint_url(demo.complaint, demo.village.code, ui.app.kiosk_config.terminal.id, item_id)


def qr_side_share(ui) -> float:
    """The code's width as a share of the screen's shorter side."""
    from kivy.core.window import Window

    return ui.screen.ids.qr.width / min(Window.size)


@pytest.mark.parametrize("size", [(1080, 1920), (1920, 1080)])
@pytest.mark.parametrize("large", [False, True])
def test_screenshot_decodes_to_the_url(ui, demo, tmp_path, size, large):
    ui.resize(*size)
    ui.set_large(large)
    item = demo.power_items[0]
    ui.go(ScreenName.COMPLAINT, item_id=item.id)
    assert decoded(ui, tmp_path) == expected(ui, demo, item.id)
    # 15 cm on a 43-inch screen is 28% of its shorter side.
    assert qr_side_share(ui) >= 0.3
    texts = " ".join(ui.texts())
    assert "用手机扫一扫" in texts and item.name in texts
    hotlines = ui.screen.ids.hotlines  # every number on screen, no scrolling needed
    scroller = hotlines.parent.parent
    assert scroller.to_window(scroller.x, scroller.y)[1] <= hotlines.to_window(hotlines.x, hotlines.y)[1]
    assert all(h.number in hotlines.text for h in demo.complaint.hotlines) and "12388" in hotlines.text


def test_from_the_home_tile_and_from_a_project(ui, demo, tmp_path):
    open_tile(ui, "我要反映问题")
    assert decoded(ui, tmp_path) == expected(ui, demo)
    hotlines = [f"{h.name}：{h.number}" for h in demo.complaint.hotlines]
    assert ui.screen.hotlines.split("\n") == hotlines

    project = demo.projects[0]
    ui.go(ScreenName.PROJECT_DETAIL, project_id=project.id)
    button = next(w for w in ui.screen.walk() if getattr(w, "text", "") == "对这个项目有疑问？扫码反映")
    bring_into_view(ui, button)
    ui.tap(button)
    assert ui.app.nav.current == (ScreenName.COMPLAINT, {"item_id": project.id})
    assert project.name in " ".join(ui.texts())
    assert decoded(ui, tmp_path) == expected(ui, demo, project.id)
