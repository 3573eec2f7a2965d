"""Real-browser tests of the playground page: headless Chromium driven by Selenium (skipped without them)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

webdriver = pytest.importorskip("selenium.webdriver")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
if not CHROMIUM or not os.path.exists(DRIVER):
    pytest.skip("needs chromium and chromedriver (apt-get install chromium chromium-driver)", allow_module_level=True)

from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from viz.playground_server import Playground  # noqa: E402

CONFIG = {"points": 100, "hidden": [4, 3], "batch_size": 10}


@pytest.fixture(scope="module")
def browser():
    os.environ["SE_OFFLINE"] = "true"  # never try to download a browser
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1500,1100"):
        options.add_argument(arg)
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()


@pytest.fixture
def page(browser):
    pg = Playground(CONFIG).start()
    browser.get(pg.url)
    wait(browser).until(lambda d: d.find_element(By.ID, "pg-heatmap").get_attribute("data-frames"))
    browser.get_log("browser")  # start each test with an empty console
    yield browser, pg
    pg.close()


def wait(driver, seconds=15):
    return WebDriverWait(driver, seconds, poll_frequency=0.02)


def step_shown(driver):
    return int(driver.find_element(By.ID, "pg-step").text.replace(",", ""))


def no_console_errors(driver):
    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert not errors, errors


def test_play_makes_the_step_count_grow_and_draws_the_heatmap_and_curves(page):
    driver, pg = page
    frames = int(driver.find_element(By.ID, "pg-heatmap").get_attribute("data-frames"))
    driver.find_element(By.ID, "pg-play").click()
    wait(driver).until(lambda d: step_shown(d) >= 30)
    wait(driver).until(lambda d: int(d.find_element(By.ID, "pg-heatmap").get_attribute("data-frames")) >= frames + 3)
    driver.find_element(By.ID, "pg-play").click()
    wait(driver).until(lambda d: not pg.player.playing)
    assert int(driver.find_element(By.ID, "pg-curves").get_attribute("data-points")) >= 4
    # The picture holds both classes' colours: orange-ish and blue-ish pixels across the plane.
    hues = driver.execute_script("""
        const c = document.getElementById('pg-heatmap'), ctx = c.getContext('2d'), seen = {orange: 0, blue: 0};
        for (let x = 5; x < c.width; x += 20) for (let y = 5; y < c.height; y += 20) {
          const [r, g, b] = ctx.getImageData(x, y, 1, 1).data;
          if (r > b + 30) seen.orange++; if (b > r + 30) seen.blue++;
        }
        return seen;""")
    assert hues["orange"] > 10 and hues["blue"] > 10
    shown = driver.find_element(By.ID, "pg-test-loss").text
    assert shown == f"{pg.session.state(pictures=False)['test_loss']:.4f}"
    no_console_errors(driver)


def test_hovering_a_weight_shows_its_value_and_gradient(page):
    driver, pg = page
    driver.find_element(By.ID, "pg-stepbtn").click()
    wait(driver).until(lambda d: step_shown(d) == 1)
    edge = driver.find_element(By.CSS_SELECTOR, 'path.pg-edge-hit[data-weight="L1.N1.w1"]')
    ActionChains(driver).move_to_element(edge).perform()
    tip = driver.find_element(By.ID, "pg-tip")
    wait(driver).until(lambda d: tip.is_displayed())
    w = pg.session.model.layers[0].neurons[0].w[0]
    assert "L1.N1.w1" in tip.text
    assert tip.find_element(By.CSS_SELECTOR, '[data-tip="value"]').text == f"{w.data:.4f}"
    assert tip.find_element(By.CSS_SELECTOR, '[data-tip="grad"]').text == f"{w.grad:.4f}"
    no_console_errors(driver)


def test_clicking_a_neuron_opens_its_scalar_graph(page):
    driver, pg = page
    pytest.importorskip("viz.snapshot")
    driver.find_element(By.CSS_SELECTOR, '[data-neuron="L2.N1"]').click()
    card = driver.find_element(By.ID, "pg-graph-card")
    wait(driver).until(lambda d: card.is_displayed())
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, '#pg-graph [data-name="x1"]'))
    assert "L2.N1" in driver.find_element(By.ID, "pg-graph-title").text
    out = driver.find_element(By.CSS_SELECTOR, '#pg-graph [data-name="L2.N1.out"]')
    before = out.text
    driver.find_element(By.ID, "pg-play").click()  # live: the graph's numbers follow training
    wait(driver).until(lambda d: out.text != before)
    driver.find_element(By.ID, "pg-play").click()
    no_console_errors(driver)


def test_a_new_data_set_resets_the_run(page):
    driver, pg = page
    driver.find_element(By.ID, "pg-stepbtn").click()
    wait(driver).until(lambda d: step_shown(d) == 1)
    driver.find_element(By.CSS_SELECTOR, '[data-dataset="circles"]').click()
    wait(driver).until(lambda d: pg.session.config.dataset == "circles" and step_shown(d) == 0)
    no_console_errors(driver)


def test_the_readme_screenshot_script_writes_a_png(tmp_path):
    script = Path(__file__).resolve().parent.parent / "examples" / "graph_playground.py"
    done = subprocess.run([sys.executable, str(script), "--out", str(tmp_path)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "test accuracy" in done.stdout
    for name in ("playground.png", "playground_neuron.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
