"""Long texts cut into pieces a screen can draw.

A label draws its whole text into one texture. For a long paragraph of
Chinese (no spaces to wrap at) that costs time growing with the square of
its length -- 2,000 characters took 0.4 s, 10,000 took 15 s -- and past
the GPU's largest texture (a few tens of screens of text) it draws a black
box. The limits (``kiosk.limits``) allow a 20,000-character notice; the
screens draw it as pieces of at most ``PIECE_CHARS``, each cut where a
reader pauses anyway.
"""

from __future__ import annotations

PIECE_CHARS = 300

_SENTENCE_ENDS = "。！？；!?;…"
_CLAUSE_ENDS = "，、：,:"
# Marks that belong to the end of what they close: never the first thing
# of a piece (the rule printed notices follow too).
_CLOSING = "”’）》」』】〕)]}>，。、；：？！…"
_OPENING = "“‘（《「『【〔([{<"  # and these never the last


def pieces(text: str, size: int = PIECE_CHARS) -> list[str]:
    """``text`` as pieces of at most ``size`` characters (none empty), in
    order: one per paragraph (``\\n``) if it fits, else cut after the last
    sentence end within reach, else after the last clause mark, else at
    ``size``. Closing quotes and brackets stay with what they close."""
    out: list[str] = []
    for paragraph in text.split("\n"):
        while len(paragraph) > size:
            cut = _cut(paragraph, size)
            out.append(paragraph[:cut])
            paragraph = paragraph[cut:]
        if paragraph:
            out.append(paragraph)
    return out


def _cut(paragraph: str, size: int) -> int:
    """Where to end the first piece of ``paragraph`` (longer than ``size``)."""
    for marks in (_SENTENCE_ENDS, _CLAUSE_ENDS):
        # The latest mark whose closing quotes and brackets still fit.
        for index in range(size - 1, -1, -1):
            if paragraph[index] in marks:
                cut = index + 1
                while cut < len(paragraph) and paragraph[cut] in _CLOSING:
                    cut += 1
                if cut <= size:
                    return cut
    cut = size
    while cut > 1 and (paragraph[cut] in _CLOSING or paragraph[cut - 1] in _OPENING):
        cut -= 1
    return cut
