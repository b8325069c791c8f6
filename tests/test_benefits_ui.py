"""我的补贴 on the real app: typed on the on-screen pad by touch, or by an
ID-card reader that types like a keyboard (real X key events from
xdotool); the family name as a second factor; the payments; and
everything forgotten on 返回, 首页, the idle reset and the attract screen,
with no trace of the number in the store, the logs, the usage counts or
the cache."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import time

import pytest
from kivy.core.window import Window
from PIL import Image, ImageChops, ImageGrab, ImageStat

from kiosk import money, paths
from kiosk.benefits import id_number
from kiosk.benefits.publish import SOURCE_NAME
from kiosk.benefits.sealing import derive
from kiosk.complaint import complaint_url
from kiosk.config import Config, TerminalConfig
from kiosk.disclosure_view import date_zh
from kiosk.feed import Store
from kiosk.live import LiveData
from screens.shell.registry import ScreenName
from screens.ui_screens.benefits import PAGE_PAYMENTS, WRONG_NUMBER
from screens.ui_screens.search import LetterKey
from support.feed_fixtures import Feed
from support.kiosk_process import start_kiosk, terminate
from support.records_ui import ink_box, of_type, open_tile, pump_until
from tooling.demo import benefits as demo


def _key(ui, letter: str):
    return next(key for key in of_type(ui, LetterKey) if key.letter == letter)


def _tap_number(ui, number: str) -> None:
    for letter in number:
        ui.tap(_key(ui, letter))


def _name_key(ui, name: str):
    from kivy.factory import Factory

    return next(key for key in ui.find(lambda w: isinstance(w, Factory.NameKey)) if key.text == name)


def _look_up(ui, number: str) -> None:
    _tap_number(ui, number)
    ui.tap_text("查询")
    pump_until(ui, lambda: ui.screen.step == "names", "the family names")


def test_a_villager_types_the_number_picks_the_name_and_sees_the_payments(ui):
    open_tile(ui, "我的补贴")
    assert ui.app.nav.current == (ScreenName.BENEFITS, {})  # nothing of the number in the navigation (nor the usage counts)
    person = demo.ZENG_GUIYING
    _tap_number(ui, person.id_number[:10])
    assert ui.screen.ids.stage.children[0].ids.number.text == id_number.grouped(person.id_number[:10])
    assert "还差8位" in ui.texts()
    _tap_number(ui, person.id_number[10:])
    _look_up(ui, "")
    assert ui.screen.typed == ""  # off the screen while the names are asked
    ui.tap(_name_key(ui, "曾"))
    assert ui.screen.step == "results"
    household = next(h for h in demo.source().households if h.id == "h-0307")
    newest_first = sorted(household.payments, key=lambda p: (p.date, p.id), reverse=True)
    shown = ui.screen.cards()
    assert len(shown) == PAGE_PAYMENTS
    assert [card.date for card in shown] == [f"发放日期：{date_zh(p.date)}" for p in newest_first[:PAGE_PAYMENTS]]
    assert [card.amount for card in shown] == [money.yuan(p.amount_fen) for p in newest_first[:PAGE_PAYMENTS]]
    newest = ui.screen.cards()[0]
    assert (newest.programme, newest.amount, newest.date) == ("城乡居民基本养老保险", "163.00元", "发放日期：2026年10月15日")
    assert newest.covers == "享受人员：刘德明" and newest.payer == "发放单位：新化县社会保险服务中心"
    texts = ui.texts()
    assert "2025年" in texts and "8,400.00元" in texts  # 低保 2025: 12 × 700 yuan
    assert "农村低保金（12笔）" in texts
    spoken = ui.screen.spoken_text()
    assert "七百元" in spoken and "二〇二六年十月十五日" in spoken


def test_a_wrong_check_digit_is_told_before_any_lookup(ui):
    open_tile(ui, "我的补贴")
    number = demo.LIU_DEMING.id_number
    _tap_number(ui, number[:17] + ("1" if number[17] != "1" else "2"))
    ui.tap_text("查询")
    assert ui.screen.step == "pad" and WRONG_NUMBER in ui.texts()
    ui.tap(next(w for w in ui.find(lambda w: getattr(w, "text", "") == "删除")))
    assert len(ui.screen.typed) == 17


def test_a_wrong_name_and_a_number_without_records_give_the_same_plain_answer(ui):
    open_tile(ui, "我的补贴")
    _look_up(ui, demo.LUO_JINGUI.id_number)
    wrong = next(name for name in ui.screen.candidates if name != "罗")
    ui.tap(_name_key(ui, wrong))
    answer_wrong = (ui.screen.answer, ui.screen.detail)
    ui.tap_text("重新输入")
    _look_up(ui, demo.NOBODY)
    ui.tap(_name_key(ui, ui.screen.candidates[0]))
    assert (ui.screen.answer, ui.screen.detail) == answer_wrong
    assert answer_wrong[0] == "没有查到您家的补贴发放记录" and "青石镇社会事务办" in answer_wrong[1]


def _results_for(ui, person) -> None:
    open_tile(ui, "我的补贴")
    _look_up(ui, person.id_number)
    ui.tap(_name_key(ui, person.family_name or person.name[0]))
    assert ui.screen.step == "results"


def _forgotten(screen) -> bool:
    return screen.typed == "" and screen._view is None and screen._lookup is None and not screen.cards() and screen.step == "pad"


@pytest.mark.parametrize("leave", ["返回", "首页", "idle", "attract"])
def test_everything_is_forgotten_when_the_villager_leaves(ui, leave):
    _results_for(ui, demo.OUYANG_CHUNHUA)
    screen = ui.screen
    screen.cards()[0].report()  # a payment's 反映 code open too
    ui.pump()
    if leave in ("返回", "首页"):
        ui.app.root.ids.back.dispatch("on_release") if leave == "返回" else ui.app.root.ids.home.dispatch("on_release")
    elif leave == "idle":
        ui.advance(75)  # the question, then its countdown
    else:
        ui.advance(301)
        assert ui.app.nav.current[0] is ScreenName.ATTRACT
    ui.pump()
    assert ui.app.nav.current[0] is not ScreenName.BENEFITS
    assert _forgotten(screen) and screen._complaint is None


def test_the_technician_menu_opens_over_the_home_screen(ui):
    _results_for(ui, demo.LIU_DEMING)
    screen = ui.screen
    config = ui.app.kiosk_config
    ui.app.kiosk_config = Config(terminal=TerminalConfig(pin_hash="scrypt$16384$8$1$AAAA$AAAA"))
    try:
        ui.app.open_technician_menu()
        ui.pump()
        assert ui.app.nav.current[0] is ScreenName.HOME and _forgotten(screen)
    finally:
        for child in list(Window.children):
            if hasattr(child, "dismiss"):
                child.dismiss(animation=False)
        ui.app.kiosk_config = config
        ui.pump()


def test_a_card_reader_typing_through_kivy_fills_the_pad_and_other_keys_do_nothing(ui):
    open_tile(ui, "我的补贴")
    _tap_number(ui, "123")  # someone's half-typed number: a card replaces it
    number = demo.OUYANG_CHUNHUA.id_number
    for char in number:
        Window.dispatch("on_key_down", ord(char.lower()), 0, char, ["shift"] if char == "X" else [])
    assert Window.dispatch("on_key_down", 27, 9, None, []) is True  # Escape: swallowed
    assert Window.dispatch("on_key_down", ord("q"), 0, "q", ["ctrl"]) is True
    ui.pump()
    assert ui.screen.typed == number
    Window.dispatch("on_key_down", 13, 36, None, [])  # the reader's Enter
    pump_until(ui, lambda: ui.screen.step == "names", "the family names")
    assert "欧阳" in ui.screen.candidates


# ---------------------------------------------------------------- real X input, a real store


@pytest.fixture
def store_backed(ui, tmp_path, feed_server):
    """The app on a real store synced from a real feed server, whose village
    publishes subsidies sealed from a ``benefits-source.json``."""
    import msgspec

    feed = Feed(tmp_path, feed_server)
    feed.src.mkdir(parents=True, exist_ok=True)
    (feed.src / SOURCE_NAME).write_bytes(msgspec.json.encode(demo.source()))
    feed.publish(revision=0)
    config = feed.terminal_config("T-BENEFITS-01")
    ui.app.switch_live(LiveData(config, None, Store(tmp_path / "terminal-store")))
    pump_until(ui, lambda: ui.app.data.snapshot is not None and ui.app.data.snapshot.benefits is not None, "the first sync")
    ui.app.nav.home()
    ui.pump()
    return tmp_path / "terminal-store"


def test_nothing_of_a_lookup_reaches_the_store_the_logs_the_usage_counts_or_the_cache(ui, store_backed, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    ui.app.operations.usage.drain()
    person = demo.XIE_XIAOJUN
    _results_for(ui, person)
    assert any(card.programme == "农村危房改造补助" for card in ui.screen.cards())
    ui.app.root.ids.home.dispatch("on_release")
    ui.pump()

    keys = derive(person.id_number, ui.app.data.snapshot.benefits.kdf)
    secrets_ = [person.id_number, id_number.grouped(person.id_number), keys.lookup, keys.record.hex(), keys.choice.hex()]
    logged = capfd.readouterr()
    usage = ui.app.operations.usage.drain()
    assert (ScreenName.BENEFITS.value, None) in usage.views  # the view is counted, nothing of it
    text = "\n".join([caplog.text, logged.out, logged.err, repr(usage)])
    assert not [secret for secret in secrets_ if secret in text]
    files = [path for root in (store_backed, paths.cache_dir()) if root.exists() for path in root.rglob("*") if path.is_file()]
    assert any(path.stat().st_size > 100_000 for path in files)  # the store's database is among them
    for path in files:
        data = path.read_bytes()
        # The store holds every person's lookup key (that is the feed); what was typed, nothing holds.
        assert person.id_number.encode() not in data, path
        assert keys.record not in data and keys.choice not in data and keys.record.hex().encode() not in data, path


# ---------------------------------------------------------------- real X input: a kiosk process and xdotool


STATUS_BOTTOM = 100  # px at 800x600, normal text


def _x(*args: str) -> str:
    return subprocess.run(["xdotool", *args], capture_output=True, text=True, timeout=20, check=True).stdout


def _grab(box: tuple[int, int, int, int]):
    return ImageGrab.grab(xdisplay=os.environ["DISPLAY"]).crop(box).convert("RGB")


def _distance(a, b, region: tuple[int, int, int, int]) -> float:
    """How unlike two screens are in ``region``, blurred so that a one-pixel
    shift of the window's content counts for little: the mean difference of
    their grey levels on a coarse grid."""
    grid = [image.crop(region).convert("L").resize((40, 20), Image.Resampling.BOX) for image in (a, b)]
    return sum(ImageStat.Stat(ImageChops.difference(*grid)).mean)


def _shows(box, expected, instead, region, seconds: float = 30.0) -> bool:
    """The kiosk's window shows ``expected`` in ``region``, not ``instead``
    (the picture before), within ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        image = _grab(box)
        shown = _distance(image, expected, region) * 2 < _distance(image, instead, region)
        if shown or time.monotonic() > deadline:
            return shown
        time.sleep(0.2)


