"""Folding an MLP loss in the explorer page, in a real headless Chromium (Selenium): one card per neuron or
layer, opening and folding back single groups, and cards that follow the sliders.

Skipped cleanly where chromium, chromedriver or selenium is missing; ``.ci/run`` installs them.
"""

from __future__ import annotations

import pytest

import nn
from autograd import Value
from nn.losses import mse
from viz import ExplorerServer

from browser import console_errors, running_chromium

pytestmark = pytest.mark.browser

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

SAMPLE, TARGET = (0.5, -1.0), 1.0


def mlp_loss(w1: float | None = None) -> tuple[nn.MLP, Value]:
    """An MLP(2, [8, 8, 1]) on one sample (each neuron one output), L1.N2's first weight optionally set."""
    net = nn.MLP(2, [8, 8, 1], "tanh", seed=4)
    if w1 is not None:
        net.layers[0].neurons[1].w[0].data = w1
    return net, mse([net(list(SAMPLE))], [TARGET])


def engine(w1: float | None = None) -> dict[str, float]:
    """The engine's values by label after backward (the page must show these, to 4 decimals)."""
    _, loss = mlp_loss(w1)
    loss.backward()
    from viz.walk import graph_order
    return {v.label: v for v in graph_order([loss]) if v.label}


@pytest.fixture(scope="module")
def driver():
    yield from running_chromium()


@pytest.fixture()
def page(driver):
    ex = ExplorerServer(mlp_loss()[1]).start()  # one per test: sliders change the graph's own leaves
    driver.get("about:blank")
    driver.get(ex.url)
    wait(driver, lambda d: len(cards(d)) == 17)
    console_errors(driver)
    yield driver
    ex.close()


def wait(driver, condition, timeout=10):
    return WebDriverWait(driver, timeout, poll_frequency=0.02).until(condition)


def cards(driver) -> list[str]:
    """The folded cards' names, read in one go (a new layout may replace them between two reads)."""
    return driver.execute_script("return [...document.querySelectorAll('g.vg-group')].map((g) => g.dataset.name)")


def text(driver, name, part):
    """A card's number as shown (None if no such card), read in one go."""
    return driver.execute_script("const t = document.querySelector(arguments[0]); return t ? t.textContent : null;",
                                 f'g[data-name="{name}"] .vg-{part}')


def test_an_mlp_loss_starts_folded_by_neuron_and_a_card_opens_and_folds_back(page):
    values = engine()
    assert Select(page.find_element(By.NAME, "fold")).first_selected_option.get_attribute("value") == "neuron"
    assert cards(page)[:3] == ["L1.N1", "L1.N2", "L1.N3"]
    assert text(page, "L2.N3", "data") == f"{values['L2.N3.out'].data:.4f}"
    assert text(page, "L2.N3", "grad") == f"{values['L2.N3.out'].grad:.4f}"
    size = sum(values[f"L1.N2.{p}"].grad ** 2 for p in ("w1", "w2", "b")) ** 0.5
    assert text(page, "L1.N2", "pgrad") == f"{size:.4f}"
    page.find_element(By.CSS_SELECTOR, 'g[data-name="L1.N2"]').click()
    panel = page.find_element(By.CSS_SELECTOR, ".vg-panel")
    wait(page, lambda d: "folded neuron" in panel.text)
    assert "3 params · tanh" in panel.text and f"‖∇params‖ = {size:.4f}" in panel.text
    assert f"∂mse/∂L1.N2.out = {values['L1.N2.out'].grad:.4f}" in panel.text  # its output's chain-rule line
    page.find_element(By.NAME, "open-group").click()
    wait(page, lambda d: d.find_elements(By.CSS_SELECTOR, 'g[data-name="L1.N2.w1"]'))
    assert len(cards(page)) == 16
    wait(page, lambda d: "open=L1.N2" in d.current_url)
    assert text(page, "L1.N2.out", "data") == f"{values['L1.N2.out'].data:.4f}"
    # A slider moves a weight inside the opened neuron: the folded cards downstream follow.
    box = page.find_element(By.CSS_SELECTOR, 'input[name="L1.N2.w1"][type="number"]')
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("1.5")
    moved = engine(1.5)
    wait(page, lambda d: text(d, "L2.N3", "data") == f"{moved['L2.N3.out'].data:.4f}")
    assert text(page, "L2.N3", "data") != f"{values['L2.N3.out'].data:.4f}"
    assert text(page, "L2.N3", "grad") == f"{moved['L2.N3.out'].grad:.4f}"
    page.find_element(By.NAME, "heat").click()  # a folded card's gradient takes its output's heat colour
    wait(page, lambda d: d.execute_script(
        "return [...document.querySelectorAll('g.vg-group')].filter((g) => /vg-h[0-4]/.test(g.getAttribute('class'))).length") == 16)
    page.find_element(By.CSS_SELECTOR, 'button[name="fold-back"][data-key="L1.N2"]').click()
    wait(page, lambda d: len(cards(d)) == 17)
    assert "vg-selected" in page.find_element(By.CSS_SELECTOR, 'g[data-name="L1.N2"]').get_attribute("class")
    assert console_errors(page) == []


