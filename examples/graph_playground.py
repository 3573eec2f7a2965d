"""A screenshot of the playground page (python -m viz playground) after training, taken with headless Chromium.

Run: python examples/graph_playground.py [--out DIR | --docs]
Trains a 2-8-8-1 tanh network on the spirals with x₁, x₂, sin x₁ and sin x₂ for 300 steps (no
background thread, so the picture is the same every time), then photographs the page: the data
controls, the network with its neuron heatmaps, the loss curves and the decision boundary
(playground.png); then trains a small 2-3-2-1 network on the moons, clicks neuron L2.N1 and
photographs its scalar graph for one training sample in the explorer's view, with input x1's
chain rule open (playground_neuron.png). Needs selenium and the apt packages chromium and
chromium-driver.
"""

import time

from graph_output import ROOT, headless_chromium, picture_folder

from viz.playground_server import Playground

CONFIG = {"dataset": "spirals", "noise": 0.05, "features": ["x1", "x2", "sin(x1)", "sin(x2)"], "hidden": [8, 8],
          "activation": "tanh", "optimizer": "adam", "lr": 0.03, "batch_size": 10, "seed": 0}
STEPS = 300
SMALL = {"dataset": "moons", "hidden": [3, 2], "activation": "tanh", "seed": 0}


def browser():
    global ActionChains, WebDriverWait
    driver = headless_chromium("1500,880")  # exits with what to install when selenium or chromium is missing
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.support.ui import WebDriverWait
    return driver


folder, docs = picture_folder(__doc__.splitlines()[0])
pg = Playground(CONFIG).start()
pg.session.step(STEPS)
state = pg.session.state(pictures=False)
print(f"spirals, 2-8-8-1 tanh with sin features: {STEPS} steps, test accuracy {state['test_accuracy']:.0%}")
driver = browser()
try:
    driver.get(pg.url)
    driver.find_element("id", "pg-show-test").click()  # the test points too, ringed in dark
    time.sleep(0.5)  # let the page paint its first frame
    path = folder / "playground.png"
    driver.save_screenshot(str(path))
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    pg.session.reset(SMALL)
    pg.session.step(STEPS)
    driver.get(pg.url)
    driver.find_element("css selector", '[data-neuron="L2.N1"]').click()
    wait = WebDriverWait(driver, 20, poll_frequency=0.05)
    x1 = wait.until(lambda d: d.find_elements("css selector", '#pg-graph g.vg-node[data-name="x1"]'))[0]
    x1.click()  # its chain rule: how ∂out/∂x1 is made of the gradients it receives
    ActionChains(driver).move_to_element(driver.find_element("id", "pg-graph-title")).perform()  # no tooltip
    driver.set_window_size(1500, driver.execute_script("return document.body.scrollHeight") + 100)
    time.sleep(0.5)
    path = folder / "playground_neuron.png"
    driver.find_element("id", "pg-graph-card").screenshot(str(path))
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
finally:
    driver.quit()
    pg.close()
