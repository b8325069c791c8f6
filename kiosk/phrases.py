"""Phrase-aware pinyin (银行 -> yin hang, 行政 -> xing zheng), worked out in a
short-lived child process.

pypinyin's phrase dictionary costs about 44 MiB once loaded: more than a
quarter of the terminal's whole memory budget, kept for the life of the
process, while phrases are needed only when the search index is built (once
per snapshot) and when a text is read aloud. So a child process
(``python -c _CHILD_PROGRAM``) loads it, converts one batch of Han runs, and
exits. The kiosk process itself imports pypinyin without phrases
(``PYPINYIN_NO_PHRASES``, set in ``kiosk/__init__``): its character
dictionary answers the per-character readings, which is all it asks of it.

Conversions are remembered, so building the index of the same data again
(a new snapshot with the same titles) costs no child process.

Every reading of single characters (行: xing, hang, heng) comes from such a
child too (``every_reading``, without the phrases): pypinyin's character
dictionary, loaded in the kiosk's process, stayed there for its whole life
to answer the few thousand characters its data has, once per snapshot.
The kiosk's process loads pypinyin only when no child can run.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Sequence
from typing import Literal

log = logging.getLogger(__name__)

Style = Literal["plain", "tone"]  # "yin hang" / "yin2 hang2" (neutral tone 5)
CHILD_TIMEOUT_S = 30.0
_MAX_REMEMBERED = 50_000

_remembered: dict[tuple[Style, str], list[str]] = {}


class PhraseError(RuntimeError):
    """The child process could not convert: the caller falls back to
    character readings."""


def readings(runs: Sequence[str], style: Style) -> list[list[str]]:
    """For each run of Han characters, pypinyin's reading of it as phrases
    (one syllable per character it knows; an unknown character comes back
    as itself). Raises ``PhraseError`` when the child process fails."""
    known = {run: _remembered[(style, run)] for run in set(runs) if (style, run) in _remembered}
    missing = sorted(set(runs) - known.keys())
    if missing:
        known.update(zip(missing, _convert_in_child(missing, style), strict=True))
        if len(_remembered) + len(missing) > _MAX_REMEMBERED:
            _remembered.clear()
        _remembered.update({(style, run): known[run] for run in missing})
    return [known[run] for run in runs]


def every_reading(chars: Sequence[str]) -> list[list[str]]:
    """For each character, every reading pypinyin knows, without tones,
    commonest first (a character it does not know comes back as itself).
    Not remembered here: the caller keeps what it learns. Raises
    ``PhraseError`` when the child process fails."""
    return _convert_in_child(list(chars), "every") if chars else []


def _convert_in_child(runs: list[str], style: Style | Literal["every"]) -> list[list[str]]:
    if style == "every":  # characters alone: the phrase dictionary stays unloaded in the child too
        env = dict(os.environ, PYPINYIN_NO_PHRASES="true", PYPINYIN_NO_DICT_COPY="true")
    else:
        env = {name: value for name, value in os.environ.items() if not name.startswith("PYPINYIN_NO_")}
    request = json.dumps({"style": style, "runs": runs}, ensure_ascii=False).encode()
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD_PROGRAM],
            input=request,
            capture_output=True,
            env=env,
            timeout=CHILD_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PhraseError(f"phrase pinyin child failed: {exc}") from exc
    if done.returncode != 0:
        raise PhraseError(f"phrase pinyin child exited {done.returncode}: {done.stderr.decode(errors='replace')[-300:]}")
    try:
        result = json.loads(done.stdout)
    except ValueError as exc:
        raise PhraseError(f"phrase pinyin child answered garbage: {exc}") from exc
    if not isinstance(result, list) or len(result) != len(runs):
        raise PhraseError("phrase pinyin child answered the wrong number of runs")
    return result


# The child's whole program. It imports nothing of the kiosk, whose
# package would turn pypinyin's phrases off in the child too.
_CHILD_PROGRAM = """
import json, sys
from pypinyin import Style, lazy_pinyin, pinyin
request = json.load(sys.stdin)
if request["style"] == "every":
    answer = [pinyin(char, style=Style.NORMAL, heteronym=True)[0] for char in request["runs"]]
elif request["style"] == "tone":
    answer = [lazy_pinyin(run, style=Style.TONE3, neutral_tone_with_five=True) for run in request["runs"]]
else:
    answer = [lazy_pinyin(run, style=Style.NORMAL) for run in request["runs"]]
json.dump(answer, sys.stdout, ensure_ascii=False)
"""
