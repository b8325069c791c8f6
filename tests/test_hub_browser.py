"""The status pages in a real browser: Debian's Chromium, headless, driven
through chromedriver (Selenium; tests/support/browser.py), on the hub's demo
county (the README's ``village-kiosk hub demo``: live terminals posting with
the terminal's own reporter, a week of history, one of each trouble).
"""

from __future__ import annotations

import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from kiosk.hub import demo
from support.browser import DESKTOP, PHONE, WAIT_S, screenshot


@pytest.fixture(scope="module")
def demo_hub(tmp_path_factory):
    server, live, store = demo.start_demo(tmp_path_factory.mktemp("hub-demo"), "127.0.0.1:0")
    yield server
    for terminal in live:
        terminal.stop()
    server.stop()
    store.close()


def _log_in(browser, url: str, name: str) -> None:
    browser.delete_all_cookies()
    browser.get(f"{url}/")
    assert "/login" in browser.current_url
    browser.find_element(By.NAME, "name").send_keys(name)
    browser.find_element(By.NAME, "password").send_keys(demo.PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form.login button").click()
    WebDriverWait(browser, WAIT_S).until(lambda d: d.find_elements(By.ID, "attention"))


def _rows(browser) -> list:
    return browser.find_elements(By.CSS_SELECTOR, "table.terminals tbody tr[data-terminal]")


def _flagged(browser) -> dict[str, set[str]]:
    """Village name -> the kinds of flag shown for it at the top."""
    found = {}
    for item in browser.find_elements(By.CSS_SELECTOR, "#attention li"):
        name = item.find_element(By.TAG_NAME, "a").text
        found[name] = {flag.get_attribute("class").split("flag-")[1] for flag in item.find_elements(By.CSS_SELECTOR, ".flag")}
    return found


def test_the_status_page_flags_the_silent_and_the_stale(demo_hub, browser, shots):
    browser.set_window_size(*DESKTOP)
    _log_in(browser, demo_hub.url, "demo")
    assert browser.title == "查询机运行状态"
    flagged = _flagged(browser)
    assert flagged == {
        "石门村": {"silent"},
        "白溪村": {"stale"},
        "枫林村": {"behind"},
        "荷塘村": {"low_disk"},
        "杉木村": {"rejected"},
        "石桥村": {"rolled_back"},
    }
    counts = {
        c.get_attribute("class").split("count-")[1].split()[0]: c.find_element(By.TAG_NAME, "b").text
        for c in browser.find_elements(By.CSS_SELECTOR, ".counts .count")
    }
    assert counts == {"silent": "1", "stale": "2", "low_disk": "1", "rejected": "1", "rolled_back": "1"}
    silent = browser.find_element(By.CSS_SELECTOR, '#attention li[data-terminal="431322199201-B2D4F6"] .flag')
    assert silent.text == "失联 5 小时" and silent.is_displayed()
    rows = _rows(browser)
    assert len(rows) == len(demo.TERMINALS)
    # What needs attention comes first, above the table.
    attention = browser.find_element(By.ID, "attention")
    assert attention.location["y"] + attention.size["height"] <= browser.find_element(By.CSS_SELECTOR, "table.terminals").location["y"]
    healthy = browser.find_element(By.CSS_SELECTOR, 'tr[data-terminal="431322199206-A1C3E5"]')
    assert "刚刚" in healthy.text and "第 1 版" in healthy.text and "0.1.0" in healthy.text and "次" in healthy.text
    picture = screenshot(browser, shots / "hub-status-desktop.png", DESKTOP)
    assert picture.size[0] == DESKTOP[0] and picture.size[1] > 600


def test_the_township_filter(demo_hub, browser):
    browser.set_window_size(*DESKTOP)
    _log_in(browser, demo_hub.url, "demo")
    Select(browser.find_element(By.NAME, "township")).select_by_visible_text("白溪镇")  # applies at once (script)
    WebDriverWait(browser, WAIT_S).until(lambda d: "township=431322101" in d.current_url)
    rows = _rows(browser)
    assert len(rows) == 3 and {row.get_attribute("data-township") for row in rows} == {"431322101"}
    assert set(_flagged(browser)) == {"白溪村", "荷塘村", "石桥村"}
    assert Select(browser.find_element(By.NAME, "township")).first_selected_option.text == "白溪镇"
    # A township's own user has no choice but its villages.
    _log_in(browser, demo_hub.url, "qingshi")
    assert {row.get_attribute("data-township") for row in _rows(browser)} == {"431322199"}
    assert [o.text for o in Select(browser.find_element(By.NAME, "township")).options] == ["本乡镇", "青石镇"]


def test_a_phone_gets_one_card_per_terminal(demo_hub, browser, shots):
    browser.set_window_size(*PHONE)
    _log_in(browser, demo_hub.url, "demo")
    assert not browser.find_element(By.CSS_SELECTOR, "table.terminals thead").is_displayed()
    width = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], "the page scrolls sideways on a phone"
    card = _rows(browser)[0]
    assert card.value_of_css_property("display") == "block" and card.size["width"] <= PHONE[0]
    labels = browser.execute_script(
        "return Array.from(arguments[0].querySelectorAll('td')).map(td => getComputedStyle(td, '::before').content)", card
    )
    assert '"最后联系"' in labels and '"剩余磁盘"' in labels
    screenshot(browser, shots / "hub-status-phone.png", PHONE)


def test_a_terminals_page_shows_its_week(demo_hub, browser, shots):
    browser.set_window_size(*DESKTOP)
    _log_in(browser, demo_hub.url, "demo")
    browser.find_element(By.LINK_TEXT, "白溪村").click()
    WebDriverWait(browser, WAIT_S).until(lambda d: "/terminals/431322101203-D4F6B8" in d.current_url)
    text = browser.find_element(By.TAG_NAME, "main").text
    assert "数据已过期" in text and "40 天前生成" in text and "最新第 2 版" in text
    assert "同步失败：ConnectTimeout" in text
    assert re.search(r"没有上报 [34] 小时", text)  # the power cut three days ago, between two reports
    days = browser.find_elements(By.CSS_SELECTOR, "table.usage-days thead th")
    assert len(days) == 1 + 7 + 1  # the part, seven days, the total
    assert browser.find_elements(By.CSS_SELECTOR, "table.history tbody tr")
    screenshot(browser, shots / "hub-terminal-desktop.png", DESKTOP)
    screenshot(browser, shots / "hub-terminal-phone.png", PHONE)
