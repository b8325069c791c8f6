"""A real browser for the hub's pages: Debian's Chromium, headless, driven
through chromedriver (Selenium).

Screenshots go to $VILLAGE_KIOSK_HUB_SHOTS when it is set (to look at
them), else to the test's temporary folder. Registered as a plugin in
conftest.py.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from tooling.bench.peer import find_chromium

DESKTOP, PHONE = (1366, 900), (390, 844)
WAIT_S = 30


def _chromium_binary() -> str:
    # Debian's /usr/bin/chromium is a shell script; chromedriver wants the program.
    real = Path("/usr/lib/chromium/chromium")
    return str(real) if real.exists() else find_chromium()


@pytest.fixture(scope="module")
def browser():
    driver_path = shutil.which("chromedriver")
    if driver_path is None:
        pytest.fail("chromedriver is not installed: apt-get install chromium-driver (provisioning/dev.sh installs it)")
    profile = tempfile.mkdtemp(prefix="village-kiosk-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = _chromium_binary()
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        "--lang=zh-CN",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(WAIT_S)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("VILLAGE_KIOSK_HUB_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def screenshot(browser, path: Path, size: tuple[int, int]) -> Image.Image:
    """The whole page at this width."""
    browser.set_window_size(*size)
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(size[0], min(height + 120, 6000))
    browser.save_screenshot(str(path))
    browser.set_window_size(*size)
    return Image.open(path)
