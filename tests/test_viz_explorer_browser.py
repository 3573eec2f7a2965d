"""The explorer page in a real headless Chromium (Selenium): what a learner sees and does.

Skipped cleanly where chromium, chromedriver or selenium is missing; ``.ci/run`` installs them.
"""

from __future__ import annotations

import os

import pytest

from autograd import parse
from viz import ExplorerServer
from viz.walk import graph_order

from browser import console_errors, running_chromium

pytestmark = pytest.mark.browser

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")

from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

EXPRESSION = "cos(sin(x**2) + 3*x**2)"


@pytest.fixture(scope="module")
def driver():
    yield from running_chromium()


@pytest.fixture(scope="module")
def explorer():
    ex = ExplorerServer(EXPRESSION, {"x": 2.0}).start()
    yield ex
    ex.close()


@pytest.fixture()
def page(driver, explorer):
    driver.get("about:blank")
    driver.get(explorer.url)
    wait(driver, lambda d: text(d, "x", "data") == "2.0000")
    driver.get_log("browser")  # start each test with an empty console
    return driver


def wait(driver, condition, timeout=10):
    return WebDriverWait(driver, timeout, poll_frequency=0.02).until(condition)


def text(driver, name, part):
    """The text of a node's data or grad, as shown."""
    found = driver.find_elements(By.CSS_SELECTOR, f'g[data-name="{name}"] .vg-{part}')
    return found[0].get_attribute("textContent") if found else None


def engine(x):
    """The engine's own values and gradients at x, by node name (the page must show exactly these)."""
    y = parse(EXPRESSION).evaluate(x=x)
    y.backward()
    names = {v: n for v, n in zip(graph_order([y]), "x a b c d e f".split())}
    return {names[v]: (f"{v.data:.4f}", f"{v.grad:.4f}") for v in names}


def no_console_errors(driver):
    assert console_errors(driver) == []


def test_the_page_shows_every_value_and_gradient_of_the_engine(page):
    expected = engine(2.0)
    for name, (data, grad) in expected.items():
        assert (text(page, name, "data"), text(page, name, "grad")) == (data, grad)
    assert page.find_element(By.NAME, "expression").get_attribute("value") == EXPRESSION
    no_console_errors(page)


def test_typing_an_input_updates_values_and_gradients(page):
    box = page.find_element(By.CSS_SELECTOR, 'input[name="x"][type="number"]')
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("-1.3")
    expected = engine(-1.3)
    wait(page, lambda d: text(d, "x", "grad") == expected["x"][1])
    assert text(page, "f", "data") == expected["f"][0] and text(page, "c", "grad") == expected["c"][1]
    no_console_errors(page)


def test_dragging_the_slider_updates_values_and_gradients(page):
    slider = page.find_element(By.CSS_SELECTOR, 'input[name="x"][type="range"]')
    ActionChains(page).click_and_hold(slider).move_by_offset(-30, 0).move_by_offset(-20, 0).release().perform()
    wait(page, lambda d: text(d, "x", "data") != "2.0000")
    value = float(slider.get_attribute("value"))
    expected = engine(value)
    wait(page, lambda d: text(d, "x", "data") == expected["x"][0] and text(d, "x", "grad") == expected["x"][1])
    assert text(page, "a", "grad") == expected["a"][1]
    no_console_errors(page)


def test_rapid_changes_end_on_the_last_one(page):
    box = page.find_element(By.CSS_SELECTOR, 'input[name="x"][type="number"]')
    for value in ("0.1", "0.25", "0.5", "0.75", "1.5"):
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys(value)
    expected = engine(1.5)
    wait(page, lambda d: text(d, "x", "grad") == expected["x"][1])
    assert page.execute_script("return window.vgExplorer.state().values.x") == 1.5


