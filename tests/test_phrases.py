"""Phrase-aware pinyin from a child process, and the kiosk's own process
kept free of pypinyin's phrase dictionary."""

from __future__ import annotations

import json
import logging
import subprocess
import sys

import pytest

from kiosk import phrases
from kiosk.search import SearchIndex
from kiosk.speech.pinyin import to_pinyin

pytestmark = pytest.mark.slow  # child processes loading pypinyin's phrase dictionary


@pytest.fixture
def fresh_memory(monkeypatch):
    """No conversion remembered from other tests: the child really runs."""
    monkeypatch.setattr(phrases, "_remembered", {})


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


def test_kiosk_process_never_loads_the_phrase_dictionary(demo, tmp_path):
    """Index built and a text made ready to read aloud: the phrases were
    used (银行 -> hang), yet the dictionary never entered this process."""
    program = """
import json, sys
from kiosk import datasource
from kiosk.search import SearchIndex
from kiosk.speech.pinyin import to_pinyin
index = SearchIndex.build(datasource.open_demo())
print(json.dumps({"spoken": to_pinyin("银行行政"), "hits": len(index.query("db")),
                  "loaded": sorted(m for m in sys.modules if m.startswith("pypinyin.phrases"))}))
"""
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True, timeout=120)
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["spoken"] == "yin2 hang2 xing2 zheng4"
    assert answer["hits"] > 0
    assert answer["loaded"] == []


def test_without_the_child_search_and_speech_still_work(fresh_memory, monkeypatch, caplog, demo):
    monkeypatch.setattr(phrases.sys, "executable", "/nonexistent/python")
    with caplog.at_level(logging.WARNING):
        index = SearchIndex.build(demo)
        spoken = to_pinyin("低保评定")
    assert index.query("db")[0].title.startswith("低保")
    assert spoken == "di1 bao3 ping2 ding4"
    assert any("event=search.phrases_unavailable" in r.getMessage() for r in caplog.records)
    assert any("event=read_aloud.phrases_unavailable" in r.getMessage() for r in caplog.records)