def _region(widget, height: int) -> tuple[int, int, int, int]:
    """A widget's box in a screenshot (top-left origin)."""
    left, bottom = widget.to_window(widget.x, widget.y)
    return int(left), int(height - bottom - widget.height), int(left + widget.width), int(height - bottom)


@pytest.mark.skipif(not shutil.which("xdotool"), reason="real X input needs xdotool")
def test_a_card_reader_typing_real_x_keys_into_the_kiosk_fills_the_pad(ui, tmp_path):
    """A reader that types, as xdotool types: real X key events into a
    kiosk process. The pictures it shows are the ones the app in this
    process draws for the same number; Escape and Alt+F4 do nothing."""
    size = (800, 600)
    ui.resize(*size)
    from screens.uix.widgets import Tile

    ui.pump(3)
    tile = next(t for t in of_type(ui, Tile) if t.title == "我的补贴")
    tile_x, tile_y = tile.to_window(*tile.center)
    home_picture = ui.screenshot().convert("RGB")
    open_tile(ui, "我的补贴")
    person = demo.OUYANG_CHUNHUA
    ui.pump()
    pad_picture = ui.screenshot().convert("RGB")
    number_field = _region(ui.screen.ids.stage.children[0].ids.number, size[1])
    below_status = (0, STATUS_BOTTOM, *size)
    for char in person.id_number:
        ui.screen.press(char)
    ui.pump()
    typed_picture = ui.screenshot().convert("RGB")
    ui.screen.submit()
    pump_until(ui, lambda: ui.screen.step == "names", "the family names")
    names_picture = ui.screenshot().convert("RGB")
    ui.app.nav.home()

    config = tmp_path / "kiosk.toml"
    config.write_text("")
    child = start_kiosk(tmp_path, config, "--data", str(paths.DEMO_VILLAGE))
    try:
        window = _x("search", "--sync", "--pid", str(child.pid)).split()[-1]
        geometry = dict(line.strip().split(": ", 1) for line in _x("getwindowgeometry", "--shell", window).replace("=", ": ").splitlines())
        left, top = int(geometry["X"]), int(geometry["Y"])
        box = (left, top, left + size[0], top + size[1])
        _x("mousemove", str(left + int(tile_x)), str(top + size[1] - int(tile_y)), "click", "1")
        assert _shows(box, pad_picture, instead=home_picture, region=below_status), "a click on 我的补贴 did not open the pad"
        _x("type", "--delay", "20", person.id_number.lower())  # a reader may send x unshifted
        assert _shows(box, typed_picture, instead=pad_picture, region=number_field), "the pad does not show the number the reader typed"
        _x("key", "Escape", "alt+F4", "Return")
        assert _shows(box, names_picture, instead=typed_picture, region=below_status), "the reader's Enter did not look the number up"
        assert child.poll() is None  # Escape and Alt+F4 closed nothing
    finally:
        output = terminate(child, within=15)
    assert person.id_number not in output and person.id_number.lower() not in output
    cached = [path.read_bytes() for path in (tmp_path / "cache").rglob("*") if path.is_file()]
    assert not [data for data in cached if person.id_number.encode() in data]


