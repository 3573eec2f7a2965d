"""A headless Chromium for the real-browser tests (pytest marker ``browser``), or a clean skip without one."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMEDRIVER = "/usr/bin/chromedriver"


def chromium():
    """A Selenium driver on headless Chromium; skips the calling test where Selenium or Chromium is missing."""
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    driver_path = CHROMEDRIVER if os.path.exists(CHROMEDRIVER) else shutil.which("chromedriver")
    if not driver_path or not (shutil.which("chromium") or shutil.which("chromium-browser")):
        pytest.skip("needs Chromium and chromedriver (apt-get install chromium chromium-driver)")
    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager try to download a browser
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1300,900"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(driver_path), options=options)


def running_chromium():
    """For a module-scoped ``driver`` fixture (``yield from running_chromium()``): a started Chromium, quit
    afterwards; a browser that fails to start is a skip, not a failure of the page under test."""
    try:
        driver = chromium()
    except pytest.skip.Exception:
        raise
    except Exception as exc:
        pytest.skip(f"headless chromium did not start: {exc}")
    yield driver
    driver.quit()


def console_errors(driver) -> list[str]:
    """The browser console's errors since the last call."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
