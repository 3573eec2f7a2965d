"""The notebook widget's front end in a real browser: its module rendered the way anywidget renders it (a model
with get/on/off/send), every request answered by the Python widget itself; keys stay inside the widget."""

import json

import pytest

pytest.importorskip("anywidget")

from browser import chromium, console_errors  # noqa: E402
from viz.widget import Explorer  # noqa: E402

pytestmark = pytest.mark.browser

# A cell: the widget's module imported from its text, as anywidget does, with a stand-in for the model.
HOST = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>{css}</style></head><body>
<div id="cell"></div>
<script type="application/json" id="state">{state}</script>
<script type="module">
const state = JSON.parse(document.getElementById("state").textContent);
const listeners = {{}};
window.outbox = [];
window.notebookKeys = 0;  // keys that reached the notebook around the widget
document.addEventListener("keydown", () => {{ window.notebookKeys += 1; }});
const model = {{
  get: (key) => state[key],
  on: (event, f) => {{ (listeners[event] ||= []).push(f); }},
  off: (event, f) => {{ listeners[event] = (listeners[event] || []).filter((g) => g !== f); }},
  send: (message) => {{ window.outbox.push(message); }},
}};
window.deliver = (message) => (listeners["msg:custom"] || []).forEach((f) => f(message));
const url = URL.createObjectURL(new Blob([state._esm], {{type: "text/javascript"}}));
const widget = (await import(url)).default;
widget.render({{model, el: document.getElementById("cell")}});
window.rendered = true;
</script></body></html>"""


class Kernel:
    """The Python widget answering what the page sends, as the Jupyter kernel would."""

    def __init__(self, widget, driver):
        self.widget, self.driver, self.replies = widget, driver, []
        widget.send = lambda content, buffers=None: self.replies.append(content)

    def serve(self):
        """Answer every message the page has sent so far; return how many."""
        messages = self.driver.execute_script("return window.outbox.splice(0)")
        for message in messages:
            self.widget._handle_custom_msg(message, [])
        self.push()
        return len(messages)

    def push(self):
        for reply in self.replies:
            self.driver.execute_script("window.deliver(arguments[0])", reply)
        self.replies.clear()


def wait_for(driver, condition, message):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, 10, poll_frequency=0.02).until(lambda d: condition(), message)


@pytest.fixture(scope="module")
def browser():
    driver = chromium()
    yield driver
    driver.quit()


@pytest.fixture
def cell(browser, tmp_path):
    return open_cell(browser, tmp_path, Explorer("x**2 + 3*x", x=2))


def open_cell(browser, tmp_path, widget):
    state = widget.get_state()
    page = tmp_path / "cell.html"
    page.write_text(HOST.format(css=state["_css"], state=json.dumps(state).replace("</", "<\\/")), encoding="utf-8")
    browser.get(page.as_uri())
    wait_for(browser, lambda: browser.execute_script("return window.rendered === true"), "the widget did not render")
    return widget, Kernel(widget, browser), browser


def grad_text(driver, name):
    return driver.find_element("css selector", f'g.vg-node[data-name="{name}"] .vg-grad').text


def test_the_widget_renders_the_kernels_snapshot(cell):
    _widget, _kernel, driver = cell
    assert grad_text(driver, "x") == "7.0000"  # d(x² + 3x)/dx at 2
    assert driver.find_element("css selector", 'input[name="x"][type="number"]').get_attribute("value") == "2"
    assert console_errors(driver) == []


def test_typing_a_value_asks_the_kernel_and_shows_its_answer(cell):
    widget, kernel, driver = cell
    box = driver.find_element("css selector", 'input[name="x"][type="number"]')
    box.clear()
    box.send_keys("5")
    wait_for(driver, lambda: kernel.serve() > 0 and widget.snapshot["inputs"][0]["value"] == 5.0,
             "no request reached the kernel")
    wait_for(driver, lambda: grad_text(driver, "x") == "13.0000", "the kernel's answer was not shown")
    assert console_errors(driver) == []


def test_set_from_python_moves_the_page(cell):
    widget, kernel, driver = cell
    widget.set(x=-1.5)
    kernel.push()
    wait_for(driver, lambda: grad_text(driver, "x") == "0.0000", "set() did not reach the page")
    box = driver.find_element("css selector", 'input[name="x"][type="number"]')
    assert float(box.get_attribute("value")) == -1.5


def test_arrow_keys_on_the_slider_stay_in_the_widget(cell):
    from selenium.webdriver.common.keys import Keys

    widget, kernel, driver = cell
    slider = driver.find_element("css selector", 'input[name="x"][type="range"]')
    slider.click()
    kernel.serve()  # a click on the slider may move it: answer that first
    start = widget.snapshot["inputs"][0]["value"]
    slider.send_keys(Keys.ARROW_RIGHT)
    wait_for(driver, lambda: kernel.serve() > 0 and widget.snapshot["inputs"][0]["value"] > start,
             "the arrow key did not move the input")
    assert driver.execute_script("return window.notebookKeys") == 0  # JupyterLab would not see them


def test_an_mlp_loss_folds_in_the_widget_as_on_the_page(browser, tmp_path):
    import nn
    from nn.losses import mse
    from selenium.webdriver.support.ui import Select

    net = nn.MLP(2, [4, 4, 1], "tanh", seed=2)
    widget, kernel, driver = open_cell(browser, tmp_path, Explorer(mse([net([0.5, -1.0])], [1.0])))
    cards = lambda: driver.execute_script("return [...document.querySelectorAll('g.vg-group')].map((g) => g.dataset.name)")
    assert cards() == ["L1.N1", "L1.N2", "L1.N3", "L1.N4", "L2.N1", "L2.N2", "L2.N3", "L2.N4", "L3.N1"]
    Select(driver.find_element("css selector", 'select[name="fold"]')).select_by_value("layer")
    wait_for(driver, lambda: kernel.serve() > 0 and widget.snapshot["fold"]["level"] == "layer", "no fold request")
    wait_for(driver, lambda: cards() == ["L1", "L2", "L3"], "the layer cards were not shown")
    widget.set(**{"L3.N1.b": 0.5})
    kernel.push()
    out = widget.snapshot["nodes"][widget.snapshot["fold"]["groups"][2]["outputs"][0]]
    assert widget.snapshot["fold"]["level"] == "layer" and out["name"] == "L3.N1.z"
    fresh = nn.MLP(2, [4, 4, 1], "tanh", seed=2)
    fresh.layers[2].neurons[0].b.data = 0.5
    assert out["data"] == fresh([0.5, -1.0]).data  # the engine's value with the new bias
    wait_for(driver, lambda: grad_text(driver, "L3") == f"{out['grad']:.4f}", "set() did not reach the folded card")
    assert driver.find_element("css selector", 'g[data-name="L3"] .vg-data').text == f"{out['data']:.4f}"
    assert console_errors(driver) == []