def test_clicking_a_node_opens_its_chain_rule_and_highlights_the_path(page):
    page.find_element(By.CSS_SELECTOR, 'g[data-name="b"]').click()
    panel = page.find_element(By.CSS_SELECTOR, ".vg-panel")
    wait(page, lambda d: "b = sin(a)" in panel.text)
    body = panel.text
    assert "∂b/∂a = cos a" in body  # the rule in the graph's names
    assert "∂/∂x" not in body  # not in the textbook's letters, which would read as this graph's input x
    assert "-0.6536" in body and "-0.6337" in body             # local derivative and what b sends to a
    assert "∂f/∂b = 0.9695" in body                             # b's gradient, from its one use
    on_path = {g.get_attribute("data-name") for g in page.find_elements(By.CSS_SELECTOR, "g.vg-node.vg-on-path")}
    assert on_path == {"b", "e", "f"}
    no_console_errors(page)


def test_a_node_opens_from_the_keyboard_too(page):
    page.execute_script("document.querySelector('g[data-name=\"d\"]').focus()")
    assert page.switch_to.active_element.get_attribute("data-name") == "d"
    ActionChains(page).send_keys(Keys.ENTER).perform()
    wait(page, lambda d: "d = c × 3" in d.find_element(By.CSS_SELECTOR, ".vg-panel").text)
    no_console_errors(page)


def test_any_node_can_be_the_one_differentiated(page):
    page.find_element(By.CSS_SELECTOR, 'g[data-name="c"]').click()
    page.find_element(By.NAME, "differentiate").click()
    wait(page, lambda d: text(d, "c", "grad") == "1.0000")
    assert text(page, "x", "grad") == "4.0000" and text(page, "f", "grad") == "0.0000"  # dc/dx = 2x at 2
    assert "∂c/∂node" in page.find_element(By.CSS_SELECTOR, ".vg-target").text
    page.find_element(By.NAME, "reset-target").click()
    wait(page, lambda d: text(d, "f", "grad") == "1.0000")


def test_stepping_through_backward(page):
    Select(page.find_element(By.NAME, "mode")).select_by_value("backward")
    caption = page.find_element(By.CSS_SELECTOR, ".vg-caption-box")
    wait(page, lambda d: "step 0" in caption.text and "of 6" in d.find_element(By.CSS_SELECTOR, ".vg-step-label").text)
    assert text(page, "f", "grad") == "1.0000" and text(page, "x", "grad") == "?"
    page.find_element(By.NAME, "next").click()
    wait(page, lambda d: "f = cos(e) sends" in caption.text)
    assert "∂f/∂f · −sin e = 1.0000 × 0.9695 = 0.9695 to e" in caption.text
    assert text(page, "e", "grad") == "0.9695" and text(page, "b", "grad") == "?"
    page.find_element(By.NAME, "last").click()
    wait(page, lambda d: text(d, "x", "grad") == "9.0991")
    page.find_element(By.NAME, "back").click()
    wait(page, lambda d: text(d, "x", "grad") == "11.6340")  # before a = x² sends its share, only c's has arrived
    no_console_errors(page)


def test_a_bad_expression_shows_the_caret_and_keeps_the_last_graph(page):
    box = page.find_element(By.NAME, "expression")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("sin(x +* 2)", Keys.ENTER)
    error = page.find_element(By.CSS_SELECTOR, ".vg-error")
    wait(page, lambda d: "^" in error.text)
    assert "not a valid expression" in error.text
    assert text(page, "f", "data") == "0.2451"  # the last good graph stays
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("x * y", Keys.ENTER)
    wait(page, lambda d: text(d, "y", "data") == "1.0000")
    assert not error.is_displayed()
    wait(page, lambda d: "expr=x+*+y" in d.current_url or "expr=x%20*%20y" in d.current_url)  # once typing pauses


def test_hover_shows_the_pages_own_tooltip(page):
    ActionChains(page).move_to_element(page.find_element(By.CSS_SELECTOR, 'g[data-name="a"]')).perform()
    tip = page.find_element(By.CSS_SELECTOR, ".vg-tip")
    wait(page, lambda d: tip.is_displayed())
    assert tip.text.split("\n") == ["a", "value 4.0000", "grad -0.6337"]


