"""The espeak-ng engine, end to end: real espeak-ng rendering WAV files.

Playing on a speaker cannot be checked on a machine without a sound card
(espeak-ng exits at once there), so the process handling of ``speak`` /
``stop`` is checked with a stand-in ``espeak-ng`` script that records what
it was given and then "speaks" (sleeps) until it is killed.
"""

from __future__ import annotations

import array
import logging
import os
import shutil
import subprocess
import time
import wave
from pathlib import Path

import pytest

from kiosk.speech.engine import ELDER_SPEED, VOICE, SpeechEngine
from kiosk.speech.pinyin import to_pinyin

pytestmark = pytest.mark.slow  # espeak-ng processes speaking and rendering audio

ONE_SENTENCE = "村里修路一共花了一万二千三百元五角。"
TWO_SENTENCES = ONE_SENTENCE + "这笔钱由村民代表会议决议通过。"


@pytest.fixture(scope="module")
def engine() -> SpeechEngine:
    found = SpeechEngine.detect()
    assert found is not None, "these tests need espeak-ng with the cmn-latn-pinyin voice"
    return found


def _frames(path: Path) -> tuple[wave._wave_params, bytes]:
    with wave.open(str(path), "rb") as wav:
        return wav.getparams(), wav.readframes(wav.getnframes())


def _seconds(path: Path) -> float:
    params, _ = _frames(path)
    return params.nframes / params.framerate


def test_render_wav_is_valid_audio(engine, tmp_path):
    path = engine.render_wav(ONE_SENTENCE, tmp_path / "one.wav")
    params, frames = _frames(path)
    assert params.nchannels == 1 and params.sampwidth == 2 and params.framerate >= 8000
    assert params.nframes > 0
    samples = array.array("h", frames)
    assert max(abs(s) for s in samples) > 1000, "the file is silent"


def test_longer_text_gives_longer_audio(engine, tmp_path):
    one = _seconds(engine.render_wav(ONE_SENTENCE, tmp_path / "one.wav"))
    two = _seconds(engine.render_wav(TWO_SENTENCES, tmp_path / "two.wav"))
    syllables = len(to_pinyin(ONE_SENTENCE).split())
    # Roughly proportional to the syllables (the second sentence is about as long as the first).
    assert 1.5 * one < two < 3 * one
    assert 0.1 < one / syllables < 0.8, f"{one:.2f} s for {syllables} syllables"


def test_speed_setting_reaches_espeak(engine, tmp_path):
    slow = _seconds(engine.render_wav(TWO_SENTENCES, tmp_path / "slow.wav"))
    fast = _seconds(SpeechEngine(engine.executable, speed=ELDER_SPEED * 2).render_wav(TWO_SENTENCES, tmp_path / "fast.wav"))
    assert fast < 0.8 * slow


def _espeak_direct(executable: str, pinyin: str, path: Path) -> Path:
    subprocess.run([executable, "-v", VOICE, "-s", str(ELDER_SPEED), "-w", str(path), pinyin], check=True, capture_output=True)
    return path


def test_polyphones_are_spoken_by_their_phrase(engine, tmp_path):
    """The engine speaks the phrase-aware pinyin: 银行 sounds exactly like
    espeak-ng given "yin2 hang2", and not like "yin2 xing2"."""
    assert to_pinyin("银行") == "yin2 hang2" and to_pinyin("行政") == "xing2 zheng4"
    _, bank = _frames(engine.render_wav("银行", tmp_path / "bank.wav"))
    _, right = _frames(_espeak_direct(engine.executable, "yin2 hang2", tmp_path / "right.wav"))
    _, wrong = _frames(_espeak_direct(engine.executable, "yin2 xing2", tmp_path / "wrong.wav"))
    assert bank == right
    assert bank != wrong
    _, administration = _frames(engine.render_wav("行政", tmp_path / "admin.wav"))
    _, as_bank_reading = _frames(_espeak_direct(engine.executable, "hang2 zheng4", tmp_path / "hang.wav"))
    assert administration != as_bank_reading


def test_digits_are_spoken_as_chinese_words(engine, tmp_path):
    _, digits = _frames(engine.render_wav("举报电话12388", tmp_path / "digits.wav"))
    _, words = _frames(engine.render_wav("举报电话一二三八八", tmp_path / "words.wav"))
    assert digits == words


