"""Chinese text -> tone-numbered pinyin for espeak-ng's ``cmn-latn-pinyin`` voice.

espeak-ng's ``cmn`` voice reads characters from its own small dictionary and
gets many tones, and every polyphone, wrong. pypinyin knows phrases, so
银行 comes out ``yin2 hang2`` and 行政 ``xing2 zheng4``; the pinyin voice
then only has to pronounce syllables.

The output is syllables separated by spaces (``ni3 hao3``), neutral tone as
5, ü as v (``lv4``: what the voice expects), with Chinese punctuation turned
into ``", "`` (short pause) or ``". "`` (long pause). Digits are made words
first (``kiosk.speech.numbers.spoken_numbers``); Latin letters pass through
(the voice spells or reads them in English); anything else is dropped.
"""

from __future__ import annotations

import logging
import re

from kiosk import phrases
from kiosk.ops.logs import log_event
from kiosk.speech.numbers import spoken_numbers

log = logging.getLogger(__name__)

_SHORT = ","
_LONG = "."
_PAUSES = {
    **dict.fromkeys("，、；：,;:（）()[]【】—–-…~～·/|", _SHORT),
    **dict.fromkeys("。！？!?.\n", _LONG),
}
# Han characters (and 〇, the zero of written years) go to pypinyin in runs,
# so it sees whole phrases; everything between runs is handled here.
_HAN_RUN = re.compile(r"[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")
_OTHER = re.compile(r"(?P<latin>[A-Za-z]+)|(?P<mark>.)", re.DOTALL)
_SYLLABLE = re.compile(r"[a-zv]+[1-5]")


def to_pinyin(text: str) -> str:
    """``"银行，行政。"`` -> ``"yin2 hang2, xing2 zheng4."``"""
    tokens: list[str] = []  # words, and _SHORT / _LONG for pauses
    text = spoken_numbers(text)
    runs = list(_HAN_RUN.finditer(text))
    done = 0
    for run, syllables in zip(runs, _tone_readings([run[0] for run in runs]), strict=True):
        _add_other(tokens, text[done : run.start()])
        # A character pypinyin has no reading for comes back as itself: drop it.
        tokens.extend(s for s in syllables if _SYLLABLE.fullmatch(s))
        done = run.end()
    _add_other(tokens, text[done:])
    return _joined(tokens)


def _tone_readings(runs: list[str]) -> list[list[str]]:
    """Phrase-aware readings; without the phrase child process, each
    character's commonest reading (some polyphones then come out wrong)."""
    try:
        return phrases.readings(runs, "tone")
    except phrases.PhraseError as exc:
        log_event(log, "read_aloud.phrases_unavailable", logging.WARNING, error=exc)
        from pypinyin import Style, lazy_pinyin  # only then: once loaded, kept for the process's life

        return [lazy_pinyin(run, style=Style.TONE3, neutral_tone_with_five=True) for run in runs]


def _add_other(tokens: list[str], text: str) -> None:
    for match in _OTHER.finditer(text):
        if match["latin"]:
            tokens.append(match["latin"])
        elif match["mark"] in _PAUSES:
            tokens.append(_PAUSES[match["mark"]])


def _joined(tokens: list[str]) -> str:
    """Words separated by spaces, each run of pauses as its longest one,
    attached to the word before; no pause before the first word."""
    out = ""
    pause = ""
    for token in tokens:
        if token in (_SHORT, _LONG):
            if out:
                pause = _LONG if _LONG in (pause, token) else _SHORT
            continue
        out += (pause + " " if out else "") + token
        pause = ""
    return out + pause