def test_fold_by_layer_double_click_and_keyboard(page):
    Select(page.find_element(By.NAME, "fold")).select_by_value("layer")
    wait(page, lambda d: cards(d) == ["L1", "L2", "L3"])
    assert text(page, "L1", "count") == "8"  # eight outputs: the panel lists them
    page.find_element(By.NAME, "search").send_keys("L2.N5.w3")  # a folded node is found through its card
    wait(page, lambda d: d.execute_script("return [...document.querySelectorAll('g.vg-found')].map((g) => g.dataset.name)") == ["L2"])
    page.find_element(By.NAME, "search").clear()
    ActionChains(page).double_click(page.find_element(By.CSS_SELECTOR, 'g[data-name="L2"]')).perform()
    wait(page, lambda d: "L2.N8" in cards(d))
    wait(page, lambda d: "open=L2" in d.current_url)
    page.execute_script("document.querySelector('g[data-name=\"L2.N4\"]').focus()")
    ActionChains(page).send_keys(Keys.ENTER).perform()
    wait(page, lambda d: "L2.N4" in d.find_element(By.CSS_SELECTOR, ".vg-panel h2").text)
    ActionChains(page).send_keys("o").perform()
    wait(page, lambda d: d.find_elements(By.CSS_SELECTOR, 'g[data-name="L2.N4.w1"]'))
    ActionChains(page).double_click(page.find_element(By.CSS_SELECTOR, 'g[data-name="L2.N4.w1"]')).perform()
    wait(page, lambda d: "L2.N4" in cards(d))  # a double-click inside an opened neuron folds it back
    assert console_errors(page) == []


def test_a_shared_url_restores_the_fold_and_drops_a_group_the_graph_lacks(driver):
    ex = ExplorerServer(mlp_loss()[1]).start()
    try:
        driver.get("about:blank")
        driver.get(ex.url + "#fold=neuron&open=L1.N2,L9.N99")  # L9.N99: hand-edited, no such group
        wait(driver, lambda d: "L1.N2.out" in d.execute_script(
            "return [...document.querySelectorAll('g.vg-node')].map((g) => g.dataset.name)"))
        assert "L1.N2" not in cards(driver) and "L1.N1" in cards(driver)  # L1.N2 opened, the rest folded
        error = driver.find_element(By.CSS_SELECTOR, ".vg-error")
        assert not error.text  # the unknown name was dropped, not sent (the server would refuse it)
        assert console_errors(driver) == []
    finally:
        ex.close()


def shown_inputs(driver) -> list[str]:
    return driver.execute_script(
        "return [...document.querySelectorAll('.vg-input')].filter((r) => !r.hidden).map((r) => r.dataset.input)")


def test_a_models_many_sliders_can_be_filtered_and_a_card_shows_its_own(page):
    assert len(shown_inputs(page)) == 2 * 8 + 8 + 8 * 8 + 8 + 8 + 1  # every parameter, before filtering
    page.find_element(By.NAME, "input-filter").send_keys("L1.N2.")
    wait(page, lambda d: shown_inputs(d) == ["L1.N2.w1", "L1.N2.w2", "L1.N2.b"])
    page.find_element(By.CSS_SELECTOR, 'g[data-name="L2.N3"]').click()
    page.find_element(By.NAME, "group-sliders").click()  # the folded card's own parameters
    wait(page, lambda d: shown_inputs(d) == [f"L2.N3.w{i}" for i in range(1, 9)] + ["L2.N3.b"])
    box = page.find_element(By.CSS_SELECTOR, 'input[name="L2.N3.b"][type="number"]')
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("0.75")  # a filtered slider still drives the engine
    net, _ = mlp_loss()
    net.layers[1].neurons[2].b.data = 0.75
    moved = net.layers[1].neurons[2](net.layers[0](list(SAMPLE))).data  # the engine's L2.N3 output now
    wait(page, lambda d: text(d, "L2.N3", "data") == f"{moved:.4f}")
    page.find_element(By.NAME, "input-filter").clear()
    page.find_element(By.NAME, "input-filter").send_keys(" ")  # blank: every slider again
    wait(page, lambda d: len(shown_inputs(d)) == 105)
    assert console_errors(page) == []
