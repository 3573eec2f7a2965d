"""The flip-book page in a real browser: keys, slider, Play and hover change the caption and the gradients shown."""

import pytest

import viz
from autograd import parse
from browser import chromium, console_errors

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """The tutorial exercise's flip-book open in headless Chromium; each test starts at step 0."""
    J = parse("cos(sin(x**2) + 3*x**2)").evaluate(x=2.0)
    J.label = "J"
    path = viz.save_steps(J, tmp_path_factory.mktemp("book") / "steps.html")
    driver = chromium()
    driver.get(path.as_uri())
    yield driver, path
    driver.quit()


def wait_for(driver, condition, message):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, 5, poll_frequency=0.02).until(lambda d: condition(), message)


def text(driver, css):
    return driver.find_element("css selector", css).text


def grad_of(driver, name):
    return driver.find_element("css selector", f'[data-name="{name}"] .grad').text


def at_step(page, k):
    driver, _path = page
    driver.execute_script(f"location.hash = '#step-{k}'; location.reload()")
    wait_for(driver, lambda: text(driver, "#step-number") == f"step {k}", f"page did not open at step {k}")
    return driver


def press(driver, key):
    driver.find_element("css selector", "body").send_keys(key)


def test_arrow_keys_step_the_caption_and_the_gradients(page):
    from selenium.webdriver.common.keys import Keys

    driver = at_step(page, 0)
    assert text(driver, "#head") == "seed ∂J/∂J = 1" and grad_of(driver, "J") == "1.0000"
    assert grad_of(driver, "x") == "?" and grad_of(driver, "e") == "?"
    for _ in range(4):
        press(driver, Keys.ARROW_RIGHT)
    wait_for(driver, lambda: text(driver, "#step-number") == "step 4", "→ did not step")
    assert text(driver, "#head") == "c = x^2 sends"
    assert text(driver, "#lines") == "∂J/∂c · 2·x = 2.9085 × 4.0000 = 11.6340 to x"
    assert grad_of(driver, "x") == "11.6340" and grad_of(driver, "a") == "?"
    x_card = driver.find_element("css selector", '[data-name="x"]')
    assert "fresh" in x_card.get_attribute("class")
    press(driver, Keys.ARROW_LEFT)
    wait_for(driver, lambda: text(driver, "#step-number") == "step 3", "← did not step back")
    assert grad_of(driver, "x") == "?" and "fresh" not in x_card.get_attribute("class")
    assert console_errors(driver) == []


def test_slider_jumps_to_the_last_step_with_the_engines_gradients(page):
    from selenium.webdriver.common.keys import Keys

    driver = at_step(page, 0)
    driver.find_element("id", "slider").send_keys(Keys.END)
    wait_for(driver, lambda: text(driver, "#step-number") == "step 6", "the slider did not move the page")
    assert text(driver, "#head") == "a = x^2 sends"
    assert text(driver, "#lines").endswith("(x now 11.6340 − 2.5348 = 9.0991)")
    assert grad_of(driver, "x") == "9.0991"
    assert driver.find_element("id", "next").get_attribute("disabled") == "true"
    assert console_errors(driver) == []


def test_the_processed_node_and_the_edges_to_its_operands_are_highlighted(page):
    driver = at_step(page, 2)  # e = b + d sends to b and d
    active = driver.find_elements("css selector", ".node.active")
    assert sorted(el.get_attribute("id") for el in active) == ["o5", "v5"]
    assert driver.find_element("css selector", ".node.card.active").get_attribute("data-name") == "e"
    hot = driver.find_elements("css selector", ".edge.hot")
    assert sorted((e.get_attribute("data-from"), e.get_attribute("data-to")) for e in hot) == [
        ("o5", "v5"), ("v2", "o5"), ("v4", "o5")]


def test_play_advances_and_pause_stops(page):
    driver = at_step(page, 0)
    driver.find_element("id", "play").click()
    wait_for(driver, lambda: text(driver, "#step-number") == "step 1", "Play did not advance")
    driver.find_element("id", "play").click()
    assert text(driver, "#play") == "Play"
    stopped = text(driver, "#step-number")
    driver.execute_script("return new Promise(done => setTimeout(done, 1100))")  # past the next tick
    assert text(driver, "#step-number") == stopped


def test_hover_shows_the_nodes_value_and_its_gradient_at_this_step(page):
    from selenium.webdriver.common.action_chains import ActionChains

    driver = at_step(page, 0)
    x_card = driver.find_element("css selector", '[data-name="x"]')
    ActionChains(driver).move_to_element(x_card).perform()
    wait_for(driver, lambda: driver.find_element("id", "tip").is_displayed(), "no tooltip on hover")
    assert text(driver, "#tip").splitlines() == ["x (input)", "data = 2.0", "grad = ? (not known yet)"]
    driver = at_step(page, 6)
    ActionChains(driver).move_to_element(driver.find_element("css selector", '[data-name="x"]')).perform()
    wait_for(driver, lambda: "grad = 9.09" in text(driver, "#tip"), "the tooltip did not follow the step")
    op = driver.find_element("id", "o2")  # sin
    ActionChains(driver).move_to_element(op).perform()
    wait_for(driver, lambda: text(driver, "#tip").startswith("b = sin(a) (op sin)"), "no rule on an op's tooltip")
    assert console_errors(driver) == []
