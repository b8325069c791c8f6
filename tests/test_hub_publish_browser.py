"""Publishing a village from the hub, in the real browser: a township user
uploads the workbook and a zip of its picture folder, sees every problem
on the page (the same as ``feed build`` prints), uploads the fixed
workbook, publishes, and the tree verifies as a terminal checks it.
Desktop and phone widths, with screenshots (tests/support/browser.py)."""

from __future__ import annotations

import datetime as dt
import shutil

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait
from test_sheets import BAD_CELLS

from kiosk.feed import changes
from kiosk.feed.history import BEIJING
from kiosk.sheets.pictures import PICTURE_FOLDER
from support.browser import DESKTOP, PHONE, WAIT_S, screenshot
from support.feed_fixtures import tree_manifest
from support.hub_fixtures import PASSWORD, start_publishing_hub
from support.kiosk_process import village_kiosk
from support.sheet_fixtures import append_rows, cell_value, edit_cells

VILLAGE = "431322199206"


def _log_in(browser, url: str, name: str) -> None:
    browser.delete_all_cookies()
    browser.get(f"{url}/publish")
    browser.find_element(By.NAME, "name").send_keys(name)
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form.login button").click()
    WebDriverWait(browser, WAIT_S).until(lambda d: d.find_elements(By.CSS_SELECTOR, "table.villages"))


def _upload(browser, workbook, pictures) -> None:
    browser.find_element(By.NAME, "workbook").send_keys(str(workbook))
    browser.find_element(By.NAME, "pictures").send_keys(str(pictures))
    page = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.CSS_SELECTOR, "form.upload button").click()
    # The answer is a new page: until the one uploaded from is gone, its own #problems (a second upload's) is not the answer.
    # While it goes, chromedriver may answer for the old page's node with a plain error ("Node with given id does
    # not belong to the document") rather than as stale: asked again, it says stale.
    WebDriverWait(browser, WAIT_S * 4, ignored_exceptions=(WebDriverException,)).until(expected_conditions.staleness_of(page))
    WebDriverWait(browser, WAIT_S * 4).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#problems, #ready"))


def test_a_township_user_uploads_sees_the_problems_fixes_them_and_publishes(publishing_hub, browser, shots, workbook, tmp_path):
    pictures = shutil.make_archive(str(tmp_path / "pictures"), "zip", workbook.parent, PICTURE_FOLDER)  # the 图片 folder, zipped whole
    fixed = shutil.copy(workbook, tmp_path / "fixed.xlsx")
    edit_cells(workbook, BAD_CELLS)

    browser.set_window_size(*DESKTOP)
    _log_in(browser, publishing_hub.url, "qingshi")
    assert [row.get_attribute("data-village") for row in browser.find_elements(By.CSS_SELECTOR, "table.villages tbody tr")] == [VILLAGE]
    assert browser.find_element(By.CSS_SELECTOR, "table.villages tbody td").text == f"村代码 {VILLAGE}"  # no name before a first version
    screenshot(browser, shots / "hub-publish-villages-desktop.png", DESKTOP)
    browser.find_element(By.LINK_TEXT, "上传工作簿").click()
    WebDriverWait(browser, WAIT_S).until(lambda d: d.current_url.endswith(f"/publish/{VILLAGE}"))

    _upload(browser, workbook, pictures)
    section = browser.find_element(By.ID, "problems")
    assert section.find_element(By.TAG_NAME, "h2").text == f"发现 {len(BAD_CELLS)} 处问题，没有发布"
    rows = [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")] for row in section.find_elements(By.CSS_SELECTOR, "tbody tr")]
    assert ["财务收支", "第37行", "金额（元）", "'1,5OO' 不是数字（例：1500.00）"] in rows
    assert ["办事公示", "第4行", "公示结束", "公示结束的日期比开始早（例：2026-03-05）"] in rows
    assert section.find_element(By.PARTIAL_LINK_TEXT, "下载标好问题的工作簿").get_attribute("href").endswith("/report.xlsx")
    assert not browser.find_elements(By.CSS_SELECTOR, "#ready button")  # nothing to publish
    screenshot(browser, shots / "hub-publish-problems-desktop.png", DESKTOP)
    screenshot(browser, shots / "hub-publish-problems-phone.png", PHONE)
    width = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], "the page scrolls sideways on a phone"
    assert not (publishing_hub.work / "feeds" / VILLAGE).exists()

    browser.set_window_size(*DESKTOP)
    _upload(browser, fixed, pictures)
    ready = browser.find_element(By.ID, "ready")
    assert "325 笔" in ready.text and "13 个月" in ready.text and "343 张" in ready.text
    screenshot(browser, shots / "hub-publish-ready-desktop.png", DESKTOP)
    ready.find_element(By.TAG_NAME, "button").click()
    WebDriverWait(browser, WAIT_S * 4).until(lambda d: d.find_elements(By.ID, "published"))
    assert browser.find_element(By.CSS_SELECTOR, "#published h2").text == "已发布第 1 版"
    screenshot(browser, shots / "hub-publish-done-phone.png", PHONE)
    browser.find_element(By.LINK_TEXT, "← 全部村").click()
    row = WebDriverWait(browser, WAIT_S).until(lambda d: d.find_element(By.CSS_SELECTOR, f"tr[data-village='{VILLAGE}']"))
    assert [cell.text for cell in row.find_elements(By.TAG_NAME, "td")][:3] == [f"枫木冲村\n村代码 {VILLAGE}", "青石镇", "第 1 版"]
    screenshot(browser, shots / "hub-publish-villages-after-phone.png", PHONE)

    verified = village_kiosk(
        "feed", "verify", str(publishing_hub.work / "feeds" / VILLAGE), "--pubkey", str(publishing_hub.work / "keys" / "feed.pub")
    )
    assert verified.returncode == 0 and verified.stdout.startswith(
        f"ok v1 for village {VILLAGE}, 364 files"
    )  # 343 pictures, 8 documents (the budget, 三资 and the roster too), 13 months


