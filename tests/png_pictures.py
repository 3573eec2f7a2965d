"""Reading PNG files back as pixels, so picture tests check what a person would see, not file headers."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def read_png(path: str | Path) -> np.ndarray:
    """The picture as an (height, width, 3) float array of RGB in [0, 1] (decoded by matplotlib)."""
    from matplotlib.image import imread

    pixels = imread(str(path), format="png")
    assert pixels.ndim == 3 and pixels.shape[2] in (3, 4), pixels.shape
    return pixels[:, :, :3]


def rgb(colour: str) -> np.ndarray:
    """``"#0072B2"`` as RGB floats; with ``alpha`` blending over white use ``on_white``."""
    return np.array([int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])


def on_white(colour: str, alpha: float) -> np.ndarray:
    return alpha * rgb(colour) + (1 - alpha) * np.ones(3)


def share(pixels: np.ndarray, colour: np.ndarray, tolerance: float = 0.03) -> float:
    """The fraction of pixels within ``tolerance`` (per channel) of ``colour``."""
    return float(np.mean(np.all(np.abs(pixels - colour) <= tolerance, axis=2)))


def has_size_of(pixels: np.ndarray, fig) -> bool:
    """Whether the picture is the figure's size at its own dpi (to the pixel the renderer rounds to)."""
    width, height = fig.get_size_inches() * fig.dpi
    return abs(pixels.shape[0] - height) < 1 and abs(pixels.shape[1] - width) < 1
