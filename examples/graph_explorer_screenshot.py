"""Screenshots of the live explorer (``python -m viz explore``) taken with headless Chromium.

Run: python examples/graph_explorer_screenshot.py [--out DIR | --docs]
Needs chromium, chromedriver and selenium. Writes explorer.png (a node's chain rule open, its path to
the output highlighted), explorer_steps.png (backpropagation stepped to its third node) and explorer_mlp.png
(an MLP's loss folded one card per neuron, one neuron opened, another's card chosen).
"""

from __future__ import annotations

import sys
from pathlib import Path

from graph_output import ROOT, headless_chromium, picture_folder

import nn
from autograd.files import write_atomically
from nn.losses import mse
from viz import ExplorerServer

EXPRESSION = "cos(sin(x**2) + 3*x**2)"


def chromium():
    return headless_chromium("1360,720")  # exits with what to install when selenium or chromium is missing


def main() -> None:
    folder, _docs = picture_folder(__doc__.splitlines()[0])
    driver = chromium()
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    explorer = ExplorerServer(EXPRESSION, {"x": 2.0}).start()
    wait = WebDriverWait(driver, 20, poll_frequency=0.02)
    try:
        driver.get(explorer.url)
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, 'g[data-name="b"] .vg-data'))
        driver.find_element(By.CSS_SELECTOR, 'g[data-name="b"]').click()
        wait.until(lambda d: "b = sin(a)" in d.find_element(By.CSS_SELECTOR, ".vg-panel").text)
        shoot(driver, folder / "explorer.png")
        driver.find_element(By.NAME, "close").click()
        Select(driver.find_element(By.NAME, "mode")).select_by_value("backward")
        wait.until(lambda d: "of 6" in d.find_element(By.CSS_SELECTOR, ".vg-step-label").text)
        for _ in range(3):
            driver.find_element(By.NAME, "next").click()
        wait.until(lambda d: "d = c × 3 sends" in d.find_element(By.CSS_SELECTOR, ".vg-caption-box").text)
        shoot(driver, folder / "explorer_steps.png")
        mlp_picture(driver, wait, folder / "explorer_mlp.png")
    finally:
        driver.quit()
        explorer.close()


def mlp_picture(driver, wait, path: Path) -> None:
    """An MLP(2, [4, 4, 1]) loss on one sample, folded by neuron, L1.N2 opened and L2.N3's card chosen."""
    from selenium.webdriver.common.by import By

    net = nn.MLP(2, [4, 4, 1], "tanh", seed=2)
    explorer = ExplorerServer(mse([net([0.5, -1.0])], [1.0])).start()
    try:
        driver.get(explorer.url + "#fold=neuron&open=L1.N2")
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, 'g[data-name="L1.N2.w1"] .vg-data'))
        wait.until(lambda d: d.find_element(By.CSS_SELECTOR, 'g[data-name="L2.N3"] .vg-data').text)
        driver.find_element(By.CSS_SELECTOR, 'g[data-name="L2.N3"]').click()
        wait.until(lambda d: "folded neuron" in d.find_element(By.CSS_SELECTOR, ".vg-panel").text)
        shoot(driver, path)
    finally:
        explorer.close()


def shoot(driver, path: Path) -> None:
    driver.execute_script("document.activeElement && document.activeElement.blur();"
                          "document.querySelector('.vg-tip').classList.remove('vg-shown')")  # no stray hover
    write_atomically(path, driver.get_screenshot_as_png())
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


if __name__ == "__main__":
    sys.exit(main())