def test_a_payments_report_code_names_that_payment(ui, tmp_path):
    _results_for(ui, demo.LUO_JINGUI)
    card = ui.screen.cards()[0]
    ui.tap(card.ids.report_button)
    ui.pump()
    path = tmp_path / "report.png"
    ui.screenshot().save(path)
    result = subprocess.run(["zbarimg", "--raw", "-q", str(path)], check=False, capture_output=True, text=True, timeout=60)
    newest = ui.screen._view.payments[0]
    assert result.stdout.rstrip("\n") == complaint_url(
        ui.app.data.snapshot.complaint, ui.app.data.snapshot.village.code, ui.app.kiosk_config.terminal.id, newest.id
    )
    assert newest.id.startswith("p1104-") and "反映这一笔补贴" in ui.texts()
    ui.tap_text("关闭")
    assert ui.screen._complaint is None


@pytest.mark.parametrize("year", [True, False])
def test_a_total_and_its_name_stand_on_one_line(ui, year):
    """每年合计: a year (or a programme) and its amount read as one line,
    the amount not a few pixels lower than its name."""
    from kivy.factory import Factory
    from kivy.graphics import Color, Rectangle
    from kivy.uix.boxlayout import BoxLayout

    from screens.shell.navigation import load_kv

    load_kv("ui_screens.benefits")
    holder = BoxLayout(orientation="vertical", size_hint=(None, None), size=(900, 200), pos=(60, 500))
    with holder.canvas.before:  # a plain light ground: only the words are dark
        Color(1, 1, 1, 1)
        Rectangle(pos=holder.pos, size=holder.size)
    line = Factory.TotalLine(label="2026年" if year else "农村低保金（10笔）", amount="9,092.84元", year=year, size_hint_y=None)
    holder.add_widget(line)
    holder.add_widget(Factory.Widget())
    Window.add_widget(holder)
    try:
        ui.pump(6)
        shot = ui.screenshot()

        def ink_top(widget) -> float:
            """The row of the window where the widget's characters begin."""
            box = ink_box(shot, widget)
            assert box is not None
            return Window.size[1] - int(widget.top) + box[1]

        name, amount = ink_top(line.ids.total_label), ink_top(line.ids.total_amount)
        assert abs(name - amount) <= 3, (name, amount)  # the tops of the characters (a comma hangs below the foot)
    finally:
        Window.remove_widget(holder)
