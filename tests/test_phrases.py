"""Phrase-aware pinyin and every reading of a character from a child
process, and the kiosk's own process kept free of pypinyin."""

from __future__ import annotations

import json
import logging
import subprocess
import sys

import pytest

from kiosk import phrases, search
from kiosk.search import SearchIndex
from kiosk.speech.pinyin import to_pinyin

pytestmark = pytest.mark.slow  # child processes loading pypinyin's phrase dictionary


@pytest.fixture
def fresh_memory(monkeypatch):
    """No conversion remembered from other tests: the child really runs."""
    monkeypatch.setattr(phrases, "_remembered", {})
    monkeypatch.setattr(search, "_learned", {})


def test_readings_decided_by_phrase(fresh_memory):
    plain = phrases.readings(["银行", "行政", "重新", "重大"], "plain")
    assert plain == [["yin", "hang"], ["xing", "zheng"], ["chong", "xin"], ["zhong", "da"]]
    assert phrases.readings(["银行", "好的"], "tone") == [["yin2", "hang2"], ["hao3", "de5"]]


def test_conversions_are_remembered(fresh_memory, monkeypatch):
    phrases.readings(["银行"], "plain")
    monkeypatch.setattr(phrases.sys, "executable", "/nonexistent/python")  # a child now would fail
    assert phrases.readings(["银行", "银行"], "plain") == [["yin", "hang"], ["yin", "hang"]]
    with pytest.raises(phrases.PhraseError):
        phrases.readings(["行政"], "plain")


def test_kiosk_process_never_loads_pypinyin(demo, tmp_path):
    """Index built, its examples found and a text made ready to read aloud:
    the phrases were used (银行 -> hang), and both readings of a polyphone
    are found (行: xing and hang), yet pypinyin never entered this process."""
    program = """
import json, sys
from kiosk import datasource
from kiosk.search import SearchIndex
from kiosk.speech.pinyin import to_pinyin
index = SearchIndex.build(datasource.open_demo())
print(json.dumps({"spoken": to_pinyin("银行行政"), "hits": len(index.query("db")),
                  "examples": [[letters, hit.title] for letters, hit in index.examples()],
                  "polyphone": [len(index.query(reading)) for reading in ("yinhang", "yinxing")],
                  "loaded": sorted(m for m in sys.modules if m.startswith("pypinyin"))}))
"""
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True, timeout=120)
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["spoken"] == "yin2 hang2 xing2 zheng4"
    assert answer["hits"] > 0
    from pypinyin import Style, pinyin  # here, in the test's process: the initials as pypinyin gives them

    assert len(answer["examples"]) == 8
    for letters, title in answer["examples"]:  # e.g. GCXMGL, 工程项目管理
        assert letters == "".join(syllable[0][0] for syllable in pinyin(title, style=Style.FIRST_LETTER)).upper(), title
    assert answer["polyphone"][0] > 0 and answer["polyphone"][1] > 0  # 银行 as in the phrase, and as 行 is read alone
    assert answer["loaded"] == []


def test_without_the_child_search_and_speech_still_work(fresh_memory, monkeypatch, caplog, demo):
    monkeypatch.setattr(phrases.sys, "executable", "/nonexistent/python")
    with caplog.at_level(logging.WARNING):
        index = SearchIndex.build(demo)
        spoken = to_pinyin("低保评定")
    assert index.query("db")[0].title.startswith("低保")
    assert spoken == "di1 bao3 ping2 ding4"
    assert any("event=search.phrases_unavailable" in r.getMessage() for r in caplog.records)
    assert any("event=search.readings_in_process" in r.getMessage() for r in caplog.records)
    assert index.query("yinhang") and index.query("yinxing")  # every reading of 行, from pypinyin in this process
    assert any("event=read_aloud.phrases_unavailable" in r.getMessage() for r in caplog.records)
