"""Shared by the picture examples: where they write (``out/``, ``--out DIR``, or ``docs/`` with ``--docs``)."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

import viz  # noqa: E402


def picture_folder(description: str) -> tuple[Path, bool]:
    """Parse ``--out DIR`` / ``--docs`` and return (folder, writing the committed docs pictures?)."""
    parser = argparse.ArgumentParser(description=description)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--out", type=Path, default=ROOT / "out", help="folder for the pictures (default: out/)")
    where.add_argument("--docs", action="store_true", help="regenerate the README pictures in docs/ instead")
    args = parser.parse_args()
    folder = ROOT / "docs" if args.docs else args.out
    folder.mkdir(parents=True, exist_ok=True)
    return folder, args.docs


def save_picture(what: Any, folder: Path, stem: str, docs: bool, **options: Any) -> None:
    """Write ``stem.svg`` and ``stem.png`` for a Value or a ready graph (only the small, sharp SVG in docs/)."""
    for suffix in [".svg"] if docs else [".svg", ".png"]:
        path = viz.save(what, folder / f"{stem}{suffix}", **options)
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def headless_chromium(window: str) -> Any:
    """A headless Chromium driven by Selenium for the screenshot examples, or a clear exit saying what to
    install (no browser is ever downloaded)."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        sys.exit("this example needs selenium: pip install selenium")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if not chromium or not os.path.exists(driver):
        sys.exit("this example needs chromium and chromedriver: apt-get install chromium chromium-driver")
    os.environ["SE_OFFLINE"] = "true"
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 f"--window-size={window}", "--force-device-scale-factor=1", "--hide-scrollbars"):
        options.add_argument(flag)
    options.binary_location = chromium
    return webdriver.Chrome(service=Service(driver), options=options)
