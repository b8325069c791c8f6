"""Long texts cut into pieces a screen can draw (``kiosk.reading``)."""

from __future__ import annotations

import pytest

from kiosk import limits, reading
from support.maximal_village import text_of


@pytest.mark.parametrize("size", [7, 30, 300])
def test_long_text_is_cut_into_pieces_where_a_reader_pauses(size):
    body = text_of(limits.BODY_CHARS)
    cut = reading.pieces(body, size)
    assert "".join(cut) == body
    assert all(0 < len(piece) <= size for piece in cut)
    assert not any(piece[0] in "，。、；：？！）》”" for piece in cut)  # never a closing mark first


def test_pieces_end_at_sentence_ends_and_paragraphs():
    text = "第一句话。" * 10 + "\n" + "短段落"
    cut = reading.pieces(text, 23)
    assert cut == ["第一句话。" * 4, "第一句话。" * 4, "第一句话。" * 2, "短段落"]
    assert reading.pieces("“引文。”后面还有" * 3, 10)[0] == "“引文。”"