def test_heat_colouring_and_search(page):
    page.find_element(By.NAME, "heat").click()
    wait(page, lambda d: d.find_elements(By.CSS_SELECTOR, 'g[data-name="x"].vg-h4'))
    search = page.find_element(By.NAME, "search")
    search.send_keys("d")
    wait(page, lambda d: [g.get_attribute("data-name") for g in d.find_elements(By.CSS_SELECTOR, "g.vg-found")] == ["d"])
    no_console_errors(page)


def test_a_shared_url_restores_expression_and_inputs(driver, explorer):
    driver.get("about:blank")
    driver.get(explorer.url + "#expr=x*y%2B1&x=3&y=-2")
    wait(driver, lambda d: text(d, "y", "grad") == "3.0000")
    assert text(driver, "x", "grad") == "-2.0000"
    assert driver.find_element(By.NAME, "expression").get_attribute("value") == "x*y+1"


def test_the_screenshot_example_writes_its_pictures(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, str(root / "examples" / "graph_explorer_screenshot.py"), "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(root)})
    assert done.returncode == 0, done.stderr[-2000:]
    for name in ("explorer.png", "explorer_steps.png", "explorer_mlp.png"):
        data = (tmp_path / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert width == 1360 and height > 400  # the window is 1360×720; the page gets what the browser leaves


def transform(driver):
    """The graph's pan and zoom as the page applies it: (x, y, scale) read from the stage's CSS transform."""
    import re

    style = driver.find_element(By.CSS_SELECTOR, ".vg-stage").get_attribute("style")
    x, y, k = re.search(r"translate\((-?[\d.e+-]+)px, (-?[\d.e+-]+)px\) scale\(([\d.e+-]+)\)", style).groups()
    return float(x), float(y), float(k)


def test_zooming_and_panning_move_the_graph_and_nodes_stay_clickable(page):
    from selenium.webdriver.common.actions.wheel_input import ScrollOrigin

    canvas = page.find_element(By.CSS_SELECTOR, ".vg-canvas")
    wait(page, lambda d: transform(d)[2] != 1)  # fitted to the canvas
    x0, y0, k0 = transform(page)
    ActionChains(page).scroll_from_origin(ScrollOrigin.from_element(canvas), 0, -120).perform()  # wheel up: zoom in
    wait(page, lambda d: transform(d)[2] > k0)
    assert transform(page)[2] == pytest.approx(k0 * 1.12, rel=1e-4)  # CSS keeps 6 digits
    x1, y1, k1 = transform(page)
    width, height = canvas.size["width"], canvas.size["height"]
    ActionChains(page).move_to_element_with_offset(canvas, -width // 2 + 12, height // 2 - 12).click_and_hold() \
        .move_by_offset(60, -40).release().perform()  # drag an empty corner: pan
    x2, y2, k2 = transform(page)
    assert (x2 - x1, y2 - y1, k2) == (pytest.approx(60, abs=1), pytest.approx(-40, abs=1), k1)
    page.find_element(By.CSS_SELECTOR, '.vg-zoom button[title="zoom out"]').click()
    assert transform(page)[2] == pytest.approx(k1 * 0.8, rel=1e-4)
    page.find_element(By.CSS_SELECTOR, 'g[data-name="b"]').click()  # still where the pointer finds it
    wait(page, lambda d: "b = sin(a)" in d.find_element(By.CSS_SELECTOR, ".vg-panel").text)
    page.find_element(By.CSS_SELECTOR, '.vg-zoom button[title="fit the graph"]').click()
    assert transform(page) == (pytest.approx(x0, abs=0.01), pytest.approx(y0, abs=0.01), pytest.approx(k0, rel=1e-4))
    no_console_errors(page)
