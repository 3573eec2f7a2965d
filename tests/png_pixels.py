"""A small PNG reader for tests (zlib and numpy): the picture's size and its pixels as RGB tuples."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

import numpy as np

_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # PNG colour type -> samples per pixel


@dataclass
class Picture:
    width: int
    height: int
    rgb: np.ndarray | None  # height × width × 3, alpha blended onto white

    def near(self, colour: str, tolerance: int = 24) -> int:
        """How many pixels are within ``tolerance`` (per channel) of the hex ``colour``."""
        target = np.array([int(colour[k:k + 2], 16) for k in (1, 3, 5)])
        return int((np.abs(self.rgb - target) <= tolerance).all(axis=2).sum())

    def inked(self) -> int:
        """How many pixels are not white."""
        return int((self.rgb < 250).any(axis=2).sum())


def read_png(data: bytes, pixels: bool = True) -> Picture:
    """Decode an 8-bit, non-interlaced PNG (what graphviz writes) into RGB rows; ValueError otherwise.

    ``pixels=False`` checks every chunk and the image data's length but skips undoing the filters
    (slow in Python for big pictures); the picture's ``rgb`` is then None."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    pos, idat, palette, header = 8, b"", None, None
    while pos < len(data):
        (length,), kind = struct.unpack(">I", data[pos:pos + 4]), data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if zlib.crc32(kind + body) != struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0]:
            raise ValueError(f"bad CRC in chunk {kind!r}")
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"PLTE":
            palette = [tuple(body[k:k + 3]) for k in range(0, len(body), 3)]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or interlace:
        raise ValueError(f"only 8-bit non-interlaced PNGs are read here, got depth {depth}, interlace {interlace}")
    channels = _CHANNELS[colour]
    raw = zlib.decompress(idat)
    stride = width * channels
    if len(raw) != height * (stride + 1):
        raise ValueError(f"image data holds {len(raw)} bytes, not the {height * (stride + 1)} its header implies")
    if not pixels:
        return Picture(width, height, None)
    previous = np.zeros(stride, dtype=np.int64)
    lines = []
    for y in range(height):
        start = y * (stride + 1)
        line = np.frombuffer(raw, dtype=np.uint8, count=stride, offset=start + 1).astype(np.int64)
        previous = _unfilter(raw[start], line, previous, channels)
        lines.append(previous)
    samples = np.array(lines, dtype=np.int64).reshape(height, width, channels)
    return Picture(width, height, _rgb(samples, colour, palette))


def _unfilter(kind: int, line: np.ndarray, previous: np.ndarray, bpp: int) -> np.ndarray:
    """One scanline with its PNG filter undone (None/Sub/Up vectorised; Average and Paeth byte by byte)."""
    if kind == 0:
        return line
    if kind == 1:  # each byte adds the one bpp before it: a running sum per channel
        return (line.reshape(-1, bpp).cumsum(axis=0) & 0xFF).reshape(-1)
    if kind == 2:
        return (line + previous) & 0xFF
    out = line.tolist()
    up = previous.tolist()
    for i in range(len(out)):
        a = out[i - bpp] if i >= bpp else 0
        b = up[i]
        if kind == 3:
            out[i] = (out[i] + (a + b) // 2) & 0xFF
        else:
            c = up[i - bpp] if i >= bpp else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            out[i] = (out[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
    return np.array(out, dtype=np.int64)


def _rgb(samples: np.ndarray, colour: int, palette) -> np.ndarray:
    if colour == 3:
        return np.array(palette, dtype=np.int64)[samples[..., 0]]
    rgb = samples[..., :1].repeat(3, axis=2) if colour in (0, 4) else samples[..., :3]
    if colour not in (4, 6):
        return rgb
    alpha = samples[..., -1:]
    return (rgb * alpha + 255 * (255 - alpha)) // 255  # onto white