def test_detect_returns_none_without_espeak(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("PATH", str(tmp_path))
    with caplog.at_level(logging.INFO, logger="kiosk.speech"):
        assert SpeechEngine.detect() is None
    assert len(caplog.records) == 1 and "espeak-ng is not installed" in caplog.records[0].getMessage()


def _stand_in(folder: Path, script_body: str) -> Path:
    folder.mkdir()
    script = folder / "espeak-ng"
    script.write_text("#!/bin/sh\n" + script_body)
    script.chmod(0o755)
    return script


def test_detect_returns_none_without_the_pinyin_voice(tmp_path, monkeypatch, caplog):
    # An espeak-ng whose only Chinese voice is the plain one.
    _stand_in(tmp_path / "bin", "echo 'Pty Language Age/Gender VoiceName File Other Languages'\necho ' 5  cmn --/M Chinese sit/cmn'\n")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:/usr/bin:/bin")
    with caplog.at_level(logging.INFO, logger="kiosk.speech"):
        assert SpeechEngine.detect() is None
    assert len(caplog.records) == 1 and VOICE in caplog.records[0].getMessage()


@pytest.fixture
def recording_espeak(tmp_path, monkeypatch) -> Path:
    """A stand-in espeak-ng on PATH: lists voices like the real one, records
    its arguments and stdin, then "speaks" until killed. It reads its stdin
    only once a file ``go`` exists in its folder (or after 5 s, noting that
    it timed out). Returns its folder, ``go`` already there."""
    real = shutil.which("espeak-ng")
    assert real is not None
    folder = tmp_path / "bin"
    _stand_in(
        folder,
        f"""case "$1" in --voices=*) exec {real} "$@";; esac
d=$(dirname "$0")
echo "$@" > "$d/args.$$"
n=0
while [ ! -e "$d/go" ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n+1)); done
if [ -e "$d/go" ]; then echo go > "$d/started.$$"; else echo timeout > "$d/started.$$"; fi
cat > "$d/stdin.part.$$"
mv "$d/stdin.part.$$" "$d/stdin.$$"
exec sleep 60
""",
    )
    (folder / "go").touch()
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")
    return folder


def _wait_for_utterance(folder: Path, known: set[int]) -> int:
    """The pid of a new stand-in process once it has read all of its stdin."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        new = {int(p.name.split(".")[1]) for p in folder.glob("stdin.*") if "part" not in p.name} - known
        if new:
            return new.pop()
        time.sleep(0.02)
    raise AssertionError("espeak-ng never got its text")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_speak_runs_in_background_and_stop_kills_it(recording_espeak):
    engine = SpeechEngine.detect()
    assert engine is not None and engine.executable == str(recording_espeak / "espeak-ng")
    assert not engine.is_speaking()
    engine.speak("银行，行政。")
    assert engine.is_speaking()
    pid = _wait_for_utterance(recording_espeak, set())
    assert (recording_espeak / f"stdin.{pid}").read_text() == "yin2 hang2, xing2 zheng4."
    assert (recording_espeak / f"args.{pid}").read_text().split() == ["-v", VOICE, "-s", str(ELDER_SPEED), "--stdin"]
    engine.stop()
    assert not engine.is_speaking()
    assert not _alive(pid)
    engine.stop()  # stopping twice is harmless


def test_new_utterance_stops_the_previous_one(recording_espeak):
    engine = SpeechEngine.detect()
    engine.speak("第一段")
    first = _wait_for_utterance(recording_espeak, set())
    engine.speak("第二段")
    assert not _alive(first)
    second = _wait_for_utterance(recording_espeak, {first})
    assert _alive(second) and engine.is_speaking()
    assert (recording_espeak / f"stdin.{second}").read_text() == "di4 er4 duan4"
    engine.stop()
    assert not _alive(second)


def test_long_text_does_not_block_the_caller(recording_espeak):
    """More text than a pipe buffer holds is fed from a thread: ``speak``
    returns before espeak-ng has read it (the stand-in waits for ``go``)."""
    engine = SpeechEngine.detect()
    (recording_espeak / "go").unlink()
    long_text = "村务公开，" * 5000  # about 100 kB of pinyin
    engine.speak(long_text)
    (recording_espeak / "go").touch()
    pid = _wait_for_utterance(recording_espeak, set())
    assert (recording_espeak / f"started.{pid}").read_text().strip() == "go", "speak() blocked until espeak-ng read its input"
    assert (recording_espeak / f"stdin.{pid}").read_text() == to_pinyin(long_text)
    assert engine.is_speaking()
    engine.stop()
