"""The hidden technician menu, by touch: five corner taps, then the PIN."""

import pytest
from kivy.core.window import Window

from kiosk.config import Config, FeedConfig, TerminalConfig
from kiosk.ops.pin import hash_pin
from screens.shell.registry import ScreenName
from screens.uix.dialogs.technician import PinPad, TechnicianPanel

PIN = "246813"


@pytest.fixture
def technician(ui, tmp_path):
    previous = ui.app.kiosk_config
    config = Config(terminal=TerminalConfig(id="T-TECH-01", pin_hash=hash_pin(PIN)), feed=FeedConfig(store=str(tmp_path / "store")))
    ui.app.kiosk_config = ui.app.live.config = config
    yield ui
    for child in list(Window.children):
        if isinstance(child, (PinPad, TechnicianPanel)):
            child.dismiss(animation=False)
    ui.app.kiosk_config = ui.app.live.config = previous
    ui.pump()


def _open(modal_type):
    return [child for child in Window.children if isinstance(child, modal_type)]


def _corner_taps(ui, count, gap_s=0.2):
    for _ in range(count):
        ui.tap_at(20, Window.height - 20)
        ui.clock.now += gap_s


def _enter(ui, pin):
    for digit in pin:
        ui.tap(_key(ui, digit))
    ui.tap(_key(ui, "确定"))


def _key(ui, text):
    pad = _open(PinPad)[0]
    return next(w for w in pad.walk() if getattr(w, "text", None) == text and hasattr(w, "action"))


def test_five_quick_corner_taps_ask_for_the_pin(technician):
    ui = technician
    _corner_taps(ui, 4)
    assert not _open(PinPad)
    _corner_taps(ui, 1)
    assert _open(PinPad)
    assert "请输入维护密码" in ui.texts()


def test_hurrying_back_does_not_open_it(technician):
    """返回 sits in the corner: five quick taps on it only go back."""
    ui = technician
    for name in (
        ScreenName.POWER_CATEGORIES,
        ScreenName.PROJECTS,
        ScreenName.FINANCE,
        ScreenName.NOTICES,
        ScreenName.DISCLOSURES,
        ScreenName.COMPLAINT,
    ):
        ui.go(name)
    for _ in range(5):
        ui.tap(ui.app.root.ids.back)
        ui.clock.now += 0.2
    assert not _open(PinPad)
    assert ui.app.nav.current[0] is ScreenName.POWER_CATEGORIES


def test_slow_taps_do_not_open_it(technician):
    _corner_taps(technician, 5, gap_s=1.0)
    assert not _open(PinPad)


def test_right_pin_opens_the_status_panel(technician):
    ui = technician
    _corner_taps(ui, 5)
    _enter(ui, PIN)
    assert not _open(PinPad) and _open(TechnicianPanel)
    text = " ".join(ui.texts())
    assert "终端编号：T-TECH-01" in text and "软件版本" in text and "磁盘" in text
    ui.tap_text("立即同步")
    assert "没有配置上级平台" in " ".join(ui.texts())


def test_five_wrong_pins_lock_even_the_right_one(technician):
    ui = technician
    _corner_taps(ui, 5)
    for attempt in range(4):
        _enter(ui, "0000")
        assert f"密码不对，还可以试{4 - attempt}次" in ui.texts()
    _enter(ui, "0000")
    assert "错误次数太多，请10分钟后再试" in ui.texts()
    _enter(ui, PIN)
    assert not _open(TechnicianPanel)
    assert any("错误次数太多" in t for t in ui.texts())


def test_no_pin_provisioned_means_no_menu(ui):
    _corner_taps(ui, 5)
    assert not _open(PinPad)


def test_exit_to_desktop_stops_with_the_no_restart_status(technician, monkeypatch):
    ui = technician
    stopped = []
    monkeypatch.setattr(ui.app, "stop", lambda *a: stopped.append(True))
    _corner_taps(ui, 5)
    _enter(ui, PIN)
    ui.tap_text("退出到桌面")
    ui.pump(3)
    assert stopped and ui.app.exit_status == 64
    ui.app.exit_status = 0


def test_a_refused_fork_is_shown_with_both_hashes(technician, demo, tmp_path):
    """The platform's feed rewritten: the menu says so, with the two
    manifests' hashes for the technician to report (FEED-PROTOCOL.md section 16)."""
    import datetime as dt
    import hashlib

    from kiosk.feed.chain import ForkRecord
    from kiosk.feed.store import Store
    from kiosk.live import LiveData

    ui = technician
    held, offered = hashlib.sha256(b"v42").hexdigest(), hashlib.sha256(b"v43, rewritten").hexdigest()
    store = Store(tmp_path / "store")
    try:
        store.record_fork(
            ForkRecord(held_version=42, held_sha256=held, offered_version=43, offered_sha256=offered, detail="", at=dt.datetime.now(dt.UTC))
        )
        ui.app.switch_live(LiveData(ui.app.kiosk_config, demo, store))
        _corner_taps(ui, 5)
        _enter(ui, PIN)
        assert _open(TechnicianPanel)
        text = "".join(ui.texts()).replace(" ", "")
        assert "数据被改写（分叉）：平台的第43版不接在本机的第42版之后" in text
        assert f"平台的第43版：{offered}" in text and f"本机的第42版：{held}" in text
    finally:
        store.close()