def test_a_published_amount_changed_without_its_reason_is_named_on_the_page_then_published_with_it(
    publishing_hub, browser, shots, workbook, tmp_path
):
    pictures = shutil.make_archive(str(tmp_path / "pictures"), "zip", workbook.parent, PICTURE_FOLDER)
    tree = publishing_hub.work / "feeds" / VILLAGE
    first = village_kiosk("feed", "build", str(workbook), str(tree), "--key", str(publishing_hub.work / "keys" / "feed.key"))
    assert first.returncode == 0, first.stderr
    entry = cell_value(workbook, "财务收支", "A37")
    edit_cells(workbook, {("财务收支", "D37"): 1500.5})  # published as 289.00 元

    browser.set_window_size(*DESKTOP)
    _log_in(browser, publishing_hub.url, "qingshi")
    browser.get(f"{publishing_hub.url}/publish/{VILLAGE}")
    _upload(browser, workbook, pictures)
    section = browser.find_element(By.ID, "problems")
    assert section.find_element(By.CSS_SELECTOR, "p.advice").text == (
        f"没有发布：已经发布过的财务收支编号“{entry}”（金额由289.00元改为1,500.50元）改了，还没有写更正原因。"
        "请在“更正说明”表里每条填一行（表、编号、日期、更正原因），再发布。"
    )
    rows = [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")] for row in section.find_elements(By.CSS_SELECTOR, "tbody tr")]
    assert rows == [
        [
            "财务收支",
            "第37行",
            "金额（元）",
            f"编号“{entry}”这一条已经发布过，这次金额由289.00元改为1,500.50元。改已经发布的内容要写明原因："
            f"请在“更正说明”表里填一行：表选“财务收支”，编号填“{entry}”，再写日期和更正原因",
        ]
    ]
    assert not browser.find_elements(By.CSS_SELECTOR, "#ready button")  # nothing to publish
    screenshot(browser, shots / "hub-publish-correction-refused-desktop.png", DESKTOP)
    screenshot(browser, shots / "hub-publish-correction-refused-phone.png", PHONE)
    width = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], "the page scrolls sideways on a phone"

    browser.set_window_size(*DESKTOP)
    today = dt.datetime.now(dt.UTC).astimezone(BEIJING).date()
    append_rows(workbook, "更正说明", ["财务收支", entry, today, "报账时金额录错，按发票更正。"])
    _upload(browser, workbook, pictures)
    ready = browser.find_element(By.ID, "ready")
    facts = {
        fact.find_element(By.TAG_NAME, "dt").text: fact.find_element(By.TAG_NAME, "dd").text
        for fact in ready.find_elements(By.CSS_SELECTOR, "dl.facts div")
    }
    assert facts["更正"] == "1 条"
    ready.find_element(By.TAG_NAME, "button").click()
    WebDriverWait(browser, WAIT_S * 4).until(lambda d: d.find_elements(By.ID, "published"))
    assert browser.find_element(By.CSS_SELECTOR, "#published h2").text == "已发布第 2 版"
    manifest = tree_manifest(tree)
    [logged] = changes.decode_log((tree / "blobs" / manifest.changes.sha256).read_bytes(), VILLAGE, 2).changes
    assert (logged.record, logged.date, logged.reason) == (f"finance:{entry}", today, "报账时金额录错，按发票更正。")


def test_files_over_the_limit_are_stopped_in_the_browser_with_what_to_do(browser, shots, workbook, tmp_path):
    hub = start_publishing_hub(tmp_path / "hub", max_upload_mb=1)
    try:
        hub.add_user("qingshi", township="431322199")
        hub.issue(f"{VILLAGE}-A1C3E5", VILLAGE)
        photo = tmp_path / "发票-原图.jpg"
        photo.write_bytes(b"\xff\xd8" + bytes(2 * 1024 * 1024))  # a phone's photo, twice the limit
        browser.set_window_size(*PHONE)
        _log_in(browser, hub.url, "qingshi")
        browser.get(f"{hub.url}/publish/{VILLAGE}")
        warning = browser.find_element(By.CSS_SELECTOR, "form.upload .too-big")
        assert not warning.is_displayed()
        browser.find_element(By.NAME, "workbook").send_keys(str(workbook))
        browser.find_element(By.NAME, "pictures").send_keys(str(photo))
        browser.find_element(By.CSS_SELECTOR, "form.upload button").click()
        WebDriverWait(browser, WAIT_S).until(lambda d: warning.is_displayed())
        assert warning.text.startswith("选的文件一共超过 1 MB") and "缩小" in warning.text
        screenshot(browser, shots / "hub-publish-too-big-phone.png", PHONE)
        uploads = tmp_path / "hub" / "uploads"
        assert not uploads.exists() or not any(uploads.iterdir()), "the files were sent all the same"
    finally:
        hub.close()
