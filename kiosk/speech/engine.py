"""The offline speech engine: espeak-ng with its ``cmn-latn-pinyin`` voice.

Text is turned into tone-numbered pinyin (``kiosk.speech.pinyin``) and fed
to espeak-ng on stdin; espeak-ng plays it on the default audio device.
Speaking never blocks the caller (the UI thread): ``speak`` starts the
process and returns. One utterance at a time: a new ``speak`` stops the
one before, as does ``stop`` (the idle reset, leaving the screen).

``SpeechEngine.detect()`` returns None, with one log line saying why, when
espeak-ng or the voice is missing: the UI then hides its read-aloud button.
Use an engine from one thread (the UI's).

espeak-ng exits 0 even when it cannot play (no sound card: ALSA's "cannot
find card"), saying so only on stderr. ``audio_problem()`` asks it to say
nothing and reads what it complains of (the doctor's check); ``speak``
watches its stderr, so ``take_failure()`` tells the UI, which tells the
villager in words, instead of a button that flips back silently.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import threading
from pathlib import Path
from typing import IO

from kiosk.ops.logs import log_event

log = logging.getLogger(__name__)

VOICE = "cmn-latn-pinyin"
ELDER_SPEED = 140  # words per minute; espeak-ng's default 175 is too fast for many elders
_PROBE_TIMEOUT = 10  # seconds for `espeak-ng --voices`: a hung probe must not hang start-up
_RENDER_TIMEOUT = 120  # seconds for a WAV: a long notice takes a few seconds at most


class SpeechEngine:
    def __init__(self, executable: str, *, speed: int = ELDER_SPEED):
        self.executable = executable
        self.speed = speed
        self._process: subprocess.Popen[bytes] | None = None
        self._failure: str | None = None  # set by the stderr watcher, read by the UI

    @classmethod
    def detect(cls, *, speed: int = ELDER_SPEED) -> SpeechEngine | None:
        """An engine when espeak-ng with the pinyin voice is installed, else None."""
        executable = shutil.which("espeak-ng")
        if executable is None:
            log_event(log, "read_aloud.off", reason="espeak-ng is not installed")
            return None
        try:
            probe = subprocess.run([executable, "--voices=cmn"], capture_output=True, text=True, timeout=_PROBE_TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            log_event(log, "read_aloud.off", logging.WARNING, reason="--voices failed", espeak=executable, error=exc)
            return None
        voices = {line.split()[1] for line in probe.stdout.splitlines()[1:] if len(line.split()) > 1}
        if VOICE not in voices:
            log_event(log, "read_aloud.off", reason="no such voice", espeak=executable, voice=VOICE)
            return None
        return cls(executable, speed=speed)

    def _command(self, *extra: str) -> list[str]:
        return [self.executable, "-v", VOICE, "-s", str(self.speed), *extra, "--stdin"]

    def speak(self, text: str) -> None:
        """Start reading ``text`` aloud (Chinese) and return at once."""
        self.stop()
        self._failure = None
        try:
            process = subprocess.Popen(self._command(), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        except OSError as exc:  # uninstalled since detect(): say so, not crash
            log_event(log, "read_aloud.failed", logging.WARNING, error=exc)
            self._failure = str(exc)
            return
        self._process = process
        assert process.stdin is not None and process.stderr is not None  # both piped
        # Converting a long notice takes a moment, and espeak-ng reads its
        # input only as fast as it speaks (a long text does not fit the
        # pipe's buffer): both happen in a thread, not in the caller's.
        threading.Thread(target=_feed, args=(process.stdin, text), daemon=True).start()
        threading.Thread(target=self._watch, args=(process, process.stderr), daemon=True).start()

    def _watch(self, process: subprocess.Popen[bytes], stderr: IO[bytes]) -> None:
        complaint = _complaint(stderr.read().decode(errors="replace"))
        if complaint and (self._process is None or process is self._process):  # not one replaced since
            log_event(log, "read_aloud.cannot_play", logging.WARNING, reason=complaint)
            self._failure = complaint

    def take_failure(self) -> str | None:
        """Why the last ``speak`` could not be heard (once), or None."""
        failure, self._failure = self._failure, None
        return failure

    def audio_problem(self) -> str | None:
        """None when espeak-ng can open the sound device; else what it said
        (it is given nothing to say: no sound comes out)."""
        try:
            result = subprocess.run(self._command(), input=b"", capture_output=True, timeout=_PROBE_TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return str(exc)
        return _complaint(result.stderr.decode(errors="replace")) or (f"exit status {result.returncode}" if result.returncode else None)

    def stop(self) -> None:
        """Stop the current utterance, if any."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()

    def is_speaking(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def render_wav(self, text: str, path: Path) -> Path:
        """Speak ``text`` into a WAV file instead of the speaker (blocking)."""
        from kiosk.speech.pinyin import to_pinyin

        subprocess.run(
            self._command("-w", str(path)),
            input=to_pinyin(text).encode(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=_RENDER_TIMEOUT,
            check=True,
        )
        return path


def _complaint(stderr: str) -> str | None:
    """What espeak-ng said of the sound device, if anything: its own
    "error:" line, with ALSA's first word on why."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    if not any("error" in line.lower() for line in lines):
        return None
    alsa = next((line.split(") ", 1)[-1] for line in lines if line.startswith("ALSA lib")), "")
    own = next((line for line in lines if line.lower().startswith("error")), lines[-1])
    return f"{own} ({alsa})" if alsa else own


def _feed(stdin: IO[bytes], text: str) -> None:
    # pypinyin is imported on the first reading, not with the kiosk.
    from kiosk.speech.pinyin import to_pinyin

    try:
        with stdin:
            stdin.write(to_pinyin(text).encode())
    except OSError:  # BrokenPipeError: stopped before it had read everything
        pass
