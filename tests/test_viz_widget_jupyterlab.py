"""End to end in a real JupyterLab (skipped unless jupyterlab, anywidget and Chromium are installed): the widget
renders in a cell's output, dragging its slider with the arrow keys recomputes in the kernel, and the keys do
not move JupyterLab's active cell. Run it with an interpreter that has jupyterlab (pip install jupyterlab)."""

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("jupyterlab")
pytest.importorskip("anywidget")

from browser import chromium, console_errors  # noqa: E402

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent
TOKEN = "valuegrad-widget-test"


def cell(source):
    return {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": source}


def notebook(folder):
    cells = [cell(f"import sys; sys.path.insert(0, {str(ROOT)!r})\nimport viz\n"
                  "w = viz.Explorer('x**2 + 3*x', x=2)\nw"),
             cell("print('kernel sees x =', w.snapshot['inputs'][0]['value'])")]
    nb = {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                      "language": "python"}}, "nbformat": 4, "nbformat_minor": 5}
    (folder / "widget.ipynb").write_text(json.dumps(nb), encoding="utf-8")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lab")
    notebook(folder)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
         f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={folder}", "--LabApp.news_url=",
         "--allow-root", "--LabApp.extension_manager=readonly"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        if server.poll() is not None:
            pytest.fail(f"jupyterlab exited with code {server.returncode}")
        driver = chromium()
        yield driver, f"http://127.0.0.1:{port}/lab/tree/widget.ipynb?token={TOKEN}"
        driver.quit()
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_for(driver, condition, message, timeout=60):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(lambda d: condition(), message)


def css(driver, selector):
    return driver.find_elements("css selector", selector)


def run_cell(driver, index):
    from selenium.webdriver.common.keys import Keys

    editor = css(driver, ".jp-Notebook .jp-Cell .cm-content")[index]
    editor.click()
    editor.send_keys(Keys.SHIFT, Keys.ENTER)


def active_cell(driver):
    return driver.execute_script(
        "return [...document.querySelectorAll('.jp-Notebook .jp-Cell')].findIndex(c => c.classList.contains('jp-mod-active'))")


def test_the_widget_runs_in_jupyterlab_and_keeps_its_arrow_keys(lab):
    from selenium.webdriver.common.keys import Keys

    driver, url = lab
    driver.get(url)
    wait_for(driver, lambda: len(css(driver, ".jp-Notebook .jp-Cell .cm-content")) == 2, "the notebook did not open")
    wait_for(driver, lambda: css(driver, ".jp-Notebook-ExecutionIndicator[data-status='idle']")
             or "Idle" in driver.find_element("css selector", "body").text, "no idle kernel")
    run_cell(driver, 0)
    grad = 'g.vg-node[data-name="x"] .vg-grad'
    wait_for(driver, lambda: css(driver, grad) and css(driver, grad)[0].text == "7.0000",
             "the widget did not render the kernel's snapshot")
    slider = css(driver, '.vg-explorer input[name="x"][type="range"]')[0]
    slider.click()
    time.sleep(0.5)
    before_cell, before_grad = active_cell(driver), css(driver, grad)[0].text
    for key in (Keys.ARROW_UP, Keys.ARROW_UP, Keys.ARROW_DOWN, Keys.ARROW_UP):
        slider.send_keys(key)
    wait_for(driver, lambda: css(driver, grad)[0].text != before_grad, "the arrow keys did not recompute", 30)
    assert active_cell(driver) == before_cell  # JupyterLab did not take the keys
    run_cell(driver, 1)
    printed = lambda: [o.text for o in css(driver, ".jp-OutputArea-output") if o.text.startswith("kernel sees x =")]
    wait_for(driver, printed, "the second cell did not run")
    shown = printed()[0].split("=")[1].strip()
    assert float(shown) != 2.0  # the kernel's widget holds the value dragged in the page
    assert not [e for e in console_errors(driver) if "vg-" in e or "anywidget" in e.lower()]
