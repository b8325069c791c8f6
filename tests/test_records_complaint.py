"""我要反映问题 on the real app: a screenshot of the screen, decoded by the
real zbar decoder, gives exactly the complaint URL -- at normal and large
text, in portrait and landscape, and opened from every kind of record (a
power, a project, a finance entry, a results list, an asset, a contract),
each code naming the village and the record."""

from __future__ import annotations

import subprocess

import pytest

from kiosk.complaint import ItemKind, complaint_url
from screens.shell.registry import ScreenName
from support.records_ui import bring_into_view, open_tile


def decoded(ui, tmp_path) -> str:
    path = tmp_path / "complaint.png"
    ui.screenshot().save(path)
    result = subprocess.run(["zbarimg", "--raw", "-q", str(path)], check=False, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"zbar found no code (exit {result.returncode}): {result.stderr}"
    return result.stdout.rstrip("\n")


def expected(ui, demo, item_id=None, kind=None) -> str:
    return complaint_url(demo.complaint, demo.village.code, ui.app.kiosk_config.terminal.id, item_id, kind)


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
    ui.go(ScreenName.COMPLAINT, item_id=item.id, kind="power")
    assert decoded(ui, tmp_path) == expected(ui, demo, item.id, ItemKind.POWER)
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
    assert ui.app.nav.current == (ScreenName.COMPLAINT, {"kind": "project", "item_id": project.id})
    assert project.name in " ".join(ui.texts())
    assert decoded(ui, tmp_path) == expected(ui, demo, project.id, ItemKind.PROJECT)


def _entry_without_receipt(demo):
    return next(e for e in demo.finance_entries() if e.purpose == "渠道清淤挖机台班费")


# Every kind of record's page, its 反映 button, and the record the code must name.
RECORDS = [
    (ScreenName.POWER_DETAIL, lambda demo: {"item_id": "minimum-living"}, "对这件事有意见？扫码反映", ItemKind.POWER, "minimum-living"),
    (
        ScreenName.PROJECT_DETAIL,
        lambda demo: {"project_id": "canal-repair"},
        "对这个项目有疑问？扫码反映",
        ItemKind.PROJECT,
        "canal-repair",
    ),
    (
        ScreenName.FINANCE_ENTRY,
        lambda demo: {"entry_id": _entry_without_receipt(demo).id},
        "对这笔钱有疑问？扫码反映",
        ItemKind.ENTRY,
        "e2026-09-010",
    ),
    (
        ScreenName.DISCLOSURE_DETAIL,
        lambda demo: {"disclosure_id": "allowance-2026q4"},
        "对名单有意见？扫码反映",
        ItemKind.DISCLOSURE,
        "allowance-2026q4",
    ),
    (ScreenName.ASSET_DETAIL, lambda demo: {"asset_id": "tea-garden"}, "对这项集体资产有疑问？扫码反映", ItemKind.ASSET, "tea-garden"),
    (
        ScreenName.CONTRACT_DETAIL,
        lambda demo: {"contract_id": "tea-garden-2024"},
        "对这份合同有疑问？扫码反映",
        ItemKind.CONTRACT,
        "tea-garden-2024",
    ),
]


@pytest.mark.parametrize(("screen", "params", "button", "kind", "item_id"), RECORDS, ids=[kind.value for *_, kind, _ in RECORDS])
def test_every_record_has_a_report_button_whose_code_names_it(ui, demo, tmp_path, screen, params, button, kind, item_id):
    ui.go(screen, **params(demo))
    found = next(w for w in ui.screen.walk() if getattr(w, "text", "") == button)
    bring_into_view(ui, found)
    ui.tap(found)
    assert ui.app.nav.current == (ScreenName.COMPLAINT, {"kind": kind.value, "item_id": item_id})
    url = decoded(ui, tmp_path)
    assert url == expected(ui, demo, item_id, kind)
    assert f"v={demo.village.code}" in url and url.endswith(f"&i={item_id}&k={kind.value}")
    assert "您要反映的事项：" in " ".join(ui.texts())
