"""The 朗读 button on the real app, with a stand-in espeak-ng that records
what it was asked to say (this machine has no sound card to play to)."""

import time

import pytest

from kiosk.speech import SpeechEngine
from screens.read_aloud import ReadAloud
from screens.registry import ScreenName


@pytest.fixture
def recorder(ui, tmp_path):
    said = tmp_path / "said.txt"
    script = tmp_path / "espeak-ng"
    script.write_text(f"#!/bin/sh\ncat > {said}.part\nmv {said}.part {said}\nexec sleep 60\n")
    script.chmod(0o755)
    previous = ui.app.read_aloud
    ui.app.read_aloud = ReadAloud(SpeechEngine(str(script)))
    yield said
    ui.app.read_aloud.stop()
    ui.app.read_aloud = previous


def _wait_for(path, seconds=10.0) -> str:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, "the engine was never given text"
        time.sleep(0.05)
    return path.read_text()


def test_power_detail_is_read_as_pinyin_and_can_be_stopped(ui, demo, recorder):
    item = next(i for i in demo.power_items if "低保" in i.name)
    ui.go(ScreenName.POWER_DETAIL, item_id=item.id)
    button = ui.app.root.ids.read_aloud
    assert ui.app.root.can_read and button.text == "朗读"
    ui.tap(button)
    said = _wait_for(recorder)
    assert "di1 bao3" in said  # tone-numbered pinyin for the cmn-latn-pinyin voice
    assert ui.app.root.reading and button.text == "停止朗读"
    ui.tap(button)
    assert not ui.app.read_aloud.is_speaking()
    assert button.text == "朗读"


def test_leaving_the_screen_or_idle_reset_stops_reading(ui, demo, recorder):
    ui.go(ScreenName.NOTICE_DETAIL, notice_id=demo.notices[0].id)
    ui.tap(ui.app.root.ids.read_aloud)
    _wait_for(recorder)
    assert ui.app.read_aloud.is_speaking()
    ui.advance(61)  # nothing touched: the countdown asks, then resets
    ui.advance(10)
    assert not ui.app.read_aloud.is_speaking()
    assert ui.app.nav.current[0] is ScreenName.HOME


def test_button_absent_where_nothing_to_read_or_no_engine(ui, demo):
    assert not ui.app.root.can_read  # home: nothing to read
    assert ui.app.root.ids.read_aloud not in list(ui.widgets())
    previous = ui.app.read_aloud
    ui.app.read_aloud = ReadAloud(None)
    try:
        ui.go(ScreenName.PROJECT_DETAIL, project_id=demo.projects[0].id)
        assert not ui.app.root.can_read
        assert "朗读" not in ui.texts()
    finally:
        ui.app.read_aloud = previous


def _alsa_home(tmp_path, monkeypatch, default: str) -> None:
    """ALSA's default device for espeak-ng (read from $HOME/.asoundrc):
    ``null`` plays into nothing, a missing card fails as a terminal without
    a sound card does."""
    (tmp_path / ".asoundrc").write_text(f"pcm.!default {{ {default} }}\n")
    monkeypatch.setenv("HOME", str(tmp_path))


NO_CARD = "type hw card 7"  # no such card on any test machine


def test_the_button_says_so_when_there_is_no_sound_device(ui, demo, tmp_path, monkeypatch):
    engine = SpeechEngine.detect()
    if engine is None:
        pytest.skip("espeak-ng with its cmn voice is not installed (provisioning/dev.sh installs it)")
    _alsa_home(tmp_path, monkeypatch, NO_CARD)
    previous = ui.app.read_aloud
    ui.app.read_aloud = ReadAloud(engine)
    try:
        ui.go(ScreenName.NOTICE_DETAIL, notice_id=demo.notices[0].id)
        ui.tap(ui.app.root.ids.read_aloud)
        deadline = time.monotonic() + 10
        while not ui.app.root.notice:
            assert time.monotonic() < deadline, "no word that nothing could be heard"
            time.sleep(0.1)
            ui.app._poll_reading()
            ui.pump(1)
        assert "发不出声音" in ui.app.root.notice and ui.app.root.ids.notice.shown
        assert not ui.app.root.reading and ui.app.root.ids.read_aloud.text == "朗读"
        assert "发不出声音" in " ".join(ui.texts())
    finally:
        ui.app.read_aloud.stop()
        ui.app.read_aloud = previous
        ui.app._end_notice()


def test_the_engine_knows_whether_its_sound_can_be_heard(tmp_path, monkeypatch):
    engine = SpeechEngine.detect()
    if engine is None:
        pytest.skip("espeak-ng with its cmn voice is not installed (provisioning/dev.sh installs it)")
    _alsa_home(tmp_path, monkeypatch, NO_CARD)
    assert engine.audio_problem() is not None
    _alsa_home(tmp_path, monkeypatch, "type null")
    assert engine.audio_problem() is None
